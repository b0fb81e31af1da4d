/* Segment labels as a capture shows them: keep-alives, zero windows,
 * window updates and probes, and out of order against retransmission
 * (docs/trace-vs-tshark.md says how they match Wireshark's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "trace/observer.h"
#include "trace_capture.h"

/* Labels for the window and liveness segments, as Wireshark names them. */
static void test_labels_keepalive_zero_window_update_probe(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, A, 1000, 4001, 0, 502, 5000);      /* SEG.SEQ = SND.NXT - 1 */
	assert_int_equal(cap.labels[3], TRACE_L_KEEPALIVE);
	tc_pkt(&cap, S, A, 4001, 1001, 0, 0, 1);           /* shuts its window */
	assert_int_equal(cap.labels[4], TRACE_L_ZERO_WINDOW);
	tc_pkt(&cap, C, A, 1001, 4001, 1, 502, 200);       /* one byte into it */
	assert_int_equal(cap.labels[5], TRACE_L_WINDOW_PROBE);
	tc_pkt(&cap, S, A, 4001, 1001, 0, 300, 100);       /* opens it */
	assert_int_equal(cap.labels[6], TRACE_L_WINDOW_UPDATE);
	tc_close(&cap);
}

/* A segment that fills a fresh gap is out of order; long after, it is a
 * retransmission. */
static void test_labels_out_of_order_versus_retransmission(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, A, 1101, 4001, 100, 502, 1);  /* 1001..1100 missing */
	tc_pkt(&cap, C, A, 1001, 4001, 100, 502, 0);  /* arrives just after */
	assert_int_equal(cap.labels[4], TRACE_L_OUT_OF_ORDER);
	tc_pkt(&cap, C, A, 1301, 4001, 100, 502, 1);  /* 1201..1300 missing */
	tc_pkt(&cap, C, A, 1201, 4001, 100, 502, 400);
	assert_int_equal(cap.labels[6], TRACE_L_RETRANSMISSION);
	tc_close(&cap);
}

/* Out of order means first sight of the bytes: once the hole is filled,
 * the segment that jumped it, sent again at once, is a retransmission.
 * A hole filled from below leaves its upper part open.  Bytes the
 * receiver has acknowledged reached it before: a copy of them is a
 * retransmission however soon it comes, even when the capture missed
 * the first (Wireshark's spurious retransmission). */
static void test_labels_out_of_order_is_first_sight_only(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, A, 1101, 4001, 100, 502, 1);  /* jumps 1001..1100 */
	tc_pkt(&cap, C, A, 1001, 4001, 100, 502, 0);  /* fills it: overtaken */
	assert_int_equal(cap.labels[4], TRACE_L_OUT_OF_ORDER);
	tc_pkt(&cap, C, A, 1101, 4001, 100, 502, 0);  /* the jumper again */
	assert_int_equal(cap.labels[5], TRACE_L_RETRANSMISSION);
	tc_pkt(&cap, C, A, 1001, 4001, 100, 502, 0);  /* the filler again */
	assert_int_equal(cap.labels[6], TRACE_L_RETRANSMISSION);

	tc_pkt(&cap, C, A, 1501, 4001, 100, 502, 1);  /* jumps 1201..1500 */
	tc_pkt(&cap, C, A, 1201, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[8], TRACE_L_OUT_OF_ORDER);
	tc_pkt(&cap, C, A, 1301, 4001, 100, 502, 0);  /* more of the hole */
	assert_int_equal(cap.labels[9], TRACE_L_OUT_OF_ORDER);
	tc_pkt(&cap, C, A, 1501, 4001, 100, 502, 0);  /* above it: the jumper again */
	assert_int_equal(cap.labels[10], TRACE_L_RETRANSMISSION);
	tc_pkt(&cap, C, A, 1401, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[11], TRACE_L_OUT_OF_ORDER);

	tc_pkt(&cap, C, A, 1701, 4001, 100, 502, 1);  /* jumps 1601..1700 */
	tc_pkt(&cap, S, A, 4001, 1801, 0, 506, 0);    /* which the receiver had */
	tc_pkt(&cap, C, A, 1601, 4001, 100, 502, 0);  /* the capture's first copy */
	assert_int_equal(cap.labels[14], TRACE_L_RETRANSMISSION);
	tc_close(&cap);
}

/* Microseconds later (a LAN's round trip is tens of them). */
static void after_us(tc_capture *cap, uint64_t us)
{
	cap->ts += us * 1000;
}

/* The out-of-order window is the handshake's round trip to the
 * microsecond, as Wireshark has it (not 3 ms at least): on a LAN a hole
 * filled five round trips later is a retransmission.  Two holes opened
 * within it are one span, both filled out of order. */
static void test_labels_out_of_order_window_is_the_lan_round_trip(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	after_us(&cap, 50);
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 0);
	after_us(&cap, 50);
	tc_pkt(&cap, C, A, 1001, 4001, 0, 502, 0);    /* irtt 100 µs */
	after_us(&cap, 10);
	tc_pkt(&cap, C, A, 1101, 4001, 100, 502, 0);  /* jumps 1001..1100 */
	after_us(&cap, 20);
	tc_pkt(&cap, C, A, 1001, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[4], TRACE_L_OUT_OF_ORDER);
	tc_pkt(&cap, C, A, 1301, 4001, 100, 502, 0);  /* jumps 1201..1300 */
	after_us(&cap, 500);
	tc_pkt(&cap, C, A, 1201, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[6], TRACE_L_RETRANSMISSION);

	tc_pkt(&cap, C, A, 1501, 4001, 100, 502, 0);  /* jumps 1401..1500 */
	after_us(&cap, 10);
	tc_pkt(&cap, C, A, 1701, 4001, 100, 502, 0);  /* and 1601..1700 */
	after_us(&cap, 10);
	tc_pkt(&cap, C, A, 1401, 4001, 100, 502, 0);
	tc_pkt(&cap, C, A, 1601, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[9], TRACE_L_OUT_OF_ORDER);
	assert_int_equal(cap.labels[10], TRACE_L_OUT_OF_ORDER);
	tc_close(&cap);
}

/* The round trip counts from the client's latest SYN (Wireshark's iRTT):
 * after a SYN lost and sent again a second later, a hole filled 50 ms
 * after it opened, on a 2 ms path, is a retransmission, not a segment
 * overtaken. */
static void test_labels_round_trip_from_the_latest_syn(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000); /* the first was lost */
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1);
	tc_pkt(&cap, C, A, 1001, 4001, 0, 502, 1);
	tc_pkt(&cap, C, A, 1101, 4001, 100, 502, 1);  /* jumps 1001..1100 */
	tc_pkt(&cap, C, A, 1001, 4001, 100, 502, 50);
	assert_int_equal(cap.labels[5], TRACE_L_RETRANSMISSION);
	tc_pkt(&cap, C, A, 1301, 4001, 100, 502, 1);  /* jumps 1201..1300 */
	tc_pkt(&cap, C, A, 1201, 4001, 100, 502, 1);
	assert_int_equal(cap.labels[7], TRACE_L_OUT_OF_ORDER);
	tc_close(&cap);
}

/* RFC 9293 §3.10.7.4: a window comes with the newest acknowledgment
 * (SND.WL2 =< SEG.ACK); an older ACK overtaken on the way carries one its
 * receiver ignores, so the ACK after it with the newest acknowledgment
 * and the same window as before is no window update. */
static void test_rfc9293_3_10_7_4_overtaken_ack_window_ignored(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, A, 1001, 4001, 200, 502, 1);
	tc_pkt(&cap, S, A, 4001, 1201, 0, 500, 0);    /* the newest ACK */
	tc_pkt(&cap, S, A, 4001, 1101, 0, 501, 0);    /* an older one, overtaken */
	tc_pkt(&cap, S, A, 4001, 1201, 0, 500, 0);    /* same ACK, same window */
	assert_int_equal(cap.labels[6], TRACE_L_ACK);
	tc_pkt(&cap, S, A, 4001, 1201, 0, 600, 0);    /* the window opens */
	assert_int_equal(cap.labels[7], TRACE_L_WINDOW_UPDATE);
	tc_close(&cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_keepalive_zero_window_update_probe),
		cmocka_unit_test(test_labels_out_of_order_versus_retransmission),
		cmocka_unit_test(test_labels_out_of_order_is_first_sight_only),
		cmocka_unit_test(test_labels_out_of_order_window_is_the_lan_round_trip),
		cmocka_unit_test(test_labels_round_trip_from_the_latest_syn),
		cmocka_unit_test(test_rfc9293_3_10_7_4_overtaken_ack_window_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
