/* Shadow endpoints: see shadow.h and observer.h.  Every state change is
 * a row of the state table (src/core/state_table.c), looked up with the
 * event the capture shows. */
#include "trace/shadow.h"

#include <pthread.h>

#include "core/seq.h"

static tcps_state state(const trace_side *s)
{
	return (tcps_state)s->state;
}

static void push(trace_side *s, tcps_state to)
{
	s->state = (uint8_t)to;
	if (s->nstates == 16) /* full: the latest state replaces the last */
		s->nstates--;
	s->hist &= ~(0xfull << (4 * s->nstates));
	s->hist |= (uint64_t)to << (4 * s->nstates);
	s->nstates++;
}

static void reset_history(trace_side *s, tcps_state first)
{
	s->hist = 0;
	s->nstates = 0;
	push(s, first);
}

/* tcps_transition_find() scans the table, and apply() runs at every
 * state change of every connection: the rows are looked up once, here,
 * by state, event and origin (active or passive: a side is always one;
 * the origin decides where a RST in SYN_RCVD leads, §3.10.7.4).  An
 * observer makes sure of them when it is made (shadow_init): a
 * pthread_once per state change was 3.5% of trace's time. */
static const tcps_transition *rows[TCPS_NSTATES][TCPS_NEVENTS][2];
static pthread_once_t rows_once = PTHREAD_ONCE_INIT;

static void rows_init(void)
{
	for (int st = 0; st < TCPS_NSTATES; st++)
		for (int ev = 0; ev < TCPS_NEVENTS; ev++)
			for (int a = 0; a < 2; a++)
				rows[st][ev][a] = tcps_transition_find((tcps_state)st, (tcps_event)ev,
								       a ? TCPS_ORIGIN_ACTIVE : TCPS_ORIGIN_PASSIVE);
}

static const tcps_transition *row(const trace_side *s, tcps_event ev)
{
	if (s->state >= TCPS_NSTATES || (unsigned)ev >= TCPS_NEVENTS)
		return NULL;
	return rows[s->state][ev][s->active];
}

static inline __attribute__((always_inline)) bool apply(trace_side *s, tcps_event ev, shadow_out *o, int idx)
{
	const tcps_transition *t = row(s, ev);
	if (!t)
		return false;
	push(s, t->to);
	o->new_state[idx] = true;
	return true;
}

/* Remembers that the side's last transition rests on an inferred receipt
 * (kind, at the peer's sequence number `on`, seen at capture time ts),
 * and the state and history before it. */
static void tentative(trace_conn *c, trace_side *s, uint8_t kind, uint32_t on, tcps_state before,
		      uint8_t nbefore, uint64_t ts)
{
	s->tent = kind;
	s->tent_seq = on;
	s->tent_state = (uint8_t)before;
	s->tent_nstates = nbefore;
	if (kind != TENT_RCV_ACK) /* what sent_after_receipt() asks */
		s->tent_at = conn_ms(c, ts);
}

/* Takes back the side's last inferred receipt. */
static void revert(trace_side *s, shadow_out *o, int idx)
{
	if (s->tent == TENT_RCV_FIN)
		s->flags &= (uint8_t)~SIDE_FIN_RCVD;
	s->state = s->tent_state;
	s->nstates = s->tent_nstates;
	if (s->nstates < 16)
		s->hist &= (1ull << (4 * s->nstates)) - 1;
	s->tent = TENT_NONE;
	o->revised[idx] = o->new_state[idx] = true;
}

static bool fin_acked_by(const trace_side *fin_side, uint32_t ack)
{
	return ((fin_side->flags & SIDE_FIN_SENT) != 0) & seq_geq(ack, fin_side->nxt);
}

/* Its SACK blocks hold the peer's FIN: with an ACK short of it, the FIN
 * came after a hole and waits unprocessed until the hole fills
 * (§3.10.7.4 takes segments in sequence order). */
static bool fin_held(const tcps_segment *seg, uint32_t fin_seq)
{
	for (unsigned i = 0; i < seg->nsack && i < TCPS_MAX_SACK_BLOCKS; i++)
		if (seq_leq(seg->sack[i].left, fin_seq) && seq_lt(fin_seq, seg->sack[i].right))
			return true;
	return false;
}

/* Whether a segment seen at ts left its sender s after the segment behind
 * s's tentative receipt (s->tent_at) had time to arrive: what it sent
 * sooner was on its way before, and proves nothing.  The time is two
 * handshake round trips, and 1 ms; at most 200 ms (Linux's shortest
 * retransmission timeout) of them, so that a handshake slowed by a queue
 * does not hide a lost RST or FIN for long. */
static bool sent_after_receipt(const trace_conn *c, const trace_side *s, uint64_t ts)
{
	uint32_t rtt2 = irtt_us(c) / 500u; /* twice, in ms */
	return (uint16_t)(conn_ms(c, ts) - s->tent_at) > (rtt2 < 200u ? rtt2 : 200u) + 1u;
}

void shadow_init(void)
{
	pthread_once(&rows_once, rows_init);
}

void shadow_start(trace_conn *c, const trace_pkt *p)
{
	const tcps_segment *seg = &p->seg;
	trace_side *cl = &c->side[TRACE_CLIENT], *sv = &c->side[TRACE_SERVER];
	cl->active = 1;
	if ((seg->flags & (TCPS_SYN | TCPS_ACK)) == TCPS_SYN) {
		reset_history(cl, TCPS_CLOSED);
		reset_history(sv, TCPS_LISTEN);
		return;
	}
	/* The capture began after the SYN: both sides are taken to be
	 * synchronized, their sequence numbers counted from here. */
	c->midstream = 1;
	reset_history(cl, TCPS_ESTABLISHED);
	reset_history(sv, TCPS_ESTABLISHED);
	cl->isn = seg->seq - 1;
	cl->nxt = seg->seq;
	cl->flags |= SIDE_SYN_SENT;
	if (seg->flags & TCPS_ACK) {
		sv->isn = seg->ack - 1;
		sv->nxt = seg->ack;
		sv->flags |= SIDE_SYN_SENT;
	}
}

/* ---- what the sender's own segment proves about the sender ---- */

static void sender(trace_conn *c, int from, const tcps_segment *seg, uint64_t ts, shadow_out *o)
{
	trace_side *s = &c->side[from], *r = &c->side[!from];
	uint8_t f = seg->flags;
	bool old = (s->flags & SIDE_SYN_SENT) && seq_lt(seg->seq, s->nxt);

	/* A side that took the peer's RST has no connection left: a RST
	 * from it agrees; anything else sent once the RST had time to
	 * arrive means it never did (lost, or refused by RFC 5961's checks),
	 * and the side never left its state. */
	if (s->tent == TENT_RCV_RST) {
		if (f & TCPS_RST)
			s->tent = TENT_NONE;
		else if (sent_after_receipt(c, s, ts))
			revert(s, o, from);
	}
	/* Once it has processed the peer's FIN, every ACK it sends covers
	 * it: one whose SACK holds the FIN behind a hole says it has not;
	 * so does one sent after the FIN had time to arrive, when the side
	 * was ESTABLISHED, that covers all the peer sent before the FIN but
	 * not the FIN.  A queue (its own qdisc, a slow link) can hold a
	 * segment far longer than the handshake's round trip; one that
	 * acknowledges less than the data before the FIN was built before
	 * that data came, so it proves nothing of the FIN.  Taken back by
	 * mistake, the receipt comes again with its ACK, and in the same
	 * place, unless the side was closing itself (FIN_WAIT_1 -> CLOSING
	 * is not FIN_WAIT_2 -> TIME_WAIT).  Its own FIN short of the peer's
	 * is the crossing below. */
	if (s->tent == TENT_RCV_FIN && (f & TCPS_ACK) && !(f & (TCPS_SYN | TCPS_FIN)) &&
	    seq_leq(seg->ack, s->tent_seq) &&
	    (fin_held(seg, s->tent_seq) ||
	     (s->tent_state == TCPS_ESTABLISHED && seg->ack == s->tent_seq && sent_after_receipt(c, s, ts))))
		revert(s, o, from);

	/* Its own SYN or FIN that does not acknowledge the peer's SYN or FIN
	 * it seemed to have received was sent before that receipt (the two
	 * crossed): take the receipt back, and replay it after this one. */
	uint8_t replay = TENT_NONE;
	uint32_t replay_seq = 0;
	if ((f & (TCPS_SYN | TCPS_FIN)) && !old && (s->tent == TENT_RCV_SYN || s->tent == TENT_RCV_FIN) &&
	    (!(f & TCPS_ACK) || seq_leq(seg->ack, s->tent_seq))) {
		replay = s->tent;
		replay_seq = s->tent_seq;
		revert(s, o, from);
	}
	/* Its bare SYN again: a side that took the peer's SYN (or SYN,ACK)
	 * answers it, so sent once that had time to arrive, this says it
	 * never did (lost on the way, as both first SYNs of a simultaneous
	 * open can be).  Sent sooner, the two crossed and the receipt stands:
	 * a SYN sent again changes no state. */
	if ((f & (TCPS_SYN | TCPS_ACK)) == TCPS_SYN && old && s->tent == TENT_RCV_SYN &&
	    sent_after_receipt(c, s, ts))
		revert(s, o, from);
	/* Its first SYN,ACK after its bare SYN, when it seemed to have taken
	 * the peer's SYN,ACK in SYN_SENT: only SYN_RCVD answers so, so it had
	 * taken the peer's bare SYN first (a simultaneous open, both SYNs
	 * crossing), and the peer's SYN,ACK, which this one crossed, came
	 * after, as the ACK of its SYN. */
	if ((f & (TCPS_SYN | TCPS_ACK)) == (TCPS_SYN | TCPS_ACK) && s->active && !s->synack_sent &&
	    s->tent == TENT_RCV_SYN && s->tent_state == TCPS_SYN_SENT && state(s) == TCPS_ESTABLISHED) {
		revert(s, o, from);
		replay = TENT_RCV_ACK;
		replay_seq = s->isn + 1;
	}
	/* Its SYN,ACK or FIN again, after the peer's ACK of it seemed to
	 * arrive: that ACK never did.  Its first SYN,ACK after a bare SYN (a
	 * simultaneous open) crossed that ACK instead: replay it after. */
	if (s->tent == TENT_RCV_ACK && old && (f & (TCPS_SYN | TCPS_FIN))) {
		if ((f & TCPS_SYN) && (f & TCPS_ACK) && !s->synack_sent) {
			replay = TENT_RCV_ACK;
			replay_seq = s->tent_seq;
		}
		revert(s, o, from);
	}
	if ((f & TCPS_SYN) && (f & TCPS_ACK))
		s->synack_sent = 1;
	/* Its ACK covers what its last inferred receipt rested on. */
	if (s->tent && s->tent != TENT_RCV_RST && (f & TCPS_ACK) &&
	    (s->tent == TENT_RCV_ACK || seq_gt(seg->ack, s->tent_seq)))
		s->tent = TENT_NONE;

	if (f & TCPS_SYN) {
		if (!(s->flags & SIDE_SYN_SENT)) {
			s->isn = seg->seq;
			s->nxt = seg->seq + 1;
			s->flags |= SIDE_SYN_SENT;
			if (seg->options & TCPS_OPT_WSCALE) {
				s->flags |= SIDE_WS;
				s->wscale = seg->wscale > 14 ? 14 : seg->wscale;
			}
		}
		if (!(f & TCPS_ACK)) {
			/* A bare SYN: this side opens actively; a side first taken
			 * for a listener was never one. */
			if (!s->active && state(s) == TCPS_LISTEN)
				reset_history(s, TCPS_CLOSED);
			s->active = 1;
			if (state(s) == TCPS_CLOSED)
				apply(s, TCPS_EV_OPEN_ACTIVE, o, from);
			else if (state(s) == TCPS_LISTEN)
				apply(s, TCPS_EV_SEND, o, from);
		} else if (state(s) == TCPS_LISTEN || state(s) == TCPS_SYN_SENT) {
			apply(s, TCPS_EV_RCV_SYN, o, from); /* a SYN,ACK answers a SYN */
		}
		if (f & TCPS_ACK) /* both SYNs seen: scaling is on only if both asked */
			if (!(s->flags & SIDE_WS) || !(r->flags & SIDE_WS))
				s->wscale = r->wscale = 0;
	}
	if ((f & TCPS_ACK) && !(f & TCPS_SYN)) {
		/* It acknowledges the peer's SYN,ACK or FIN: it received it,
		 * whether or not the capture showed that happen. */
		if (state(s) == TCPS_SYN_SENT && !(f & TCPS_RST)) {
			/* An ACK from SYN_SENT answers a SYN,ACK, even one this
			 * capture never saw (a half-duplex capture): the peer had
			 * taken our SYN, and its ISN is the ACK's less one. */
			if (!(r->flags & SIDE_SYN_SENT)) {
				r->isn = seg->ack - 1;
				r->nxt = seg->ack;
				r->flags |= SIDE_SYN_SENT;
				r->synack_sent = 1;
			}
			if (seg->ack == r->isn + 1) {
				if (state(r) == TCPS_LISTEN)
					apply(r, TCPS_EV_RCV_SYN, o, !from);
				apply(s, TCPS_EV_RCV_SYN_ACK, o, from);
			}
		}
		if (fin_acked_by(r, seg->ack) && !(s->flags & SIDE_FIN_RCVD)) {
			s->flags |= SIDE_FIN_RCVD;
			/* The FIN it took acknowledged its own: FIN_WAIT_1
			 * passed through FIN_WAIT_2 (receiver() says why). */
			if (state(s) == TCPS_FIN_WAIT_1 && r->fin_acks_peer)
				apply(s, TCPS_EV_RCV_ACK_OF_FIN, o, from);
			apply(s, TCPS_EV_RCV_FIN, o, from);
		}
	}
	if (f & TCPS_ACK) {
		bool newer = !(s->flags & SIDE_ACK_SENT) | seq_gt(seg->ack, s->ack);
		s->ack = newer ? seg->ack : s->ack;
		s->flags |= SIDE_ACK_SENT;
	}
	if (f & TCPS_FIN)
		s->fin_acks_peer = (f & TCPS_ACK) && fin_acked_by(r, seg->ack);
	if ((f & TCPS_FIN) && !(s->flags & SIDE_FIN_SENT)) {
		s->flags |= SIDE_FIN_SENT;
		apply(s, TCPS_EV_CLOSE, o, from);
		if (!c->closed_first)
			c->closed_first = (uint8_t)(from + 1);
		else if (!fin_acked_by(r, seg->ack))
			c->closed_first = 3; /* the FINs crossed */
	}
	if (f & TCPS_RST) {
		s->flags |= SIDE_RST_SENT;
		if (!c->reset) {
			c->reset = 1;
			c->reset_by = (uint8_t)from;
		}
		if (from == TRACE_SERVER && !(s->flags & SIDE_SYN_SENT) && state(s) <= TCPS_SYN_RCVD) {
			/* A RST before any SYN,ACK: nothing was listening. */
			reset_history(s, TCPS_CLOSED);
			s->tent = TENT_NONE;
			o->new_state[from] = o->revised[from] = true;
		} else {
			apply(s, TCPS_EV_ABORT, o, from);
		}
	}
	if (replay) {
		tcps_state before = state(s);
		uint8_t nbefore = s->nstates;
		static const tcps_event replayed[] = { [TENT_RCV_SYN] = TCPS_EV_RCV_SYN,
							[TENT_RCV_FIN] = TCPS_EV_RCV_FIN,
							[TENT_RCV_ACK] = TCPS_EV_RCV_ACK_OF_SYN };
		if (apply(s, replayed[replay], o, from)) {
			if (replay == TENT_RCV_FIN)
				s->flags |= SIDE_FIN_RCVD;
			tentative(c, s, replay, replay_seq, before, nbefore, ts);
		}
	}
}

/* ---- what the receiver is inferred to have received ---- */

static bool rst_hits(const trace_side *r, uint32_t sender_nxt, const tcps_segment *seg)
{
	switch (state(r)) {
	case TCPS_CLOSED:
	case TCPS_LISTEN:
		return false;
	case TCPS_SYN_SENT: /* only a RST that acknowledges the SYN */
		return (seg->flags & TCPS_ACK) && seg->ack == r->isn + 1;
	default: /* RFC 5961 §3.2: exactly at RCV.NXT (else a challenge ACK) */
		return seg->seq == sender_nxt || ((r->flags & SIDE_ACK_SENT) && seg->seq == r->ack);
	}
}

static void receiver(trace_conn *c, int from, const tcps_segment *seg, uint32_t sender_nxt,
		     bool control_again, uint64_t ts, shadow_out *o)
{
	int to = !from;
	trace_side *r = &c->side[to];
	uint8_t f = seg->flags;
	tcps_state before = state(r);
	uint8_t nbefore = r->nstates, kind = TENT_NONE;
	uint32_t on = 0;
	if (f & TCPS_RST) {
		if (rst_hits(r, sender_nxt, seg) && apply(r, TCPS_EV_RCV_RST, o, to))
			tentative(c, r, TENT_RCV_RST, seg->seq, before, nbefore, ts);
		return;
	}
	bool acks_syn = ((f & TCPS_ACK) != 0) & ((r->flags & SIDE_SYN_SENT) != 0) & (seg->ack == r->isn + 1);
	if ((f & TCPS_SYN) && !(f & TCPS_ACK)) {
		if (!control_again && apply(r, TCPS_EV_RCV_SYN, o, to))
			kind = TENT_RCV_SYN, on = seg->seq;
	} else if ((f & TCPS_SYN) && acks_syn) {
		/* SYN_SENT takes the usual SYN,ACK (not a copy it may already
		 * have been denied); SYN_RCVD, in a simultaneous open, its ACK. */
		if (!control_again && apply(r, TCPS_EV_RCV_SYN_ACK, o, to))
			kind = TENT_RCV_SYN, on = seg->seq;
		else if (apply(r, TCPS_EV_RCV_ACK_OF_SYN, o, to))
			kind = TENT_RCV_ACK, on = seg->ack;
	} else if ((f & TCPS_ACK) && !(f & TCPS_SYN) && state(r) == TCPS_SYN_RCVD &&
		   (r->flags & SIDE_SYN_SENT) && seq_gt(seg->ack, r->isn)) {
		if (apply(r, TCPS_EV_RCV_ACK_OF_SYN, o, to))
			kind = TENT_RCV_ACK, on = seg->ack;
	}
	/* The ACK is processed before the FIN (§3.10.7.4 steps five and
	 * eight): FIN_WAIT_1 passes through FIN_WAIT_2 when both come at once. */
	if ((f & TCPS_ACK) && fin_acked_by(r, seg->ack) && apply(r, TCPS_EV_RCV_ACK_OF_FIN, o, to))
		kind = TENT_RCV_ACK, on = seg->ack;
	if ((f & TCPS_FIN) && !control_again && !(r->flags & SIDE_FIN_RCVD) &&
	    apply(r, TCPS_EV_RCV_FIN, o, to)) {
		r->flags |= SIDE_FIN_RCVD;
		kind = TENT_RCV_FIN, on = seg->seq + seg->len;
	}
	if (kind)
		tentative(c, r, kind, on, before, nbefore, ts);
}

/* Sequence bookkeeping: SND.MAX, new payload bytes, gaps; the window. */
static inline __attribute__((always_inline)) void
bookkeeping(trace_conn *c, int from, const trace_pkt *p, uint32_t nxt_before, bool known)
{
	const tcps_segment *seg = &p->seg;
	trace_side *s = &c->side[from];
	if (s->flags & SIDE_SYN_SENT) {
		uint32_t d0 = seg->seq + ((seg->flags & TCPS_SYN) ? 1 : 0), d1 = d0 + seg->len;
		if (!known)
			s->bytes += seg->len;
		else if (seq_gt(d1, nxt_before))
			s->bytes += d1 - seq_max(d0, nxt_before);
		if (known && seg->len && seq_gt(seg->seq, nxt_before)) {
			/* A second hole while the first is fresh: one span
			 * from the lower to the new one (what lies between was
			 * seen, but is rarely sent again that soon). */
			bool keep = c->gap_side == from && gap_fresh(c, p->ts);
			uint32_t lo = keep ? c->gap_lo : nxt_before, width = seg->seq - lo;
			c->gap_side = (uint8_t)from;
			c->gap_len = (uint16_t)(width < GAP_UNBOUNDED ? width : GAP_UNBOUNDED);
			c->gap_lo = lo;
			c->gap_at = gap_ticks(c, p->ts);
		} else if (seq_lt(d0, nxt_before) && c->gap_len && c->gap_side == from &&
			   seq_leq(d0, c->gap_lo) && seq_gt(d1, c->gap_lo)) {
			/* Filled from below: what is left of the hole starts higher. */
			uint32_t filled = d1 - c->gap_lo;
			if (c->gap_len != GAP_UNBOUNDED)
				c->gap_len = (uint16_t)(filled < c->gap_len ? c->gap_len - filled : 0);
			c->gap_lo = d1;
		}
		uint32_t end = seg->seq + tcps_seg_len(seg);
		if (!known || seq_gt(end, s->nxt))
			s->nxt = end;
	}
	/* Payload or not, a zero window or not, change from one segment to
	 * the next.  The window of an ACK older than the highest (one
	 * overtaken on the way) is one its receiver ignores (§3.10.7.4:
	 * SND.WL2 =< SEG.ACK), so it is not the side's. */
	uint8_t flags = (uint8_t)(s->flags | (seg->len ? SIDE_DATA_SENT : 0));
	if (__builtin_expect(!(seg->flags & TCPS_ACK) || seg->ack == s->ack, 1)) {
		uint8_t zero = seg->wnd == 0 && !(seg->flags & (TCPS_SYN | TCPS_RST));
		flags = (uint8_t)((flags & ~SIDE_ZERO_WND) | (zero ? SIDE_ZERO_WND : 0));
		s->wnd = seg->wnd;
	}
	s->flags = flags;
	s->packets++;
}

/* The commonest segment by far: an ACK, with or without payload, no
 * SYN, FIN or RST, between two sides both ESTABLISHED, the sender's
 * sequence numbers known and the receiver not closing. */
static inline bool fast_ok(const trace_conn *c, int from, const trace_pkt *p)
{
	const trace_side *s = &c->side[from], *r = &c->side[!from];
	return (p->seg.flags & (TCPS_SYN | TCPS_FIN | TCPS_RST | TCPS_ACK)) == TCPS_ACK &&
	       s->state == TCPS_ESTABLISHED && r->state == TCPS_ESTABLISHED &&
	       (s->flags & SIDE_SYN_SENT) && !(r->flags & SIDE_FIN_SENT);
}

/* For it, sender() and receiver() would change no state (no row
 * applies: each of their branches needs a SYN, FIN or RST, a side in
 * SYN_SENT or SYN_RCVD, or the receiver's FIN); what is left is the
 * sender's ACK, the end of a tentative receipt it confirms, and the
 * bookkeeping. */
static inline void segment_established(trace_conn *c, int from, const trace_pkt *p)
{
	const tcps_segment *seg = &p->seg;
	trace_side *s = &c->side[from];
	if (s->tent && (s->tent == TENT_RCV_ACK || seq_gt(seg->ack, s->tent_seq)))
		s->tent = TENT_NONE;
	/* As sender() has it, without branches (whether the ACK moves on
	 * is hard to predict). */
	bool newer = !(s->flags & SIDE_ACK_SENT) | seq_gt(seg->ack, s->ack);
	s->ack = newer ? seg->ack : s->ack;
	s->flags |= SIDE_ACK_SENT;
	bookkeeping(c, from, p, s->nxt, true);
}

/* Every other segment.  Out of line, so that the common case above does
 * not pay for this one's registers and stack. */
static __attribute__((noinline)) void segment_any(trace_conn *c, int from, const trace_pkt *p,
						  shadow_out *o)
{
	const tcps_segment *seg = &p->seg;
	trace_side *s = &c->side[from], *r = &c->side[!from];
	uint32_t nxt_before = s->nxt;
	bool known = s->flags & SIDE_SYN_SENT;

	/* The same SYN or FIN again while the receiver has not acknowledged
	 * it: the first copy never arrived, and neither may this one. */
	bool control_again = false;
	bool same_kind = ((seg->flags & TCPS_FIN) != 0) | !(seg->flags & TCPS_ACK) | s->synack_sent;
	if (known && same_kind && (seg->flags & (TCPS_SYN | TCPS_FIN)) && seq_lt(seg->seq + seg->len, s->nxt)) {
		control_again = true;
		uint32_t at = (seg->flags & TCPS_SYN) ? seg->seq : seg->seq + seg->len;
		if ((r->tent == TENT_RCV_SYN || r->tent == TENT_RCV_FIN) && r->tent_seq == at)
			revert(r, o, !from);
	}

	sender(c, from, seg, p->ts, o);
	receiver(c, from, seg, nxt_before, control_again, p->ts, o);

	bookkeeping(c, from, p, nxt_before, known);
}

void shadow_segment(trace_conn *c, int from, const trace_pkt *p, shadow_out *o)
{
	if (fast_ok(c, from, p))
		segment_established(c, from, p);
	else
		segment_any(c, from, p, o);
}

bool shadow_expire(trace_conn *c, uint64_t now, uint64_t two_msl)
{
	bool changed = false;
	if (now < c->last_ts + two_msl)
		return false;
	for (int i = 0; i < 2; i++) {
		shadow_out o = { { false, false }, { false, false } };
		if (c->side[i].state == TCPS_TIME_WAIT)
			changed |= apply(&c->side[i], TCPS_EV_TIMEOUT_2MSL, &o, i);
	}
	return changed;
}

void shadow_settle_rst(trace_conn *c)
{
	for (int i = 0; i < 2; i++)
		if (c->side[i].tent == TENT_RCV_RST)
			c->side[i].tent = TENT_NONE;
}

bool shadow_is_new_connection(const trace_conn *c, int from, const trace_pkt *p)
{
	const tcps_segment *seg = &p->seg;
	if ((seg->flags & (TCPS_SYN | TCPS_ACK | TCPS_RST)) != TCPS_SYN)
		return false;
	const trace_side *s = &c->side[from], *peer = &c->side[!from];
	if ((s->flags & SIDE_SYN_SENT) && seg->seq == s->isn && !c->midstream)
		return false; /* the same SYN again */
	if (shadow_over(c) || c->reset || c->midstream)
		return true;
	/* A side that opened before opens again once its incarnation ended;
	 * a side that never sent a SYN is in a simultaneous open, unless the
	 * peer's incarnation is over (the roles are swapping). */
	tcps_state st = state(s->flags & SIDE_SYN_SENT ? s : peer);
	return st == TCPS_CLOSED || st == TCPS_TIME_WAIT;
}

unsigned shadow_states(const trace_side *s, tcps_state out[16])
{
	for (unsigned i = 0; i < s->nstates; i++)
		out[i] = (tcps_state)((s->hist >> (4 * i)) & 0xf);
	return s->nstates;
}
