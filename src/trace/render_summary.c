/* --summary: one line per connection as it ends, then the totals.
 *
 *      1  10.0.0.1:43236 > 10.0.0.2:9000  TIME_WAIT/CLOSED  5/4 pkts  499/499 bytes
 *         0.000900 s  closed by the client
 *
 * (one line: wrapped here).  Packets and bytes are client/server. */
#include "trace/render_int.h"

static tcps_state final_state(const trace_conn_record *rec, int side)
{
	return rec->nstates[side] ? rec->states[side][rec->nstates[side] - 1] : TCPS_CLOSED;
}

/* The most a summary line holds: the number (20), two endpoints (53 each),
 * two state names (12 each), four counts (20 each), the duration (27),
 * the ending (24), the midstream note (18) and the words between (45):
 * 352 bytes, and the few bytes past its end that the last copy writes
 * over (numbers go eight bytes at a time, names and endings a slot at a
 * time).  The line is written without checking the room. */
_Static_assert(TRACE_LINE_MAX >= 512, "a summary line fits in a trace_line");

void trace_summary_conn(trace_render *r, const trace_conn_record *rec)
{
	trace_line l;
	char *p = trace_fmt_u64_right(l.buf, rec->conn, 6);
	p = TRACE_FMT_LIT(p, "  ");
	p = trace_fmt_endpoint(p, &rec->ep[TRACE_CLIENT]);
	p = TRACE_FMT_LIT(p, " > ");
	p = trace_fmt_endpoint(p, &rec->ep[TRACE_SERVER]);
	p = TRACE_FMT_LIT(p, "  ");
	p = trace_fmt_state(p, final_state(rec, TRACE_CLIENT));
	p = TRACE_FMT_LIT(p, "/");
	p = trace_fmt_state(p, final_state(rec, TRACE_SERVER));
	p = TRACE_FMT_LIT(p, "  ");
	p = trace_fmt_u64(p, rec->packets[TRACE_CLIENT]);
	p = TRACE_FMT_LIT(p, "/");
	p = trace_fmt_u64(p, rec->packets[TRACE_SERVER]);
	p = TRACE_FMT_LIT(p, " pkts  ");
	p = trace_fmt_u64(p, rec->bytes[TRACE_CLIENT]);
	p = TRACE_FMT_LIT(p, "/");
	p = trace_fmt_u64(p, rec->bytes[TRACE_SERVER]);
	p = TRACE_FMT_LIT(p, " bytes  ");
	p = trace_fmt_secs(p, rec->last_ts - rec->first_ts);
	p = TRACE_FMT_LIT(p, " s  ");
	p = trace_fmt_ending(p, rec);
	if (rec->midstream)
		p = TRACE_FMT_LIT(p, ", joined midstream");
	p = TRACE_FMT_LIT(p, "\n");
	l.n = (size_t)(p - l.buf);
	trace_line_flush(r, &l);
}

void trace_summary_finish(trace_render *r)
{
	trace_line l;
	l.n = 0;
	trace_line_u64(&l, r->conns);
	trace_line_str(&l, r->conns == 1 ? " connection (" : " connections (");
	trace_line_u64(&l, r->closed);
	trace_line_str(&l, " closed, ");
	trace_line_u64(&l, r->reset);
	trace_line_str(&l, " reset, ");
	trace_line_u64(&l, r->unfinished);
	trace_line_str(&l, " still open or unanswered), ");
	trace_line_u64(&l, r->packets);
	trace_line_str(&l, " packets, ");
	trace_line_u64(&l, r->bytes);
	trace_line_str(&l, " bytes of payload\n");
	trace_line_flush(r, &l);
}
