/* ICMP errors for a connection: see tcps_icmp_unreachable() and
 * tcps_icmp_mtu() in tcpstate/tcpstate.h. */
#include "conn.h"

/* RFC 5927 §4.1: the quoted segment must be one of ours still in flight.
 * Hard errors end only a connection still opening, as Linux does and as
 * RFC 5927 §4.2 advises: aborting a synchronized connection on an ICMP
 * message would hand anyone who can forge one a way to reset it. */
static bool about_flight(const tcps_conn *c, uint32_t seq)
{
	return c->state != TCPS_CLOSED && c->state != TCPS_LISTEN && seq_in(seq, c->snd_una, c->snd_max);
}

int tcps_icmp_unreachable(tcps_conn *c, uint32_t seq, bool hard, int err, uint64_t now)
{
	(void)now;
	if (!about_flight(c, seq))
		return 0;
	if (hard && (c->state == TCPS_SYN_SENT || c->state == TCPS_SYN_RCVD)) {
		conn_closed(c, err, TCPS_EV_TIMEOUT_USER);
		return err;
	}
	c->soft_error = err;
	return 0;
}

void tcps_icmp_mtu(tcps_conn *c, uint32_t seq, uint32_t mss_max, uint64_t now)
{
	if (!about_flight(c, seq))
		return;
	uint32_t opts = c->ts_ok ? 12 : 0;
	uint32_t mss = mss_max > 64 + opts ? mss_max - opts : 64;
	if (mss >= c->snd_mss)
		return;
	c->snd_mss = mss;
	/* RFC 1191 §6.5: what was sent in the old size is lost; send it again
	 * now, without counting it as congestion (RFC 8201 likewise). */
	c->snd_nxt = c->snd_una;
	c->rtt_timing = false;
	rexmt_restart(c, now);
}
