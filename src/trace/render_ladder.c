/* The ladder: the seed's Concrete Example, drawn from a capture.
 *
 *   connection 1: client 10.0.0.1:43236, server 10.0.0.2:9000 (handshake)
 *
 *         time  Client                                           Server
 *               state=CLOSED                                     state=LISTEN
 *     0.000000  --- SYN seq=1000 ------------------------------>  handshake 1/3
 *               state=SYN_SENT                                   state=SYN_RCVD
 *     0.000120  <-- SYN seq=4000, ACK=1001 ---------------------  handshake 2/3
 *               state=ESTABLISHED
 *
 * The client on the left, the server on the right, time since the
 * connection's first packet, a side's state printed under it when it
 * changes, the label at the right.  Connections are drawn interleaved in
 * capture order; while more than one is open, every line starts with its
 * connection's number, so a capture of one connection looks exactly like
 * the seed's diagram. */
#include <stdlib.h>
#include <string.h>

#include "trace/render_int.h"

#define TIME_WIDTH 10
#define ARROW_COL (TIME_WIDTH + 2)  /* where the arrow and the client's state start */
#define ARROW_WIDTH 48
#define SERVER_COL (ARROW_COL + ARROW_WIDTH + 1)
#define NONE 0xf                    /* no state shown yet */

/* The per-connection byte of states shown; NULL when out of memory (the
 * ladder then prints every state line). */
static uint8_t *shown_slot(trace_render *r, uint64_t conn)
{
	if (conn == 0)
		return NULL;
	if (conn > r->nshown) {
		uint64_t n = r->nshown ? r->nshown : 1024;
		while (n < conn)
			n *= 2;
		uint8_t *p = realloc(r->shown, n);
		if (!p)
			return NULL;
		memset(p + r->nshown, 0xff, n - r->nshown);
		r->shown = p;
		r->nshown = n;
	}
	return &r->shown[conn - 1];
}

/* A line's start: the connection's number while several are open (the
 * column headings get as many spaces). */
#define NUMBER_WIDTH 5

static void line_start(trace_render *r, trace_line *l, uint64_t conn)
{
	l->n = 0;
	if (r->open > 1) {
		if (conn)
			trace_line_u64_right(l, conn, NUMBER_WIDTH);
		else
			trace_line_chars(l, ' ', NUMBER_WIDTH);
		trace_line_str(l, "  ");
	}
}

static void time_col(trace_line *l, size_t base, const uint64_t *t)
{
	if (t)
		trace_line_secs_right(l, *t, TIME_WIDTH);
	trace_line_pad(l, base + ARROW_COL);
}

static void state_text(trace_line *l, tcps_state s)
{
	trace_line_str(l, "state=");
	trace_line_str(l, tcps_state_name(s));
	if (s == TCPS_TIME_WAIT)
		trace_line_str(l, " (waits 2*MSL)");
}

/* One line with the states that differ from what the ladder shows for
 * this connection; nothing when none do. */
static void show_states(trace_render *r, uint64_t conn, const tcps_state st[2], const uint64_t *t)
{
	uint8_t *slot = shown_slot(r, conn);
	uint8_t was = slot ? *slot : 0xff;
	bool show[2] = { st[0] != (was & 0xf), st[1] != (was >> 4) };
	if (!show[0] && !show[1])
		return;
	trace_line l;
	line_start(r, &l, conn);
	size_t base = l.n;
	time_col(&l, base, t);
	if (show[TRACE_CLIENT])
		state_text(&l, st[TRACE_CLIENT]);
	if (show[TRACE_SERVER]) {
		trace_line_pad(&l, base + SERVER_COL);
		state_text(&l, st[TRACE_SERVER]);
	}
	trace_line_str(&l, "\n");
	trace_line_flush(r, &l);
	if (slot)
		*slot = (uint8_t)((st[0] & 0xf) | (st[1] & 0xf) << 4);
}

static void header(trace_render *r, const trace_seg_event *ev, bool handshake)
{
	trace_line l;
	l.n = 0;
	if (r->printed)
		trace_line_str(&l, "\n");
	trace_line_str(&l, "connection ");
	trace_line_u64(&l, ev->conn);
	trace_line_str(&l, ": client ");
	trace_line_endpoint(&l, &ev->ep[TRACE_CLIENT]);
	trace_line_str(&l, ", server ");
	trace_line_endpoint(&l, &ev->ep[TRACE_SERVER]);
	trace_line_str(&l, handshake ? " (handshake)\n\n" : " (midstream)\n\n");
	trace_line_flush(r, &l);
	line_start(r, &l, 0);
	size_t base = l.n;
	trace_line_pad(&l, base + TIME_WIDTH - 4);
	trace_line_str(&l, "time");
	trace_line_pad(&l, base + ARROW_COL);
	trace_line_str(&l, "Client");
	trace_line_pad(&l, base + SERVER_COL);
	trace_line_str(&l, "Server\n");
	trace_line_flush(r, &l);
	r->printed = true;
	/* A connection seen from its SYN starts where the seed's does; one
	 * joined midstream shows its states after its first segment. */
	if (handshake) {
		static const tcps_state first[2] = { TCPS_CLOSED, TCPS_LISTEN };
		show_states(r, ev->conn, first, NULL);
	}
}

/* The words on the arrow, in the seed's style: "SYN seq=4000, ACK=1001",
 * "ACK=4001", "499 bytes seq=1001, ACK=4001", "FIN seq=1500, ACK=4500".
 * Numbers relative to the ISNs unless -S, except on a SYN (as tcpdump). */
static void arrow_text(const trace_render *r, const trace_seg_event *ev, trace_line *l)
{
	const tcps_segment *s = &ev->pkt->seg;
	bool wire = r->absolute_seq || (s->flags & TCPS_SYN);
	uint32_t seq = wire ? s->seq : ev->rel_seq, ack = wire ? s->ack : ev->rel_ack;
	bool has_ack = s->flags & TCPS_ACK;
	const char *kind = s->flags & TCPS_RST ? "RST " : s->flags & TCPS_SYN ? "SYN "
			 : s->flags & TCPS_FIN ? "FIN " : "";
	if (!*kind && !s->len && has_ack) {
		trace_line_str(l, "ACK=");
		trace_line_u64(l, ack);
		return;
	}
	trace_line_str(l, kind);
	if (s->len) {
		trace_line_u64(l, s->len);
		trace_line_str(l, " bytes ");
	}
	trace_line_str(l, "seq=");
	trace_line_u64(l, seq);
	if (has_ack) {
		trace_line_str(l, ", ACK=");
		trace_line_u64(l, ack);
	}
}

void trace_ladder_segment(trace_render *r, const trace_seg_event *ev)
{
	const tcps_segment *s = &ev->pkt->seg;
	if (ev->first_of_conn) {
		r->open++;
		header(r, ev, (s->flags & (TCPS_SYN | TCPS_ACK)) == TCPS_SYN);
	}
	trace_line l;
	line_start(r, &l, ev->conn);
	size_t base = l.n;
	time_col(&l, base, &ev->rel_ts);
	/* "--- text ---->" from the client, "<-- text -----" from the server,
	 * at least three dashes, as wide as the space between the columns. */
	trace_line_str(&l, ev->from == TRACE_CLIENT ? "--- " : "<-- ");
	arrow_text(r, ev, &l);
	trace_line_str(&l, " ");
	size_t end = base + ARROW_COL + ARROW_WIDTH - (ev->from == TRACE_CLIENT);
	trace_line_chars(&l, '-', l.n + 3 > end ? 3 : end - l.n);
	if (ev->from == TRACE_CLIENT)
		trace_line_str(&l, ">");
	trace_line_str(&l, "  ");
	trace_line_str(&l, trace_label_name(ev->label));
	if (ev->revised[TRACE_CLIENT] || ev->revised[TRACE_SERVER])
		trace_line_str(&l, " (revised)");
	trace_line_str(&l, "\n");
	trace_line_flush(r, &l);
	show_states(r, ev->conn, ev->state, NULL);
}

void trace_ladder_conn(trace_render *r, const trace_conn_record *rec)
{
	/* Changes after the last segment: TIME_WAIT's 2*MSL running out. */
	tcps_state last[2];
	for (int i = 0; i < 2; i++)
		last[i] = rec->nstates[i] ? rec->states[i][rec->nstates[i] - 1] : TCPS_CLOSED;
	uint8_t *slot = shown_slot(r, rec->conn);
	if (slot && *slot != 0xff)
		show_states(r, rec->conn, last, NULL);

	trace_line l;
	line_start(r, &l, rec->conn);
	if (r->open <= 1)
		trace_line_str(&l, "\n");
	trace_line_str(&l, "connection ");
	trace_line_u64(&l, rec->conn);
	trace_line_str(&l, ": ");
	trace_line_str(&l, trace_conn_ending(rec));
	trace_line_str(&l, "; client sent ");
	trace_line_u64(&l, rec->packets[TRACE_CLIENT]);
	trace_line_str(&l, rec->packets[TRACE_CLIENT] == 1 ? " segment (" : " segments (");
	trace_line_u64(&l, rec->bytes[TRACE_CLIENT]);
	trace_line_str(&l, " bytes), server ");
	trace_line_u64(&l, rec->packets[TRACE_SERVER]);
	trace_line_str(&l, " (");
	trace_line_u64(&l, rec->bytes[TRACE_SERVER]);
	trace_line_str(&l, " bytes)");
	uint64_t rexmit = (uint64_t)rec->retransmits[0] + rec->retransmits[1];
	if (rexmit) {
		trace_line_str(&l, ", ");
		trace_line_u64(&l, rexmit);
		trace_line_str(&l, " retransmitted");
	}
	trace_line_str(&l, "; Zeek ");
	trace_line_str(&l, rec->zeek_state ? rec->zeek_state : "OTH");
	trace_line_str(&l, " ");
	trace_line_str(&l, rec->zeek_history[0] ? rec->zeek_history : "-");
	trace_line_str(&l, "\n");
	trace_line_flush(r, &l);
	r->printed = true;
	if (slot)
		*slot = 0xff;
	if (r->open)
		r->open--;
}
