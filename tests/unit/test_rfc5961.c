/* A synchronized connection defends itself: RFC 5961 (blind RST, blind SYN
 * and blind data injection) and RFC 9293 §3.10.7.4 step one, the four
 * cases of segment acceptability, each with its unacceptable counterpart
 * answered by <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
 *
 * The connection is ESTABLISHED through the fixture with a 10000-byte
 * receive buffer, so that RCV.WND is exactly 10000:
 *   SND.NXT = ISS+1 = 10001, RCV.NXT = IRS+1 = 20001, peer window 64000. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define ISS TCPT_LOCAL_ISS
#define IRS TCPT_REMOTE_ISS
#define SND_NXT (ISS + 1)
#define RCV_NXT (IRS + 1)
#define RCV_WND 10000u

/* ESTABLISHED with RCV.WND = rcv_buf, opened passively (or actively). */
static void established(tcpt_fx *fx, uint32_t rcv_buf, bool active)
{
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.rcv_buf = rcv_buf;
	tcpt_setup(fx, TCPS_ESTABLISHED, active, &cfg);
	tcps_status st = tcpt_status(fx);
	assert_int_equal(st.snd_nxt, SND_NXT);
	assert_int_equal(st.rcv_nxt, RCV_NXT);
	assert_int_equal(st.rcv_wnd, rcv_buf);
}

/* The connection is still there, unchanged, and says so to a probe. */
static void expect_alive(tcpt_fx *fx)
{
	tcpt_expect_state(fx, TCPS_ESTABLISHED);
	assert_int_equal(tcps_get_error(fx->c), 0);
	tcps_status st = tcpt_status(fx);
	assert_int_equal(st.rcv_nxt, RCV_NXT);
	assert_int_equal(st.snd_una, SND_NXT);
}

/* The answer to an unacceptable segment, and to everything RFC 5961
 * challenges: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, nothing else. */
static void expect_challenge_ack(tcpt_fx *fx, uint32_t snd_nxt, uint32_t rcv_nxt)
{
	tcpt_expect(fx, TCPS_ACK, snd_nxt, rcv_nxt, 0);
	assert_int_equal(fx->out.sport, TCPT_LOCAL_PORT);
	assert_int_equal(fx->out.dport, TCPT_REMOTE_PORT);
	tcpt_expect_nothing(fx);
}

/* ---- Tests for RFC 5961 in the ESTABLISHED state ---- */

/* RFC 5961 §3.2: "If the RST bit is set and the sequence number exactly
 * matches the next expected sequence number (RCV.NXT), then TCP MUST
 * reset the connection." (ECONNRESET) */
static void test_rfc5961_3_2_rst_exact_resets(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[4];
	established(&fx, RCV_WND, false);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, RCV_NXT, 0, NULL, 0), TCPS_ERR_RESET);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_RESET);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), TCPS_ERR_RESET);
	assert_int_equal(tcps_send(fx.c, "x", 1, fx.now), TCPS_ERR_RESET);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* §3.2: "If the RST bit is set and the sequence number does not exactly
 * match the next expected sequence value, yet is within the current
 * receive window, TCP MUST send an acknowledgment (challenge ACK):
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>". */
static void test_rfc5961_3_2_rst_in_window_not_exact_challenge_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, RCV_NXT + 1, 0, NULL, 0), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	/* The last sequence number in the window, with ACK set: the same. */
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, RCV_NXT + RCV_WND - 1, SND_NXT, NULL, 0), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	/* The real peer answers the challenge with the exact RST. */
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, RCV_NXT, 0, NULL, 0), TCPS_ERR_RESET);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_teardown(&fx);
}

/* §3.2: "If the RST bit is set and the sequence number is outside the
 * current receive window, silently drop the segment." */
static void test_rfc5961_3_2_rst_outside_window_dropped(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	const uint32_t outside[] = { RCV_NXT - 1, RCV_NXT + RCV_WND, RCV_NXT + 1000000, IRS };
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		assert_int_equal(tcpt_arrive(&fx, TCPS_RST, outside[i], 0, NULL, 0), 0);
		tcpt_expect_nothing(&fx);
		assert_int_equal(tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, outside[i], SND_NXT, NULL, 0), 0);
		tcpt_expect_nothing(&fx);
		expect_alive(&fx);
	}
	tcpt_teardown(&fx);
}

/* §4.2: "If the SYN bit is set, irrespective of the sequence number, TCP
 * MUST send an ACK (also referred to as challenge ACK) to the remote
 * peer ... After sending the acknowledgment, TCP MUST drop the
 * unacceptable segment" -- the connection lives on (RFC 9293 §3.10.7.4
 * step four). */
static void test_rfc5961_4_2_syn_in_window_challenge_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN, RCV_NXT + 100, 0, NULL, 0), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN, RCV_NXT, 0, NULL, 0), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, RCV_NXT + 5, SND_NXT, NULL, 0), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	tcpt_teardown(&fx);
}

/* ... and outside the window ("irrespective of the sequence number"). */
static void test_rfc5961_4_2_syn_outside_window_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN, RCV_NXT + RCV_WND + 5, 0, NULL, 0), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN, 5, 0, NULL, 0), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	tcpt_teardown(&fx);
}

/* SYN in a synchronized state never carries text in: the text of a
 * challenged SYN is not taken. */
static void test_rfc5961_4_2_syn_with_text_not_delivered(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, RCV_NXT + 10, SND_NXT, "evil", 4);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	assert_int_equal(tcpt_status(&fx).rcv_ready, 0);
	tcpt_teardown(&fx);
}

/* RFC 9293 §3.10.7.4 step five, ESTABLISHED: "If the ACK acks something
 * not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment,
 * and return." */
static void test_rfc9293_3_10_7_4_ack_beyond_snd_nxt_acked_and_dropped(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	assert_int_equal(tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT, SND_NXT + 500, "abc", 3), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	assert_int_equal(tcpt_status(&fx).rcv_ready, 0);
	tcpt_teardown(&fx);
}

/* RFC 5961 §5.2: "(SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT" is
 * acceptable; "All incoming segments whose ACK value doesn't satisfy the
 * above condition MUST be discarded and an ACK sent back." */
static void test_rfc5961_5_2_ack_older_than_max_snd_wnd_dropped_with_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	const uint32_t oldest = SND_NXT - TCPT_PEER_WND; /* SND.UNA - MAX.SND.WND */
	assert_int_equal(tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT, oldest - 1, "abc", 3), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	assert_int_equal(tcpt_status(&fx).rcv_ready, 0);
	/* At the edge of the range the ACK is a duplicate and the text is
	 * taken. */
	assert_int_equal(tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT, oldest, "abc", 3), 0);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.rcv_nxt, RCV_NXT + 3);
	assert_int_equal(st.rcv_ready, 3);
	assert_int_equal(st.snd_una, SND_NXT);
	tcpt_teardown(&fx);
}

/* The final ACK of the handshake was lost: the peer sends its SYN,ACK
 * again; an ESTABLISHED active opener acknowledges it again (§3.10.7.4
 * step one: an old duplicate gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>). */
static void test_rfc9293_3_10_7_4_retransmitted_syn_ack_acked_again(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, true);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	/* Again, after text has moved RCV.NXT on. */
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT, SND_NXT, "hi", 2);
	assert_int_equal(tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0), 0);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT + 2);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_teardown(&fx);
}

/* ---- Tests for segment acceptability in the ESTABLISHED state ---- */

/* RCV.WND = 0: the peer filled the receive buffer and we have sent
 * "hello" (SND.NXT = SND_NXT + 5), unacknowledged. */
static void zero_window(tcpt_fx *fx)
{
	static uint8_t fill[1000];
	established(fx, sizeof fill, false);
	assert_int_equal(tcps_send(fx->c, "hello", 5, fx->now), 5);
	tcpt_expect(fx, TCPS_PSH | TCPS_ACK, SND_NXT, RCV_NXT, 5);
	tcpt_arrive(fx, TCPS_ACK | TCPS_PSH, RCV_NXT, SND_NXT, fill, sizeof fill);
	tcpt_advance(fx, fx->cfg.delack);
	tcpt_expect(fx, TCPS_ACK, SND_NXT + 5, RCV_NXT + 1000, 0);
	assert_int_equal(fx->out.wnd, 0);
	tcpt_expect_nothing(fx);
	assert_int_equal(tcpt_status(fx).rcv_wnd, 0);
}

/* Case 1, SEG.LEN = 0, RCV.WND = 0: acceptable when SEG.SEQ = RCV.NXT. */
static void test_rfc9293_3_10_7_4_len0_wnd0_at_rcv_nxt_acceptable(void **state)
{
	(void)state;
	tcpt_fx fx;
	zero_window(&fx);
	tcpt_arrive(&fx, TCPS_ACK, RCV_NXT + 1000, SND_NXT + 5, NULL, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcpt_status(&fx).snd_una, SND_NXT + 5);
	tcpt_teardown(&fx);
}

static void test_rfc9293_3_10_7_4_len0_wnd0_elsewhere_unacceptable(void **state)
{
	(void)state;
	tcpt_fx fx;
	zero_window(&fx);
	tcpt_arrive(&fx, TCPS_ACK, RCV_NXT + 1001, SND_NXT + 5, NULL, 0);
	expect_challenge_ack(&fx, SND_NXT + 5, RCV_NXT + 1000);
	tcpt_arrive(&fx, TCPS_ACK, RCV_NXT + 999, SND_NXT + 5, NULL, 0);
	expect_challenge_ack(&fx, SND_NXT + 5, RCV_NXT + 1000);
	assert_int_equal(tcpt_status(&fx).snd_una, SND_NXT); /* the ACK field was not used */
	tcpt_teardown(&fx);
}

/* Case 2, SEG.LEN = 0, RCV.WND > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND. */
static void test_rfc9293_3_10_7_4_len0_wnd_open_in_window_acceptable(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	assert_int_equal(tcps_send(fx.c, "hello", 5, fx.now), 5);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, SND_NXT, RCV_NXT, 5);
	tcpt_arrive(&fx, TCPS_ACK, RCV_NXT + RCV_WND - 1, SND_NXT + 5, NULL, 0);
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_una, SND_NXT + 5);
	assert_int_equal(st.rcv_nxt, RCV_NXT);
	tcpt_teardown(&fx);
}

static void test_rfc9293_3_10_7_4_len0_wnd_open_outside_unacceptable(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	assert_int_equal(tcps_send(fx.c, "hello", 5, fx.now), 5);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, SND_NXT, RCV_NXT, 5);
	tcpt_arrive(&fx, TCPS_ACK, RCV_NXT + RCV_WND, SND_NXT + 5, NULL, 0);
	expect_challenge_ack(&fx, SND_NXT + 5, RCV_NXT);
	tcpt_arrive(&fx, TCPS_ACK, RCV_NXT - 1, SND_NXT + 5, NULL, 0);
	expect_challenge_ack(&fx, SND_NXT + 5, RCV_NXT);
	assert_int_equal(tcpt_status(&fx).snd_una, SND_NXT);
	tcpt_teardown(&fx);
}

/* Case 3, SEG.LEN > 0, RCV.WND = 0: not acceptable, "but special allowance
 * should be made to accept valid ACKs, URGs, and RSTs" (MUST-66): the
 * text is refused, the ACK field is processed, and we say the window is
 * still shut. */
static void test_must_66_text_wnd0_only_ack_processed(void **state)
{
	(void)state;
	tcpt_fx fx;
	zero_window(&fx);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT + 1000, SND_NXT + 5, "more", 4);
	tcpt_expect(&fx, TCPS_ACK, SND_NXT + 5, RCV_NXT + 1000, 0);
	assert_int_equal(fx.out.wnd, 0);
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_una, SND_NXT + 5);
	assert_int_equal(st.rcv_nxt, RCV_NXT + 1000);
	assert_int_equal(st.rcv_ready, 1000);
	tcpt_teardown(&fx);
}

static void test_rfc9293_3_10_7_4_text_wnd0_elsewhere_unacceptable(void **state)
{
	(void)state;
	tcpt_fx fx;
	zero_window(&fx);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT + 1001, SND_NXT + 5, "more", 4);
	expect_challenge_ack(&fx, SND_NXT + 5, RCV_NXT + 1000);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_una, SND_NXT);
	assert_int_equal(st.rcv_nxt, RCV_NXT + 1000);
	tcpt_teardown(&fx);
}

/* MUST-66: a RST at RCV.NXT counts even with the window shut. */
static void test_must_66_rst_wnd0_processed(void **state)
{
	(void)state;
	tcpt_fx fx;
	zero_window(&fx);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, RCV_NXT + 1000, 0, NULL, 0), TCPS_ERR_RESET);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* Case 4, SEG.LEN > 0, RCV.WND > 0: acceptable when its first or its last
 * octet is in the window.  A segment overlapping the left edge: the old
 * part is trimmed, the new part delivered, and the ACK covers it. */
static void test_rfc9293_3_10_7_4_text_overlapping_left_edge_trimmed(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[32];
	established(&fx, RCV_WND, false);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT, SND_NXT, "0123456789", 10);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT + 5, SND_NXT, "56789ABCDE", 10);
	tcpt_expect(&fx, TCPS_ACK, SND_NXT, RCV_NXT + 15, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 15);
	assert_memory_equal(buf, "0123456789ABCDE", 15);
	tcpt_teardown(&fx);
}

/* Only the last octet in the window is enough. */
static void test_rfc9293_3_10_7_4_text_last_octet_at_rcv_nxt_acceptable(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[8];
	established(&fx, RCV_WND, false);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT - 3, SND_NXT, "oldN", 4);
	tcpt_expect(&fx, TCPS_ACK, SND_NXT, RCV_NXT + 1, 0);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 1);
	assert_int_equal(buf[0], 'N');
	tcpt_teardown(&fx);
}

/* A segment running past the right edge keeps what fits; the rest is the
 * peer's to send again. */
static void test_rfc9293_3_10_7_4_text_overlapping_right_edge_trimmed(void **state)
{
	(void)state;
	tcpt_fx fx;
	static uint8_t gap[RCV_WND - 5];
	established(&fx, RCV_WND, false);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH | TCPS_FIN, RCV_NXT + RCV_WND - 5, SND_NXT, "0123456789", 10);
	/* Out of order: an immediate ACK for RCV.NXT (RFC 5681 §4.2). */
	tcpt_expect(&fx, TCPS_ACK, SND_NXT, RCV_NXT, 0);
	tcpt_expect_nothing(&fx);
	/* Filling the gap completes the window: only five octets were kept,
	 * and the FIN beyond the window was not. */
	tcpt_arrive(&fx, TCPS_ACK, RCV_NXT, SND_NXT, gap, sizeof gap);
	tcpt_expect(&fx, TCPS_ACK, SND_NXT, RCV_NXT + RCV_WND, 0);
	assert_int_equal(fx.out.wnd, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	assert_int_equal(tcpt_status(&fx).rcv_ready, RCV_WND);
	tcpt_teardown(&fx);
}

/* RCV.WND is the window the peer was offered: without window scaling at
 * most 65535 octets, however large the buffer behind it.  Text past that
 * edge is outside the window (and would widen the target of blind data
 * injection, RFC 5961 §6). */
static void test_rfc9293_3_10_7_4_window_is_what_was_advertised(void **state)
{
	(void)state;
	tcpt_fx fx;
	static uint8_t text[65535];
	established(&fx, 1u << 20, false);
	assert_int_equal(tcps_send(fx.c, "x", 1, fx.now), 1);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, SND_NXT, RCV_NXT, 1);
	assert_int_equal(fx.out.wnd, 65535);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT + 65535, SND_NXT + 1, "z", 1);
	expect_challenge_ack(&fx, SND_NXT + 1, RCV_NXT);
	/* Filling the offered window ends at its edge: "z" was not kept. */
	tcpt_arrive(&fx, TCPS_ACK, RCV_NXT, SND_NXT + 1, text, sizeof text);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.rcv_nxt, RCV_NXT + 65535);
	assert_int_equal(st.rcv_ready, 65535);
	tcpt_teardown(&fx);
}

static void test_rfc9293_3_10_7_4_text_outside_window_unacceptable(void **state)
{
	(void)state;
	tcpt_fx fx;
	established(&fx, RCV_WND, false);
	/* Entirely old: its last octet is RCV.NXT - 1. */
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT - 10, SND_NXT, "0123456789", 10);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	/* Entirely beyond the right edge. */
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, RCV_NXT + RCV_WND, SND_NXT, "0123456789", 10);
	expect_challenge_ack(&fx, SND_NXT, RCV_NXT);
	expect_alive(&fx);
	assert_int_equal(tcpt_status(&fx).rcv_ready, 0);
	tcpt_teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* RFC 5961 */
		cmocka_unit_test(test_rfc5961_3_2_rst_exact_resets),
		cmocka_unit_test(test_rfc5961_3_2_rst_in_window_not_exact_challenge_ack),
		cmocka_unit_test(test_rfc5961_3_2_rst_outside_window_dropped),
		cmocka_unit_test(test_rfc5961_4_2_syn_in_window_challenge_ack),
		cmocka_unit_test(test_rfc5961_4_2_syn_outside_window_ack),
		cmocka_unit_test(test_rfc5961_4_2_syn_with_text_not_delivered),
		cmocka_unit_test(test_rfc9293_3_10_7_4_ack_beyond_snd_nxt_acked_and_dropped),
		cmocka_unit_test(test_rfc5961_5_2_ack_older_than_max_snd_wnd_dropped_with_ack),
		cmocka_unit_test(test_rfc9293_3_10_7_4_retransmitted_syn_ack_acked_again),
		/* Acceptability */
		cmocka_unit_test(test_rfc9293_3_10_7_4_len0_wnd0_at_rcv_nxt_acceptable),
		cmocka_unit_test(test_rfc9293_3_10_7_4_len0_wnd0_elsewhere_unacceptable),
		cmocka_unit_test(test_rfc9293_3_10_7_4_len0_wnd_open_in_window_acceptable),
		cmocka_unit_test(test_rfc9293_3_10_7_4_len0_wnd_open_outside_unacceptable),
		cmocka_unit_test(test_must_66_text_wnd0_only_ack_processed),
		cmocka_unit_test(test_rfc9293_3_10_7_4_text_wnd0_elsewhere_unacceptable),
		cmocka_unit_test(test_must_66_rst_wnd0_processed),
		cmocka_unit_test(test_rfc9293_3_10_7_4_text_overlapping_left_edge_trimmed),
		cmocka_unit_test(test_rfc9293_3_10_7_4_text_last_octet_at_rcv_nxt_acceptable),
		cmocka_unit_test(test_rfc9293_3_10_7_4_text_overlapping_right_edge_trimmed),
		cmocka_unit_test(test_rfc9293_3_10_7_4_window_is_what_was_advertised),
		cmocka_unit_test(test_rfc9293_3_10_7_4_text_outside_window_unacceptable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
