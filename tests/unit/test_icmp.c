/* ICMP errors reaching a connection (RFC 9293 §3.9.2.2, RFC 5927, RFC
 * 1191): soft errors never abort but explain a later timeout, hard errors
 * end a connection still opening, packet-too-big lowers the MSS at once,
 * and anything not about data in flight is ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>

#include "fixture.h"

#define L (TCPT_LOCAL_ISS + 1)
#define R (TCPT_REMOTE_ISS + 1)

static uint8_t text[8192];

/* MUST-56: a soft error (host unreachable) does not end the connection;
 * SHLD-25: it is what the user hears when the connection times out. */
static void test_must_56_soft_error_kept_and_reported_on_timeout(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.user_timeout = 10 * TCPS_NS_PER_S;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, &cfg);
	assert_int_equal(tcps_send(fx.c, text, 100, fx.now), 100);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 100);
	assert_int_equal(tcps_icmp_unreachable(fx.c, L, false, TCPS_ERR_UNREACHABLE, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	assert_int_equal(tcpt_status(&fx).soft_error, TCPS_ERR_UNREACHABLE);
	for (int i = 0; i < 50 && tcps_get_state(fx.c) != TCPS_CLOSED; i++) {
		tcpt_to_expiry(&fx);
		tcpt_drain(&fx);
	}
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_UNREACHABLE);
	assert_int_equal(tcps_errno(tcps_get_error(fx.c)), EHOSTUNREACH);
	tcpt_teardown(&fx);
}

/* SHLD-26 (as RFC 5927 §4.2 and Linux narrow it): a hard error ends a
 * connection that is still opening. */
static void test_shld_26_hard_error_ends_syn_sent(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcps_icmp_unreachable(fx.c, TCPT_LOCAL_ISS, true, TCPS_ERR_REFUSED, fx.now),
			 TCPS_ERR_REFUSED);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_REFUSED);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* ...but not a synchronized one: that would let a forged ICMP message
 * reset any connection. */
static void test_rfc5927_hard_error_does_not_abort_established(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	assert_int_equal(tcps_send(fx.c, text, 10, fx.now), 10);
	tcpt_drain(&fx);
	assert_int_equal(tcps_icmp_unreachable(fx.c, L, true, TCPS_ERR_REFUSED, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_teardown(&fx);
}

/* RFC 5927 §4.1: an ICMP message quoting a sequence number that is not in
 * flight is not about this connection. */
static void test_rfc5927_icmp_outside_flight_ignored(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, true, NULL);
	assert_int_equal(tcps_icmp_unreachable(fx.c, TCPT_LOCAL_ISS + 5000, true, TCPS_ERR_REFUSED, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_SYN_SENT);
	tcps_icmp_mtu(fx.c, TCPT_LOCAL_ISS + 5000, 500, fx.now);
	tcpt_teardown(&fx);
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcps_icmp_mtu(fx.c, L, 500, fx.now); /* nothing in flight at all */
	assert_int_equal(tcpt_status(&fx).snd_mss, 536);
	assert_int_equal(tcpt_status(&fx).soft_error, 0);
	tcpt_teardown(&fx);
}

/* RFC 1191 §6.5 / RFC 8201: packet too big lowers the MSS in use and
 * what was in flight goes again at once in the new size.  (The fixture's
 * peer sends no MSS option: 536 until then, MUST-15.) */
static void test_rfc1191_packet_too_big_lowers_mss_and_resends(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	assert_int_equal(tcpt_status(&fx).snd_mss, 536);
	assert_int_equal(tcps_send(fx.c, text, 1072, fx.now), 1072);
	tcpt_expect(&fx, TCPS_ACK, L, R, 536);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 536, R, 536);
	tcps_icmp_mtu(fx.c, L, 400, fx.now);
	assert_int_equal(tcpt_status(&fx).snd_mss, 400);
	tcpt_expect(&fx, TCPS_ACK, L, R, 400);
	tcpt_expect(&fx, TCPS_ACK, L + 400, R, 400);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 800, R, 272);
	tcpt_expect_nothing(&fx);
	/* A larger value never raises it again. */
	tcps_icmp_mtu(fx.c, L, 500, fx.now);
	assert_int_equal(tcpt_status(&fx).snd_mss, 400);
	/* Nor does a tiny one go below 64. */
	tcps_icmp_mtu(fx.c, L, 20, fx.now);
	assert_int_equal(tcpt_status(&fx).snd_mss, 64);
	tcpt_teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_must_56_soft_error_kept_and_reported_on_timeout),
		cmocka_unit_test(test_shld_26_hard_error_ends_syn_sent),
		cmocka_unit_test(test_rfc5927_hard_error_does_not_abort_established),
		cmocka_unit_test(test_rfc5927_icmp_outside_flight_ignored),
		cmocka_unit_test(test_rfc1191_packet_too_big_lowers_mss_and_resends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
