/* The half-open state, RFC 9293 §3.10.7.4 in SYN_RCVD (passive, and after
 * a simultaneous open): one exact segment in, the exact segment out and
 * the new state (the smoltcp way).  CLOSED and LISTEN are in
 * test_rfc9293_open.c, SYN_SENT in test_rfc9293_open_syn_sent.c.
 *
 * Numbers: our ISS is TCPT_LOCAL_ISS (10000), the peer's TCPT_REMOTE_ISS
 * (20000); see fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define ISS TCPT_LOCAL_ISS
#define IRS TCPT_REMOTE_ISS

/* ---- Tests for the SYN_RCVD state ---- */

/* §3.10.7.4 fifth, SYN-RECEIVED: "If SND.UNA < SEG.ACK =< SND.NXT, then
 * enter ESTABLISHED state and continue processing". */
static void test_rfc9293_3_10_7_4_syn_rcvd_ack_of_syn_established(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	assert_int_equal(tcpt_arrive_wnd(&fx, TCPS_ACK, IRS + 1, ISS + 1, 3000, NULL, 0), 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_una, ISS + 1);
	assert_int_equal(st.snd_wnd, 3000);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* "... and continue processing": text on the ACK of our SYN is taken. */
static void test_rfc9293_3_10_7_4_syn_rcvd_ack_with_text_delivered(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[16];
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, IRS + 1, ISS + 1, "hello", 5);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	assert_int_equal(tcpt_status(&fx).rcv_nxt, IRS + 6);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 5);
	assert_memory_equal(buf, "hello", 5);
	/* Delayed ACK (§3.8.6.3): it comes at the delayed-ACK timeout. */
	tcpt_expect_nothing(&fx);
	tcpt_advance(&fx, fx.cfg.delack);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 6, 0);
	tcpt_teardown(&fx);
}

/* ... and on to the eighth step: a FIN on the ACK of our SYN closes the
 * peer's side at once (ESTABLISHED -> CLOSE_WAIT). */
static void test_rfc9293_3_10_7_4_syn_rcvd_ack_with_fin_close_wait(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_FIN, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_CLOSE_WAIT);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 2, 0);
	tcpt_expect_nothing(&fx);
	assert_true(tcps_peer_closed(fx.c));
	tcpt_teardown(&fx);
}

/* "If the segment acknowledgment is not acceptable, form a reset segment
 * <SEQ=SEG.ACK><CTL=RST> and send it." */
static void test_rfc9293_3_10_7_4_syn_rcvd_bad_ack_gets_rst(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 5, NULL, 0);
	tcpt_expect(&fx, TCPS_RST, ISS + 5, 0, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	/* SEG.ACK = SND.UNA = ISS acknowledges nothing: not acceptable either. */
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS, NULL, 0);
	tcpt_expect(&fx, TCPS_RST, ISS, 0, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	/* The right ACK still completes the handshake. */
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 second, SYN-RECEIVED: "If this connection was initiated with a
 * passive OPEN (i.e., came from the LISTEN state), then return this
 * connection to LISTEN state and return.  The user need not be informed."
 * (MUST-11: the TCB remembers how it was opened.) */
static void test_must_11_syn_rcvd_passive_rst_back_to_listen(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, IRS + 1, 0, NULL, 0), 0);
	tcpt_expect_state(&fx, TCPS_LISTEN);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_error(fx.c), 0);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	/* Listening again, for any peer: a SYN from another port is taken. */
	tcps_segment syn = { .sport = 50000, .dport = TCPT_LOCAL_PORT, .flags = TCPS_SYN, .seq = 777,
			     .wnd = 1000 };
	tcpt_arrive_seg(&fx, &syn);
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, ISS, 778, 0);
	assert_int_equal(fx.out.dport, 50000);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcpt_teardown(&fx);
}

/* "If this connection was initiated with an active OPEN (i.e., came from
 * SYN-SENT state), then the connection was refused; signal the user
 * 'connection refused'" and enter CLOSED (MUST-11). */
static void test_must_11_syn_rcvd_active_rst_refused(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, true, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, IRS + 1, 0, NULL, 0), TCPS_ERR_REFUSED);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_REFUSED);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* RFC 5961 §3.2 holds in SYN-RECEIVED too: a RST in the window but not at
 * RCV.NXT draws a challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT>. */
static void test_rfc5961_3_2_syn_rcvd_rst_not_exact_challenge_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	tcpt_arrive(&fx, TCPS_RST, IRS + 10, 0, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcpt_teardown(&fx);
}

/* The peer's SYN again (same SEG.SEQ = IRS): our SYN,ACK was lost, so it
 * goes again at once. */
static void test_rfc9293_3_10_7_4_syn_rcvd_duplicate_syn_resends_syn_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN, IRS, 0, NULL, 0), 0);
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, ISS, IRS + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.iss, ISS);
	assert_int_equal(st.irs, IRS);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 fourth, SYN-RECEIVED: a new SYN in the window on a passively
 * opened connection: "return this connection to the LISTEN state". */
static void test_rfc9293_3_10_7_4_syn_rcvd_passive_new_syn_back_to_listen(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	tcpt_arrive(&fx, TCPS_SYN, IRS + 100, 0, NULL, 0);
	tcpt_expect_state(&fx, TCPS_LISTEN);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* RFC 6298 (5.5): SYN,ACK sent again at each timeout, backing off. */
static void test_rfc6298_5_5_syn_rcvd_syn_ack_retransmitted(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + 1 * TCPS_NS_PER_S);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, ISS, IRS + 1, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + 3 * TCPS_NS_PER_S);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, ISS, IRS + 1, 0);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* A passive SYN_RCVD whose SYN,ACK is never acknowledged gives up too. */
static void test_rfc9293_3_8_3_syn_rcvd_gives_up_after_syn_retries(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.syn_retries = 2;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, &cfg);
	for (int i = 0; i < 2; i++) {
		assert_true(tcpt_to_expiry(&fx));
		tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, ISS, IRS + 1, 0);
	}
	assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + 7 * TCPS_NS_PER_S);
	fx.now = TCPT_T0 + 7 * TCPS_NS_PER_S;
	assert_int_equal(tcps_handle_expiry(fx.c, fx.now), TCPS_ERR_TIMEDOUT);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* §3.10.4 SYN-RECEIVED: "If no SENDs have been issued and there is no
 * pending data to send, then form a FIN segment and send it, and enter
 * FIN-WAIT-1 state" -- the FIN waits for the ACK of our SYN, as text does
 * (§3.10.7.4 step five: only then is SND.UNA past the SYN). */
static void test_rfc9293_3_10_4_syn_rcvd_close_fin_after_syn_acked(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	assert_int_equal(tcps_close(fx.c, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_1);
	tcpt_expect_nothing(&fx);
	/* The SYN,ACK still goes again on timeout. */
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, ISS, IRS + 1, 0);
	tcpt_expect_nothing(&fx);
	/* The ACK of our SYN lets the FIN go. */
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_1);
	tcpt_expect(&fx, TCPS_FIN | TCPS_ACK, ISS + 1, IRS + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 2, NULL, 0);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_2);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* Queued text goes before the FIN. */
static void test_rfc9293_3_10_4_syn_rcvd_close_text_then_fin(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	assert_int_equal(tcps_send(fx.c, "bye", 3, fx.now), 3);
	assert_int_equal(tcps_close(fx.c, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_1);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_FIN | TCPS_PSH | TCPS_ACK, ISS + 1, IRS + 1, 3);
	assert_memory_equal(fx.out.data, "bye", 3);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* §3.10.5 SYN-RECEIVED ABORT: "a reset segment should be sent:
 * <SEQ=SND.NXT><CTL=RST>", then CLOSED. */
static void test_rfc9293_3_10_5_syn_rcvd_abort_sends_rst(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	assert_int_equal(tcps_abort(fx.c, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect(&fx, TCPS_RST, ISS + 1, 0, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_ABORTED);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 fifth: "if the ACK bit is off, drop the segment and return". */
static void test_rfc9293_3_10_7_4_syn_rcvd_segment_without_ack_dropped(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	tcpt_arrive(&fx, TCPS_PSH, IRS + 1, 0, "data", 4);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_FIN, IRS + 1, 0, NULL, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.rcv_nxt, IRS + 1);
	assert_int_equal(st.rcv_ready, 0);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 first: an unacceptable segment in SYN-RECEIVED gets
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
static void test_rfc9293_3_10_7_4_syn_rcvd_old_segment_gets_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK, IRS - 100, ISS + 1, "old", 3);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcpt_teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9293_3_10_7_4_syn_rcvd_ack_of_syn_established),
		cmocka_unit_test(test_rfc9293_3_10_7_4_syn_rcvd_ack_with_text_delivered),
		cmocka_unit_test(test_rfc9293_3_10_7_4_syn_rcvd_ack_with_fin_close_wait),
		cmocka_unit_test(test_rfc9293_3_10_7_4_syn_rcvd_bad_ack_gets_rst),
		cmocka_unit_test(test_must_11_syn_rcvd_passive_rst_back_to_listen),
		cmocka_unit_test(test_must_11_syn_rcvd_active_rst_refused),
		cmocka_unit_test(test_rfc5961_3_2_syn_rcvd_rst_not_exact_challenge_ack),
		cmocka_unit_test(test_rfc9293_3_10_7_4_syn_rcvd_duplicate_syn_resends_syn_ack),
		cmocka_unit_test(test_rfc9293_3_10_7_4_syn_rcvd_passive_new_syn_back_to_listen),
		cmocka_unit_test(test_rfc6298_5_5_syn_rcvd_syn_ack_retransmitted),
		cmocka_unit_test(test_rfc9293_3_8_3_syn_rcvd_gives_up_after_syn_retries),
		cmocka_unit_test(test_rfc9293_3_10_4_syn_rcvd_close_fin_after_syn_acked),
		cmocka_unit_test(test_rfc9293_3_10_4_syn_rcvd_close_text_then_fin),
		cmocka_unit_test(test_rfc9293_3_10_5_syn_rcvd_abort_sends_rst),
		cmocka_unit_test(test_rfc9293_3_10_7_4_syn_rcvd_segment_without_ack_dropped),
		cmocka_unit_test(test_rfc9293_3_10_7_4_syn_rcvd_old_segment_gets_ack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
