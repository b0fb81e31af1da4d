/* `tcpstate explain STATE` as text: the prose of prose.c around the rows
 * of the state table that enter and leave the state. */
#include <string.h>

#include "explain/explain_int.h"

#define WIDTH 78      /* wrap prose to fit an 80-column terminal */

void explain_wrap(FILE *out, const char *first, int hang, const char *text)
{
	int col = fprintf(out, "%s", first);
	bool fresh = true; /* nothing but the margin on this line yet */
	const char *p = text;

	for (;;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n == 0)
			break;
		/* A word longer than the line still gets a line of its own. */
		if (!fresh && col + 1 + (int)n > WIDTH) {
			col = fprintf(out, "\n%*s", hang, "") - 1;
			fresh = true;
		}
		col += fprintf(out, "%s%.*s", fresh ? "" : " ", (int)n, p);
		fresh = false;
		p += n;
	}
	fputc('\n', out);
}

char *explain_arrow(const tcps_transition *t, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s --%s%s%s--> %s", tcps_state_name(t->from), tcps_event_name(t->event),
		 *t->send ? " / " : "", t->send, tcps_state_name(t->to));
	return buf;
}

/* The longest arrow in the table, so that the notes after the arrows line
 * up whatever rows the table gains. */
static int arrow_width(void)
{
	int w = 0;

	for (size_t i = 0; i < tcps_ntransitions; i++) {
		char arrow[96];
		int n = (int)strlen(explain_arrow(&tcps_transitions[i], arrow, sizeof arrow));
		w = n > w ? n : w;
	}
	return w;
}

void explain_row_line(FILE *out, int indent, const tcps_transition *t)
{
	static const char *const only[] = {
		[TCPS_ORIGIN_ANY] = "",
		[TCPS_ORIGIN_PASSIVE] = "; passive open",
		[TCPS_ORIGIN_ACTIVE] = "; active open",
	};
	char arrow[96];

	fprintf(out, "%*s%s %-*s %s%s\n", indent, "", t->in_figure ? "fig " : "text", arrow_width(),
		explain_arrow(t, arrow, sizeof arrow), t->rfc, only[t->origin]);
}

/* The rows entering (to == s) or leaving (from == s) the state. */
static void rows(FILE *out, tcps_state s, bool entering)
{
	for (size_t i = 0; i < tcps_ntransitions; i++) {
		const tcps_transition *t = &tcps_transitions[i];
		if ((entering ? t->to : t->from) == s)
			explain_row_line(out, 4, t);
	}
}

static void section(FILE *out, const char *title)
{
	fprintf(out, "\n%s\n", title);
}

static void bugs(FILE *out, const explain_prose *p)
{
	for (size_t i = 0; i < EXPLAIN_MAX_BUGS && p->bugs[i].symptom; i++) {
		const explain_bug *b = &p->bugs[i];
		if (i)
			fputc('\n', out);
		fprintf(out, "  %s\n", b->code ? b->code : "(no diagnosis code for this one)");
		explain_wrap(out, "    Seen:    ", 13, b->symptom);
		explain_wrap(out, "    Usually: ", 13, b->cause);
		explain_wrap(out, "    Fix:     ", 13, b->fix);
	}
}

void explain_state(FILE *out, tcps_state s)
{
	const explain_prose *p = explain_prose_of(s);
	char lead[48];

	fprintf(out, "%s: %s\n", tcps_state_name(s), p->summary);

	section(out, "What it means");
	explain_wrap(out, "  ", 2, p->meaning);

	section(out, "Who is in it");
	snprintf(lead, sizeof lead, "  Side: %s. ", p->side);
	explain_wrap(out, lead, 2, p->side_why);
	fputs("  It gets here by:\n", out);
	rows(out, s, true);

	section(out, "Waiting for");
	explain_wrap(out, "  ", 2, p->waiting);
	fputs("  It leaves by:\n", out);
	rows(out, s, false);

	section(out, "Normal?");
	snprintf(lead, sizeof lead, "  Verdict: %s. ", explain_verdict_name(p->verdict));
	explain_wrap(out, lead, 2, p->verdict_why);

	section(out, "When it is a bug");
	bugs(out, p);

	section(out, "How to confirm");
	for (size_t i = 0; i < EXPLAIN_MAX_CHECKS && p->checks[i].command; i++) {
		fprintf(out, "  $ %s\n", p->checks[i].command);
		explain_wrap(out, "      ", 6, p->checks[i].shows);
	}
	fputs("\nfig: drawn in RFC 9293 Figure 5; text: from the RFC's text (section 3.10\n"
	      "or the RFC named); numbers are RFC 9293 sections.  'tcpstate explain' draws\n"
	      "the whole diagram.\n",
	      out);
}
