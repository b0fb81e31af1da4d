/* The active opener, RFC 9293 §3.10.7.3 in SYN_SENT: one exact segment
 * in, the exact segment out and the new state (the smoltcp way), the
 * simultaneous open (MUST-10) and the SYN's retransmission (RFC 6298).
 * CLOSED and LISTEN are in test_rfc9293_open.c.
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
#define RTO1 (1 * TCPS_NS_PER_S) /* RFC 6298 (2.1): the initial RTO */

/* ---- Tests for the SYN_SENT state ---- */

/* §3.10.1: "<SEQ=ISS><CTL=SYN> ... set SND.UNA to ISS, SND.NXT to ISS+1". */
static void test_rfc9293_3_10_1_active_open_sends_syn(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_tuple t = tcpt_tuple(false);
	tcpt_setup(&fx, TCPS_CLOSED, false, NULL);
	assert_int_equal(tcps_open_active(fx.c, &t, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	tcpt_expect(&fx, TCPS_SYN, ISS, 0, 0);
	tcpt_expect_to_peer(&fx);
	assert_int_equal(fx.out.ack, 0);
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_una, ISS);
	assert_int_equal(st.snd_nxt, ISS + 1);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + RTO1);
	tcpt_teardown(&fx);
}

/* §3.10.7.3 first, ACK: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a
 * reset (unless the RST bit is set...) <SEQ=SEG.ACK><CTL=RST>". */
static void test_rfc9293_3_10_7_3_syn_sent_ack_at_iss_gets_rst(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS, NULL, 0);
	tcpt_expect(&fx, TCPS_RST, ISS, 0, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	tcpt_teardown(&fx);
}

static void test_rfc9293_3_10_7_3_syn_sent_ack_beyond_snd_nxt_gets_rst(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	tcpt_arrive(&fx, TCPS_ACK, IRS, ISS + 2, NULL, 0);
	tcpt_expect(&fx, TCPS_RST, ISS + 2, 0, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	/* An old ACK far below the ISS is just as bad. */
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS - 1000, NULL, 0);
	tcpt_expect(&fx, TCPS_RST, ISS - 1000, 0, 0);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	tcpt_teardown(&fx);
}

/* "... (unless the RST bit is set, if so drop the segment and return)". */
static void test_rfc9293_3_10_7_3_syn_sent_bad_ack_with_rst_dropped(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, 0, ISS + 2, NULL, 0), 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, 0, ISS, NULL, 0), 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	assert_int_equal(tcps_get_error(fx.c), 0);
	tcpt_teardown(&fx);
}

/* §3.10.7.3 second, RST: "If the ACK was acceptable, then signal to the
 * user 'error: connection reset', drop the segment, enter CLOSED state". */
static void test_rfc9293_3_10_7_3_syn_sent_rst_ack_refused(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[4];
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, 0, ISS + 1, NULL, 0), TCPS_ERR_REFUSED);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_REFUSED);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), TCPS_ERR_REFUSED);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* "Otherwise (no ACK), drop the segment and return" (RFC 5961 §3.2 for
 * SYN-SENT: only a RST acknowledging our SYN can refuse the connection). */
static void test_rfc9293_3_10_7_3_syn_sent_rst_without_ack_ignored(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, IRS, 0, NULL, 0), 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	assert_int_equal(tcps_get_error(fx.c), 0);
	tcpt_teardown(&fx);
}

/* §3.10.7.3 fourth: "If SND.UNA > ISS (our SYN has been ACKed), change the
 * connection state to ESTABLISHED, form an ACK segment
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it." */
static void test_rfc9293_3_10_7_3_syn_sent_syn_ack_established(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcpt_arrive_wnd(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, 5000, NULL, 0), 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.irs, IRS);
	assert_int_equal(st.rcv_nxt, IRS + 1);
	assert_int_equal(st.snd_una, ISS + 1);
	assert_int_equal(st.snd_nxt, ISS + 1);
	assert_int_equal(st.snd_wnd, 5000);
	/* Nothing outstanding: no retransmission timer. */
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* §3.10.7.3 fourth: "If there are other controls or text in the segment,
 * then continue processing at the sixth step under Section 3.10.7.4":
 * text and FIN riding on the SYN,ACK are taken, and the ACK covers them. */
static void test_rfc9293_3_10_7_3_syn_sent_syn_ack_text_and_fin_processed(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[16];
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK | TCPS_PSH | TCPS_FIN, IRS, ISS + 1, "hello", 5);
	tcpt_expect_state(&fx, TCPS_CLOSE_WAIT);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1 + 5 + 1, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 0);
	tcpt_teardown(&fx);
}

/* §3.10.7.3 fourth, otherwise: "enter SYN-RECEIVED, form a SYN,ACK segment
 * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it"; the peer's SYN,ACK then
 * completes the simultaneous open (§3.5 Figure 7, MUST-10). */
static void test_must_10_simultaneous_open(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN, IRS, 0, NULL, 0), 0);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, ISS, IRS + 1, 0);
	tcpt_expect_nothing(&fx);
	/* Figure 7 line 6: <SEQ=300><ACK=101><CTL=SYN,ACK> -> ESTABLISHED, and
	 * nothing more needs to be said. */
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0), 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_una, ISS + 1);
	assert_int_equal(st.rcv_nxt, IRS + 1);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	/* Text flows both ways. */
	assert_int_equal(tcps_send(fx.c, "ab", 2, fx.now), 2);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, ISS + 1, IRS + 1, 2);
	tcpt_teardown(&fx);
}

/* A simultaneous open may also end with the peer's plain ACK. */
static void test_must_10_simultaneous_open_completed_by_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_RCVD, true, NULL);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* §3.10.4 SYN-SENT: "Delete the TCB and return 'error: closing' responses
 * to any queued SENDs, or RECEIVEs." -> CLOSED, nothing sent. */
static void test_rfc9293_3_10_4_syn_sent_close_closed(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcps_close(fx.c, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	assert_int_equal(tcps_get_error(fx.c), 0);
	tcpt_teardown(&fx);
}

/* §3.10.5 SYN-SENT ABORT: no RST (the peer has nothing to reset). */
static void test_rfc9293_3_10_5_syn_sent_abort_no_rst(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcps_abort(fx.c, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_ABORTED);
	tcpt_teardown(&fx);
}

/* §3.10.7.3 fifth: "If neither of the SYN or RST bits is set, then drop
 * the segment and return." */
static void test_rfc9293_3_10_7_3_syn_sent_no_syn_no_rst_dropped(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, IRS + 1, ISS + 1, "data", 4);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_FIN, IRS + 1, 0, NULL, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_una, ISS);
	assert_int_equal(st.rcv_nxt, 0);
	tcpt_teardown(&fx);
}

/* RFC 6298 (5.5)-(5.6): the SYN goes again at each timeout, the RTO
 * doubling up to rto_max (60 s); RFC 9293 §3.8.3 R2 for a SYN: after
 * syn_retries retransmissions the connection gives up (ETIMEDOUT). */
static void test_rfc6298_5_5_syn_retransmitted_with_backoff_then_timedout(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(fx.cfg.syn_retries, 7);
	const uint64_t s = TCPS_NS_PER_S;
	/* Sent at 0; again at 1, 3, 7, 15, 31, 63, 123 s (the RTO capped at
	 * 60 s); gives up 60 s later, past MUST-23's three minutes. */
	const uint64_t at[] = { 1 * s, 3 * s, 7 * s, 15 * s, 31 * s, 63 * s, 123 * s };
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + at[i]);
		/* Nothing before the deadline. */
		fx.now = TCPT_T0 + at[i] - 1;
		assert_int_equal(tcps_handle_expiry(fx.c, fx.now), 0);
		tcpt_expect_nothing(&fx);
		fx.now = TCPT_T0 + at[i];
		assert_int_equal(tcps_handle_expiry(fx.c, fx.now), 0);
		tcpt_expect(&fx, TCPS_SYN, ISS, 0, 0);
		tcpt_expect_nothing(&fx);
		tcpt_expect_state(&fx, TCPS_SYN_SENT);
		assert_int_equal(tcpt_status(&fx).retransmits, i + 1);
	}
	assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + 183 * s);
	fx.now = TCPT_T0 + 183 * s;
	assert_int_equal(tcps_handle_expiry(fx.c, fx.now), TCPS_ERR_TIMEDOUT);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_TIMEDOUT);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* The retry limit is the configured one. */
static void test_rfc9293_3_8_3_syn_retries_limit_configurable(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.syn_retries = 1;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, &cfg);
	assert_true(tcpt_to_expiry(&fx));
	assert_int_equal(fx.now, TCPT_T0 + 1 * TCPS_NS_PER_S);
	tcpt_expect(&fx, TCPS_SYN, ISS, 0, 0);
	assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + 3 * TCPS_NS_PER_S);
	fx.now = TCPT_T0 + 3 * TCPS_NS_PER_S;
	assert_int_equal(tcps_handle_expiry(fx.c, fx.now), TCPS_ERR_TIMEDOUT);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* RFC 6298 (2.2): the SYN's RTT is the first measurement: SRTT = R,
 * RTTVAR = R/2, RTO = SRTT + 4 * RTTVAR. */
static void test_rfc6298_2_2_first_rtt_sample_from_syn(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	fx.now += 100 * TCPS_NS_PER_MS;
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.srtt, 100 * TCPS_NS_PER_MS);
	assert_int_equal(st.rto, 300 * TCPS_NS_PER_MS);
	tcpt_teardown(&fx);
}

/* RFC 6298 (5.7): "If the timer expires awaiting the ACK of a SYN segment
 * and the TCP implementation is using an RTO less than 3 seconds, the RTO
 * MUST be re-initialized to 3 seconds when data transmission begins" --
 * and the retransmitted SYN gives no sample (Karn). */
static void test_rfc6298_5_7_rto_three_seconds_after_syn_retransmitted(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_SYN, ISS, 0, 0);
	fx.now += 50 * TCPS_NS_PER_MS;
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.rto, 3 * TCPS_NS_PER_S);
	assert_int_equal(st.srtt, 0);
	/* The first data segment is timed with that RTO. */
	assert_int_equal(tcps_send(fx.c, "x", 1, fx.now), 1);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, ISS + 1, IRS + 1, 1);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 3 * TCPS_NS_PER_S);
	tcpt_teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9293_3_10_1_active_open_sends_syn),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_sent_ack_at_iss_gets_rst),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_sent_ack_beyond_snd_nxt_gets_rst),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_sent_bad_ack_with_rst_dropped),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_sent_rst_ack_refused),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_sent_rst_without_ack_ignored),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_sent_syn_ack_established),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_sent_syn_ack_text_and_fin_processed),
		cmocka_unit_test(test_must_10_simultaneous_open),
		cmocka_unit_test(test_must_10_simultaneous_open_completed_by_ack),
		cmocka_unit_test(test_rfc9293_3_10_4_syn_sent_close_closed),
		cmocka_unit_test(test_rfc9293_3_10_5_syn_sent_abort_no_rst),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_sent_no_syn_no_rst_dropped),
		cmocka_unit_test(test_rfc6298_5_5_syn_retransmitted_with_backoff_then_timedout),
		cmocka_unit_test(test_rfc9293_3_8_3_syn_retries_limit_configurable),
		cmocka_unit_test(test_rfc6298_2_2_first_rtt_sample_from_syn),
		cmocka_unit_test(test_rfc6298_5_7_rto_three_seconds_after_syn_retransmitted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
