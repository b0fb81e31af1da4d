/* The end of a connection's record in a capture: TIME_WAIT's 2*MSL of
 * capture time, the close's last ACK held in case its FIN comes again,
 * what comes after the record, time passing on a live capture with
 * nothing to show, and the bound on what waits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "trace/observer.h"
#include "trace_capture.h"

/* TIME_WAIT ends 2*MSL (60 s by default) of capture time later: seen
 * when the peer's close never completes (its last ACK never shows), so
 * the connection is still tracked when the time runs out. */
static void test_rfc9293_3_10_8_time_wait_ends_after_2msl_of_capture_time(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	tc_pkt(&cap, S, FI | A, 4001, 1002, 0, 506, 1); /* client: TIME_WAIT; its ACK never shows */
	cap.cport = 50000; /* unrelated traffic 61 s later */
	tc_pkt(&cap, C, SY, 1, 0, 0, 64240, 61000);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
	       TCPS_TIME_WAIT, TCPS_CLOSED);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK);
}

/* RFC 9293 §3.6: the close's last ACK lost on its way.  The server's
 * CLOSED rests on it, so the record waits: the server sends its FIN again
 * (at its retransmission timeout), which takes the ACK back (LAST_ACK
 * again, revised), and the client answers from TIME_WAIT; the record comes
 * out once the server has been silent for the hold (3 s of capture time),
 * with every segment inside it. */
static void test_rfc9293_3_6_last_ack_lost_fin_again_server_back_in_last_ack(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_seed_exchange(&cap, 1);
	assert_int_equal(cap.states[8][1], TCPS_CLOSED);
	assert_int_equal(cap.nrec, 0); /* held: the server may not have the ACK */
	tc_pkt(&cap, S, FI | A, 4500, 1501, 0, 506, 200);
	assert_int_equal(cap.labels[9], TRACE_L_RETRANSMISSION);
	assert_int_equal(cap.states[9][1], TCPS_LAST_ACK);
	assert_true(cap.revised[9][1]);
	assert_int_equal(cap.states[9][0], TCPS_TIME_WAIT);
	tc_pkt(&cap, C, A, 1501, 4501, 0, 502, 0);
	assert_int_equal(cap.states[10][1], TCPS_CLOSED);
	tc_pkt(&cap, S, FI | A, 4500, 1501, 0, 506, 2900); /* within the hold of the last ACK: still its */
	assert_int_equal(cap.states[11][1], TCPS_LAST_ACK);
	tc_pkt(&cap, C, A, 1501, 4501, 0, 502, 0);
	assert_int_equal(cap.nrec, 0);
	cap.cport = 50000; /* unrelated traffic once the server was silent for the hold */
	tc_pkt(&cap, C, SY, 1, 0, 0, 64240, 3001);
	assert_int_equal(cap.nrec, 1);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK,
	       TCPS_CLOSED);
	assert_int_equal(cap.rec[0].packets[TC_S], 6);
	assert_int_equal(cap.rec[0].retransmits[TC_S], 2);
	trace_obs_stats st;
	trace_obs_get_stats(cap.obs, &st);
	assert_int_equal(st.late, 0);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 2);
}

/* Once its record is out, a segment still in flight is a stray of that
 * connection (counted), not a new one. */
static void test_connection_ends_after_the_hold_strays_ignored(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_seed_exchange(&cap, 1);
	cap.cport = 50000;
	tc_pkt(&cap, C, SY, 1, 0, 0, 64240, 3001);
	assert_int_equal(cap.nrec, 1);
	cap.cport = 43236; /* back to the seed's connection */
	tc_pkt(&cap, S, FI | A, 4500, 1501, 0, 506, 200); /* the FIN again, after the hold */
	tc_pkt(&cap, C, A, 1501, 4501, 0, 502, 0);
	trace_obs_stats st;
	trace_obs_get_stats(cap.obs, &st);
	assert_int_equal(st.late, 2);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 2);
	assert_int_equal(cap.nev, 10);
}

/* A live capture with nothing more to show: time passes all the same
 * (trace_obs_idle), and records held out come out when they are due, not
 * at the next packet: a close's last ACK after 3 s, a RST's receipt once
 * the sweep finds its receiver silent for 10 s. */
static void test_idle_live_capture_records_come_out_on_time(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_seed_exchange(&cap, 1);
	cap.cport = 50000;
	tc_establish(&cap);
	tc_pkt(&cap, C, RS | A, 1001, 4001, 0, 0, 1);
	cap.cport = 43236;
	const uint64_t s = 1000000000ull;
	trace_obs_idle(cap.obs, cap.ts + 2 * s);
	assert_int_equal(cap.nrec, 0);
	trace_obs_idle(cap.obs, cap.ts + 3 * s + 1);
	assert_int_equal(cap.nrec, 1);
	assert_int_equal(cap.rec[0].ep[TC_C].port, 43236);
	trace_obs_idle(cap.obs, cap.ts + 41 * s);
	assert_int_equal(cap.nrec, 2);
	assert_true(cap.rec[1].reset);
	trace_obs_idle(cap.obs, cap.ts); /* time never runs back */
	tc_close(&cap);
	assert_int_equal(cap.nrec, 2);
}

/* Memory stays bounded: past 16,384 closes waiting at once, the oldest
 * record comes out at once. */
static void test_held_records_are_bounded(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	for (unsigned i = 0; i < 16384; i++) {
		cap.cport = (uint16_t)(1024 + i);
		tc_seed_exchange(&cap, 0);
	}
	assert_int_equal(cap.nrec, 0);
	cap.cport = 60000;
	tc_seed_exchange(&cap, 0);
	assert_int_equal(cap.nrec, 1);
	assert_int_equal(cap.rec[0].ep[TC_C].port, 1024);
	tc_close(&cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9293_3_10_8_time_wait_ends_after_2msl_of_capture_time),
		cmocka_unit_test(test_rfc9293_3_6_last_ack_lost_fin_again_server_back_in_last_ack),
		cmocka_unit_test(test_connection_ends_after_the_hold_strays_ignored),
		cmocka_unit_test(test_idle_live_capture_records_come_out_on_time),
		cmocka_unit_test(test_held_records_are_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
