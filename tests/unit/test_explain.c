/* `tcpstate explain` against the state table: for every state, the text
 * and the JSON list exactly the table's rows into and out of it, and name
 * the diagnosis codes the seed's bugs go by; the diagram lists every row
 * and its drawings follow the seed's two columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "explain/explain.h"

/* ================= helpers ================= */

typedef struct capture {
	char *buf;
	size_t len;
	FILE *f;
} capture;

static FILE *cap_open(capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static char *cap_close(capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	return c->buf;
}

static char *text_of(tcps_state s)
{
	capture c;
	explain_state(cap_open(&c), s);
	return cap_close(&c);
}

static char *json_of(tcps_state s)
{
	capture c;
	explain_state_json(cap_open(&c), s);
	return cap_close(&c);
}

/* The arrow as the listings print it, spelled out here rather than taken
 * from explain_arrow() so that the format is held to, not just echoed. */
static void arrow(const tcps_transition *t, char *buf, size_t cap)
{
	if (*t->send)
		snprintf(buf, cap, "%s --%s / %s--> %s", tcps_state_name(t->from),
			 tcps_event_name(t->event), t->send, tcps_state_name(t->to));
	else
		snprintf(buf, cap, "%s --%s--> %s", tcps_state_name(t->from), tcps_event_name(t->event),
			 tcps_state_name(t->to));
}

/* A copy of text between `from` and `to` (both must be present). */
static char *between(const char *text, const char *from, const char *to)
{
	const char *a = strstr(text, from);
	if (!a)
		fail_msg("no '%s' in:\n%s", from, text);
	const char *b = strstr(a, to);
	if (!b)
		fail_msg("no '%s' after '%s' in:\n%s", to, from, text);
	return strndup(a, (size_t)(b - a));
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The codes DESIGN.md gives the seed's bugs, then those `tcpstate sockets`
 * added for states held too long, and the states each shows as. */
static const char *const known_codes[] = {
	"syn_unanswered",    "handshake_incomplete", "time_wait_accumulation",
	"close_wait_stuck",  "reset_established",    "connection_refused",
	"fin_wait_2_held",   "last_ack_held",        "accept_queue_full",
};

static const struct {
	tcps_state s;
	const char *codes[3];
} expected_codes[] = {
	{ TCPS_CLOSED, { "connection_refused" } },
	{ TCPS_LISTEN, { "connection_refused", "accept_queue_full" } },
	{ TCPS_SYN_SENT, { "syn_unanswered", "connection_refused" } },
	{ TCPS_SYN_RCVD, { "handshake_incomplete" } },
	{ TCPS_ESTABLISHED, { "reset_established" } },
	{ TCPS_FIN_WAIT_1, { NULL } },
	{ TCPS_FIN_WAIT_2, { "fin_wait_2_held" } },
	{ TCPS_CLOSE_WAIT, { "close_wait_stuck" } },
	{ TCPS_CLOSING, { NULL } },
	{ TCPS_LAST_ACK, { "last_ack_held" } },
	{ TCPS_TIME_WAIT, { "time_wait_accumulation" } },
};

static bool known(const char *code)
{
	for (size_t i = 0; i < sizeof known_codes / sizeof known_codes[0]; i++)
		if (!strcmp(code, known_codes[i]))
			return true;
	return false;
}

/* ================= explain STATE, text ================= */

/* Every row of the table that enters s is under "It gets here by", every
 * row that leaves it under "It leaves by", and nothing else is. */
static void test_explain_text_lists_table_rows_for_every_state(void **state)
{
	(void)state;
	for (tcps_state s = TCPS_CLOSED; s < TCPS_NSTATES; s++) {
		char *text = text_of(s);
		char *in = between(text, "It gets here by:", "Waiting for");
		char *out = between(text, "It leaves by:", "Normal?");
		size_t nin = 0, nout = 0;

		assert_true(strncmp(text, tcps_state_name(s),
				    strlen(tcps_state_name(s))) == 0);
		for (size_t i = 0; i < tcps_ntransitions; i++) {
			const tcps_transition *t = &tcps_transitions[i];
			char a[128];
			arrow(t, a, sizeof a);
			if (t->to == s) {
				nin++;
				if (!strstr(in, a))
					fail_msg("%s: incoming row '%s' missing", tcps_state_name(s), a);
			}
			if (t->from == s) {
				nout++;
				if (!strstr(out, a))
					fail_msg("%s: outgoing row '%s' missing", tcps_state_name(s), a);
			}
		}
		assert_int_equal(count(in, "-->"), nin);
		assert_int_equal(count(out, "-->"), nout);
		assert_true(nout > 0);
		free(in);
		free(out);
		free(text);
	}
}

static void test_explain_text_has_every_section(void **state)
{
	static const char *const sections[] = {
		"\nWhat it means\n", "\nWho is in it\n",     "\nWaiting for\n",
		"\nNormal?\n",       "\nWhen it is a bug\n", "\nHow to confirm\n",
	};

	(void)state;
	for (tcps_state s = TCPS_CLOSED; s < TCPS_NSTATES; s++) {
		char *text = text_of(s);
		const char *at = text;
		for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
			const char *p = strstr(at, sections[i]);
			if (!p)
				fail_msg("%s: section '%s' missing or out of order",
					 tcps_state_name(s), sections[i] + 1);
			at = p + 1;
		}
		assert_non_null(strstr(text, explain_verdict_name(explain_prose_of(s)->verdict)));
		free(text);
	}
}

/* ================= the seed's bugs ================= */

static void test_explain_names_the_diagnosis_codes(void **state)
{
	(void)state;
	assert_int_equal(sizeof expected_codes / sizeof expected_codes[0], TCPS_NSTATES);
	for (size_t i = 0; i < TCPS_NSTATES; i++) {
		tcps_state s = expected_codes[i].s;
		const explain_prose *p = explain_prose_of(s);
		char *text = text_of(s), *json = json_of(s);
		char *bugs = between(text, "When it is a bug", "How to confirm");
		size_t want = 0;

		assert_int_equal(s, (tcps_state)i);
		for (; want < 3 && expected_codes[i].codes[want]; want++) {
			const char *code = expected_codes[i].codes[want];
			char key[64];
			snprintf(key, sizeof key, "\"code\":\"%s\"", code);
			if (!strstr(bugs, code))
				fail_msg("%s: text does not name %s", tcps_state_name(s), code);
			if (!strstr(json, key))
				fail_msg("%s: JSON lacks %s", tcps_state_name(s), key);
		}
		/* ...and no code the state does not show as. */
		for (size_t b = 0; b < EXPLAIN_MAX_BUGS && p->bugs[b].symptom; b++) {
			const char *code = p->bugs[b].code;
			bool expected = false;
			assert_non_null(p->bugs[b].cause);
			assert_non_null(p->bugs[b].fix);
			if (!code)
				continue;
			assert_true(known(code));
			for (size_t k = 0; k < want; k++)
				expected |= !strcmp(code, expected_codes[i].codes[k]);
			if (!expected)
				fail_msg("%s: unexpected code %s", tcps_state_name(s), code);
		}
		/* Even where no code applies, the usual bug is described. */
		assert_non_null(p->bugs[0].symptom);
		free(bugs);
		free(json);
		free(text);
	}
}

/* The seed's own words for its two stuck states. */
static void test_explain_close_wait_and_time_wait_verdicts(void **state)
{
	(void)state;
	assert_int_equal(explain_prose_of(TCPS_CLOSE_WAIT)->verdict, EXPLAIN_USUALLY_BUG);
	assert_int_equal(explain_prose_of(TCPS_TIME_WAIT)->verdict, EXPLAIN_NORMAL);
	char *text = text_of(TCPS_CLOSE_WAIT);
	assert_non_null(strstr(text, "close()"));
	assert_non_null(strstr(text, "ss -tanp state close-wait"));
	assert_non_null(strstr(text, "tcpstate sockets state close-wait"));
	free(text);
	/* FIN_WAIT_2 held is the far end of the peer's CLOSE_WAIT. */
	text = text_of(TCPS_FIN_WAIT_2);
	assert_non_null(strstr(text, "close_wait_stuck"));
	free(text);
}

static void test_explain_every_state_has_commands_to_confirm(void **state)
{
	(void)state;
	for (tcps_state s = TCPS_CLOSED; s < TCPS_NSTATES; s++) {
		const explain_prose *p = explain_prose_of(s);
		bool ours = false;
		assert_non_null(p->summary);
		assert_non_null(p->meaning);
		assert_non_null(p->side);
		assert_non_null(p->side_why);
		assert_non_null(p->waiting);
		assert_non_null(p->verdict_why);
		assert_non_null(p->checks[0].command);
		for (size_t i = 0; i < EXPLAIN_MAX_CHECKS && p->checks[i].command; i++) {
			assert_non_null(p->checks[i].shows);
			ours |= strncmp(p->checks[i].command, "tcpstate ", 9) == 0;
		}
		if (!ours)
			fail_msg("%s: no tcpstate command to confirm it", tcps_state_name(s));
	}
}

/* ================= explain STATE --json ================= */

static void test_explain_json_lists_table_rows_for_every_state(void **state)
{
	(void)state;
	for (tcps_state s = TCPS_CLOSED; s < TCPS_NSTATES; s++) {
		char *json = json_of(s);
		char head[64];
		size_t len = strlen(json);

		snprintf(head, sizeof head, "{\"state\":\"%s\",", tcps_state_name(s));
		assert_true(strncmp(json, head, strlen(head)) == 0);
		assert_true(len > 2 && json[len - 2] == '}' && json[len - 1] == '\n');
		assert_int_equal(count(json, "\n"), 1); /* one object, one line */
		static const char *const keys[] = { "incoming", "outgoing", "normal", "bugs",
						    "confirm",  "meaning",  "side" };
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			char key[32];
			snprintf(key, sizeof key, "\"%s\":", keys[k]);
			if (!strstr(json, key))
				fail_msg("%s: no %s", tcps_state_name(s), key);
		}
		for (size_t i = 0; i < tcps_ntransitions; i++) {
			const tcps_transition *t = &tcps_transitions[i];
			char row[160];
			if (t->to == s) {
				snprintf(row, sizeof row, "{\"from\":\"%s\",\"event\":\"%s\",\"send\":\"%s\"",
					 tcps_state_name(t->from), tcps_event_name(t->event), t->send);
				if (!strstr(json, row))
					fail_msg("%s: incoming %s missing", tcps_state_name(s), row);
			}
			if (t->from == s) {
				snprintf(row, sizeof row, "{\"to\":\"%s\",\"event\":\"%s\",\"send\":\"%s\"",
					 tcps_state_name(t->to), tcps_event_name(t->event), t->send);
				if (!strstr(json, row))
					fail_msg("%s: outgoing %s missing", tcps_state_name(s), row);
			}
		}
		free(json);
	}
}

/* ================= explain (the diagram) ================= */

static void test_diagram_lists_every_row_of_the_table(void **state)
{
	capture c;
	(void)state;
	explain_diagram(cap_open(&c));
	char *text = cap_close(&c);
	char *rows = between(text, "Every transition", "The eleven states");

	for (size_t i = 0; i < tcps_ntransitions; i++) {
		char a[128];
		arrow(&tcps_transitions[i], a, sizeof a);
		if (!strstr(rows, a))
			fail_msg("diagram lacks '%s'", a);
	}
	assert_int_equal(count(rows, "-->"), tcps_ntransitions);
	size_t figure = 0;
	for (size_t i = 0; i < tcps_ntransitions; i++)
		figure += tcps_transitions[i].in_figure;
	assert_int_equal(count(rows, "\n    fig  "), figure);
	assert_int_equal(count(rows, "\n    text "), tcps_ntransitions - figure);
	for (tcps_state s = TCPS_CLOSED; s < TCPS_NSTATES; s++) {
		char line[32];
		snprintf(line, sizeof line, "\n  %-12s ", tcps_state_name(s));
		if (!strstr(text, line))
			fail_msg("state list lacks %s", tcps_state_name(s));
	}
	assert_non_null(strstr(text, "Check yourself"));
	assert_non_null(strstr(text, "CLOSE_WAIT versus TIME_WAIT"));
	free(rows);
	free(text);
}

static void test_diagram_json_lists_every_row_of_the_table(void **state)
{
	capture c;
	(void)state;
	explain_diagram_json(cap_open(&c));
	char *json = cap_close(&c);
	char *rows = between(json, "\"transitions\":[", "],\"states\":[");

	assert_int_equal(count(rows, "{\"from\":"), tcps_ntransitions);
	assert_int_equal(count(json, "\n"), 1);
	free(rows);
	free(json);
}

/* The drawings walk the table with the usual events; the client's and the
 * server's columns must come out as the seed's Concrete Example. */
static void test_paths_walk_the_seed_example(void **state)
{
	static const tcps_state client[] = { TCPS_CLOSED,     TCPS_SYN_SENT,   TCPS_ESTABLISHED,
					     TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT,
					     TCPS_CLOSED };
	static const tcps_state server[] = { TCPS_LISTEN,     TCPS_SYN_RCVD, TCPS_ESTABLISHED,
					     TCPS_CLOSE_WAIT, TCPS_LAST_ACK, TCPS_CLOSED };
	const struct {
		const tcps_state *want;
		size_t n;
	} seed[] = { { client, 7 }, { server, 6 } };

	(void)state;
	assert_true(explain_path_count() >= 2);
	for (size_t i = 0; i < explain_path_count(); i++) {
		const explain_path *p = explain_path_at(i);
		const tcps_transition *rows[EXPLAIN_PATH_MAX];
		size_t n = explain_path_walk(p, rows, EXPLAIN_PATH_MAX);
		assert_int_equal(n, p->nevents); /* every event has its row */
		if (i >= 2)
			continue;
		assert_int_equal(n + 1, seed[i].n);
		assert_int_equal(p->start, seed[i].want[0]);
		for (size_t j = 0; j < n; j++)
			assert_int_equal(rows[j]->to, seed[i].want[j + 1]);
	}
	assert_null(explain_path_at(explain_path_count()));
}

/* ================= the seed's questions ================= */

static void test_questions_cite_rows_that_exist(void **state)
{
	(void)state;
	assert_int_equal(explain_question_count(), 3);
	for (size_t i = 0; i < explain_question_count(); i++) {
		const explain_question *q = explain_question_at(i);
		assert_true(q->nrows > 0);
		for (size_t j = 0; j < q->nrows; j++)
			if (!tcps_transition_find(q->rows[j].from, q->rows[j].event, TCPS_ORIGIN_ANY))
				fail_msg("question %zu cites %s on %s: no such row", i + 1,
					 tcps_state_name(q->rows[j].from), tcps_event_name(q->rows[j].event));
	}
}

static void test_questions_answer_the_seed(void **state)
{
	capture c;
	(void)state;
	explain_questions(cap_open(&c));
	char *text = cap_close(&c);

	assert_non_null(strstr(text, "sequence number"));
	assert_non_null(strstr(text, "TIME_WAIT and not the responder"));
	assert_non_null(strstr(text, "ESTABLISHED connection usually mean"));
	assert_non_null(strstr(text, "reset_established"));
	assert_non_null(strstr(text, "ECONNRESET"));
	const char *cmp = strstr(text, "CLOSE_WAIT versus TIME_WAIT");
	assert_non_null(cmp);
	assert_non_null(strstr(cmp, "ESTABLISHED --rcv FIN / ACK--> CLOSE_WAIT"));
	assert_non_null(strstr(cmp, "FIN_WAIT_2 --rcv FIN / ACK--> TIME_WAIT"));
	assert_non_null(strstr(cmp, "close_wait_stuck"));
	assert_non_null(strstr(cmp, "time_wait_accumulation"));
	free(text);
}

/* ================= state names ================= */

static void test_state_parse_accepts_every_spelling(void **state)
{
	static const struct {
		const char *name;
		int s;
	} spellings[] = {
		{ "SYN_SENT", TCPS_SYN_SENT },      { "syn-sent", TCPS_SYN_SENT },
		{ "Syn-Sent", TCPS_SYN_SENT },      { "close-wait", TCPS_CLOSE_WAIT },
		{ "TIME-WAIT", TCPS_TIME_WAIT },    { "ESTAB", TCPS_ESTABLISHED },
		{ "established", TCPS_ESTABLISHED }, { "syn-recv", TCPS_SYN_RCVD },
		{ "SYN-RECEIVED", TCPS_SYN_RCVD },  { "fin-wait-1", TCPS_FIN_WAIT_1 },
		{ "FIN_WAIT2", TCPS_FIN_WAIT_2 },   { "listening", TCPS_LISTEN },
		{ "last-ack", TCPS_LAST_ACK },      { "closing", TCPS_CLOSING },
		{ "closed", TCPS_CLOSED },          { "", -1 },
		{ "SYN", -1 },                      { "TIME WAIT", -1 },
		{ "close_wai", -1 },                { "bogus", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++)
		if (tcps_state_parse(spellings[i].name) != spellings[i].s)
			fail_msg("'%s' parsed as %d, want %d", spellings[i].name,
				 tcps_state_parse(spellings[i].name), spellings[i].s);
	for (tcps_state s = TCPS_CLOSED; s < TCPS_NSTATES; s++) {
		char ss[32];
		const char *n = tcps_state_name(s);
		size_t k = 0;
		for (; n[k] && k + 1 < sizeof ss; k++)
			ss[k] = n[k] == '_' ? '-' : (char)(n[k] | 0x20);
		ss[k] = '\0';
		assert_int_equal(tcps_state_parse(n), s);
		assert_int_equal(tcps_state_parse(ss), s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explain_text_lists_table_rows_for_every_state),
		cmocka_unit_test(test_explain_text_has_every_section),
		cmocka_unit_test(test_explain_names_the_diagnosis_codes),
		cmocka_unit_test(test_explain_close_wait_and_time_wait_verdicts),
		cmocka_unit_test(test_explain_every_state_has_commands_to_confirm),
		cmocka_unit_test(test_explain_json_lists_table_rows_for_every_state),
		cmocka_unit_test(test_diagram_lists_every_row_of_the_table),
		cmocka_unit_test(test_diagram_json_lists_every_row_of_the_table),
		cmocka_unit_test(test_paths_walk_the_seed_example),
		cmocka_unit_test(test_questions_cite_rows_that_exist),
		cmocka_unit_test(test_questions_answer_the_seed),
		cmocka_unit_test(test_state_parse_accepts_every_spelling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
