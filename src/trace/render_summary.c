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

void trace_summary_conn(trace_render *r, const trace_conn_record *rec)
{
	trace_line l;
	l.n = 0;
	trace_line_u64_right(&l, rec->conn, 6);
	trace_line_str(&l, "  ");
	trace_line_endpoint(&l, &rec->ep[TRACE_CLIENT]);
	trace_line_str(&l, " > ");
	trace_line_endpoint(&l, &rec->ep[TRACE_SERVER]);
	trace_line_str(&l, "  ");
	trace_line_str(&l, tcps_state_name(final_state(rec, TRACE_CLIENT)));
	trace_line_str(&l, "/");
	trace_line_str(&l, tcps_state_name(final_state(rec, TRACE_SERVER)));
	trace_line_str(&l, "  ");
	trace_line_u64(&l, rec->packets[TRACE_CLIENT]);
	trace_line_str(&l, "/");
	trace_line_u64(&l, rec->packets[TRACE_SERVER]);
	trace_line_str(&l, " pkts  ");
	trace_line_u64(&l, rec->bytes[TRACE_CLIENT]);
	trace_line_str(&l, "/");
	trace_line_u64(&l, rec->bytes[TRACE_SERVER]);
	trace_line_str(&l, " bytes  ");
	trace_line_secs(&l, rec->last_ts - rec->first_ts);
	trace_line_str(&l, " s  ");
	trace_line_str(&l, trace_conn_ending(rec));
	if (rec->midstream)
		trace_line_str(&l, ", joined midstream");
	trace_line_str(&l, "\n");
	trace_line_flush(&l, r->out);
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
	trace_line_flush(&l, r->out);
}
