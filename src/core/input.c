/* SEGMENT ARRIVES (RFC 9293 §3.10.7), one function per group of states,
 * and within the synchronized states one function per step of §3.10.7.4. */
#include "conn.h"

/* The segment after trimming to the receive window: what steps six to
 * eight see. */
typedef struct arrival {
	const tcps_segment *seg;
	uint32_t seq;          /* first sequence number kept */
	const uint8_t *data;   /* text kept */
	uint32_t len;
	uint8_t flags;         /* SYN/FIN cleared when trimmed away */
	uint64_t now;
} arrival;

/* ---- Options from the peer's SYN (RFC 9293 §3.7.1, RFC 7323, RFC 2018) ---- */

void conn_options_from_syn(tcps_conn *c, const tcps_segment *seg)
{
	uint32_t peer_mss = c->tuple.family == 6 ? TCPS_DEFAULT_MSS_V6 : TCPS_DEFAULT_MSS_V4;
	if (seg->options & TCPS_OPT_MSS)
		peer_mss = seg->mss;
	if (peer_mss > c->cfg.mss)
		peer_mss = c->cfg.mss;

	/* Window scaling and timestamps are on only when both SYNs carry them;
	 * our offer was made from the configuration. */
	c->ws_ok = (seg->options & TCPS_OPT_WSCALE) && c->cfg.wscale >= 0;
	c->snd_wscale = c->ws_ok ? (seg->wscale > 14 ? 14 : seg->wscale) : 0;
	if (!c->ws_ok)
		c->rcv_wscale = 0;
	c->ts_ok = (seg->options & TCPS_OPT_TS) && c->cfg.timestamps;
	if (c->ts_ok)
		c->ts_recent = seg->tsval;
	c->sack_ok = (seg->options & TCPS_OPT_SACK_OK) && c->cfg.sack;

	/* The MSS counts no options; every segment of ours will carry the 12
	 * bytes of the timestamp option (RFC 7323 §2.2 does not change MSS). */
	if (c->ts_ok)
		peer_mss -= 12;
	c->snd_mss = peer_mss < 16 ? 16 : peer_mss;
	cc_init(c);
}

/* The peer's SYN opens our receive side: LISTEN, simultaneous open and a
 * TIME_WAIT reopened by RFC 6191 all go through here. */
static void accept_syn(tcps_conn *c, const tcps_segment *seg)
{
	conn_init_rcv(c, seg->seq);
	conn_options_from_syn(c, seg);
	c->snd_wnd = seg->wnd; /* never scaled in a SYN (RFC 7323 §2.2) */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = c->iss;
}

/* ---- §3.10.7.1 CLOSED and §3.10.7.2 LISTEN ---- */

/* A RST answering `seg`, sent back to where it came from: in CLOSED and in
 * LISTEN the tuple may not name the peer (a fresh connection, a listener
 * for any peer), and a RST to port 0 would reach no one. */
static void reply_rst(tcps_conn *c, const tcps_segment *seg, uint32_t seq, uint32_t ack, uint8_t flags)
{
	out_queue_rst(c, seq, ack, flags);
	c->rst_sport = seg->dport;
	c->rst_dport = seg->sport;
}

static int closed_arrives(tcps_conn *c, const tcps_segment *seg)
{
	tcps_segment rst;
	if (tcps_reset_for(seg, &rst))
		reply_rst(c, seg, rst.seq, rst.ack, rst.flags);
	return 0;
}

static int listen_arrives(tcps_conn *c, const tcps_segment *seg, uint64_t now)
{
	if (seg->flags & TCPS_RST)
		return 0;
	if (seg->flags & TCPS_ACK) {
		reply_rst(c, seg, seg->ack, 0, TCPS_RST);
		return 0;
	}
	if (!(seg->flags & TCPS_SYN))
		return 0;
	/* Text on the SYN is not acknowledged: the peer sends it again once
	 * the connection is synchronized (§3.10.7.2 lets us queue or drop). */
	if (!c->tuple.remote_port)
		c->tuple.remote_port = seg->sport;
	conn_choose_iss(c, now);
	accept_syn(c, seg);
	conn_apply(c, TCPS_EV_RCV_SYN);
	return 0;
}

static void new_ack(tcps_conn *c, const tcps_segment *seg, uint64_t now);
static uint32_t rcv_wnd_offered(const tcps_conn *c);
static void trim(const tcps_conn *c, arrival *a, uint32_t wnd);
static void text_arrives(tcps_conn *c, const arrival *a);
static void fin_check(tcps_conn *c, const arrival *a);

/* ---- §3.10.7.3 SYN_SENT ---- */

static int syn_sent_arrives(tcps_conn *c, const tcps_segment *seg, uint64_t now)
{
	uint8_t f = seg->flags;
	if (f & TCPS_ACK) {
		if (seq_leq(seg->ack, c->iss) || seq_gt(seg->ack, c->snd_max)) {
			if (!(f & TCPS_RST))
				out_queue_rst(c, seg->ack, 0, TCPS_RST);
			return 0;
		}
	}
	if (f & TCPS_RST) {
		/* Only a RST that acknowledges our SYN refuses the connection
		 * (RFC 5961 §3.2 for SYN_SENT). */
		if (!(f & TCPS_ACK))
			return 0;
		conn_closed(c, TCPS_ERR_REFUSED, TCPS_EV_RCV_RST);
		return TCPS_ERR_REFUSED;
	}
	if (!(f & TCPS_SYN))
		return 0;
	accept_syn(c, seg);
	if (!(f & TCPS_ACK)) {
		/* Simultaneous open: our SYN goes out again as a SYN,ACK. */
		c->snd_nxt = c->iss;
		conn_apply(c, TCPS_EV_RCV_SYN);
		return 0;
	}
	new_ack(c, seg, now);
	c->snd_wl2 = seg->ack;
	c->ack_now = true;
	conn_established(c, now);
	conn_apply(c, TCPS_EV_RCV_SYN_ACK);
	/* "If there are other controls or text in the segment, then continue
	 * processing at the sixth step": text and FIN on the SYN,ACK are
	 * taken, not left for the peer to send again. */
	arrival a = { seg, seg->seq + 1, seg->data, seg->len, (uint8_t)(f & ~TCPS_SYN), now };
	trim(c, &a, rcv_wnd_offered(c));
	if (a.len)
		text_arrives(c, &a);
	fin_check(c, &a);
	return 0;
}

/* ---- §3.10.7.4 the other states ---- */

/* Step one's four cases, with the special allowance of a zero window
 * for a segment exactly at RCV.NXT: its ACK, RST and URG still count
 * (MUST-66); its text is trimmed away below. */
static bool acceptable(const tcps_conn *c, uint32_t seq, uint32_t seglen, uint32_t wnd)
{
	uint32_t nxt = c->rcv_nxt;
	if (seglen == 0)
		return wnd == 0 ? seq == nxt : seq_in(seq, nxt, nxt + wnd);
	if (wnd == 0)
		return seq == nxt;
	return seq_in(seq, nxt, nxt + wnd) || seq_in(seq + seglen - 1, nxt, nxt + wnd);
}

/* RCV.WND as offered to the peer: the free buffer, but no more than the
 * 16-bit window field can say at our shift.  Without this, a buffer over
 * 65535 octets with no window scaling would take text far past the edge
 * the peer was given (step one's test is against the window offered). */
static uint32_t rcv_wnd_offered(const tcps_conn *c)
{
	uint32_t wnd = conn_rcv_wnd(c);
	uint32_t max = 65535u << c->rcv_wscale;
	return wnd < max ? wnd : max;
}

/* Keeps the part of the segment inside [RCV.NXT, RCV.NXT + RCV.WND). */
static void trim(const tcps_conn *c, arrival *a, uint32_t wnd)
{
	if (seq_lt(a->seq, c->rcv_nxt)) {
		uint32_t skip = c->rcv_nxt - a->seq;
		if (a->flags & TCPS_SYN) {
			a->flags &= (uint8_t)~TCPS_SYN;
			skip--;
			a->seq++;
		}
		if (skip > a->len) { /* the FIN is old too */
			a->flags &= (uint8_t)~TCPS_FIN;
			skip = a->len;
		}
		a->data += skip;
		a->len -= skip;
		a->seq += skip;
	}
	uint32_t room = c->rcv_nxt + wnd - a->seq;
	if (a->len > room) {
		a->len = room;
		a->flags &= (uint8_t)~TCPS_FIN;
	}
}

/* RFC 6191: a SYN in TIME_WAIT may open a new incarnation when it is
 * provably newer than the old one (timestamp, else sequence number). */
static bool timewait_reopen(tcps_conn *c, const tcps_segment *seg, uint64_t now)
{
	bool newer = c->ts_ok && (seg->options & TCPS_OPT_TS) ? seq_gt(seg->tsval, c->ts_recent)
							       : seq_gt(seg->seq, c->rcv_nxt);
	if (!newer)
		return false;
	uint32_t old_max = c->snd_max;
	conn_rewind(c);
	conn_choose_iss(c, now);
	/* The new ISS must be above anything the old incarnation sent, so
	 * that its stray segments cannot be taken for the new one's. */
	if (seq_leq(c->iss, old_max + 65536)) {
		c->iss = old_max + 65536 + 1;
		c->snd_una = c->snd_nxt = c->snd_max = c->iss;
		c->data_seq = c->iss + 1;
	}
	accept_syn(c, seg);
	conn_apply(c, TCPS_EV_RCV_SYN);
	return true;
}

/* Step two: RST (RFC 5961 §3.2: only an exact match resets; anything
 * else in the window gets a challenge ACK). */
static int rst_arrives(tcps_conn *c, const tcps_segment *seg)
{
	if (seg->seq != c->rcv_nxt) {
		c->ack_now = true;
		return 0;
	}
	switch (c->state) {
	case TCPS_SYN_RCVD:
		if (c->origin == TCPS_ORIGIN_PASSIVE) {
			conn_rewind(c);
			c->tuple.remote_port = c->listen_remote_port;
			conn_apply(c, TCPS_EV_RCV_RST);
			return 0;
		}
		conn_closed(c, TCPS_ERR_REFUSED, TCPS_EV_RCV_RST);
		return TCPS_ERR_REFUSED;
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
		conn_closed(c, TCPS_ERR_RESET, TCPS_EV_RCV_RST);
		return TCPS_ERR_RESET;
	default: /* CLOSING, LAST_ACK, TIME_WAIT: the user already closed */
		conn_closed(c, 0, TCPS_EV_RCV_RST);
		return 0;
	}
}

/* Our FIN has been sent and acknowledged. */
static bool fin_acked(const tcps_conn *c)
{
	return c->fin_queued && c->snd.len == 0 && seq_gt(c->snd_una, c->data_seq);
}

/* An RTT sample, if this ACK of new data gives one.  Karn's rule: only
 * the one timed segment, never one sent twice.  With timestamps, also
 * (RFC 7323 §4, RTTM) any ACK whose echo dates a segment sent since the
 * last timeout: after a timeout the RTO stays backed off until a sample,
 * and Karn's alone may not come for a long while when losses go on; an
 * older echo would count the timeout itself as round trip. */
static void rtt_measure(tcps_conn *c, const tcps_segment *seg, uint64_t now)
{
	if (c->rtt_timing && seq_geq(seg->ack, c->rtt_seq)) {
		c->rtt_timing = false;
		rtt_sample(c, now - c->rtt_start);
		return;
	}
	if (!c->ts_ok || !(seg->options & TCPS_OPT_TS) || !c->rto_ts_set || seq_lt(seg->tsecr, c->rto_ts))
		return;
	uint32_t ms = conn_ts_clock(now) - seg->tsecr;
	if (ms < c->cfg.rto_max / TCPS_NS_PER_MS) /* else no echo of ours */
		rtt_sample(c, ms * TCPS_NS_PER_MS);
}

/* SND.UNA moves to the segment's ACK: free the acknowledged text, take
 * an RTT sample, grow cwnd. */
static void new_ack(tcps_conn *c, const tcps_segment *seg, uint64_t now)
{
	uint32_t ack = seg->ack;
	uint32_t data_end = c->data_seq + c->snd.len;
	uint32_t from = seq_max(c->snd_una, c->data_seq);
	uint32_t to = seq_min(ack, data_end);
	uint32_t acked = seq_gt(to, from) ? to - from : 0; /* text, not SYN or FIN */
	if (acked) {
		ring_drop(&c->snd, acked);
		c->data_seq = to;
	}
	c->snd_una = ack;
	c->rexmit_marked = false;
	if (seq_lt(c->snd_nxt, ack))
		c->snd_nxt = ack;
	rtt_measure(c, seg, now);
	cc_on_ack(c, acked);
	tlp_acked(c, seg);
	c->backoff = 0;
	c->first_rexmit_at = TCPS_NEVER;
	if (c->snd_una == c->snd_max)
		c->rexmt_at = TCPS_NEVER;
	else if (c->persist_at == TCPS_NEVER) /* while probing, the persist timer runs alone */
		rexmt_restart(c, now);
	tlp_arm(c, now);
}

/* RFC 5681 §2's duplicate ACK: nothing new, no text, no window change,
 * while data is outstanding.  With SACK, RFC 6675 §2 counts an ACK that
 * reports SACKed data whatever its window says: a receiver such as Linux
 * moves its window on most ACKs, which would otherwise keep fast
 * retransmit from ever firing. */
static bool is_dupack(const tcps_conn *c, const tcps_segment *seg, uint32_t wnd)
{
	/* While probing a zero window the peer answers each probe with the
	 * same ACK: no sign of loss, and a fast retransmit would push a full
	 * segment into the shut window and cut cwnd. */
	if (seg->ack != c->snd_una || seg->len || (seg->flags & (TCPS_SYN | TCPS_FIN)) ||
	    c->snd_una == c->snd_max || c->persist_at != TCPS_NEVER)
		return false;
	if (c->sack_ok && (seg->options & TCPS_OPT_SACK) && seg->nsack)
		return true;
	return wnd == c->snd_wnd;
}

/* In recovery NewReno has one retransmission out, of SND.UNA's segment.
 * When the peer SACKs data sent after it and still not that segment, the
 * retransmission was lost too (RACK's inference, RFC 8985 §6.2, on the
 * order of sending): resend it now rather than after a timeout, which
 * would also collapse cwnd to one segment. */
static bool rexmit_lost(tcps_conn *c, const tcps_segment *seg)
{
	if (!c->in_recovery || !c->rexmit_marked || !c->sack_ok || !(seg->options & TCPS_OPT_SACK))
		return false;
	for (uint8_t i = 0; i < seg->nsack && i < TCPS_MAX_SACK_BLOCKS; i++) {
		const tcps_sack_block *b = &seg->sack[i];
		if (seq_gt(b->right, c->rexmit_mark) && seq_leq(b->right, c->snd_max) &&
		    seq_gt(b->left, c->snd_una)) {
			c->retransmits++;
			return true;
		}
	}
	return false;
}

/* SND.UNA's segment is lost however few duplicate ACKs said so:
 * - RFC 6675 §4's IsLost(SND.UNA): the peer SACKs more than
 *   (DupThresh - 1) * SMSS above it.  This catches the hole that a
 *   recovery's last ACK uncovers: the segments after it were SACKed
 *   during the recovery, whose duplicates counted for nothing, and none
 *   is left to send that would draw three more.
 * - the peer SACKs a tail loss probe, the last thing sent, and still not
 *   SND.UNA (RFC 8985 §6.2: what was sent before a segment that arrived
 *   is lost), which is what the probe is for.
 * Without SACK blocks above SND.UNA (go-back-N duplicates after a
 * timeout) RFC 6582's guard on `recover` stands. */
static bool una_lost(const tcps_conn *c, const tcps_segment *seg)
{
	if (c->in_recovery || !c->sack_ok || !(seg->options & TCPS_OPT_SACK) || c->snd_nxt != c->snd_max)
		return false;
	uint32_t sacked = 0;
	bool probe = false;
	for (uint8_t i = 0; i < seg->nsack && i < TCPS_MAX_SACK_BLOCKS; i++) {
		const tcps_sack_block *b = &seg->sack[i];
		if (seq_gt(b->left, c->snd_una) && seq_gt(b->right, b->left) && seq_leq(b->right, c->snd_max)) {
			sacked += b->right - b->left;
			probe |= c->tlp_out && b->right == c->tlp_high;
		}
	}
	return probe || sacked > (TCPS_DUPACK_THRESH - 1) * c->snd_mss;
}

/* Step five: the ACK field.  Returns false when the segment is dropped
 * or the connection ended. */
static bool ack_arrives(tcps_conn *c, const tcps_segment *seg, uint64_t now)
{
	uint32_t ack = seg->ack;
	if (c->state == TCPS_SYN_RCVD) {
		if (!seq_gt(ack, c->snd_una) || seq_gt(ack, c->snd_max)) {
			out_queue_rst(c, ack, 0, TCPS_RST);
			return false;
		}
		c->snd_wnd = (uint32_t)seg->wnd << c->snd_wscale;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = ack;
		conn_established(c, now);
		conn_apply(c, TCPS_EV_RCV_ACK_OF_SYN);
	}
	/* RFC 5961 §5: acceptable between SND.UNA - MAX.SND.WND and SND.NXT. */
	if (seq_gt(ack, c->snd_max) || seq_lt(ack, c->snd_una - c->max_snd_wnd)) {
		c->ack_now = true;
		return false;
	}
	uint32_t wnd = (uint32_t)seg->wnd << c->snd_wscale;
	if (seq_gt(ack, c->snd_una))
		new_ack(c, seg, now);
	else if (is_dupack(c, seg, wnd) && (cc_on_dupack(c) || rexmit_lost(c, seg)))
		c->rexmit_one = true;
	if (!c->rexmit_one && c->snd_una != c->snd_max && una_lost(c, seg)) {
		cc_enter_recovery(c);
		c->rexmit_one = true;
	}

	if (seq_lt(c->snd_wl1, seg->seq) || (c->snd_wl1 == seg->seq && seq_leq(c->snd_wl2, ack))) {
		c->snd_wnd = wnd;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = ack;
		if (wnd > c->max_snd_wnd)
			c->max_snd_wnd = wnd;
		if (wnd) {
			/* The window opened while probing: the probe bytes may
			 * not have been taken, so go on from SND.UNA now rather
			 * than after a retransmission timeout. */
			if (c->persist_at != TCPS_NEVER)
				c->snd_nxt = c->snd_una;
			c->persist_at = TCPS_NEVER;
			c->persist_shift = 0;
		}
	}
	if (c->persist_at == TCPS_NEVER && c->snd_una != c->snd_max)
		rexmt_arm(c, now); /* a probe byte still unacknowledged */

	switch (c->state) {
	case TCPS_FIN_WAIT_1:
		if (fin_acked(c))
			conn_apply(c, TCPS_EV_RCV_ACK_OF_FIN);
		break;
	case TCPS_CLOSING:
		if (fin_acked(c)) {
			conn_apply(c, TCPS_EV_RCV_ACK_OF_FIN);
			timewait_start(c, now);
		}
		break;
	case TCPS_LAST_ACK:
		if (fin_acked(c)) {
			conn_closed(c, 0, TCPS_EV_RCV_ACK_OF_FIN);
			return false;
		}
		break;
	default:
		break;
	}
	return true;
}

/* Step seven: text, in the states that still receive. */
static void text_arrives(tcps_conn *c, const arrival *a)
{
	if (c->state != TCPS_ESTABLISHED && c->state != TCPS_FIN_WAIT_1 && c->state != TCPS_FIN_WAIT_2)
		return;
	if (rcv_text(c, a->seq, a->data, a->len)) {
		c->ack_now = true; /* out of order, or a gap filled: RFC 5681 §4.2 */
		return;
	}
	/* Delayed ACK (§3.8.6.3): at least every second full-sized segment,
	 * and never later than the delayed-ACK timeout. */
	if (a->len > c->rcv_mss)
		c->rcv_mss = a->len;
	c->rcv_unacked += a->len;
	if (c->rcv_unacked >= 2 * c->rcv_mss)
		c->ack_now = true;
	else if (c->delack_at == TCPS_NEVER)
		c->delack_at = a->now + c->cfg.delack;
}

/* Step eight: FIN, once everything before it has arrived. */
static void fin_arrives(tcps_conn *c, uint64_t now)
{
	c->rcv_nxt++;
	c->fin_rcvd = true;
	c->fin_pending = false;
	c->ack_now = true;
	switch (c->state) {
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
		conn_apply(c, TCPS_EV_RCV_FIN);
		break;
	case TCPS_FIN_WAIT_2:
		conn_apply(c, TCPS_EV_RCV_FIN);
		timewait_start(c, now);
		break;
	default:
		break;
	}
}

static void fin_check(tcps_conn *c, const arrival *a)
{
	if (c->fin_rcvd || c->state < TCPS_ESTABLISHED)
		return;
	if (a->flags & TCPS_FIN) {
		uint32_t at = a->seq + a->len;
		if (at == c->rcv_nxt) {
			fin_arrives(c, a->now);
			return;
		}
		if (seq_gt(at, c->rcv_nxt)) { /* wait for the gap before it */
			c->fin_pending = true;
			c->fin_seq_rcvd = at;
		}
	}
	if (c->fin_pending && c->fin_seq_rcvd == c->rcv_nxt)
		fin_arrives(c, a->now);
}

/* RFC 7323 §4.3: TS.Recent follows the segment that covers the edge we
 * last acknowledged. */
static void ts_update(tcps_conn *c, const tcps_segment *seg)
{
	if (c->ts_ok && (seg->options & TCPS_OPT_TS) && seq_leq(seg->seq, c->last_ack_sent) &&
	    seq_geq(seg->tsval, c->ts_recent))
		c->ts_recent = seg->tsval;
}

static int sync_arrives(tcps_conn *c, const tcps_segment *seg, uint64_t now)
{
	arrival a = { seg, seg->seq, seg->data, seg->len, seg->flags, now };
	uint32_t seglen = tcps_seg_len(seg);

	/* PAWS (RFC 7323 §5.3): an older timestamp marks an old duplicate. */
	if (c->ts_ok && (seg->options & TCPS_OPT_TS) && !(a.flags & TCPS_RST) &&
	    seq_lt(seg->tsval, c->ts_recent)) {
		c->ack_now = true;
		return 0;
	}
	if (c->state == TCPS_TIME_WAIT && (a.flags & (TCPS_SYN | TCPS_ACK | TCPS_RST)) == TCPS_SYN &&
	    timewait_reopen(c, seg, now))
		return 0;

	/* The peer's SYN again: in SYN_RCVD our SYN,ACK was lost (send it
	 * now) or, with ACK, it is the simultaneous-open SYN,ACK (its ACK is
	 * what matters); once synchronized it means our final ACK was lost,
	 * and the ACK below answers it. */
	if ((a.flags & TCPS_SYN) && a.seq == c->irs) {
		if (c->state == TCPS_SYN_RCVD && !(a.flags & TCPS_ACK)) {
			c->snd_nxt = c->iss;
			return 0;
		}
		a.flags &= (uint8_t)~TCPS_SYN;
		a.seq++;
		seglen--;
		if (c->state != TCPS_SYN_RCVD) {
			c->ack_now = true;
			return 0;
		}
	}

	uint32_t wnd = rcv_wnd_offered(c);
	if (!acceptable(c, a.seq, seglen, wnd)) {
		if (!(a.flags & TCPS_RST)) {
			c->ack_now = true;
			if (c->state == TCPS_TIME_WAIT && (a.flags & TCPS_FIN))
				timewait_start(c, now); /* the FIN again: §3.10.7.4 step 8 */
		}
		return 0;
	}
	if (a.flags & TCPS_RST)
		return rst_arrives(c, seg);
	trim(c, &a, wnd);
	if (a.len < seg->len)
		c->ack_now = true; /* text we could not take: tell the window */

	/* Step four: SYN in the window (RFC 5961 §4). */
	if (a.flags & TCPS_SYN) {
		if (c->state == TCPS_SYN_RCVD && c->origin == TCPS_ORIGIN_PASSIVE) {
			conn_rewind(c);
			c->tuple.remote_port = c->listen_remote_port;
			conn_apply(c, TCPS_EV_RCV_RST); /* back to LISTEN, as for RST */
			return 0;
		}
		c->ack_now = true; /* challenge ACK */
		return 0;
	}
	if (!(a.flags & TCPS_ACK))
		return 0;
	ts_update(c, seg);
	if (!ack_arrives(c, seg, now))
		return c->state == TCPS_CLOSED ? c->error : 0;

	/* Step six: remember where urgent data ends; text flows in order. */
	if ((a.flags & TCPS_URG) && c->state >= TCPS_ESTABLISHED && c->state <= TCPS_FIN_WAIT_2)
		c->rcv_up = seq_max(c->rcv_up, seg->seq + seg->up);

	if (a.len)
		text_arrives(c, &a);
	fin_check(c, &a);
	return 0;
}

int tcps_segment_arrives(tcps_conn *c, const tcps_segment *seg, uint64_t now)
{
	c->segs_in++;
	c->last_rcv_at = now;
	switch (c->state) {
	case TCPS_CLOSED:
		return closed_arrives(c, seg);
	case TCPS_LISTEN:
		return listen_arrives(c, seg, now);
	case TCPS_SYN_SENT:
		return syn_sent_arrives(c, seg, now);
	default: {
		int r = sync_arrives(c, seg, now);
		if (c->state != TCPS_CLOSED)
			keepalive_reset(c, now);
		return r;
	}
	}
}
