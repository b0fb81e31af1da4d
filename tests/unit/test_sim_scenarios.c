/* The simulator's scenarios, engine against engine: each test runs one
 * scenario and checks what the RFC (or the seed) says must happen: the
 * exact segments, the states each side passes through, the errors the
 * applications see, and that every byte arrives intact. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/scenario.h"

#define C SIM_CLIENT
#define S SIM_SERVER

/* A result is large (it keeps the segment log): one static per run. */
static sim_result res;

/* Runs a scenario on a clean link (or with loss) without output. */
static int run(const char *name, double loss, uint64_t seed)
{
	sim_options o = { .scenario = name, .loss_pct = loss, .seed = seed };
	return sim_scenario_run(&o, &res);
}

static void assert_ok(const char *name)
{
	int rc = run(name, -1, 1);
	if (rc != 0)
		print_error("scenario %s: %s\n", name, res.why);
	assert_int_equal(rc, 0);
	assert_true(res.ok);
	assert_int_equal(res.run_error, 0);
}

static bool passed(int side, const tcps_state *states, unsigned n)
{
	return sim_result_passed(&res, side, states, n, true);
}

/* ---- The seed's Concrete Example ---- */

static void test_seed_concrete_example_segments(void **state)
{
	(void)state;
	/* The seed's arrows, with the data exchange it summarises as
	 * "application data flows in both directions" (499 bytes each way,
	 * carrying the ACKs), and each side's state after each segment. */
	static const struct {
		int from;
		uint8_t flags;
		uint32_t seq, ack, len;
		tcps_state client, server;
		const char *label;
	} seed[] = {
		{ C, TCPS_SYN, 1000, 0, 0, TCPS_SYN_SENT, TCPS_SYN_RCVD, "handshake 1/3" },
		{ S, TCPS_SYN | TCPS_ACK, 4000, 1001, 0, TCPS_ESTABLISHED, TCPS_SYN_RCVD, "handshake 2/3" },
		{ C, TCPS_ACK, 1001, 4001, 0, TCPS_ESTABLISHED, TCPS_ESTABLISHED, "handshake 3/3" },
		{ C, TCPS_ACK, 1001, 4001, 499, TCPS_ESTABLISHED, TCPS_ESTABLISHED, "data" },
		{ S, TCPS_ACK, 4001, 1500, 499, TCPS_ESTABLISHED, TCPS_ESTABLISHED, "data" },
		{ C, TCPS_FIN | TCPS_ACK, 1500, 4500, 0, TCPS_FIN_WAIT_1, TCPS_CLOSE_WAIT, "close 1/4" },
		{ S, TCPS_ACK, 4500, 1501, 0, TCPS_FIN_WAIT_2, TCPS_CLOSE_WAIT, "close 2/4" },
		{ S, TCPS_FIN | TCPS_ACK, 4500, 1501, 0, TCPS_TIME_WAIT, TCPS_LAST_ACK, "close 3/4" },
		{ C, TCPS_ACK, 1501, 4501, 0, TCPS_TIME_WAIT, TCPS_CLOSED, "close 4/4" },
	};
	assert_ok("seed");
	assert_int_equal(res.nlog, sizeof seed / sizeof seed[0]);
	for (unsigned i = 0; i < res.nlog; i++) {
		const sim_seg_record *g = &res.log[i];
		assert_int_equal(g->from, seed[i].from);
		/* PSH on data is the sender's choice; the seed does not say. */
		assert_int_equal(g->flags & ~TCPS_PSH, seed[i].flags);
		assert_int_equal(g->seq, seed[i].seq);
		if (seed[i].flags & TCPS_ACK)
			assert_int_equal(g->ack, seed[i].ack);
		assert_int_equal(g->len, seed[i].len);
		assert_int_equal(g->state[C], seed[i].client);
		assert_int_equal(g->state[S], seed[i].server);
		assert_string_equal(g->label, seed[i].label);
		assert_false(g->lost);
		assert_false(g->rexmit);
	}
}

static void test_seed_concrete_example_states_and_bytes(void **state)
{
	(void)state;
	static const tcps_state client[] = { TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED,
		TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT, TCPS_CLOSED };
	static const tcps_state server[] = { TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED,
		TCPS_CLOSE_WAIT, TCPS_LAST_ACK, TCPS_CLOSED };
	assert_ok("seed");
	assert_true(passed(C, client, 7));
	assert_true(passed(S, server, 6));
	for (int i = 0; i < 2; i++) {
		assert_int_equal(res.side[i].sent, 499);
		assert_int_equal(res.side[i].received, 499);
		assert_true(res.side[i].intact);
		assert_int_equal(res.side[i].error, 0);
		assert_int_equal(res.side[i].final_state, TCPS_CLOSED);
	}
	/* The closer waited out TIME_WAIT: 2*MSL (60 s by default) after its last ACK. */
	assert_true(res.end_time >= 60 * TCPS_NS_PER_S);
	assert_int_equal(res.diagnoses, 0);
}

/* The JSON Lines output holds DESIGN.md's connection record for the seed. */
static void test_seed_json_connection_record(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	sim_options o = { .scenario = "seed", .loss_pct = -1, .seed = 1, .out = out,
			  .format = SIM_FORMAT_JSON };
	assert_int_equal(sim_scenario_run(&o, &res), 0);
	fclose(out);
	assert_non_null(strstr(buf,
		"{\"type\":\"connection\",\"conn\":1,\"client\":\"127.0.0.1:43236\","
		"\"server\":\"127.0.0.1:9000\",\"start\":\"handshake\",\"states\":{\"client\":"
		"[\"CLOSED\",\"SYN_SENT\",\"ESTABLISHED\",\"FIN_WAIT_1\",\"FIN_WAIT_2\",\"TIME_WAIT\","
		"\"CLOSED\"],\"server\":[\"LISTEN\",\"SYN_RCVD\",\"ESTABLISHED\",\"CLOSE_WAIT\","
		"\"LAST_ACK\",\"CLOSED\"]},\"packets\":{\"client\":5,\"server\":4},"
		"\"bytes\":{\"client\":499,\"server\":499},\"closed_by\":\"client\",\"diagnoses\":[]}\n"));
	assert_non_null(strstr(buf,
		"{\"type\":\"segment\",\"conn\":1,\"t\":0.001000,\"from\":\"client\",\"flags\":\"S\","
		"\"seq\":1000,\"ack\":0,\"len\":0,"));
	/* Nine segment records and one connection record, nothing else. */
	unsigned lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, 10);
	free(buf);
}

/* ---- RFC 9293 §3.5: simultaneous open and close ---- */

static void test_rfc9293_3_5_simultaneous_open(void **state)
{
	(void)state;
	static const tcps_state path[] = { TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED };
	assert_ok("simultaneous-open");
	assert_true(passed(C, path, 3));
	assert_true(passed(S, path, 3));
	/* Neither side ever listened. */
	static const tcps_state listen[] = { TCPS_LISTEN };
	assert_false(passed(S, listen, 1));
	/* Both SYNs crossed: each side sent a bare SYN first. */
	assert_int_equal(res.log[0].flags, TCPS_SYN);
	assert_int_equal(res.log[1].flags, TCPS_SYN);
	assert_int_not_equal(res.log[0].from, res.log[1].from);
	assert_true(res.side[C].intact && res.side[S].intact);
	assert_int_equal(res.side[C].received, 1000);
	assert_int_equal(res.side[S].received, 1000);
}

static void test_rfc9293_3_5_simultaneous_close(void **state)
{
	(void)state;
	static const tcps_state path[] = { TCPS_FIN_WAIT_1, TCPS_CLOSING, TCPS_TIME_WAIT,
					   TCPS_CLOSED };
	assert_ok("simultaneous-close");
	assert_true(passed(C, path, 4));
	assert_true(passed(S, path, 4));
	/* Nobody was the passive closer. */
	static const tcps_state passive[] = { TCPS_CLOSE_WAIT };
	assert_false(passed(C, passive, 1));
	assert_false(passed(S, passive, 1));
	assert_int_equal(res.side[C].error, 0);
	assert_int_equal(res.side[S].error, 0);
}

/* ---- RFC 9293 §3.6: CLOSE closes one direction ---- */

static void test_rfc9293_3_6_half_close_data_intact(void **state)
{
	(void)state;
	static const tcps_state client[] = { TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT };
	static const tcps_state server[] = { TCPS_CLOSE_WAIT, TCPS_LAST_ACK, TCPS_CLOSED };
	assert_ok("half-close");
	assert_true(passed(C, client, 3));
	assert_true(passed(S, server, 3));
	/* 32 KiB reached the client after it had closed its direction. */
	assert_int_equal(res.side[S].sent, 32768);
	assert_int_equal(res.side[C].received, 32768);
	assert_true(res.side[C].intact);
	assert_true(res.side[C].eof);
	unsigned after_fin = 0;
	bool client_fin = false;
	for (unsigned i = 0; i < res.nlog; i++) {
		if (res.log[i].from == C && (res.log[i].flags & TCPS_FIN))
			client_fin = true;
		else if (client_fin && res.log[i].from == S)
			after_fin += res.log[i].len;
	}
	assert_int_equal(after_fin, 32768);
}

/* ---- Resets: RFC 9293 §3.10.7.1, §3.10.7.3, §3.10.5 ---- */

static void test_rfc9293_3_10_7_3_syn_to_closed_port_is_refused(void **state)
{
	(void)state;
	static const tcps_state client[] = { TCPS_CLOSED, TCPS_SYN_SENT, TCPS_CLOSED };
	assert_ok("refused");
	assert_true(passed(C, client, 3));
	assert_int_equal(res.side[C].error, TCPS_ERR_REFUSED);
	assert_int_equal(tcps_errno(res.side[C].error), ECONNREFUSED);
	assert_int_equal(res.side[C].call_error, TCPS_ERR_REFUSED);
	/* The host's answer: RST,ACK acknowledging the SYN (§3.10.7.1). */
	assert_int_equal(res.nlog, 2);
	assert_int_equal(res.log[1].from, S);
	assert_int_equal(res.log[1].flags, TCPS_RST | TCPS_ACK);
	assert_int_equal(res.log[1].seq, 0);
	assert_int_equal(res.log[1].ack, 1001);
	assert_string_equal(res.log[1].label, "reset");
	assert_true(res.diagnoses & (1u << SIM_DIAG_CONNECTION_REFUSED));
}

static void test_rfc9293_3_10_5_abort_resets_the_peer(void **state)
{
	(void)state;
	assert_ok("reset");
	assert_int_equal(res.side[C].error, TCPS_ERR_RESET);
	assert_int_equal(tcps_errno(res.side[C].error), ECONNRESET);
	assert_int_equal(res.side[S].error, TCPS_ERR_ABORTED);
	assert_int_equal(res.side[C].final_state, TCPS_CLOSED);
	assert_int_equal(res.side[S].final_state, TCPS_CLOSED);
	/* The RST went out at SND.NXT, so the client accepted it at once. */
	const sim_seg_record *last = &res.log[res.nlog - 1];
	assert_int_equal(last->from, S);
	assert_true(last->flags & TCPS_RST);
	assert_int_equal(last->seq, 4001);
	assert_true(res.diagnoses & (1u << SIM_DIAG_RESET_ESTABLISHED));
	assert_false(res.diagnoses & (1u << SIM_DIAG_CONNECTION_REFUSED));
}

/* ---- Loss ---- */

static void test_lossy_transfer_completes_intact(void **state)
{
	(void)state;
	static const tcps_state client[] = { TCPS_TIME_WAIT, TCPS_CLOSED };
	assert_ok("lossy");
	assert_true(res.lost > 0);
	assert_true(res.rexmits > 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(res.side[i].sent, 65536);
		assert_int_equal(res.side[!i].received, 65536);
		assert_true(res.side[!i].intact);
		assert_int_equal(res.side[i].error, 0);
	}
	assert_true(passed(C, client, 2));
}

/* A lost SYN is sent again after the initial RTO, 1 s (RFC 6298 (2.1)). */
static void test_rfc6298_lost_syn_retransmitted_after_one_second(void **state)
{
	(void)state;
	/* At 50% loss some early seed loses the first SYN but not the second. */
	uint64_t seed;
	for (seed = 1; seed < 1000; seed++) {
		run("seed", 50, seed);
		if (res.nlog >= 2 && res.log[0].lost && !res.log[1].lost)
			break;
	}
	assert_true(seed < 1000);
	assert_int_equal(res.log[0].flags, TCPS_SYN);
	assert_int_equal(res.log[1].flags, TCPS_SYN);
	assert_int_equal(res.log[1].seq, res.log[0].seq);
	assert_true(res.log[1].rexmit);
	assert_string_equal(res.log[1].label, "retransmission");
	/* Lost: reported when sent.  Delivered: 1 ms of link later. */
	assert_int_equal(res.log[1].t - res.log[0].t, TCPS_NS_PER_S + TCPS_NS_PER_MS);
}

/* ---- RFC 6191 / RFC 1122 §4.2.2.13: a new SYN in TIME_WAIT ---- */

static void test_rfc6191_time_wait_accepts_new_syn_on_same_tuple(void **state)
{
	(void)state;
	static const tcps_state server[] = { TCPS_TIME_WAIT, TCPS_SYN_RCVD, TCPS_ESTABLISHED };
	assert_ok("time-wait");
	assert_int_equal(res.conns, 2);
	assert_true(passed(S, server, 3));
	/* The second connection's SYN: same ports, a higher ISS, while the
	 * server still had 59 s of TIME_WAIT to go. */
	const sim_seg_record *syn = NULL;
	for (unsigned i = 0; i < res.nlog && !syn; i++)
		if (res.log[i].conn == 2)
			syn = &res.log[i];
	assert_non_null(syn);
	assert_int_equal(syn->flags, TCPS_SYN);
	assert_int_equal(syn->seq, 101000);
	assert_int_equal(syn->state[S], TCPS_SYN_RCVD);
	assert_true(syn->t < 30 * TCPS_NS_PER_S);
	assert_int_equal(res.side[C].received, 2 * 200);
	assert_int_equal(res.side[S].received, 2 * 100);
	assert_true(res.side[C].intact && res.side[S].intact);
}

/* ---- The simulator itself ---- */

static void test_every_scenario_ends_as_expected(void **state)
{
	(void)state;
	for (size_t i = 0; i < sim_scenario_count(); i++)
		assert_ok(sim_scenario_name(i));
}

static bool same_record(const sim_seg_record *a, const sim_seg_record *b)
{
	return a->conn == b->conn && a->t == b->t && a->from == b->from && a->flags == b->flags &&
	       a->seq == b->seq && a->ack == b->ack && a->len == b->len && a->wnd == b->wnd &&
	       a->lost == b->lost && a->dup == b->dup && a->rexmit == b->rexmit &&
	       a->state[0] == b->state[0] && a->state[1] == b->state[1] && a->label == b->label;
}

static void test_same_seed_same_run(void **state)
{
	(void)state;
	static sim_result first;
	run("lossy", 10, 42);
	first = res;
	run("lossy", 10, 42);
	assert_int_equal(res.nlog, first.nlog);
	assert_int_equal(res.segments, first.segments);
	assert_int_equal(res.end_time, first.end_time);
	for (unsigned i = 0; i < res.nlog; i++)
		assert_true(same_record(&res.log[i], &first.log[i]));
	/* Another seed draws other losses. */
	run("lossy", 10, 43);
	assert_true(res.segments != first.segments || res.end_time != first.end_time);
}

static void test_unknown_scenario_is_refused(void **state)
{
	(void)state;
	assert_int_equal(run("no-such-scenario", -1, 1), -1);
	assert_false(sim_scenario_exists("no-such-scenario"));
	assert_true(sim_scenario_exists("seed"));
}

/* A path that drops everything ends in an error, not in a hang. */
static void test_total_loss_fails_with_timeout(void **state)
{
	(void)state;
	assert_int_equal(run("seed", 100, 1), 1);
	assert_false(res.ok);
	assert_int_equal(res.run_error, 0);
	assert_int_equal(res.side[C].error, TCPS_ERR_TIMEDOUT);
	assert_non_null(strstr(res.why, "timed out"));
	/* The SYN and its seven retransmissions (tcps_config.syn_retries). */
	assert_int_equal(res.segments, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_concrete_example_segments),
		cmocka_unit_test(test_seed_concrete_example_states_and_bytes),
		cmocka_unit_test(test_seed_json_connection_record),
		cmocka_unit_test(test_rfc9293_3_5_simultaneous_open),
		cmocka_unit_test(test_rfc9293_3_5_simultaneous_close),
		cmocka_unit_test(test_rfc9293_3_6_half_close_data_intact),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_to_closed_port_is_refused),
		cmocka_unit_test(test_rfc9293_3_10_5_abort_resets_the_peer),
		cmocka_unit_test(test_lossy_transfer_completes_intact),
		cmocka_unit_test(test_rfc6298_lost_syn_retransmitted_after_one_second),
		cmocka_unit_test(test_rfc6191_time_wait_accepts_new_syn_on_same_tuple),
		cmocka_unit_test(test_every_scenario_ends_as_expected),
		cmocka_unit_test(test_same_seed_same_run),
		cmocka_unit_test(test_unknown_scenario_is_refused),
		cmocka_unit_test(test_total_loss_fails_with_timeout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
