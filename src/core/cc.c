/* Congestion control: RFC 5681 slow start and congestion avoidance, fast
 * retransmit, and RFC 6582 NewReno fast recovery. */
#include "conn.h"

void cc_init(tcps_conn *c)
{
	uint32_t mss = c->snd_mss;
	/* RFC 5681 §3.1 initial window. */
	c->cwnd = mss > 2190 ? 2 * mss : mss > 1095 ? 3 * mss : 4 * mss;
	c->ssthresh = UINT32_MAX;
	c->recover = c->iss;
	c->in_recovery = false;
	c->dupacks = 0;
	c->bytes_acked = 0;
}

/* max(FlightSize / 2, 2 * SMSS), where FlightSize leaves out what Limited
 * Transmit sent (RFC 5681 §3.2 step 2). */
static uint32_t half_flight(const tcps_conn *c)
{
	uint32_t flight = conn_flight(c);
	uint32_t half = (flight > c->lt_bytes ? flight - c->lt_bytes : 0) / 2;
	return half > 2 * c->snd_mss ? half : 2 * c->snd_mss;
}

void cc_on_ack(tcps_conn *c, uint32_t acked)
{
	uint32_t mss = c->snd_mss;
	c->dupacks = 0;
	c->lt_bytes = 0;
	if (c->in_recovery) {
		if (seq_geq(c->snd_una, c->recover)) {
			/* Full ACK (RFC 6582 §3.2 step 3): deflate. */
			uint32_t flight = conn_flight(c);
			uint32_t w = (flight > mss ? flight : mss) + mss;
			c->cwnd = w < c->ssthresh ? w : c->ssthresh;
			c->in_recovery = false;
		} else {
			/* Partial ACK (step 4): the next hole goes now; deflate by
			 * what was acknowledged, add back one MSS if that much. */
			c->rexmit_one = true;
			c->retransmits++; /* a segment sent again, as in cc_on_dupack */
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
			if (acked >= mss)
				c->cwnd += mss;
			if (c->cwnd < mss)
				c->cwnd = mss;
		}
		return;
	}
	if (c->cwnd < c->ssthresh) {
		c->cwnd += acked < mss ? acked : mss; /* slow start, RFC 5681 (2) */
	} else {
		/* Congestion avoidance: one MSS per cwnd of data acknowledged. */
		c->bytes_acked += acked;
		if (c->bytes_acked >= c->cwnd) {
			c->bytes_acked -= c->cwnd;
			c->cwnd += mss;
		}
	}
}

bool cc_on_dupack(tcps_conn *c)
{
	c->dupacks++;
	if (c->in_recovery) {
		c->cwnd += c->snd_mss; /* each dupack: a segment has left */
		return false;
	}
	/* RFC 6582 §3.2 step 2: no new recovery for losses of the last one. */
	if (c->dupacks != TCPS_DUPACK_THRESH || !seq_gt(c->snd_una, c->recover))
		return false;
	cc_enter_recovery(c);
	return true;
}

void cc_enter_recovery(tcps_conn *c)
{
	c->ssthresh = half_flight(c);
	c->recover = c->snd_max;
	c->cwnd = c->ssthresh + TCPS_DUPACK_THRESH * c->snd_mss;
	c->in_recovery = true;
	c->lt_bytes = 0;
	/* Recovery has its own clock, and its cut covers a loss a probe found. */
	c->pto_at = TCPS_NEVER;
	c->tlp_out = false;
	c->retransmits++;
}

void cc_on_loss_repaired(tcps_conn *c, uint32_t flight)
{
	uint32_t half = flight / 2;
	c->ssthresh = half > 2 * c->snd_mss ? half : 2 * c->snd_mss;
	c->cwnd = c->ssthresh;
	c->bytes_acked = 0;
}

void cc_on_timeout(tcps_conn *c)
{
	/* RFC 5681 (4) and loss window; RFC 6582 §3.2 step 5: recover. */
	if (c->backoff <= 1)
		c->ssthresh = half_flight(c);
	c->cwnd = c->snd_mss;
	c->recover = c->snd_max;
	c->in_recovery = false;
	c->dupacks = 0;
	c->bytes_acked = 0;
}
