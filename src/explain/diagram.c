/* `tcpstate explain` with no state: the diagram, drawn from the state
 * table.  The drawings know only which events usually follow one another
 * (the client opens, then closes first...); every state on them is
 * looked up in tcps_transitions[], so a change to the table shows here. */
#include "explain/explain_int.h"

static const explain_path paths[] = {
	{ "client: opens, closes first", TCPS_CLOSED, TCPS_ORIGIN_ACTIVE,
	  { TCPS_EV_OPEN_ACTIVE, TCPS_EV_RCV_SYN_ACK, TCPS_EV_CLOSE, TCPS_EV_RCV_ACK_OF_FIN,
	    TCPS_EV_RCV_FIN, TCPS_EV_TIMEOUT_2MSL },
	  6 },
	{ "server: listens, closes second", TCPS_LISTEN, TCPS_ORIGIN_PASSIVE,
	  { TCPS_EV_RCV_SYN, TCPS_EV_RCV_ACK_OF_SYN, TCPS_EV_RCV_FIN, TCPS_EV_CLOSE,
	    TCPS_EV_RCV_ACK_OF_FIN },
	  5 },
	{ "simultaneous open (both sides)", TCPS_CLOSED, TCPS_ORIGIN_ACTIVE,
	  { TCPS_EV_OPEN_ACTIVE, TCPS_EV_RCV_SYN, TCPS_EV_RCV_ACK_OF_SYN },
	  3 },
	{ "simultaneous close (both sides)", TCPS_ESTABLISHED, TCPS_ORIGIN_ANY,
	  { TCPS_EV_CLOSE, TCPS_EV_RCV_FIN, TCPS_EV_RCV_ACK_OF_FIN, TCPS_EV_TIMEOUT_2MSL },
	  4 },
};

#define NPATHS (sizeof paths / sizeof paths[0])

size_t explain_path_count(void)
{
	return NPATHS;
}

const explain_path *explain_path_at(size_t i)
{
	return i < NPATHS ? &paths[i] : NULL;
}

size_t explain_path_walk(const explain_path *p, const tcps_transition **rows, size_t cap)
{
	tcps_state s = p->start;
	size_t n = 0;

	for (size_t i = 0; i < p->nevents && n < cap; i++) {
		const tcps_transition *t = tcps_transition_find(s, p->events[i], p->origin);
		if (!t)
			break;
		rows[n++] = t;
		s = t->to;
	}
	return n;
}

/* A path drawn top to bottom into lines, so that two can stand side by
 * side as the seed draws the client and the server. */
#define COL_W 38
#define COL_LINES (2 + 3 * EXPLAIN_PATH_MAX)

typedef struct column {
	char line[COL_LINES][COL_W];
	size_t n;
} column;

static void draw(column *c, const explain_path *p)
{
	const tcps_transition *rows[EXPLAIN_PATH_MAX];
	size_t n = explain_path_walk(p, rows, EXPLAIN_PATH_MAX);

	c->n = 0;
	snprintf(c->line[c->n++], COL_W, "%s", p->title);
	snprintf(c->line[c->n++], COL_W, "%s", tcps_state_name(p->start));
	for (size_t i = 0; i < n; i++) {
		snprintf(c->line[c->n++], COL_W, "  | %s%s%s", tcps_event_name(rows[i]->event),
			 *rows[i]->send ? " / " : "", rows[i]->send);
		snprintf(c->line[c->n++], COL_W, "  v");
		snprintf(c->line[c->n++], COL_W, "%s", tcps_state_name(rows[i]->to));
	}
}

static void side_by_side(FILE *out, const explain_path *a, const explain_path *b)
{
	column l, r;

	draw(&l, a);
	draw(&r, b);
	for (size_t i = 0; i < l.n || i < r.n; i++) {
		const char *left = i < l.n ? l.line[i] : "";
		if (i < r.n)
			fprintf(out, "  %-*s%s\n", COL_W, left, r.line[i]);
		else
			fprintf(out, "  %s\n", left);
	}
}

static void every_row(FILE *out)
{
	fputs("Every transition, by the state it leaves\n"
	      "  fig  = drawn in RFC 9293 Figure 5\n"
	      "  text = added by the text of RFC 9293 section 3.10 (or the RFC named)\n"
	      "  numbers are RFC 9293 sections; 'event / sent' on each arrow\n",
	      out);
	for (int s = 0; s < TCPS_NSTATES; s++) {
		fprintf(out, "\n  %s\n", tcps_state_name((tcps_state)s));
		for (size_t i = 0; i < tcps_ntransitions; i++)
			if (tcps_transitions[i].from == (tcps_state)s)
				explain_row_line(out, 4, &tcps_transitions[i]);
	}
}

static void state_list(FILE *out)
{
	fputs("The eleven states ('tcpstate explain STATE' for each)\n", out);
	for (int s = 0; s < TCPS_NSTATES; s++) {
		const explain_prose *p = explain_prose_of((tcps_state)s);
		fprintf(out, "  %-12s %s\n", tcps_state_name((tcps_state)s), p->summary);
	}
}

void explain_diagram(FILE *out)
{
	fputs("The TCP state machine (RFC 9293), drawn from tcpstate's state table\n\n", out);
	for (size_t i = 0; i + 1 < NPATHS; i += 2) {
		side_by_side(out, &paths[i], &paths[i + 1]);
		fputc('\n', out);
	}
	every_row(out);
	fputc('\n', out);
	state_list(out);
	fputc('\n', out);
	explain_questions(out);
}

static void json_paths(FILE *out)
{
	fputs("\"paths\":[", out);
	for (size_t i = 0; i < NPATHS; i++) {
		const tcps_transition *rows[EXPLAIN_PATH_MAX];
		size_t n = explain_path_walk(&paths[i], rows, EXPLAIN_PATH_MAX);
		fputs(i ? ",{\"title\":" : "{\"title\":", out);
		explain_json_str(out, paths[i].title);
		fprintf(out, ",\"states\":[\"%s\"", tcps_state_name(paths[i].start));
		for (size_t j = 0; j < n; j++)
			fprintf(out, ",\"%s\"", tcps_state_name(rows[j]->to));
		fputs("]}", out);
	}
	fputc(']', out);
}

void explain_diagram_json(FILE *out)
{
	fputc('{', out);
	json_paths(out);
	fputs(",\"transitions\":[", out);
	for (size_t i = 0; i < tcps_ntransitions; i++) {
		if (i)
			fputc(',', out);
		explain_json_row(out, &tcps_transitions[i], true, true);
	}
	fputs("],\"states\":[", out);
	for (int s = 0; s < TCPS_NSTATES; s++) {
		const explain_prose *p = explain_prose_of((tcps_state)s);
		fprintf(out, "%s{\"state\":\"%s\",\"summary\":", s ? "," : "",
			tcps_state_name((tcps_state)s));
		explain_json_str(out, p->summary);
		fprintf(out, ",\"normal\":\"%s\"}", explain_verdict_name(p->verdict));
	}
	fputs("],", out);
	explain_questions_keys(out);
	fputs("}\n", out);
}
