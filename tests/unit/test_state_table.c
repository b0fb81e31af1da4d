/* The state table against RFC 9293: Figure 5's arrows, the transitions
 * §3.10 adds in prose, and the names a user may type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcpstate/state.h"

/* Figure 5 of RFC 9293, read arrow by arrow off the drawing: the
 * expectation the table is held to.  "x" in the figure is "" here. */
static const struct {
	tcps_state from;
	tcps_event event;
	tcps_state to;
	const char *send;
} figure5[] = {
	{ TCPS_CLOSED, TCPS_EV_OPEN_PASSIVE, TCPS_LISTEN, "" },
	{ TCPS_CLOSED, TCPS_EV_OPEN_ACTIVE, TCPS_SYN_SENT, "SYN" },
	{ TCPS_LISTEN, TCPS_EV_CLOSE, TCPS_CLOSED, "" },
	{ TCPS_LISTEN, TCPS_EV_RCV_SYN, TCPS_SYN_RCVD, "SYN,ACK" },
	{ TCPS_LISTEN, TCPS_EV_SEND, TCPS_SYN_SENT, "SYN" },
	{ TCPS_SYN_SENT, TCPS_EV_CLOSE, TCPS_CLOSED, "" },
	{ TCPS_SYN_SENT, TCPS_EV_RCV_SYN, TCPS_SYN_RCVD, "SYN,ACK" },
	{ TCPS_SYN_SENT, TCPS_EV_RCV_SYN_ACK, TCPS_ESTABLISHED, "ACK" },
	{ TCPS_SYN_RCVD, TCPS_EV_RCV_ACK_OF_SYN, TCPS_ESTABLISHED, "" },
	{ TCPS_SYN_RCVD, TCPS_EV_CLOSE, TCPS_FIN_WAIT_1, "FIN" },
	{ TCPS_SYN_RCVD, TCPS_EV_RCV_RST, TCPS_LISTEN, "" }, /* note 1 */
	{ TCPS_ESTABLISHED, TCPS_EV_CLOSE, TCPS_FIN_WAIT_1, "FIN" },
	{ TCPS_ESTABLISHED, TCPS_EV_RCV_FIN, TCPS_CLOSE_WAIT, "ACK" },
	{ TCPS_FIN_WAIT_1, TCPS_EV_RCV_ACK_OF_FIN, TCPS_FIN_WAIT_2, "" },
	{ TCPS_FIN_WAIT_1, TCPS_EV_RCV_FIN, TCPS_CLOSING, "ACK" },
	{ TCPS_FIN_WAIT_2, TCPS_EV_RCV_FIN, TCPS_TIME_WAIT, "ACK" },
	{ TCPS_CLOSE_WAIT, TCPS_EV_CLOSE, TCPS_LAST_ACK, "FIN" },
	{ TCPS_CLOSING, TCPS_EV_RCV_ACK_OF_FIN, TCPS_TIME_WAIT, "" },
	{ TCPS_LAST_ACK, TCPS_EV_RCV_ACK_OF_FIN, TCPS_CLOSED, "" },
	{ TCPS_TIME_WAIT, TCPS_EV_TIMEOUT_2MSL, TCPS_CLOSED, "" },
};

#define NFIGURE5 (sizeof figure5 / sizeof figure5[0])

static bool origins_overlap(tcps_origin a, tcps_origin b)
{
	return a == b || a == TCPS_ORIGIN_ANY || b == TCPS_ORIGIN_ANY;
}

/* ================= RFC 9293 Figure 5 ================= */

static void test_rfc9293_figure5_every_transition_present_once(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFIGURE5; i++) {
		size_t found = 0;

		for (size_t j = 0; j < tcps_ntransitions; j++) {
			const tcps_transition *t = &tcps_transitions[j];

			if (t->from != figure5[i].from || t->event != figure5[i].event ||
			    t->to != figure5[i].to)
				continue;
			found++;
			assert_string_equal(t->send, figure5[i].send);
			assert_true(t->in_figure);
		}
		if (found != 1)
			fail_msg("%s --%s--> %s: %zu rows, want 1", tcps_state_name(figure5[i].from),
				 tcps_event_name(figure5[i].event), tcps_state_name(figure5[i].to),
				 found);
	}
}

/* Nothing claims to be in the figure that is not. */
static void test_rfc9293_figure5_no_extra_rows_marked_in_figure(void **state)
{
	size_t marked = 0;

	(void)state;
	for (size_t j = 0; j < tcps_ntransitions; j++)
		marked += tcps_transitions[j].in_figure;
	assert_int_equal(marked, NFIGURE5);
}

static void test_rfc9293_3_10_no_duplicate_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < tcps_ntransitions; i++)
		for (size_t j = i + 1; j < tcps_ntransitions; j++) {
			const tcps_transition *a = &tcps_transitions[i], *b = &tcps_transitions[j];

			if (a->from == b->from && a->event == b->event &&
			    origins_overlap(a->origin, b->origin))
				fail_msg("rows %zu and %zu: %s on %s twice", i, j,
					 tcps_state_name(a->from), tcps_event_name(a->event));
		}
}

static void test_rfc9293_3_10_every_row_well_formed(void **state)
{
	static const char *const sends[] = { "", "SYN", "SYN,ACK", "ACK", "FIN", "RST" };

	(void)state;
	for (size_t i = 0; i < tcps_ntransitions; i++) {
		const tcps_transition *t = &tcps_transitions[i];
		bool send_known = false;

		assert_true((unsigned)t->from < TCPS_NSTATES);
		assert_true((unsigned)t->to < TCPS_NSTATES);
		assert_true((unsigned)t->event < TCPS_NEVENTS);
		assert_true(t->origin == TCPS_ORIGIN_ANY || t->origin == TCPS_ORIGIN_PASSIVE ||
			    t->origin == TCPS_ORIGIN_ACTIVE);
		assert_non_null(t->send);
		for (size_t k = 0; k < sizeof sends / sizeof sends[0]; k++)
			send_known |= strcmp(t->send, sends[k]) == 0;
		assert_true(send_known);
		assert_non_null(t->rfc);
		assert_true(t->rfc[0] != '\0');
	}
}

/* Every state is reachable from CLOSED, and CLOSED from every state. */
static void test_rfc9293_3_3_2_every_state_reachable_and_closable(void **state)
{
	bool from_closed[TCPS_NSTATES] = { [TCPS_CLOSED] = true };
	bool to_closed[TCPS_NSTATES] = { [TCPS_CLOSED] = true };
	bool changed = true;

	(void)state;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < tcps_ntransitions; i++) {
			const tcps_transition *t = &tcps_transitions[i];

			if (from_closed[t->from] && !from_closed[t->to])
				changed = from_closed[t->to] = true;
			if (to_closed[t->to] && !to_closed[t->from])
				changed = to_closed[t->from] = true;
		}
	}
	for (int s = 0; s < TCPS_NSTATES; s++) {
		if (!from_closed[s])
			fail_msg("%s unreachable from CLOSED", tcps_state_name((tcps_state)s));
		if (!to_closed[s])
			fail_msg("%s never returns to CLOSED", tcps_state_name((tcps_state)s));
	}
}

/* ================= tcps_transition_find ================= */

static void assert_find(tcps_state from, tcps_event ev, tcps_origin origin, tcps_state to,
			const char *send)
{
	const tcps_transition *t = tcps_transition_find(from, ev, origin);

	assert_non_null(t);
	assert_int_equal(t->from, from);
	assert_int_equal(t->event, ev);
	assert_int_equal(t->to, to);
	assert_string_equal(t->send, send);
}

static void test_rfc9293_3_10_7_3_simultaneous_open(void **state)
{
	(void)state;
	assert_find(TCPS_SYN_SENT, TCPS_EV_RCV_SYN, TCPS_ORIGIN_ANY, TCPS_SYN_RCVD, "SYN,ACK");
	assert_find(TCPS_SYN_RCVD, TCPS_EV_RCV_ACK_OF_SYN, TCPS_ORIGIN_ACTIVE, TCPS_ESTABLISHED, "");
}

static void test_rfc9293_3_10_7_4_simultaneous_close(void **state)
{
	(void)state;
	assert_find(TCPS_FIN_WAIT_1, TCPS_EV_RCV_FIN, TCPS_ORIGIN_ANY, TCPS_CLOSING, "ACK");
	assert_find(TCPS_CLOSING, TCPS_EV_RCV_ACK_OF_FIN, TCPS_ORIGIN_ANY, TCPS_TIME_WAIT, "");
}

/* Figure 5 note 2: a FIN that also acknowledges ours skips CLOSING.  Its
 * ACK is processed before its FIN (§3.10.7.4, fifth then eighth step), so
 * the table takes it as two rows: FIN_WAIT_2 on the ACK, TIME_WAIT on the
 * FIN. */
static void test_rfc9293_3_10_7_4_fin_acking_our_fin_goes_to_time_wait(void **state)
{
	const tcps_transition *ack, *fin;

	(void)state;
	ack = tcps_transition_find(TCPS_FIN_WAIT_1, TCPS_EV_RCV_ACK_OF_FIN, TCPS_ORIGIN_ANY);
	assert_non_null(ack);
	fin = tcps_transition_find(ack->to, TCPS_EV_RCV_FIN, TCPS_ORIGIN_ANY);
	assert_non_null(fin);
	assert_int_equal(fin->to, TCPS_TIME_WAIT);
	assert_string_equal(fin->send, "ACK");
}

/* §3.10.7.4 and Figure 5 note 1: RST in SYN_RCVD returns a passively
 * opened connection to LISTEN, an actively opened one to CLOSED. */
static void test_rfc9293_3_10_7_4_rst_in_syn_rcvd_by_origin(void **state)
{
	const tcps_transition *any;

	(void)state;
	assert_find(TCPS_SYN_RCVD, TCPS_EV_RCV_RST, TCPS_ORIGIN_PASSIVE, TCPS_LISTEN, "");
	assert_find(TCPS_SYN_RCVD, TCPS_EV_RCV_RST, TCPS_ORIGIN_ACTIVE, TCPS_CLOSED, "");
	assert_int_equal(tcps_transition_find(TCPS_SYN_RCVD, TCPS_EV_RCV_RST,
					      TCPS_ORIGIN_PASSIVE)->origin, TCPS_ORIGIN_PASSIVE);
	assert_int_equal(tcps_transition_find(TCPS_SYN_RCVD, TCPS_EV_RCV_RST,
					      TCPS_ORIGIN_ACTIVE)->origin, TCPS_ORIGIN_ACTIVE);
	/* Origin unknown (an observer joining late): one of the two. */
	any = tcps_transition_find(TCPS_SYN_RCVD, TCPS_EV_RCV_RST, TCPS_ORIGIN_ANY);
	assert_non_null(any);
	assert_true(any->to == TCPS_LISTEN || any->to == TCPS_CLOSED);
}

/* Rows for any origin match whichever origin is asked for. */
static void test_rfc9293_3_10_origin_any_rows_match_every_origin(void **state)
{
	(void)state;
	assert_find(TCPS_ESTABLISHED, TCPS_EV_CLOSE, TCPS_ORIGIN_PASSIVE, TCPS_FIN_WAIT_1, "FIN");
	assert_find(TCPS_ESTABLISHED, TCPS_EV_CLOSE, TCPS_ORIGIN_ACTIVE, TCPS_FIN_WAIT_1, "FIN");
}

static void test_rfc9293_3_10_events_that_change_nothing(void **state)
{
	(void)state;
	assert_null(tcps_transition_find(TCPS_CLOSED, TCPS_EV_RCV_FIN, TCPS_ORIGIN_ANY));
	assert_null(tcps_transition_find(TCPS_ESTABLISHED, TCPS_EV_RCV_SYN_ACK, TCPS_ORIGIN_ANY));
	assert_null(tcps_transition_find(TCPS_CLOSE_WAIT, TCPS_EV_RCV_FIN, TCPS_ORIGIN_ANY));
	assert_null(tcps_transition_find(TCPS_NSTATES, TCPS_EV_CLOSE, TCPS_ORIGIN_ANY));
}

/* §3.10.5: ABORT sends RST from SYN_RCVD, ESTABLISHED, FIN_WAIT_1,
 * FIN_WAIT_2 and CLOSE_WAIT, where the peer still expects more from us;
 * elsewhere it only deletes the TCB. */
static void test_rfc9293_3_10_5_abort_resets_where_peer_is_synchronized(void **state)
{
	static const tcps_state rst[] = {
		TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
		TCPS_CLOSE_WAIT,
	};
	static const tcps_state quiet[] = {
		TCPS_LISTEN, TCPS_SYN_SENT, TCPS_CLOSING, TCPS_LAST_ACK, TCPS_TIME_WAIT,
	};

	(void)state;
	for (size_t i = 0; i < sizeof rst / sizeof rst[0]; i++)
		assert_find(rst[i], TCPS_EV_ABORT, TCPS_ORIGIN_ANY, TCPS_CLOSED, "RST");
	for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		assert_find(quiet[i], TCPS_EV_ABORT, TCPS_ORIGIN_ANY, TCPS_CLOSED, "");
}

/* ================= names ================= */

static void test_state_names_round_trip(void **state)
{
	(void)state;
	for (int s = 0; s < TCPS_NSTATES; s++)
		assert_int_equal(tcps_state_parse(tcps_state_name((tcps_state)s)), s);
	assert_string_equal(tcps_state_name(TCPS_SYN_RCVD), "SYN_RCVD");
	assert_string_equal(tcps_state_name(TCPS_NSTATES), "?");
	assert_string_equal(tcps_state_name((tcps_state)-1), "?");
}

static void test_state_parse_seed_rfc_and_ss_spellings(void **state)
{
	static const struct {
		const char *name;
		tcps_state s;
	} cases[] = {
		/* the seed's */
		{ "SYN_SENT", TCPS_SYN_SENT }, { "FIN_WAIT_1", TCPS_FIN_WAIT_1 },
		{ "TIME_WAIT", TCPS_TIME_WAIT },
		/* RFC 9293's */
		{ "SYN-SENT", TCPS_SYN_SENT }, { "SYN-RECEIVED", TCPS_SYN_RCVD },
		{ "FIN-WAIT-2", TCPS_FIN_WAIT_2 }, { "CLOSE-WAIT", TCPS_CLOSE_WAIT },
		{ "LAST-ACK", TCPS_LAST_ACK }, { "TIME-WAIT", TCPS_TIME_WAIT },
		/* ss's, as it prints them and as its filters take them */
		{ "ESTAB", TCPS_ESTABLISHED }, { "SYN-RECV", TCPS_SYN_RCVD },
		{ "syn-sent", TCPS_SYN_SENT }, { "syn-recv", TCPS_SYN_RCVD },
		{ "established", TCPS_ESTABLISHED }, { "fin-wait-1", TCPS_FIN_WAIT_1 },
		{ "close-wait", TCPS_CLOSE_WAIT }, { "time-wait", TCPS_TIME_WAIT },
		{ "closing", TCPS_CLOSING }, { "closed", TCPS_CLOSED }, { "UNCONN", TCPS_CLOSED },
		{ "LISTEN", TCPS_LISTEN },
		/* any case */
		{ "Close_Wait", TCPS_CLOSE_WAIT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (tcps_state_parse(cases[i].name) != (int)cases[i].s)
			fail_msg("\"%s\" parsed as %d, want %s", cases[i].name,
				 tcps_state_parse(cases[i].name), tcps_state_name(cases[i].s));
}

static void test_state_parse_refuses_unknown(void **state)
{
	(void)state;
	assert_int_equal(tcps_state_parse(NULL), -1);
	assert_int_equal(tcps_state_parse(""), -1);
	assert_int_equal(tcps_state_parse("SYN"), -1);
	assert_int_equal(tcps_state_parse("ESTABLISHEDX"), -1);
	assert_int_equal(tcps_state_parse("TIME WAIT"), -1);
}

static void test_event_names_and_causes(void **state)
{
	(void)state;
	for (int e = 0; e < TCPS_NEVENTS; e++) {
		const char *name = tcps_event_name((tcps_event)e);

		assert_non_null(name);
		assert_string_not_equal(name, "?");
	}
	assert_string_equal(tcps_event_name(TCPS_NEVENTS), "?");
	assert_int_equal(tcps_event_cause(TCPS_EV_CLOSE), TCPS_CAUSE_USER);
	assert_int_equal(tcps_event_cause(TCPS_EV_OPEN_ACTIVE), TCPS_CAUSE_USER);
	assert_int_equal(tcps_event_cause(TCPS_EV_RCV_SYN), TCPS_CAUSE_SEGMENT);
	assert_int_equal(tcps_event_cause(TCPS_EV_RCV_RST), TCPS_CAUSE_SEGMENT);
	assert_int_equal(tcps_event_cause(TCPS_EV_TIMEOUT_2MSL), TCPS_CAUSE_TIMEOUT);
	assert_int_equal(tcps_event_cause(TCPS_EV_TIMEOUT_USER), TCPS_CAUSE_TIMEOUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9293_figure5_every_transition_present_once),
		cmocka_unit_test(test_rfc9293_figure5_no_extra_rows_marked_in_figure),
		cmocka_unit_test(test_rfc9293_3_10_no_duplicate_rows),
		cmocka_unit_test(test_rfc9293_3_10_every_row_well_formed),
		cmocka_unit_test(test_rfc9293_3_3_2_every_state_reachable_and_closable),
		cmocka_unit_test(test_rfc9293_3_10_7_3_simultaneous_open),
		cmocka_unit_test(test_rfc9293_3_10_7_4_simultaneous_close),
		cmocka_unit_test(test_rfc9293_3_10_7_4_fin_acking_our_fin_goes_to_time_wait),
		cmocka_unit_test(test_rfc9293_3_10_7_4_rst_in_syn_rcvd_by_origin),
		cmocka_unit_test(test_rfc9293_3_10_origin_any_rows_match_every_origin),
		cmocka_unit_test(test_rfc9293_3_10_events_that_change_nothing),
		cmocka_unit_test(test_rfc9293_3_10_5_abort_resets_where_peer_is_synchronized),
		cmocka_unit_test(test_state_names_round_trip),
		cmocka_unit_test(test_state_parse_seed_rfc_and_ss_spellings),
		cmocka_unit_test(test_state_parse_refuses_unknown),
		cmocka_unit_test(test_event_names_and_causes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
