/* `tcpstate explain STATE --json`: the same sections as the text, as one
 * JSON object on one line, so that scripts need not scrape the prose. */
#include "explain/explain_int.h"

void explain_json_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static const char *origin_name(tcps_origin o)
{
	return o == TCPS_ORIGIN_PASSIVE ? "passive" : o == TCPS_ORIGIN_ACTIVE ? "active" : "any";
}

void explain_json_row(FILE *out, const tcps_transition *t, bool with_from, bool with_to)
{
	fputc('{', out);
	if (with_from)
		fprintf(out, "\"from\":\"%s\",", tcps_state_name(t->from));
	if (with_to)
		fprintf(out, "\"to\":\"%s\",", tcps_state_name(t->to));
	fputs("\"event\":", out);
	explain_json_str(out, tcps_event_name(t->event));
	fputs(",\"send\":", out);
	explain_json_str(out, t->send);
	fprintf(out, ",\"in_figure\":%s,\"rfc\":", t->in_figure ? "true" : "false");
	explain_json_str(out, t->rfc);
	fprintf(out, ",\"origin\":\"%s\"}", origin_name(t->origin));
}

static void rows(FILE *out, tcps_state s, bool entering)
{
	const char *sep = "";

	fputc('[', out);
	for (size_t i = 0; i < tcps_ntransitions; i++) {
		const tcps_transition *t = &tcps_transitions[i];
		if ((entering ? t->to : t->from) != s)
			continue;
		fputs(sep, out);
		/* Every incoming row ends in s and every outgoing one starts
		 * there: only the other end is worth a key. */
		explain_json_row(out, t, entering, !entering);
		sep = ",";
	}
	fputc(']', out);
}

static void key_str(FILE *out, const char *key, const char *val)
{
	fprintf(out, ",\"%s\":", key);
	explain_json_str(out, val);
}

static void bugs(FILE *out, const explain_prose *p)
{
	fputs(",\"bugs\":[", out);
	for (size_t i = 0; i < EXPLAIN_MAX_BUGS && p->bugs[i].symptom; i++) {
		const explain_bug *b = &p->bugs[i];
		fputs(i ? ",{\"code\":" : "{\"code\":", out);
		explain_json_str(out, b->code);
		key_str(out, "symptom", b->symptom);
		key_str(out, "cause", b->cause);
		key_str(out, "fix", b->fix);
		fputc('}', out);
	}
	fputc(']', out);
}

static void checks(FILE *out, const explain_prose *p)
{
	fputs(",\"confirm\":[", out);
	for (size_t i = 0; i < EXPLAIN_MAX_CHECKS && p->checks[i].command; i++) {
		fputs(i ? ",{\"command\":" : "{\"command\":", out);
		explain_json_str(out, p->checks[i].command);
		key_str(out, "shows", p->checks[i].shows);
		fputc('}', out);
	}
	fputc(']', out);
}

void explain_state_json(FILE *out, tcps_state s)
{
	const explain_prose *p = explain_prose_of(s);

	fprintf(out, "{\"state\":\"%s\"", tcps_state_name(s));
	key_str(out, "summary", p->summary);
	key_str(out, "meaning", p->meaning);
	key_str(out, "side", p->side);
	key_str(out, "side_why", p->side_why);
	fputs(",\"incoming\":", out);
	rows(out, s, true);
	key_str(out, "waiting", p->waiting);
	fputs(",\"outgoing\":", out);
	rows(out, s, false);
	key_str(out, "normal", explain_verdict_name(p->verdict));
	key_str(out, "normal_why", p->verdict_why);
	bugs(out, p);
	checks(out, p);
	fputs("}\n", out);
}
