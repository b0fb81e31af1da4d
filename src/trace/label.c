/* Segment labels.  The retransmission, keep-alive, window and
 * out-of-order rules follow what Wireshark's TCP analysis documents, so
 * that the two agree where they name the same thing (docs/trace-vs-tshark.md). */
#include "trace/label.h"

#include "core/seq.h"

static const char *const label_names[TRACE_NLABELS] = {
	[TRACE_L_HANDSHAKE_1] = "handshake 1/3",
	[TRACE_L_HANDSHAKE_2] = "handshake 2/3",
	[TRACE_L_HANDSHAKE_3] = "handshake 3/3",
	[TRACE_L_DATA] = "data",
	[TRACE_L_ACK] = "ack",
	[TRACE_L_CLOSE_1] = "close 1/4",
	[TRACE_L_CLOSE_2] = "close 2/4",
	[TRACE_L_CLOSE_3] = "close 3/4",
	[TRACE_L_CLOSE_4] = "close 4/4",
	[TRACE_L_CLOSE_SIMULTANEOUS] = "close 1/4 (simultaneous)",
	[TRACE_L_RETRANSMISSION] = "retransmission",
	[TRACE_L_RESET] = "reset",
	[TRACE_L_KEEPALIVE] = "keep-alive",
	[TRACE_L_WINDOW_UPDATE] = "window update",
	[TRACE_L_ZERO_WINDOW] = "zero window",
	[TRACE_L_WINDOW_PROBE] = "window probe",
	[TRACE_L_OUT_OF_ORDER] = "out of order",
	[TRACE_L_OTHER] = "other",
};

const char *trace_label_name(trace_label l)
{
	return (unsigned)l < TRACE_NLABELS ? label_names[l] : "?";
}

static const char *const diag_names[TRACE_NDIAGS] = {
	[TRACE_D_SYN_UNANSWERED] = "syn_unanswered",
	[TRACE_D_HANDSHAKE_INCOMPLETE] = "handshake_incomplete",
	[TRACE_D_TIME_WAIT_ACCUMULATION] = "time_wait_accumulation",
	[TRACE_D_CLOSE_WAIT_STUCK] = "close_wait_stuck",
	[TRACE_D_RESET_ESTABLISHED] = "reset_established",
	[TRACE_D_CONNECTION_REFUSED] = "connection_refused",
	[TRACE_D_LAST_ACK_HELD] = "last_ack_held",
};

const char *trace_diag_name(trace_diag_code d)
{
	return (unsigned)d < TRACE_NDIAGS ? diag_names[d] : "?";
}

static bool synchronized(const trace_side *s)
{
	return s->state >= TCPS_ESTABLISHED && s->state != TCPS_TIME_WAIT;
}

static trace_label label_text(const trace_conn *c, int from, const trace_pkt *p)
{
	const trace_side *s = &c->side[from], *r = &c->side[!from];
	const tcps_segment *seg = &p->seg;
	if (!seq_lt(seg->seq, s->nxt))
		return (r->flags & SIDE_ZERO_WND) ? TRACE_L_WINDOW_PROBE : TRACE_L_DATA;
	if (seg->len == 1 && seg->seq == s->nxt - 1 && synchronized(s))
		return TRACE_L_KEEPALIVE;
	/* Bytes the receiver has acknowledged reached it before: sent again,
	 * whatever hole they sit in (Wireshark's spurious retransmission). */
	if ((r->flags & SIDE_ACK_SENT) && seq_leq(seg->seq + seg->len, r->ack))
		return TRACE_L_RETRANSMISSION;
	/* Out of order: first sight of bytes in a hole their sender left
	 * less than a round trip ago (tconn.h). */
	bool in_gap = c->gap_side == from && seq_geq(seg->seq, c->gap_lo) &&
		      (c->gap_len == GAP_UNBOUNDED || seq_lt(seg->seq, c->gap_lo + c->gap_len));
	if (in_gap && gap_fresh(c, p->ts))
		return TRACE_L_OUT_OF_ORDER;
	return TRACE_L_RETRANSMISSION;
}

trace_label label_for(const trace_conn *c, int from, const trace_pkt *p)
{
	const trace_side *s = &c->side[from], *r = &c->side[!from];
	const tcps_segment *seg = &p->seg;
	uint8_t f = seg->flags;
	bool known = s->flags & SIDE_SYN_SENT;

	if (f & TCPS_RST)
		return TRACE_L_RESET;
	if (f & TCPS_SYN) {
		/* The same SYN, or the same SYN,ACK, again; a SYN,ACK after a
		 * bare SYN is a simultaneous open's second step. */
		if (known && seg->seq == s->isn && !c->midstream && (!(f & TCPS_ACK) || s->synack_sent))
			return TRACE_L_RETRANSMISSION;
		return (f & TCPS_ACK) ? TRACE_L_HANDSHAKE_2 : TRACE_L_HANDSHAKE_1;
	}
	if (f & TCPS_FIN) {
		if (s->flags & SIDE_FIN_SENT)
			return TRACE_L_RETRANSMISSION;
		if (known && seg->len && seq_lt(seg->seq, s->nxt))
			return TRACE_L_RETRANSMISSION;
		if (!(r->flags & SIDE_FIN_SENT))
			return TRACE_L_CLOSE_1;
		return (f & TCPS_ACK) && seq_geq(seg->ack, r->nxt) ? TRACE_L_CLOSE_3 : TRACE_L_CLOSE_SIMULTANEOUS;
	}
	if (seg->len)
		return known ? label_text(c, from, p) : TRACE_L_DATA;
	if (!(f & TCPS_ACK))
		return TRACE_L_OTHER;
	if (known && seg->seq == s->nxt - 1 && synchronized(s))
		return TRACE_L_KEEPALIVE;
	if (seg->wnd == 0)
		return TRACE_L_ZERO_WINDOW;
	if ((r->flags & SIDE_SYN_SENT) && seg->ack == r->isn + 1 && !(s->flags & SIDE_ACK_SENT) && !c->midstream)
		return TRACE_L_HANDSHAKE_3;
	if ((r->flags & SIDE_FIN_SENT) && seq_geq(seg->ack, r->nxt) &&
	    !((s->flags & SIDE_ACK_SENT) && seq_geq(s->ack, r->nxt)))
		return (s->flags & SIDE_FIN_SENT) ? TRACE_L_CLOSE_4 : TRACE_L_CLOSE_2;
	if ((s->flags & SIDE_ACK_SENT) && seg->ack == s->ack && seg->wnd != s->wnd)
		return TRACE_L_WINDOW_UPDATE;
	return TRACE_L_ACK;
}
