/* JSON Lines: DESIGN.md's "segment" and "connection" records, one object
 * a line.  Every string written here is one of ours (state names, labels,
 * flag letters, addresses), none needs escaping. */
#include <string.h>

#include "trace/render_int.h"

/* tcpdump's habit: a segment carrying SYN shows its numbers as on the
 * wire, the others relative to the ISNs (unless -S). */
static void seq_ack(const trace_render *r, const trace_seg_event *ev, uint32_t *seq, uint32_t *ack)
{
	const tcps_segment *s = &ev->pkt->seg;
	bool wire = r->absolute_seq || (s->flags & TCPS_SYN);
	*seq = wire ? s->seq : ev->rel_seq;
	*ack = !(s->flags & TCPS_ACK) ? 0 : wire ? s->ack : ev->rel_ack;
}

void trace_json_segment(trace_render *r, const trace_seg_event *ev)
{
	const tcps_segment *s = &ev->pkt->seg;
	uint32_t seq, ack;
	seq_ack(r, ev, &seq, &ack);
	char flags[9];
	trace_line l;
	l.n = 0;
	trace_line_str(&l, "{\"type\":\"segment\",\"conn\":");
	trace_line_u64(&l, ev->conn);
	trace_line_str(&l, ",\"t\":");
	trace_line_secs(&l, ev->capture_ts);
	trace_line_str(&l, ev->from == TRACE_CLIENT ? ",\"from\":\"client\",\"flags\":\""
						    : ",\"from\":\"server\",\"flags\":\"");
	trace_line_str(&l, tcps_flags_str(s->flags, flags));
	trace_line_str(&l, "\",\"seq\":");
	trace_line_u64(&l, seq);
	trace_line_str(&l, ",\"ack\":");
	trace_line_u64(&l, ack);
	trace_line_str(&l, ",\"len\":");
	trace_line_u64(&l, s->len);
	trace_line_str(&l, ",\"win\":");
	trace_line_u64(&l, ev->win);
	trace_line_str(&l, ",\"label\":\"");
	trace_line_str(&l, trace_label_name(ev->label));
	trace_line_str(&l, "\",\"client\":\"");
	trace_line_str(&l, tcps_state_name(ev->state[TRACE_CLIENT]));
	trace_line_str(&l, "\",\"server\":\"");
	trace_line_str(&l, tcps_state_name(ev->state[TRACE_SERVER]));
	trace_line_str(&l, "\"");
	/* Extra keys, allowed by the contract. */
	if (ev->revised[TRACE_CLIENT] || ev->revised[TRACE_SERVER])
		trace_line_str(&l, ",\"revised\":true");
	trace_line_str(&l, "}\n");
	trace_line_flush(r, &l);
}

static void state_list(trace_line *l, const trace_conn_record *rec, int side)
{
	trace_line_str(l, "[");
	for (unsigned i = 0; i < rec->nstates[side]; i++) {
		trace_line_str(l, i ? ",\"" : "\"");
		trace_line_str(l, tcps_state_name(rec->states[side][i]));
		trace_line_str(l, "\"");
	}
	trace_line_str(l, "]");
}

/* "name":{"client":a,"server":b} */
static void per_side(trace_line *l, const char *name, uint64_t client, uint64_t server)
{
	trace_line_str(l, ",\"");
	trace_line_str(l, name);
	trace_line_str(l, "\":{\"client\":");
	trace_line_u64(l, client);
	trace_line_str(l, ",\"server\":");
	trace_line_u64(l, server);
	trace_line_str(l, "}");
}

void trace_json_conn(trace_render *r, const trace_conn_record *rec)
{
	trace_line l;
	l.n = 0;
	trace_line_str(&l, "{\"type\":\"connection\",\"conn\":");
	trace_line_u64(&l, rec->conn);
	trace_line_str(&l, ",\"client\":\"");
	trace_line_endpoint(&l, &rec->ep[TRACE_CLIENT]);
	trace_line_str(&l, "\",\"server\":\"");
	trace_line_endpoint(&l, &rec->ep[TRACE_SERVER]);
	trace_line_str(&l, rec->midstream ? "\",\"start\":\"midstream\"" : "\",\"start\":\"handshake\"");
	trace_line_str(&l, ",\"states\":{\"client\":");
	state_list(&l, rec, TRACE_CLIENT);
	trace_line_str(&l, ",\"server\":");
	state_list(&l, rec, TRACE_SERVER);
	trace_line_str(&l, "}");
	per_side(&l, "packets", rec->packets[TRACE_CLIENT], rec->packets[TRACE_SERVER]);
	per_side(&l, "bytes", rec->bytes[TRACE_CLIENT], rec->bytes[TRACE_SERVER]);
	static const char *const closed_by[] = { "\"client\"", "\"server\"", "\"both\"" };
	trace_line_str(&l, ",\"closed_by\":");
	trace_line_str(&l, rec->closed_by >= 0 && rec->closed_by <= 2 ? closed_by[rec->closed_by]
								    : "null");
	trace_line_str(&l, ",\"diagnoses\":[");
	for (int d = 0, n = 0; d < TRACE_NDIAGS; d++) {
		if (!(rec->diagnoses & (1u << d)))
			continue;
		trace_line_str(&l, n++ ? ",\"" : "\"");
		trace_line_str(&l, trace_diag_name((trace_diag_code)d));
		trace_line_str(&l, "\"");
	}
	trace_line_str(&l, "]");
	/* Extra keys, allowed by the contract. */
	per_side(&l, "retransmits", rec->retransmits[TRACE_CLIENT], rec->retransmits[TRACE_SERVER]);
	trace_line_str(&l, ",\"zeek_state\":\"");
	trace_line_str(&l, rec->zeek_state ? rec->zeek_state : "OTH");
	trace_line_str(&l, "\",\"history\":\"");
	trace_line_str(&l, rec->zeek_history);
	trace_line_str(&l, "\"}\n");
	trace_line_flush(r, &l);
}
