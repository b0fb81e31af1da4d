/* TCPS_ERR_* codes: the socket errno each maps to (tcps_errno), its
 * message (tcps_strerror), and the engine returning the right one where
 * RFC 9293 §3.10 says "error: ..." -- refused, reset, timed out, closing,
 * not connected, already exists, aborted. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define ISS TCPT_LOCAL_ISS
#define IRS TCPT_REMOTE_ISS

/* ---- Tests for the error table ---- */

static void test_errno_of_every_code(void **state)
{
	(void)state;
	static const struct {
		int err, errnum;
		const char *message;
	} table[] = {
		{ 0, 0, "success" },
		{ TCPS_ERR_AGAIN, EAGAIN, "resource temporarily unavailable" },
		{ TCPS_ERR_REFUSED, ECONNREFUSED, "connection refused" },
		{ TCPS_ERR_RESET, ECONNRESET, "connection reset by peer" },
		{ TCPS_ERR_TIMEDOUT, ETIMEDOUT, "connection timed out" },
		{ TCPS_ERR_CLOSING, EPIPE, "connection closing" },
		{ TCPS_ERR_NOT_CONNECTED, ENOTCONN, "transport endpoint is not connected" },
		{ TCPS_ERR_EXISTS, EISCONN, "transport endpoint is already connected" },
		{ TCPS_ERR_INVALID, EINVAL, "invalid argument" },
		{ TCPS_ERR_ABORTED, ECONNABORTED, "connection aborted" },
		{ TCPS_ERR_NOMEM, ENOMEM, "cannot allocate memory" },
		{ TCPS_ERR_UNREACHABLE, EHOSTUNREACH, "no route to host" },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		assert_int_equal(tcps_errno(table[i].err), table[i].errnum);
		assert_string_equal(tcps_strerror(table[i].err), table[i].message);
	}
}

/* Codes are distinct: no two errors share a number. */
static void test_error_codes_distinct_and_negative(void **state)
{
	(void)state;
	const int codes[] = { TCPS_ERR_AGAIN,	 TCPS_ERR_REFUSED,	 TCPS_ERR_RESET,  TCPS_ERR_TIMEDOUT,
			      TCPS_ERR_CLOSING,	 TCPS_ERR_NOT_CONNECTED, TCPS_ERR_EXISTS, TCPS_ERR_INVALID,
			      TCPS_ERR_ABORTED, TCPS_ERR_NOMEM, TCPS_ERR_UNREACHABLE };
	const size_t n = sizeof codes / sizeof codes[0];
	for (size_t i = 0; i < n; i++) {
		assert_true(codes[i] < 0);
		for (size_t j = i + 1; j < n; j++)
			assert_int_not_equal(codes[i], codes[j]);
	}
}

/* An unknown code is the caller's bug: EINVAL, never a made-up network
 * error, and no read outside the table (positive, past the end, INT_MIN). */
static void test_unknown_code_einval(void **state)
{
	(void)state;
	const int unknown[] = { 1, 42, TCPS_ERR_UNREACHABLE - 1, -1000, INT_MIN, INT_MAX };
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		assert_int_equal(tcps_errno(unknown[i]), EINVAL);
		assert_string_equal(tcps_strerror(unknown[i]), "unknown error");
	}
}

/* ---- Tests for the errors the engine reports ---- */

/* §3.10.7.3: a RST answering our SYN -> ECONNREFUSED, kept for every
 * later call. */
static void test_rfc9293_3_10_7_3_refused_is_econnrefused(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[4];
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	int r = tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, 0, ISS + 1, NULL, 0);
	assert_int_equal(tcps_errno(r), ECONNREFUSED);
	assert_int_equal(tcps_errno(tcps_get_error(fx.c)), ECONNREFUSED);
	assert_int_equal(tcps_errno((int)tcps_send(fx.c, "x", 1, fx.now)), ECONNREFUSED);
	assert_int_equal(tcps_errno((int)tcps_recv(fx.c, buf, sizeof buf, fx.now)), ECONNREFUSED);
	assert_int_equal(tcps_errno(tcps_close(fx.c, fx.now)), ECONNREFUSED);
	tcps_status st;
	tcps_get_status(fx.c, &st);
	assert_int_equal(st.error, TCPS_ERR_REFUSED);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 step two: RST in ESTABLISHED -> ECONNRESET. */
static void test_rfc9293_3_10_7_4_reset_is_econnreset(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[4];
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	int r = tcpt_arrive(&fx, TCPS_RST, IRS + 1, 0, NULL, 0);
	assert_int_equal(tcps_errno(r), ECONNRESET);
	assert_int_equal(tcps_errno((int)tcps_recv(fx.c, buf, sizeof buf, fx.now)), ECONNRESET);
	assert_int_equal(tcps_errno((int)tcps_send(fx.c, "x", 1, fx.now)), ECONNRESET);
	tcpt_teardown(&fx);
}

/* Text received before the RST is still readable; the error comes after. */
static void test_rfc9293_3_10_7_4_reset_after_text_readable_first(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[8];
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, IRS + 1, ISS + 1, "abc", 3);
	assert_int_equal(tcpt_arrive(&fx, TCPS_RST, IRS + 4, 0, NULL, 0), TCPS_ERR_RESET);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), TCPS_ERR_RESET);
	tcpt_teardown(&fx);
}

/* §3.8.3 R2: the SYN retransmissions give up -> ETIMEDOUT. */
static void test_rfc9293_3_8_3_timeout_is_etimedout(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.syn_retries = 0;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, &cfg);
	fx.now = tcps_get_expiry(fx.c);
	assert_int_equal(tcps_errno(tcps_handle_expiry(fx.c, fx.now)), ETIMEDOUT);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_errno(tcps_get_error(fx.c)), ETIMEDOUT);
	tcpt_teardown(&fx);
}

/* §3.10.2: SEND after CLOSE: "error: connection closing" -> EPIPE, in
 * every state after CLOSE. */
static void test_rfc9293_3_10_2_send_after_close_epipe(void **state)
{
	(void)state;
	const tcps_state after_close[] = { TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_CLOSING, TCPS_LAST_ACK,
					   TCPS_TIME_WAIT };
	for (size_t i = 0; i < sizeof after_close / sizeof after_close[0]; i++) {
		tcpt_fx fx;
		tcpt_setup(&fx, after_close[i], false, NULL);
		assert_int_equal(tcps_send(fx.c, "x", 1, fx.now), TCPS_ERR_CLOSING);
		assert_int_equal(tcps_errno(TCPS_ERR_CLOSING), EPIPE);
		/* §3.10.4: CLOSE again is "error: connection closing" too. */
		assert_int_equal(tcps_close(fx.c, fx.now), TCPS_ERR_CLOSING);
		tcpt_expect_state(&fx, after_close[i]);
		tcpt_expect_nothing(&fx);
		tcpt_teardown(&fx);
	}
}

/* §3.10.1: OPEN on an open connection -> EISCONN; bad arguments -> EINVAL. */
static void test_rfc9293_3_10_1_open_errors(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_tuple t = { .family = 4, .local_port = TCPT_LOCAL_PORT, .remote_port = TCPT_REMOTE_PORT };
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	assert_int_equal(tcps_errno(tcps_open_active(fx.c, &t, fx.now)), EISCONN);
	assert_int_equal(tcps_errno(tcps_open_passive(fx.c, &t, fx.now)), EISCONN);
	tcpt_teardown(&fx);
	tcpt_setup(&fx, TCPS_CLOSED, false, NULL);
	assert_int_equal(tcps_errno(tcps_open_active(fx.c, NULL, fx.now)), EINVAL);
	assert_int_equal(tcps_errno(tcps_open_passive(fx.c, NULL, fx.now)), EINVAL);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_teardown(&fx);
}

/* §3.10.5: after ABORT the user's calls report ECONNABORTED, and a RST went
 * out with SND.NXT. */
static void test_rfc9293_3_10_5_abort_is_econnaborted(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[4];
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	assert_int_equal(tcps_abort(fx.c, fx.now), 0);
	tcpt_expect(&fx, TCPS_RST, ISS + 1, 0, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_errno(tcps_get_error(fx.c)), ECONNABORTED);
	assert_int_equal(tcps_errno((int)tcps_send(fx.c, "x", 1, fx.now)), ECONNABORTED);
	assert_int_equal(tcps_errno((int)tcps_recv(fx.c, buf, sizeof buf, fx.now)), ECONNABORTED);
	tcpt_teardown(&fx);
}

/* RECEIVE with nothing yet: EAGAIN, not an error of the connection. */
static void test_recv_nothing_yet_eagain(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint8_t buf[4];
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	long r = tcps_recv(fx.c, buf, sizeof buf, fx.now);
	assert_int_equal(r, TCPS_ERR_AGAIN);
	assert_int_equal(tcps_errno((int)r), EAGAIN);
	assert_int_equal(tcps_get_error(fx.c), 0);
	tcpt_teardown(&fx);
}

/* A connection reused after an error starts clean (tcps_conn_reset). */
static void test_conn_reset_clears_error(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	tcpt_arrive(&fx, TCPS_RST | TCPS_ACK, 0, ISS + 1, NULL, 0);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_REFUSED);
	assert_int_equal(tcps_conn_reset(fx.c, NULL), 0);
	assert_int_equal(tcps_get_error(fx.c), 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errno_of_every_code),
		cmocka_unit_test(test_error_codes_distinct_and_negative),
		cmocka_unit_test(test_unknown_code_einval),
		cmocka_unit_test(test_rfc9293_3_10_7_3_refused_is_econnrefused),
		cmocka_unit_test(test_rfc9293_3_10_7_4_reset_is_econnreset),
		cmocka_unit_test(test_rfc9293_3_10_7_4_reset_after_text_readable_first),
		cmocka_unit_test(test_rfc9293_3_8_3_timeout_is_etimedout),
		cmocka_unit_test(test_rfc9293_3_10_2_send_after_close_epipe),
		cmocka_unit_test(test_rfc9293_3_10_1_open_errors),
		cmocka_unit_test(test_rfc9293_3_10_5_abort_is_econnaborted),
		cmocka_unit_test(test_recv_nothing_yet_eagain),
		cmocka_unit_test(test_conn_reset_clears_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
