/* Opening a connection, RFC 9293 §3.10.7.1 - §3.10.7.2 and the user calls
 * of §3.10.1 - §3.10.5 before a peer is involved: CLOSED and LISTEN, one
 * exact segment in, the exact segment out and the new state (the smoltcp
 * way).  SYN_SENT is in test_rfc9293_open_syn_sent.c, SYN_RCVD in
 * test_rfc9293_open_syn_rcvd.c, the ISN in test_rfc9293_open_iss.c.
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

/* ---- Tests for the CLOSED state ---- */

/* §3.10.7.1: "If the ACK bit is off, sequence number zero is used,
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>" -- SEG.LEN counting the SYN. */
static void test_rfc9293_3_10_7_1_closed_syn_gets_rst_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_CLOSED, false, NULL);
	tcpt_arrive(&fx, TCPS_SYN, IRS, 0, NULL, 0);
	tcpt_expect(&fx, TCPS_RST | TCPS_ACK, 0, IRS + 1, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_teardown(&fx);
}

/* SEG.LEN counts the text and the FIN as well. */
static void test_rfc9293_3_10_7_1_closed_text_fin_without_ack_rst_acks_seg_len(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_CLOSED, false, NULL);
	tcpt_arrive(&fx, TCPS_FIN | TCPS_PSH, 5000, 0, "hello", 5);
	tcpt_expect(&fx, TCPS_RST | TCPS_ACK, 0, 5000 + 5 + 1, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* §3.10.7.1: "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>". */
static void test_rfc9293_3_10_7_1_closed_ack_gets_rst_seq_seg_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_CLOSED, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, 7777, 123456, "data", 4);
	tcpt_expect(&fx, TCPS_RST, 123456, 0, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_teardown(&fx);
}

/* §3.10.7.1: "An incoming segment containing a RST is discarded." */
static void test_rfc9293_3_10_7_1_closed_rst_ignored(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_CLOSED, false, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, IRS, 0, NULL, 0), 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, IRS, ISS, NULL, 0), 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_teardown(&fx);
}

/* A connection that was refused is CLOSED too: it answers like a host
 * with no connection, and to the segment's sender. */
static void test_rfc9293_3_10_7_1_closed_after_refused_answers_rst(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, 0, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_RST, ISS + 1, 0, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* §3.10.2 - §3.10.5 in CLOSED: "error: connection does not exist". */
static void test_rfc9293_3_10_closed_user_calls_not_connected(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[8];
	tcpt_setup(&fx, TCPS_CLOSED, false, NULL);
	assert_int_equal(tcps_send(fx.c, "x", 1, fx.now), TCPS_ERR_NOT_CONNECTED);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), TCPS_ERR_NOT_CONNECTED);
	assert_int_equal(tcps_close(fx.c, fx.now), TCPS_ERR_NOT_CONNECTED);
	assert_int_equal(tcps_abort(fx.c, fx.now), TCPS_ERR_NOT_CONNECTED);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_get_error(fx.c), 0);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* §3.10.1 OPEN in CLOSED "create a new transmission control block": a
 * connection OPENed again after it ended starts with nothing of the old
 * one -- no unread text, no FIN, no error. */
static void test_rfc9293_3_10_1_open_after_close_starts_clean(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[8];
	tcps_tuple t = tcpt_tuple(false);
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH | TCPS_FIN, IRS + 1, ISS + 1, "old", 3);
	tcpt_expect_state(&fx, TCPS_CLOSE_WAIT);
	assert_int_equal(tcps_abort(fx.c, fx.now), 0);
	tcpt_drain(&fx);
	tcpt_expect_state(&fx, TCPS_CLOSED);

	fx.now += 10 * TCPS_NS_PER_S;
	assert_int_equal(tcps_open_active(fx.c, &t, fx.now), 0);
	assert_int_equal(tcps_get_error(fx.c), 0);
	tcpt_expect(&fx, TCPS_SYN, ISS, 0, 0);
	fx.now += 100 * TCPS_NS_PER_MS;
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, 50000, ISS + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, 50001, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	assert_false(tcps_peer_closed(fx.c));
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), TCPS_ERR_AGAIN);
	tcps_status st;
	tcps_get_status(fx.c, &st);
	assert_int_equal(st.rcv_ready, 0);
	assert_int_equal(st.srtt, 100 * TCPS_NS_PER_MS); /* this handshake's sample only */
	assert_int_equal(st.rto, 300 * TCPS_NS_PER_MS);
	assert_int_equal(st.segs_in, 1);
	/* The new incarnation's text and FIN are taken. */
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH | TCPS_FIN, 50001, ISS + 1, "new", 3);
	tcpt_expect_state(&fx, TCPS_CLOSE_WAIT);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 3);
	assert_memory_equal(buf, "new", 3);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 0);
	tcpt_teardown(&fx);
}

/* ... but the RST of an ABORT not yet sent still goes, before the SYN. */
static void test_rfc9293_3_10_5_abort_rst_sent_after_reopen(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_tuple t = tcpt_tuple(false);
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	assert_int_equal(tcps_abort(fx.c, fx.now), 0);
	assert_int_equal(tcps_open_active(fx.c, &t, fx.now), 0);
	tcpt_expect(&fx, TCPS_RST, ISS + 1, 0, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect(&fx, TCPS_SYN, ISS, 0, 0);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* OPEN on a connection that exists: "error: connection already exists". */
static void test_rfc9293_3_10_1_open_twice_exists(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_tuple t = tcpt_tuple(false);
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcps_open_active(fx.c, &t, fx.now), TCPS_ERR_EXISTS);
	assert_int_equal(tcps_open_passive(fx.c, &t, fx.now), TCPS_ERR_EXISTS);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* An active OPEN needs a foreign socket: "error: foreign socket unspecified". */
static void test_rfc9293_3_10_1_active_open_without_remote_invalid(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_tuple t = tcpt_tuple(true);
	tcpt_setup(&fx, TCPS_CLOSED, false, NULL);
	assert_int_equal(tcps_open_active(fx.c, &t, fx.now), TCPS_ERR_INVALID);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* ---- Tests for the LISTEN state ---- */

/* §3.10.7.2 first: "An incoming RST segment could not be valid ... ignored". */
static void test_rfc9293_3_10_7_2_listen_rst_ignored(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LISTEN, false, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, IRS, 0, NULL, 0), 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, IRS, ISS + 1, NULL, 0), 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_LISTEN);
	tcpt_teardown(&fx);
}

/* §3.10.7.2 second: "Any acknowledgment is bad if it arrives on a
 * connection still in the LISTEN state.  An acceptable reset segment
 * should be formed ... <SEQ=SEG.ACK><CTL=RST>" -- sent back to the
 * segment's source although the listener's own peer is unspecified. */
static void test_rfc9293_3_10_7_2_listen_ack_gets_rst(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LISTEN, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, 31337, NULL, 0);
	tcpt_expect(&fx, TCPS_RST, 31337, 0, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_LISTEN);
	tcpt_teardown(&fx);
}

/* A SYN,ACK carries an ACK: the listener resets it and keeps listening. */
static void test_rfc9293_3_10_7_2_listen_syn_ack_gets_rst(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LISTEN, false, NULL);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, 4242, NULL, 0);
	tcpt_expect(&fx, TCPS_RST, 4242, 0, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_LISTEN);
	tcpt_teardown(&fx);
}

/* §3.10.7.2 third: "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> ... The connection
 * state should be changed to SYN-RECEIVED", RCV.NXT = SEG.SEQ+1. */
static void test_rfc9293_3_10_7_2_listen_syn_gets_syn_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LISTEN, false, NULL);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN, IRS, 0, NULL, 0), 0);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, ISS, IRS + 1, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.iss, ISS);
	assert_int_equal(st.irs, IRS);
	assert_int_equal(st.rcv_nxt, IRS + 1);
	assert_int_equal(st.snd_una, ISS);
	assert_int_equal(st.snd_nxt, ISS + 1);
	assert_int_equal(st.tuple.remote_port, TCPT_REMOTE_PORT);
	tcpt_teardown(&fx);
}

/* Text on the SYN is not acknowledged: the SYN,ACK covers the SYN only and
 * the peer sends the text again (§3.10.7.2 lets it be queued or not). */
static void test_rfc9293_3_10_7_2_listen_syn_with_text_acks_syn_only(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LISTEN, false, NULL);
	tcpt_arrive(&fx, TCPS_SYN, IRS, 0, "early", 5);
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, ISS, IRS + 1, 0);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	assert_int_equal(tcpt_status(&fx).rcv_ready, 0);
	tcpt_teardown(&fx);
}

/* §3.10.7.2 fourth: "Any other control or text-bearing segment (not
 * containing SYN) ... drop the segment and return." */
static void test_rfc9293_3_10_7_2_listen_other_segment_dropped(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LISTEN, false, NULL);
	tcpt_arrive(&fx, TCPS_FIN, IRS, 0, NULL, 0);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_PSH, IRS, 0, "text", 4);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, 0, IRS, 0, NULL, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_LISTEN);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* §3.10.4 LISTEN: "Any outstanding RECEIVEs are returned ... delete TCB,
 * enter CLOSED state". */
static void test_rfc9293_3_10_4_listen_close_closed(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LISTEN, false, NULL);
	assert_int_equal(tcps_close(fx.c, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_error(fx.c), 0);
	/* Closed now: a SYN gets the RST of §3.10.7.1. */
	tcpt_arrive(&fx, TCPS_SYN, IRS, 0, NULL, 0);
	tcpt_expect(&fx, TCPS_RST | TCPS_ACK, 0, IRS + 1, 0);
	tcpt_teardown(&fx);
}

/* §3.10.5 LISTEN ABORT: "Any outstanding RECEIVEs should be returned with
 * 'error: connection reset' responses.  Delete TCB, enter CLOSED" -- no
 * segment. */
static void test_rfc9293_3_10_5_listen_abort_closed(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LISTEN, false, NULL);
	assert_int_equal(tcps_abort(fx.c, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* §3.10.2 LISTEN: "If the foreign socket is specified, then change the
 * connection from passive to active, select an ISS.  Send a SYN segment,
 * set SND.UNA to ISS, SND.NXT to ISS+1.  Enter SYN-SENT state.  Data
 * associated with SEND may be sent with SYN segment or queued". */
static void test_rfc9293_3_10_2_listen_send_known_remote_syn_sent(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_tuple t = tcpt_tuple(false);
	tcpt_setup(&fx, TCPS_CLOSED, false, NULL);
	assert_int_equal(tcps_open_passive(fx.c, &t, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_LISTEN);
	assert_int_equal(tcps_send(fx.c, "hello", 5, fx.now), 5);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	tcpt_expect(&fx, TCPS_SYN, ISS, 0, 0);
	tcpt_expect_to_peer(&fx);
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_una, ISS);
	assert_int_equal(st.snd_nxt, ISS + 1);
	/* The queued text follows the handshake. */
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, ISS + 1, IRS + 1, 5);
	assert_memory_equal(fx.out.data, "hello", 5);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* "If the foreign socket is not specified, then return error: foreign
 * socket unspecified" and keep listening. */
static void test_rfc9293_3_10_2_listen_send_unknown_remote_error(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LISTEN, false, NULL);
	assert_int_equal(tcps_send(fx.c, "hello", 5, fx.now), TCPS_ERR_INVALID);
	tcpt_expect_state(&fx, TCPS_LISTEN);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* CLOSED */
		cmocka_unit_test(test_rfc9293_3_10_7_1_closed_syn_gets_rst_ack),
		cmocka_unit_test(test_rfc9293_3_10_7_1_closed_text_fin_without_ack_rst_acks_seg_len),
		cmocka_unit_test(test_rfc9293_3_10_7_1_closed_ack_gets_rst_seq_seg_ack),
		cmocka_unit_test(test_rfc9293_3_10_7_1_closed_rst_ignored),
		cmocka_unit_test(test_rfc9293_3_10_7_1_closed_after_refused_answers_rst),
		cmocka_unit_test(test_rfc9293_3_10_closed_user_calls_not_connected),
		cmocka_unit_test(test_rfc9293_3_10_1_open_after_close_starts_clean),
		cmocka_unit_test(test_rfc9293_3_10_5_abort_rst_sent_after_reopen),
		cmocka_unit_test(test_rfc9293_3_10_1_open_twice_exists),
		cmocka_unit_test(test_rfc9293_3_10_1_active_open_without_remote_invalid),
		/* LISTEN */
		cmocka_unit_test(test_rfc9293_3_10_7_2_listen_rst_ignored),
		cmocka_unit_test(test_rfc9293_3_10_7_2_listen_ack_gets_rst),
		cmocka_unit_test(test_rfc9293_3_10_7_2_listen_syn_ack_gets_rst),
		cmocka_unit_test(test_rfc9293_3_10_7_2_listen_syn_gets_syn_ack),
		cmocka_unit_test(test_rfc9293_3_10_7_2_listen_syn_with_text_acks_syn_only),
		cmocka_unit_test(test_rfc9293_3_10_7_2_listen_other_segment_dropped),
		cmocka_unit_test(test_rfc9293_3_10_4_listen_close_closed),
		cmocka_unit_test(test_rfc9293_3_10_5_listen_abort_closed),
		cmocka_unit_test(test_rfc9293_3_10_2_listen_send_known_remote_syn_sent),
		cmocka_unit_test(test_rfc9293_3_10_2_listen_send_unknown_remote_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
