/* Data transfer in the synchronized states (RFC 9293 §3.8, §3.10.7.4
 * steps one, seven and eight; RFC 5681 §4.2; RFC 1122 delayed ACK):
 * the smoltcp way, one exact segment in, the exact segment out.
 *
 * The fixture's peer offers no options: our send MSS is the IPv4 default
 * of 536 bytes and the peer's window is 64000. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define L (TCPT_LOCAL_ISS + 1)  /* our first byte of text */
#define R (TCPT_REMOTE_ISS + 1) /* the peer's first byte of text */
#define MSS 536u                /* RFC 9293 §3.7.1 default send MSS (IPv4) */

static uint8_t text[8192];

static int setup_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = (uint8_t)(i * 7 + i / 251);
	return 0;
}

/* RECEIVE exactly n bytes, which must be text[from .. from + n). */
static void expect_recv(tcpt_fx *fx, size_t from, size_t n)
{
	uint8_t buf[8192];
	long got = tcps_recv(fx->c, buf, sizeof buf, fx->now);
	assert_int_equal(got, (long)n);
	assert_memory_equal(buf, text + from, n);
}

/* ================= ESTABLISHED: receiving ================= */

/* §3.10.7.4 step seven: in-order text goes to the user. */
static void test_rfc9293_3_10_7_4_established_in_order_text_delivered(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	assert_int_equal(tcps_recv(fx.c, text, 1, fx.now), TCPS_ERR_AGAIN);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, R, L, text, 100);
	assert_int_equal(fx.last_err, 0);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, R + 100, L, text + 100, 50);
	expect_recv(&fx, 0, 150);
	assert_int_equal(tcps_recv(fx.c, text, 1, fx.now), TCPS_ERR_AGAIN);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_teardown(&fx);
}

/* §3.8.6.3 (SHLD-18, MUST-40): one segment's ACK is delayed, but never
 * past the delayed-ACK timeout (cfg.delack, < 0.5 s). */
static void test_rfc9293_3_8_6_3_delayed_ack_within_delack_timeout(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.delack = 100 * TCPS_NS_PER_MS;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, &cfg);
	uint64_t t = fx.now;
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, R, L, text, 100);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), t + cfg.delack);
	tcpt_advance(&fx, cfg.delack - 1);
	tcpt_expect_nothing(&fx);
	tcpt_advance(&fx, 1);
	tcpt_expect(&fx, TCPS_ACK, L, R + 100, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* §3.8.6.3 (SHLD-19): an ACK for at least every second full-sized
 * segment, without waiting for the timer. */
static void test_rfc9293_3_8_6_3_ack_every_second_full_sized_segment(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK, R, L, text, 1000);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R + 1000, L, text + 1000, 1000);
	tcpt_expect(&fx, TCPS_ACK, L, R + 2000, 0);
	/* The count starts over: the third is delayed again. */
	tcpt_arrive(&fx, TCPS_ACK, R + 2000, L, text + 2000, 1000);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R + 3000, L, text + 3000, 1000);
	tcpt_expect(&fx, TCPS_ACK, L, R + 4000, 0);
	expect_recv(&fx, 0, 4000);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 step seven, SHLD-31: text past RCV.NXT is kept and a
 * duplicate ACK goes at once (RFC 5681 §4.2); the gap filling delivers
 * everything and is acknowledged at once too. */
static void test_rfc9293_3_10_7_4_out_of_order_queued_dupack_then_gap_fill(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK, R + 100, L, text + 100, 100);
	tcpt_expect(&fx, TCPS_ACK, L, R, 0);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R + 300, L, text + 300, 100);
	tcpt_expect(&fx, TCPS_ACK, L, R, 0);
	assert_int_equal(tcps_recv(fx.c, text, 1, fx.now), TCPS_ERR_AGAIN);

	tcpt_arrive(&fx, TCPS_ACK, R, L, text, 100);
	tcpt_expect(&fx, TCPS_ACK, L, R + 200, 0); /* first gap filled */
	tcpt_arrive(&fx, TCPS_ACK, R + 200, L, text + 200, 100);
	tcpt_expect(&fx, TCPS_ACK, L, R + 400, 0);
	tcpt_expect_nothing(&fx);
	expect_recv(&fx, 0, 400);
	tcpt_teardown(&fx);
}

/* SHLD-31: text held out of order stays intact while the user reads
 * everything in order before it, emptying the buffer in between. */
static void test_rfc9293_3_10_7_4_out_of_order_text_survives_receive_emptying_buffer(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK, R, L, text, 100);
	expect_recv(&fx, 0, 100);
	tcpt_arrive(&fx, TCPS_ACK, R + 200, L, text + 200, 100); /* held */
	tcpt_expect(&fx, TCPS_ACK, L, R + 100, 0);
	tcpt_arrive(&fx, TCPS_ACK, R + 100, L, text + 100, 50);
	expect_recv(&fx, 100, 50); /* the buffer is empty again */
	tcpt_arrive(&fx, TCPS_ACK, R + 150, L, text + 150, 50);
	tcpt_expect(&fx, TCPS_ACK, L, R + 300, 0);
	expect_recv(&fx, 150, 150);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 step one: text already received is dropped and answered by
 * an ACK; a segment overlapping RCV.NXT keeps only its new part. */
static void test_rfc9293_3_10_7_4_duplicate_and_overlapping_text_trimmed(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK, R, L, text, 200);
	tcpt_advance(&fx, fx.cfg.delack);
	tcpt_expect(&fx, TCPS_ACK, L, R + 200, 0);

	tcpt_arrive(&fx, TCPS_ACK, R, L, text, 200); /* all old */
	tcpt_expect(&fx, TCPS_ACK, L, R + 200, 0);
	tcpt_arrive(&fx, TCPS_ACK, R + 150, L, text + 150, 100); /* 50 old, 50 new */
	tcpt_expect(&fx, TCPS_ACK, L, R + 250, 0);
	tcpt_expect_nothing(&fx);
	expect_recv(&fx, 0, 250);
	assert_int_equal(tcps_recv(fx.c, text, 1, fx.now), TCPS_ERR_AGAIN);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 step one: text past RCV.NXT + RCV.WND is cut off; the ACK
 * tells the peer where the window ends. */
static void test_rfc9293_3_10_7_4_text_beyond_window_trimmed(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.rcv_buf = 1000;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, &cfg);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_FIN, R, L, text, 1200);
	tcpt_expect(&fx, TCPS_ACK, L, R + 1000, 0);
	assert_int_equal(fx.out.wnd, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED); /* the FIN was past the window */
	assert_false(tcps_peer_closed(fx.c));
	expect_recv(&fx, 0, 1000);
	tcpt_teardown(&fx);
}

/* §3.8.6.2.2, MUST-66: a full buffer shows a zero window; a probe at
 * RCV.NXT is answered with the same zero window; RECEIVE making room
 * sends a window update at once. */
static void test_rfc9293_3_8_6_zero_receive_window_then_update_after_recv(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.rcv_buf = 1000;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, &cfg);
	tcpt_arrive(&fx, TCPS_ACK, R, L, text, 500);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R + 500, L, text + 500, 500);
	tcpt_expect(&fx, TCPS_ACK, L, R + 1000, 0);
	assert_int_equal(fx.out.wnd, 0);

	tcpt_arrive(&fx, TCPS_ACK, R + 1000, L, text + 1000, 1); /* window probe */
	tcpt_expect(&fx, TCPS_ACK, L, R + 1000, 0);
	assert_int_equal(fx.out.wnd, 0);

	/* Receiver SWS avoidance: 100 bytes of room is no update yet. */
	uint8_t buf[1000];
	assert_int_equal(tcps_recv(fx.c, buf, 100, fx.now), 100);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_recv(fx.c, buf + 100, 900, fx.now), 900);
	assert_memory_equal(buf, text, 1000);
	tcpt_expect(&fx, TCPS_ACK, L, R + 1000, 0);
	assert_int_equal(fx.out.wnd, 1000);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* ================= ESTABLISHED: sending ================= */

/* §3.7.1: text goes in segments of at most the send MSS; PSH marks the
 * last segment of the write (§3.9.1, MUST-56 allowance). */
static void test_rfc9293_3_7_1_send_segmented_at_mss_psh_on_last(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	assert_int_equal(tcps_send(fx.c, text, 3 * MSS, fx.now), 3 * MSS);
	tcpt_expect(&fx, TCPS_ACK, L, R, MSS);
	assert_memory_equal(fx.out.data, text, MSS);
	tcpt_expect(&fx, TCPS_ACK, L + MSS, R, MSS);
	assert_memory_equal(fx.out.data, text + MSS, MSS);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 2 * MSS, R, MSS);
	assert_memory_equal(fx.out.data, text + 2 * MSS, MSS);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* §3.7.1: the MSS we configure caps the send MSS too. */
static void test_rfc9293_3_7_1_send_mss_capped_by_config(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.mss = 300;
	cfg.nagle = false;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, &cfg);
	tcps_status st;
	tcps_get_status(fx.c, &st);
	assert_int_equal(st.snd_mss, 300);
	assert_int_equal(tcps_send(fx.c, text, 700, fx.now), 700);
	tcpt_expect(&fx, TCPS_ACK, L, R, 300);
	tcpt_expect(&fx, TCPS_ACK, L + 300, R, 300);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 600, R, 100);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* §3.8.6.2.1: the sender never goes past SND.UNA + SND.WND; each ACK
 * that slides the window lets more go. */
static void test_rfc9293_3_8_6_sender_limited_by_peer_window(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L, 2 * MSS, NULL, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_send(fx.c, text, 4 * MSS, fx.now), 4 * MSS);
	tcpt_expect(&fx, TCPS_ACK, L, R, MSS);
	tcpt_expect(&fx, TCPS_ACK, L + MSS, R, MSS);
	tcpt_expect_nothing(&fx);
	tcps_status st;
	tcps_get_status(fx.c, &st);
	assert_int_equal(st.snd_wnd, 2 * MSS);

	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L + MSS, 2 * MSS, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, L + 2 * MSS, R, MSS);
	tcpt_expect_nothing(&fx);
	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L + 3 * MSS, 2 * MSS, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 3 * MSS, R, MSS);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* §3.7.4 Nagle (SHLD-7): a small segment waits while text is in flight,
 * and goes when the ACK comes back. */
static void test_rfc9293_3_7_4_nagle_small_segment_waits_for_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	assert_int_equal(tcps_send(fx.c, text, 10, fx.now), 10);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 10); /* nothing in flight */
	assert_int_equal(tcps_send(fx.c, text + 10, 10, fx.now), 10);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_send(fx.c, text + 20, 10, fx.now), 10);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R, L + 10, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 10, R, 20); /* coalesced */
	assert_memory_equal(fx.out.data, text + 10, 20);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* MUST-17: the application can turn Nagle off: small segments go at once. */
static void test_rfc9293_3_7_4_must_17_nagle_off_sends_at_once(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.nagle = false;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, &cfg);
	assert_int_equal(tcps_send(fx.c, text, 10, fx.now), 10);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 10);
	assert_int_equal(tcps_send(fx.c, text + 10, 10, fx.now), 10);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 10, R, 10);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* ================= ESTABLISHED: the peer's FIN ================= */

/* §3.10.7.4 step eight: ESTABLISHED --rcv FIN--> CLOSE_WAIT with an ACK;
 * RECEIVE gives the text, then end of stream. */
static void test_rfc9293_3_10_7_4_established_fin_to_close_wait_then_eof(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH | TCPS_FIN, R, L, text, 5);
	tcpt_expect(&fx, TCPS_ACK, L, R + 6, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_CLOSE_WAIT);
	assert_true(tcps_peer_closed(fx.c));
	expect_recv(&fx, 0, 5);
	uint8_t buf[8];
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 0);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 0);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 step eight: a FIN past a gap waits for the gap to fill; the
 * text before it comes first. */
static void test_rfc9293_3_10_7_4_out_of_order_fin_held_until_gap_fills(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_FIN, R + 100, L, text + 100, 100);
	tcpt_expect(&fx, TCPS_ACK, L, R, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	assert_false(tcps_peer_closed(fx.c));
	assert_int_equal(tcps_recv(fx.c, text, 1, fx.now), TCPS_ERR_AGAIN);

	tcpt_arrive(&fx, TCPS_ACK, R, L, text, 100);
	tcpt_expect(&fx, TCPS_ACK, L, R + 201, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_CLOSE_WAIT);
	expect_recv(&fx, 0, 200);
	uint8_t buf[8];
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 0);
	tcpt_teardown(&fx);
}

/* ================= half-close ================= */

/* MAY-1 (§3.6): after our CLOSE we still receive, in FIN_WAIT_1... */
static void test_rfc9293_3_6_may_1_fin_wait_1_still_receives(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_FIN_WAIT_1, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, R, L, text, 100); /* our FIN not acked yet */
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_1);
	tcpt_advance(&fx, fx.cfg.delack);
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 100, 0);
	expect_recv(&fx, 0, 100);
	tcpt_teardown(&fx);
}

/* ...and in FIN_WAIT_2, until the peer's FIN. */
static void test_rfc9293_3_6_may_1_fin_wait_2_still_receives(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_FIN_WAIT_2, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK, R, L + 1, text, 1000);
	tcpt_arrive(&fx, TCPS_ACK, R + 1000, L + 1, text + 1000, 1000);
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 2000, 0);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_2);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_FIN, R + 2000, L + 1, text + 2000, 10);
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 2011, 0);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	expect_recv(&fx, 0, 2010);
	uint8_t buf[8];
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 0);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 step seven: CLOSE_WAIT takes no more text from the peer
 * (it has closed), but we still send ours. */
static void test_rfc9293_3_10_2_close_wait_still_sends(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_CLOSE_WAIT, false, NULL);
	assert_int_equal(tcps_send(fx.c, text, 2 * MSS, fx.now), 2 * MSS);
	tcpt_expect(&fx, TCPS_ACK, L, R + 1, MSS);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + MSS, R + 1, MSS);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R + 1, L + 2 * MSS, NULL, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_CLOSE_WAIT);
	tcps_status st;
	tcps_get_status(fx.c, &st);
	assert_int_equal(st.snd_una, L + 2 * MSS);
	assert_int_equal(st.snd_queued, 0);
	tcpt_teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9293_3_10_7_4_established_in_order_text_delivered),
		cmocka_unit_test(test_rfc9293_3_8_6_3_delayed_ack_within_delack_timeout),
		cmocka_unit_test(test_rfc9293_3_8_6_3_ack_every_second_full_sized_segment),
		cmocka_unit_test(test_rfc9293_3_10_7_4_out_of_order_queued_dupack_then_gap_fill),
		cmocka_unit_test(test_rfc9293_3_10_7_4_out_of_order_text_survives_receive_emptying_buffer),
		cmocka_unit_test(test_rfc9293_3_10_7_4_duplicate_and_overlapping_text_trimmed),
		cmocka_unit_test(test_rfc9293_3_10_7_4_text_beyond_window_trimmed),
		cmocka_unit_test(test_rfc9293_3_8_6_zero_receive_window_then_update_after_recv),
		cmocka_unit_test(test_rfc9293_3_7_1_send_segmented_at_mss_psh_on_last),
		cmocka_unit_test(test_rfc9293_3_7_1_send_mss_capped_by_config),
		cmocka_unit_test(test_rfc9293_3_8_6_sender_limited_by_peer_window),
		cmocka_unit_test(test_rfc9293_3_7_4_nagle_small_segment_waits_for_ack),
		cmocka_unit_test(test_rfc9293_3_7_4_must_17_nagle_off_sends_at_once),
		cmocka_unit_test(test_rfc9293_3_10_7_4_established_fin_to_close_wait_then_eof),
		cmocka_unit_test(test_rfc9293_3_10_7_4_out_of_order_fin_held_until_gap_fills),
		cmocka_unit_test(test_rfc9293_3_6_may_1_fin_wait_1_still_receives),
		cmocka_unit_test(test_rfc9293_3_6_may_1_fin_wait_2_still_receives),
		cmocka_unit_test(test_rfc9293_3_10_2_close_wait_still_sends),
	};
	return cmocka_run_group_tests(tests, setup_text, NULL);
}
