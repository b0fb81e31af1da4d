/* The initial sequence number, RFC 9293 §3.4.1 and RFC 6528: a pinned ISS
 * (tests, simulator) or ISN = M + F(4-tuple, secret), seen in the SYN the
 * engine sends.  tcps_isn() itself is tested in test_isn.c.
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

/* ---- Tests for the initial sequence number (RFC 6528, §3.4.1) ---- */

/* A pinned ISS is used as given, wrapping included (§3.4: arithmetic
 * modulo 2^32). */
static void test_rfc9293_3_4_pinned_iss_wraps(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg;
	tcps_tuple t = tcpt_tuple(false);
	tcpt_config(&cfg);
	cfg.iss = 0xFFFFFFFFu;
	tcpt_setup(&fx, TCPS_CLOSED, false, &cfg);
	assert_int_equal(tcps_open_active(fx.c, &t, fx.now), 0);
	tcpt_expect(&fx, TCPS_SYN, 0xFFFFFFFFu, 0, 0);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, 0, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_expect(&fx, TCPS_ACK, 0, IRS + 1, 0);
	assert_int_equal(tcps_send(fx.c, "abc", 3, fx.now), 3);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, 0, IRS + 1, 3);
	tcpt_teardown(&fx);
}

/* Without a pin, an active OPEN takes tcps_isn() of its tuple at the time
 * of the OPEN (RFC 6528 §3: ISN = M + F(4-tuple, secret)). */
static void test_rfc6528_active_open_iss_from_isn(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg;
	tcps_tuple t = tcpt_tuple(false);
	tcpt_config(&cfg);
	cfg.pin_iss = false;
	for (int i = 0; i < 16; i++)
		cfg.isn_key[i] = (uint8_t)(0xA0 + i);
	tcpt_setup(&fx, TCPS_CLOSED, false, &cfg);
	uint32_t want = tcps_isn(&t, cfg.isn_key, fx.now);
	assert_int_not_equal(want, TCPT_LOCAL_ISS);
	assert_int_equal(tcps_open_active(fx.c, &t, fx.now), 0);
	tcpt_expect(&fx, TCPS_SYN, want, 0, 0);
	assert_int_equal(tcpt_status(&fx).iss, want);
	tcpt_teardown(&fx);
}

/* A passive open chooses its ISS when the SYN arrives, over the tuple the
 * SYN completed. */
static void test_rfc6528_passive_open_iss_from_isn_at_syn(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.pin_iss = false;
	for (int i = 0; i < 16; i++)
		cfg.isn_key[i] = (uint8_t)(3 * i + 1);
	tcpt_setup(&fx, TCPS_LISTEN, false, &cfg);
	fx.now += 5 * TCPS_NS_PER_S;
	tcps_tuple full = tcpt_tuple(false);
	uint32_t want = tcps_isn(&full, cfg.isn_key, fx.now);
	tcpt_arrive(&fx, TCPS_SYN, IRS, 0, NULL, 0);
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, want, IRS + 1, 0);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, want + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_teardown(&fx);
}

/* Two incarnations of one connection opened at different times get
 * different ISSs, the later one 250000 ahead per second (MUST-8's 4 µs
 * clock). */
static void test_must_8_later_connection_later_iss(void **state)
{
	(void)state;
	tcps_config cfg;
	tcps_tuple t = tcpt_tuple(false);
	tcpt_config(&cfg);
	cfg.pin_iss = false;
	memset(cfg.isn_key, 0x5A, sizeof cfg.isn_key);
	uint32_t iss[2];
	for (int i = 0; i < 2; i++) {
		tcpt_fx fx;
		tcpt_setup(&fx, TCPS_CLOSED, false, &cfg);
		fx.now += (uint64_t)i * TCPS_NS_PER_S;
		assert_int_equal(tcps_open_active(fx.c, &t, fx.now), 0);
		const tcps_segment *syn = tcpt_next(&fx);
		assert_non_null(syn);
		iss[i] = syn->seq;
		tcpt_teardown(&fx);
	}
	assert_int_not_equal(iss[0], iss[1]);
	assert_int_equal(iss[1] - iss[0], 250000u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9293_3_4_pinned_iss_wraps),
		cmocka_unit_test(test_rfc6528_active_open_iss_from_isn),
		cmocka_unit_test(test_rfc6528_passive_open_iss_from_isn_at_syn),
		cmocka_unit_test(test_must_8_later_connection_later_iss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
