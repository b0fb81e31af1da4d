/* JSON Lines output: the records DESIGN.md defines, one object a line. */
#include <inttypes.h>
#include <stdio.h>

#include "sim/render_int.h"

void sim_json_segment(sim_render *r, const sim_conn_rec *c, const sim_seg_event *ev,
		      const char *label)
{
	FILE *out = r->out;
	const tcps_segment *seg = ev->seg;
	char flags[9], t[32];
	fprintf(out, "{\"type\":\"segment\",\"conn\":%u,\"t\":%s", c->id, sim_time_str(ev->t, t));
	fprintf(out, ",\"from\":\"%s\",\"flags\":", sim_side_name(ev->from));
	sim_json_string(out, tcps_flags_str(seg->flags, flags));
	fprintf(out, ",\"seq\":%" PRIu32 ",\"ack\":%" PRIu32 ",\"len\":%" PRIu32 ",\"win\":%u,\"label\":",
		seg->seq, (seg->flags & TCPS_ACK) ? seg->ack : 0, seg->len, (unsigned)seg->wnd);
	sim_json_string(out, label);
	fprintf(out, ",\"client\":\"%s\",\"server\":\"%s\"", tcps_state_name(ev->state[SIM_CLIENT]),
		tcps_state_name(ev->state[SIM_SERVER]));
	/* Extra keys, allowed by the contract: what the link did to it. */
	if (ev->kind == SIM_SEG_LOST)
		fputs(",\"lost\":true", out);
	if (ev->dup)
		fputs(",\"duplicate\":true", out);
	if (ev->by_host)
		fputs(",\"host\":true", out);
	fputs("}\n", out);
}

static void state_list(FILE *out, const sim_conn_rec *c, int side)
{
	fputc('[', out);
	for (unsigned i = 0; i < c->nstates[side]; i++)
		fprintf(out, "%s\"%s\"", i ? "," : "", tcps_state_name(c->states[side][i]));
	fputc(']', out);
}

static void diagnosis(FILE *out, const sim_conn_rec *c, const sim_diag *d)
{
	fprintf(out, "{\"type\":\"diagnosis\",\"code\":\"%s\",\"conn\":%u,\"endpoint\":\"%s\",\"message\":",
		sim_diag_name(d->code), c->id, sim_side_name(d->endpoint));
	sim_json_string(out, sim_diag_message(d->code));
	fputs(",\"hint\":", out);
	sim_json_string(out, sim_diag_hint(d->code));
	fputs("}\n", out);
}

void sim_json_conn_end(sim_render *r, const sim_conn_rec *c)
{
	FILE *out = r->out;
	char client[64], server[64];
	sim_conn_endpoints(c, client, server);
	fprintf(out, "{\"type\":\"connection\",\"conn\":%u,\"client\":", c->id);
	sim_json_string(out, client);
	fputs(",\"server\":", out);
	sim_json_string(out, server);
	fputs(",\"start\":\"handshake\",\"states\":{\"client\":", out);
	state_list(out, c, SIM_CLIENT);
	fputs(",\"server\":", out);
	state_list(out, c, SIM_SERVER);
	fprintf(out, "},\"packets\":{\"client\":%" PRIu64 ",\"server\":%" PRIu64 "}", c->packets[0],
		c->packets[1]);
	fprintf(out, ",\"bytes\":{\"client\":%" PRIu64 ",\"server\":%" PRIu64 "}", c->bytes[0],
		c->bytes[1]);
	fputs(",\"closed_by\":", out);
	if (c->closed_by < 0)
		fputs("null", out);
	else
		fprintf(out, "\"%s\"", sim_side_name(c->closed_by));
	fputs(",\"diagnoses\":[", out);
	for (unsigned i = 0; i < c->ndiag; i++)
		fprintf(out, "%s\"%s\"", i ? "," : "", sim_diag_name(c->diag[i].code));
	fputs("]}\n", out);
	for (unsigned i = 0; i < c->ndiag; i++)
		diagnosis(out, c, &c->diag[i]);
}
