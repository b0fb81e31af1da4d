/* Tail loss probe (RFC 8985 §7).  When the last segments of a flight are
 * lost, nothing comes back to start fast retransmit: the loss waits for
 * the retransmission timer (200 ms at least) and then restarts from a
 * window of one segment.  Over a TUN device a whole flight often goes in
 * one GSO write, so one drop is such a tail.  A probe sent 2*SRTT after
 * the last transmission draws an ACK whose SACK blocks start fast
 * recovery instead (input.c una_lost). */
#include "conn.h"

/* §7.2 leaves the floor to the implementation; Linux's is 10 ms. */
#define TLP_MIN (10 * TCPS_NS_PER_MS)
/* §7.2's WCDelAckT: how long a lone segment's ACK may be delayed. */
#define TLP_DELACK (200 * TCPS_NS_PER_MS)

static bool may_probe(const tcps_conn *c)
{
	bool sending = c->state == TCPS_ESTABLISHED || c->state == TCPS_CLOSE_WAIT ||
		       c->state == TCPS_FIN_WAIT_1 || c->state == TCPS_CLOSING || c->state == TCPS_LAST_ACK;
	return sending && c->cfg.tlp && c->rtt_valid && !c->in_recovery && !c->tlp_out && !c->backoff &&
	       c->persist_at == TCPS_NEVER && c->snd_una != c->snd_max && c->snd_nxt == c->snd_max;
}

void tlp_arm(tcps_conn *c, uint64_t now)
{
	c->pto_at = TCPS_NEVER;
	if (!may_probe(c))
		return;
	uint64_t pto = 2 * c->srtt;
	if (conn_flight(c) <= c->snd_mss)
		pto += TLP_DELACK;
	if (pto < TLP_MIN)
		pto = TLP_MIN;
	if (now + pto < c->rexmt_at) /* else the retransmission timer comes first */
		c->pto_at = now + pto;
}

void tlp_fire(tcps_conn *c)
{
	c->pto_at = TCPS_NEVER;
	if (may_probe(c))
		c->tlp_pending = true;
}

/* RFC 2883: a SACK block at or below the cumulative ACK reports a
 * duplicate the peer received. */
static bool dsack(const tcps_segment *seg)
{
	if (!(seg->options & TCPS_OPT_SACK))
		return false;
	for (uint8_t i = 0; i < seg->nsack && i < TCPS_MAX_SACK_BLOCKS; i++)
		if (seq_leq(seg->sack[i].right, seg->ack))
			return true;
	return false;
}

void tlp_acked(tcps_conn *c, const tcps_segment *seg)
{
	if (!c->tlp_out || seq_lt(seg->ack, c->tlp_high))
		return;
	c->tlp_out = false;
	/* §7.4: the probe resent the last segment and this ACK covers it.
	 * Unless a D-SACK says the first copy arrived too, the probe repaired
	 * a loss, which costs what fast recovery would have. */
	if (c->tlp_rexmit && !c->in_recovery && !dsack(seg))
		cc_on_loss_repaired(c, c->tlp_flight);
}
