/* Timers: retransmission (RFC 6298), user timeout (RFC 9293 §3.10.8),
 * zero-window probing (§3.8.6.1), keep-alive (§3.8.4) and the engine's
 * expiry interface.  Time only moves when a test moves it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define L (TCPT_LOCAL_ISS + 1)
#define R (TCPT_REMOTE_ISS + 1)
#define MSS 536u
#define MS TCPS_NS_PER_MS
#define S TCPS_NS_PER_S

static uint8_t text[8192];

/* ESTABLISHED with the handshake's RTT measured as `rtt`: our SYN,ACK
 * leaves at T0, the peer's ACK arrives rtt later (RFC 6298 (2.2)). */
static void setup_rtt(tcpt_fx *fx, const tcps_config *cfg, uint64_t rtt)
{
	tcpt_setup(fx, TCPS_SYN_RCVD, false, cfg);
	fx->now += rtt;
	tcpt_arrive(fx, TCPS_ACK, R, L, NULL, 0);
	tcpt_expect_state(fx, TCPS_ESTABLISHED);
	tcpt_expect_nothing(fx);
}

/* ================= RFC 6298 retransmission timer ================= */

/* (2.1): before any RTT sample the RTO is the configured initial value. */
static void test_rfc6298_2_1_initial_rto(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.rto_initial = 2 * S;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, false, &cfg);
	assert_int_equal(tcpt_status(&fx).rto, 2 * S);
	assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + 2 * S);
	tcpt_advance(&fx, 2 * S - 1);
	tcpt_expect_nothing(&fx);
	tcpt_advance(&fx, 1);
	tcpt_expect(&fx, TCPS_SYN, TCPT_LOCAL_ISS, 0, 0);
	tcpt_teardown(&fx);
}

/* (2.2) first sample: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4*RTTVAR);
 * (2.3) next: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'| (old SRTT),
 *             SRTT = 7/8 SRTT + 1/8 R'. */
static void test_rfc6298_2_rtt_samples_set_srtt_rttvar_rto(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_rtt(&fx, NULL, 100 * MS);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.srtt, 100 * MS);
	assert_int_equal(st.rto, 100 * MS + 4 * 50 * MS);

	assert_int_equal(tcps_send(fx.c, text, 100, fx.now), 100);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 100);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 300 * MS);
	fx.now += 200 * MS;
	tcpt_arrive(&fx, TCPS_ACK, R, L + 100, NULL, 0);
	st = tcpt_status(&fx);
	/* RTTVAR = 3/4*50 + 1/4*100 = 62.5 ms; SRTT = 7/8*100 + 1/8*200 = 112.5 ms */
	assert_int_equal(st.srtt, 112500 * 1000);
	assert_int_equal(st.rto, 112500 * 1000 + 4 * 62500 * 1000);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER); /* (5.2) all acked: timer off */
	tcpt_teardown(&fx);
}

/* (2.4): the RTO is never below rto_min. */
static void test_rfc6298_2_4_rto_floor_rto_min(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.rto_min = 250 * MS;
	tcpt_fx fx;
	setup_rtt(&fx, &cfg, 10 * MS);
	assert_int_equal(tcpt_status(&fx).srtt, 10 * MS);
	assert_int_equal(tcpt_status(&fx).rto, 250 * MS);
	tcpt_teardown(&fx);
}

/* §3 Karn: no sample from a segment that was retransmitted; the
 * backed-off RTO stays until a fresh segment gives one (5.5, 5.7). */
static void test_rfc6298_karn_no_sample_from_retransmission(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_rtt(&fx, NULL, 100 * MS);
	assert_int_equal(tcps_send(fx.c, text, 100, fx.now), 100);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 100);
	assert_true(tcpt_to_expiry(&fx)); /* 300 ms */
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 100);
	assert_int_equal(tcpt_status(&fx).rto, 600 * MS);
	fx.now += 50 * MS; /* the first copy's ACK, 350 ms after it left */
	tcpt_arrive(&fx, TCPS_ACK, R, L + 100, NULL, 0);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.srtt, 100 * MS); /* unchanged */
	assert_int_equal(st.rto, 600 * MS);
	assert_int_equal(st.retransmits, 1);

	/* A fresh segment is timed again. */
	assert_int_equal(tcps_send(fx.c, text, 100, fx.now), 100);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 100, R, 100);
	fx.now += 100 * MS;
	tcpt_arrive(&fx, TCPS_ACK, R, L + 200, NULL, 0);
	st = tcpt_status(&fx);
	assert_int_equal(st.srtt, 100 * MS);
	assert_int_equal(st.rto, 100 * MS + 4 * 37500 * 1000); /* RTTVAR 3/4 * 50 */
	tcpt_teardown(&fx);
}

/* (5.4)-(5.6): each timeout resends from SND.UNA and doubles the RTO,
 * up to rto_max. */
static void test_rfc6298_5_5_exponential_backoff_capped_at_rto_max(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.rto_max = 1 * S;
	tcpt_fx fx;
	setup_rtt(&fx, &cfg, 100 * MS); /* RTO 300 ms */
	assert_int_equal(tcps_send(fx.c, text, 100, fx.now), 100);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 100);
	static const uint64_t gaps[] = { 300 * MS, 600 * MS, 1 * S, 1 * S, 1 * S };
	for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
		uint64_t t = fx.now;
		assert_int_equal(tcps_get_expiry(fx.c), t + gaps[i]);
		tcpt_advance(&fx, gaps[i] - 1);
		tcpt_expect_nothing(&fx);
		tcpt_advance(&fx, 1);
		tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 100);
		tcpt_expect_nothing(&fx);
	}
	assert_int_equal(tcpt_status(&fx).retransmits, 5);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_teardown(&fx);
}

/* (5.4) with go-back-N: after a timeout the sender starts again at
 * SND.UNA, one segment (loss window), then the rest as ACKs come. */
static void test_rfc6298_5_4_timeout_resends_from_snd_una(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_rtt(&fx, NULL, 100 * MS);
	assert_int_equal(tcps_send(fx.c, text, 3 * MSS, fx.now), 3 * MSS);
	tcpt_expect(&fx, TCPS_ACK, L, R, MSS);
	tcpt_expect(&fx, TCPS_ACK, L + MSS, R, MSS);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 2 * MSS, R, MSS);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK, L, R, MSS);
	assert_memory_equal(fx.out.data, text, MSS);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R, L + MSS, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, L + MSS, R, MSS);
	assert_memory_equal(fx.out.data, text + MSS, MSS);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 2 * MSS, R, MSS);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R, L + 3 * MSS, NULL, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* (5.4) resends from SND.UNA, but a bare ACK sent meanwhile carries the
 * RFC's SND.NXT, the highest sequence number sent: numbered at the
 * resend point it would fall below a peer's RCV.NXT that already has
 * the whole flight, and be dropped as old. */
static void test_rfc6298_5_4_ack_while_resending_numbered_highest_sent(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_rtt(&fx, NULL, 100 * MS);
	assert_int_equal(tcps_send(fx.c, text, 3 * MSS, fx.now), 3 * MSS);
	assert_int_equal(tcpt_drain(&fx), 3);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK, L, R, MSS);
	tcpt_expect_nothing(&fx); /* loss window: one segment */
	tcpt_arrive(&fx, TCPS_ACK, R, L, text, 1000);
	tcpt_arrive(&fx, TCPS_ACK, R + 1000, L, text, 1000);
	tcpt_expect(&fx, TCPS_ACK, L + 3 * MSS, R + 2000, 0);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* (5.7): when the SYN had to be sent again, data starts with an RTO of
 * at least 3 s. */
static void test_rfc6298_5_7_syn_retransmitted_rto_three_seconds(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_SYN_SENT, false, NULL);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_SYN, TCPT_LOCAL_ISS, 0, 0);
	fx.now += 10 * MS;
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, TCPT_REMOTE_ISS, L, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, L, R, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.srtt, 0); /* Karn: no sample from the SYN */
	assert_int_equal(st.rto, 3 * S);
	tcpt_teardown(&fx);
}

/* §3.10.8 user timeout: retransmission gives up, CLOSED with ETIMEDOUT,
 * nothing more sent. */
static void test_rfc9293_3_10_8_user_timeout_closes_timedout(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.user_timeout = 2 * S;
	cfg.rto_max = 1 * S;
	tcpt_fx fx;
	setup_rtt(&fx, &cfg, 100 * MS);
	assert_int_equal(tcps_send(fx.c, text, 100, fx.now), 100);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 100);
	/* Timeouts at +0.3 s (the first), +0.9, +1.9, +2.9 s: the run of
	 * timeouts has lasted 2.6 s >= 2 s at the last one. */
	uint64_t first = fx.now + 300 * MS;
	int resends = 0;
	while (tcps_get_state(fx.c) == TCPS_ESTABLISHED) {
		assert_true(tcpt_to_expiry(&fx));
		if (tcpt_next(&fx))
			resends++;
	}
	assert_int_equal(resends, 3);
	assert_int_equal(fx.now, first + 2600 * MS);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_TIMEDOUT);
	assert_int_equal(tcps_send(fx.c, text, 1, fx.now), TCPS_ERR_TIMEDOUT);
	assert_int_equal(tcps_recv(fx.c, text, 1, fx.now), TCPS_ERR_TIMEDOUT);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* ================= zero-window probing (§3.8.6.1) ================= */

/* MUST-36/37, SHLD-29/30: a zero window with text waiting: a one-byte
 * probe after one RTO, then backing off; the connection stays open as
 * long as the peer answers, however long; text flows when the window
 * opens. */
static void test_rfc9293_3_8_6_1_zero_window_probe_backoff_and_reopen(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.rto_max = 4 * S;
	cfg.user_timeout = 5 * S;
	tcpt_fx fx;
	setup_rtt(&fx, &cfg, 100 * MS); /* RTO 300 ms */
	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L, 0, NULL, 0);
	assert_int_equal(tcps_send(fx.c, text, 1000, fx.now), 1000);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 300 * MS);

	static const uint64_t gaps[] = { 300 * MS, 600 * MS, 1200 * MS, 2400 * MS, 4 * S, 4 * S,
					 4 * S,    4 * S,    4 * S,     4 * S };
	for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
		assert_int_equal(tcps_get_expiry(fx.c), fx.now + gaps[i]);
		tcpt_advance(&fx, gaps[i] - 1);
		tcpt_expect_nothing(&fx);
		tcpt_advance(&fx, 1);
		tcpt_expect(&fx, TCPS_ACK, L, R, 1);
		assert_int_equal(fx.out.data[0], text[0]);
		tcpt_expect_nothing(&fx);
		tcpt_arrive_wnd(&fx, TCPS_ACK, R, L, 0, NULL, 0); /* byte not taken */
		tcpt_expect_nothing(&fx);
		tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	}
	/* Thirty seconds of probes, far past the user timeout: still open,
	 * nothing retransmitted as if lost, cwnd untouched. */
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.state, TCPS_ESTABLISHED);
	assert_int_equal(st.snd_una, L);
	assert_int_equal(st.cwnd, 4 * MSS);

	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L, 64000, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, L, R, MSS);
	assert_memory_equal(fx.out.data, text, MSS);
	tcpt_expect_nothing(&fx); /* Nagle holds the small rest */
	tcpt_arrive(&fx, TCPS_ACK, R, L + MSS, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + MSS, R, 1000 - MSS);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R, L + 1000, NULL, 0);
	assert_int_equal(tcpt_status(&fx).snd_queued, 0);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* A probe byte the peer does take moves SND.UNA; probing goes on from
 * the next byte while the window stays shut. */
static void test_rfc9293_3_8_6_1_zero_window_probe_byte_accepted(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_rtt(&fx, NULL, 100 * MS);
	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L, 0, NULL, 0);
	assert_int_equal(tcps_send(fx.c, text, 100, fx.now), 100);
	tcpt_expect_nothing(&fx);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK, L, R, 1);
	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L + 1, 0, NULL, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcpt_status(&fx).snd_una, L + 1);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK, L + 1, R, 1);
	assert_int_equal(fx.out.data[0], text[1]);
	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L + 1, 200, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + 1, R, 99);
	assert_memory_equal(fx.out.data, text + 1, 99);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* MUST-37: the peer takes part of a flight and shuts its window; the
 * retransmission timeout that follows cannot resend into the shut
 * window, so probing takes over, and the connection outlives the user
 * timeout while the peer answers (taking each probe byte, or not). */
static void window_shut_with_data_in_flight(bool take_probes)
{
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.rto_max = 4 * S;
	cfg.user_timeout = 3 * S;
	tcpt_fx fx;
	setup_rtt(&fx, &cfg, 100 * MS);
	assert_int_equal(tcps_send(fx.c, text, 2 * MSS, fx.now), 2 * MSS);
	tcpt_expect(&fx, TCPS_ACK, L, R, MSS);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L + MSS, R, MSS);
	fx.now += 100 * MS;
	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L + MSS, 0, NULL, 0); /* the second is dropped */
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcpt_status(&fx).rto, 250 * MS); /* SRTT 100, RTTVAR 37.5 */
	assert_true(tcpt_to_expiry(&fx));            /* the timeout: rto 500 ms */
	tcpt_expect_nothing(&fx);                    /* nothing fits the window */

	static const uint64_t gaps[] = { 500 * MS, 1 * S, 2 * S, 4 * S, 4 * S, 4 * S };
	uint32_t una = L + MSS;
	for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
		assert_int_equal(tcps_get_expiry(fx.c), fx.now + gaps[i]);
		tcpt_advance(&fx, gaps[i]);
		tcpt_expect(&fx, TCPS_ACK, una, R, 1);
		assert_int_equal(fx.out.data[0], text[una - L]);
		tcpt_expect_nothing(&fx);
		if (take_probes)
			una++;
		tcpt_arrive_wnd(&fx, TCPS_ACK, R, una, 0, NULL, 0);
		tcpt_expect_nothing(&fx);
	}
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);

	tcpt_arrive_wnd(&fx, TCPS_ACK, R, una, 64000, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, una, R, L + 2 * MSS - una);
	assert_memory_equal(fx.out.data, text + (una - L), L + 2 * MSS - una);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R, L + 2 * MSS, NULL, 0);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_teardown(&fx);
}

static void test_rfc9293_3_8_6_1_must_37_window_shut_with_data_in_flight(void **state)
{
	(void)state;
	window_shut_with_data_in_flight(false);
}

static void test_rfc9293_3_8_6_1_must_37_window_shut_probe_bytes_taken(void **state)
{
	(void)state;
	window_shut_with_data_in_flight(true);
}

/* MUST-37's other half: a peer that shuts its window and then answers no
 * probe at all is gone; the connection ends after the user timeout. */
static void test_rfc9293_3_8_6_1_unanswered_probes_give_up_after_user_timeout(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.user_timeout = 30 * S;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, &cfg);
	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L, 0, NULL, 0);
	assert_int_equal(tcps_send(fx.c, text, 100, fx.now), 100);
	tcpt_expect_nothing(&fx); /* the window is shut */
	uint64_t start = fx.now, first_probe = 0;
	int probes = 0;
	while (tcps_get_state(fx.c) == TCPS_ESTABLISHED && probes < 100) {
		assert_true(tcpt_to_expiry(&fx));
		if (tcpt_next(&fx)) {
			assert_int_equal(fx.out.len, 1);
			if (!probes++)
				first_probe = fx.now;
		}
	}
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_TIMEDOUT);
	assert_true(probes >= 3);
	assert_true(fx.now - first_probe >= cfg.user_timeout);
	assert_true(fx.now - start < cfg.user_timeout + cfg.rto_max + 2 * S);
	tcpt_teardown(&fx);
}

/* ================= keep-alive (§3.8.4) ================= */

/* MUST-24 (MAY implement, off by default): an idle connection sets no
 * timer at all. */
static void test_rfc9293_3_8_4_keepalive_off_by_default(void **state)
{
	(void)state;
	tcps_config def;
	tcps_config_default(&def);
	assert_false(def.keepalive);
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	fx.now += 10 * 7200 * S;
	tcps_handle_expiry(fx.c, fx.now);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_teardown(&fx);
}

static void keepalive_config(tcps_config *cfg)
{
	tcpt_config(cfg);
	cfg->keepalive = true;
	cfg->keepalive_idle = 60 * S;
	cfg->keepalive_intvl = 5 * S;
	cfg->keepalive_probes = 3;
}

/* MUST-26/27, SHLD-25: after keepalive_idle of silence a probe with
 * SEG.SEQ = SND.NXT - 1 goes out, again every keepalive_intvl; any ACK
 * from the peer resets the idle clock. */
static void test_rfc9293_3_8_4_keepalive_probe_after_idle_reset_by_ack(void **state)
{
	(void)state;
	tcps_config cfg;
	keepalive_config(&cfg);
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, &cfg);
	assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + 60 * S);
	tcpt_advance(&fx, 60 * S - 1);
	tcpt_expect_nothing(&fx);
	tcpt_advance(&fx, 1);
	tcpt_expect(&fx, TCPS_ACK, L - 1, R, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 5 * S);
	tcpt_advance(&fx, 5 * S);
	tcpt_expect(&fx, TCPS_ACK, L - 1, R, 0);
	tcpt_expect_nothing(&fx);

	fx.now += 1 * S;
	tcpt_arrive(&fx, TCPS_ACK, R, L, NULL, 0); /* the peer is alive */
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 60 * S);
	tcpt_advance(&fx, 60 * S);
	tcpt_expect(&fx, TCPS_ACK, L - 1, R, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_teardown(&fx);
}

/* MUST-29 spirit: only keepalive_probes unanswered probes in a row end
 * the connection: CLOSED, ETIMEDOUT. */
static void test_rfc9293_3_8_4_keepalive_gives_up_after_probes(void **state)
{
	(void)state;
	tcps_config cfg;
	keepalive_config(&cfg);
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, &cfg);
	for (int i = 0; i < 3; i++) {
		assert_true(tcpt_to_expiry(&fx));
		tcpt_expect(&fx, TCPS_ACK, L - 1, R, 0);
		tcpt_expect_nothing(&fx);
		tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	}
	assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + 60 * S + 3 * 5 * S);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_TIMEDOUT);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* ================= the expiry interface ================= */

/* tcps_get_expiry gives the earliest of the running timers, and
 * TCPS_NEVER when nothing is pending. */
static void test_engine_expiry_is_earliest_deadline_never_when_idle(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_rtt(&fx, NULL, 100 * MS); /* RTO 300 ms */
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	uint64_t t = fx.now;
	assert_int_equal(tcps_send(fx.c, text, 100, fx.now), 100);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, L, R, 100);
	assert_int_equal(tcps_get_expiry(fx.c), t + 300 * MS);
	fx.now += 100 * MS;
	tcpt_arrive(&fx, TCPS_ACK, R, L, text, 10); /* delayed ACK, 40 ms */
	assert_int_equal(tcps_get_expiry(fx.c), t + 140 * MS);
	tcpt_advance(&fx, 40 * MS);
	tcpt_expect(&fx, TCPS_ACK, L + 100, R + 10, 0);
	assert_int_equal(tcps_get_expiry(fx.c), t + 300 * MS);
	fx.now += 10 * MS;
	tcpt_arrive(&fx, TCPS_ACK, R + 10, L + 100, NULL, 0);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	assert_false(tcpt_to_expiry(&fx));
	tcpt_teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6298_2_1_initial_rto),
		cmocka_unit_test(test_rfc6298_2_rtt_samples_set_srtt_rttvar_rto),
		cmocka_unit_test(test_rfc6298_2_4_rto_floor_rto_min),
		cmocka_unit_test(test_rfc6298_karn_no_sample_from_retransmission),
		cmocka_unit_test(test_rfc6298_5_5_exponential_backoff_capped_at_rto_max),
		cmocka_unit_test(test_rfc6298_5_4_timeout_resends_from_snd_una),
		cmocka_unit_test(test_rfc6298_5_4_ack_while_resending_numbered_highest_sent),
		cmocka_unit_test(test_rfc6298_5_7_syn_retransmitted_rto_three_seconds),
		cmocka_unit_test(test_rfc9293_3_10_8_user_timeout_closes_timedout),
		cmocka_unit_test(test_rfc9293_3_8_6_1_zero_window_probe_backoff_and_reopen),
		cmocka_unit_test(test_rfc9293_3_8_6_1_zero_window_probe_byte_accepted),
		cmocka_unit_test(test_rfc9293_3_8_6_1_must_37_window_shut_with_data_in_flight),
		cmocka_unit_test(test_rfc9293_3_8_6_1_must_37_window_shut_probe_bytes_taken),
		cmocka_unit_test(test_rfc9293_3_8_6_1_unanswered_probes_give_up_after_user_timeout),
		cmocka_unit_test(test_rfc9293_3_8_4_keepalive_off_by_default),
		cmocka_unit_test(test_rfc9293_3_8_4_keepalive_probe_after_idle_reset_by_ack),
		cmocka_unit_test(test_rfc9293_3_8_4_keepalive_gives_up_after_probes),
		cmocka_unit_test(test_engine_expiry_is_earliest_deadline_never_when_idle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
