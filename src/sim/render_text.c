/* The ladder: the seed's diagram, drawn from a run.
 *
 *       time  Client                                           Server
 *             state=CLOSED                                     state=LISTEN
 *   0.001000  --- SYN seq=1000 ------------------------------>  handshake 1/3
 *             state=SYN_SENT                                   state=SYN_RCVD
 *
 * The client is on the left, the server on the right, a state printed
 * under a side when it changes; arrows use the seed's wording. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/render_int.h"

#define ARROW_WIDTH 48       /* the server's column starts one after */
#define TIME_WIDTH 10

static void time_col(FILE *out, const uint64_t *t)
{
	if (!t) {
		fprintf(out, "%*s  ", TIME_WIDTH, "");
		return;
	}
	char buf[32];
	fprintf(out, "%*s  ", TIME_WIDTH, sim_time_str(*t, buf));
}

static int state_text(tcps_state s, char *buf, size_t cap)
{
	return snprintf(buf, cap, "state=%s%s", tcps_state_name(s),
			s == TCPS_TIME_WAIT ? " (waits 2*MSL)" : "");
}

/* One line with the states of the sides in `which` (bit per side) that
 * differ from what the ladder shows; nothing when none do. */
static void show_states(sim_render *r, const uint64_t *t, const tcps_state st[2],
			const uint64_t at[2], unsigned which)
{
	bool show[2];
	for (int i = 0; i < 2; i++)
		show[i] = (which & (1u << i)) && st[i] != r->shown[i];
	if (!show[SIM_CLIENT] && !show[SIM_SERVER])
		return;
	char left[64] = "", right[64] = "";
	if (show[SIM_CLIENT])
		state_text(st[SIM_CLIENT], left, sizeof left);
	if (show[SIM_SERVER])
		state_text(st[SIM_SERVER], right, sizeof right);
	time_col(r->out, t);
	if (show[SIM_SERVER])
		fprintf(r->out, "%-*s %s\n", ARROW_WIDTH, left, right);
	else
		fprintf(r->out, "%s\n", left);
	for (int i = 0; i < 2; i++) {
		if (show[i]) {
			r->shown[i] = st[i];
			r->shown_at[i] = at[i];
		}
	}
}

static void header(sim_render *r, const sim_conn_rec *c)
{
	char client[64], server[64];
	sim_conn_endpoints(c, client, server);
	if (r->conn_shown)
		fputc('\n', r->out);
	fprintf(r->out, "connection %u: client %s, server %s\n\n", c->id, client, server);
	fprintf(r->out, "%*s  %-*s %s\n", TIME_WIDTH, "time", ARROW_WIDTH, "Client", "Server");
	/* A side that has not changed state yet in this connection is still
	 * in the state the previous one left it (TIME_WAIT, say). */
	tcps_state first[2];
	for (int i = 0; i < 2; i++)
		first[i] = c->nstates[i] ? c->states[i][0] : c->last[i];
	const uint64_t zero[2] = { 0, 0 };
	/* Whatever the ladder showed before, this connection's first states
	 * are printed: TCPS_NSTATES is no state, so both differ from it. */
	r->shown[SIM_CLIENT] = r->shown[SIM_SERVER] = TCPS_NSTATES;
	show_states(r, NULL, first, zero, 3);
	r->conn_shown = c->id;
}

/* The words on the arrow, in the seed's style: "SYN seq=4000, ACK=1001",
 * "ACK=4001", "FIN seq=1500, ACK=4500", "499 bytes seq=1001, ACK=4001". */
static void arrow_text(const tcps_segment *s, char *buf, size_t cap)
{
	char ack[24] = "";
	bool has_ack = s->flags & TCPS_ACK;
	if (has_ack)
		snprintf(ack, sizeof ack, ", ACK=%" PRIu32, s->ack);
	char bytes[24] = "";
	if (s->len)
		snprintf(bytes, sizeof bytes, "%" PRIu32 " bytes ", s->len);
	const char *kind = s->flags & TCPS_RST ? "RST " : s->flags & TCPS_SYN ? "SYN "
			 : s->flags & TCPS_FIN ? "FIN " : "";
	if (!*kind && !s->len && has_ack)
		snprintf(buf, cap, "ACK=%" PRIu32, s->ack);
	else
		snprintf(buf, cap, "%s%sseq=%" PRIu32 "%s", kind, bytes, s->seq, ack);
}

static void arrow(FILE *out, int from, bool lost, const char *text)
{
	char line[ARROW_WIDTH + 64];
	/* A lost segment's arrow ends in X where it should have arrived. */
	const char *tail = from == SIM_CLIENT ? "---" : lost ? "X--" : "<--";
	int n = snprintf(line, sizeof line, "%s %s ", tail, text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	/* At least three dashes, more to reach the server's column. */
	int dashes = ARROW_WIDTH - n - (from == SIM_CLIENT);
	if (dashes < 3)
		dashes = 3;
	fputs(line, out);
	for (int i = 0; i < dashes; i++)
		fputc('-', out);
	if (from == SIM_CLIENT)
		fputc(lost ? 'X' : '>', out);
}

void sim_text_segment(sim_render *r, const sim_conn_rec *c, const sim_seg_event *ev,
		      const char *label)
{
	if (r->conn_shown != c->id)
		header(r, c);
	char text[96];
	arrow_text(ev->seg, text, sizeof text);
	bool lost = ev->kind == SIM_SEG_LOST;
	time_col(r->out, &ev->t);
	arrow(r->out, ev->from, lost, text);
	fprintf(r->out, "  %s%s%s%s\n", label, lost ? ", lost" : "", ev->dup ? ", duplicate" : "",
		ev->by_host ? ", from the host: no connection" : "");
	/* The receiver's state is news.  The sender's is its state when it
	 * sent the segment: when segments cross, the ladder may already show
	 * a later one, which must not be undone. */
	int to = !ev->from;
	uint64_t at[2];
	at[to] = ev->t;
	at[ev->from] = ev->sent_at;
	unsigned which = 1u << to;
	if (ev->sent_at >= r->shown_at[ev->from])
		which |= 1u << ev->from;
	show_states(r, NULL, ev->state, at, which);
}

void sim_text_conn_end(sim_render *r, const sim_conn_rec *c)
{
	if (r->conn_shown != c->id)
		header(r, c);
	/* Changes after the last segment: TIME_WAIT's 2*MSL running out. */
	const uint64_t at[2] = { c->last_change, c->last_change };
	show_states(r, &c->last_change, c->last, at, 3);
	FILE *out = r->out;
	fprintf(out, "\n");
	if (c->closed_by >= 0)
		fprintf(out, "closed by the %s; ", sim_side_name(c->closed_by));
	fprintf(out, "client sent %" PRIu64 " segments (%" PRIu64 " bytes), server %" PRIu64
		" segments (%" PRIu64 " bytes)\n",
		c->packets[0], c->bytes[0], c->packets[1], c->bytes[1]);
	for (unsigned i = 0; i < c->ndiag; i++)
		fprintf(out, "diagnosis %s (%s): %s\n  hint: %s\n", sim_diag_name(c->diag[i].code),
			sim_side_name(c->diag[i].endpoint), sim_diag_message(c->diag[i].code),
			sim_diag_hint(c->diag[i].code));
}
