/* Closing a connection: every close row of the state table (RFC 9293
 * Figure 5, §3.6, §3.10.4, §3.10.5, §3.10.7.4 steps five and eight,
 * §3.10.8), TIME_WAIT and its reopening (RFC 6191), RST and ABORT.
 * One exact segment in, the exact segment out, the new state. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define L (TCPT_LOCAL_ISS + 1)  /* our first byte of text; our FIN when none */
#define R (TCPT_REMOTE_ISS + 1) /* the peer's first byte of text */
#define MSS 536u

static uint8_t text[4096];

/* State changes as the engine reports them through cfg.on_state. */
typedef struct change {
	tcps_state from, to;
	tcps_event why;
} change;
static change changes[32];
static int nchanges;

static void record_change(void *user, tcps_conn *c, tcps_state from, tcps_state to, tcps_event why)
{
	(void)user;
	(void)c;
	if (nchanges < 32)
		changes[nchanges++] = (change){ from, to, why };
}

static void expect_change(int i, tcps_state from, tcps_state to, tcps_event why)
{
	assert_true(i < nchanges);
	if (changes[i].from != from || changes[i].to != to || changes[i].why != why)
		fail_msg("change %d: want %s --%s--> %s, got %s --%s--> %s", i, tcps_state_name(from),
			 tcps_event_name(why), tcps_state_name(to), tcps_state_name(changes[i].from),
			 tcps_event_name(changes[i].why), tcps_state_name(changes[i].to));
}

/* ================= ESTABLISHED ================= */

/* §3.10.4: ESTABLISHED --CLOSE--> FIN_WAIT_1; the FIN follows the
 * queued text, on its last segment. */
static void test_rfc9293_3_10_4_established_close_fin_after_queued_data(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	tcpt_arrive_wnd(&fx, TCPS_ACK, R, L, MSS, NULL, 0); /* room for one segment */
	assert_int_equal(tcps_send(fx.c, text, 1000, fx.now), 1000);
	assert_int_equal(tcps_close(fx.c, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_1);
	tcpt_expect(&fx, TCPS_ACK, L, R, MSS);
	tcpt_expect_nothing(&fx); /* the FIN waits behind the text */
	tcpt_arrive(&fx, TCPS_ACK, R, L + MSS, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH | TCPS_FIN, L + MSS, R, 1000 - MSS);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R, L + 1000, NULL, 0); /* text, not the FIN */
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_1);
	tcpt_arrive(&fx, TCPS_ACK, R, L + 1001, NULL, 0);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_2);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* ================= FIN_WAIT_1 ================= */

static void test_rfc9293_3_10_7_4_fin_wait_1_ack_of_fin_to_fin_wait_2(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_FIN_WAIT_1, false, NULL);
	tcpt_arrive(&fx, TCPS_ACK, R, L + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_2);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER); /* nothing outstanding */
	tcpt_teardown(&fx);
}

/* Simultaneous close: FIN_WAIT_1 --rcv FIN--> CLOSING (ACK it),
 * CLOSING --ACK of FIN--> TIME_WAIT. */
static void test_rfc9293_3_10_7_4_fin_wait_1_fin_to_closing_then_time_wait(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.msl = 5 * TCPS_NS_PER_S;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_FIN_WAIT_1, false, &cfg);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_FIN, R, L, NULL, 0); /* does not ack our FIN */
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_CLOSING);
	tcpt_advance(&fx, TCPS_NS_PER_MS);
	tcpt_arrive(&fx, TCPS_ACK, R + 1, L + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 2 * cfg.msl);
	tcpt_teardown(&fx);
}

/* A FIN that also acknowledges ours: step five first (FIN_WAIT_2), then
 * step eight (TIME_WAIT), one ACK sent. */
static void test_rfc9293_3_10_7_4_fin_wait_1_fin_ack_of_fin_to_time_wait(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.on_state = record_change;
	nchanges = 0;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_FIN_WAIT_1, false, &cfg);
	int before = nchanges;
	tcpt_arrive(&fx, TCPS_ACK | TCPS_FIN, R, L + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	assert_int_equal(nchanges, before + 2);
	expect_change(before, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_EV_RCV_ACK_OF_FIN);
	expect_change(before + 1, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT, TCPS_EV_RCV_FIN);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 2 * cfg.msl);
	tcpt_teardown(&fx);
}

/* §3.10.8: our FIN is retransmitted when the timer runs out, with the
 * same sequence number, the RTO backed off. */
static void test_rfc9293_3_10_8_fin_wait_1_fin_retransmitted_on_timeout(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_FIN_WAIT_1, false, NULL);
	tcps_status st;
	tcps_get_status(fx.c, &st);
	uint64_t rto = st.rto;
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + rto);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK | TCPS_FIN, L, R, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_1);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 2 * rto);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK | TCPS_FIN, L, R, 0);
	tcpt_arrive(&fx, TCPS_ACK, R, L + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_FIN_WAIT_2);
	tcps_get_status(fx.c, &st);
	assert_int_equal(st.retransmits, 2);
	tcpt_teardown(&fx);
}

/* ================= FIN_WAIT_2 ================= */

static void test_rfc9293_3_10_7_4_fin_wait_2_fin_to_time_wait(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.msl = 2 * TCPS_NS_PER_S;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_FIN_WAIT_2, false, &cfg);
	tcpt_advance(&fx, 3 * TCPS_NS_PER_S);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_FIN, R, L + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 4 * TCPS_NS_PER_S);
	tcpt_teardown(&fx);
}

/* ================= CLOSE_WAIT and LAST_ACK ================= */

static void test_rfc9293_3_10_4_close_wait_close_to_last_ack_then_closed(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_CLOSE_WAIT, false, NULL);
	assert_int_equal(tcps_close(fx.c, fx.now), 0);
	tcpt_expect_state(&fx, TCPS_LAST_ACK);
	tcpt_expect(&fx, TCPS_ACK | TCPS_FIN, L, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, R + 1, L, NULL, 0); /* not our FIN yet */
	tcpt_expect_state(&fx, TCPS_LAST_ACK);
	tcpt_arrive(&fx, TCPS_ACK, R + 1, L + 1, NULL, 0);
	assert_int_equal(fx.last_err, 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_get_error(fx.c), 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

static void test_rfc9293_3_10_8_last_ack_fin_retransmitted_on_timeout(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_LAST_ACK, false, NULL);
	tcps_status st;
	tcps_get_status(fx.c, &st);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + st.rto);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK | TCPS_FIN, L, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_LAST_ACK);
	tcpt_arrive(&fx, TCPS_ACK, R + 1, L + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_teardown(&fx);
}

/* ================= TIME_WAIT ================= */

/* MUST-13: TIME_WAIT lasts 2*MSL, then CLOSED. */
static void test_rfc9293_3_10_8_must_13_time_wait_2msl_to_closed(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.msl = 1 * TCPS_NS_PER_S;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_TIME_WAIT, false, &cfg);
	assert_int_equal(tcps_get_expiry(fx.c), TCPT_T0 + 2 * TCPS_NS_PER_S);
	tcpt_advance(&fx, 2 * TCPS_NS_PER_S - 1);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	tcpt_advance(&fx, 1);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_get_error(fx.c), 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

/* §3.10.7.4 step eight, TIME_WAIT: a retransmitted FIN is acknowledged
 * and the 2*MSL timeout restarts. */
static void test_rfc9293_3_10_7_4_time_wait_fin_again_acked_restarts_2msl(void **state)
{
	(void)state;
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.msl = 1 * TCPS_NS_PER_S;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_TIME_WAIT, false, &cfg);
	tcpt_advance(&fx, 1500 * TCPS_NS_PER_MS);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_FIN, R, L + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 2 * TCPS_NS_PER_S);
	tcpt_advance(&fx, 1 * TCPS_NS_PER_S); /* past the first deadline */
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	tcpt_advance(&fx, 1 * TCPS_NS_PER_S);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_teardown(&fx);
}

/* RFC 6191 without timestamps (RFC 1122 4.2.2.13, MAY-2): a SYN above
 * RCV.NXT reopens TIME_WAIT into SYN_RCVD, with an ISS above every
 * sequence number of the old incarnation; the handshake completes. */
static void test_rfc6191_time_wait_syn_higher_seq_reopens(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_TIME_WAIT, false, NULL);
	tcps_status old;
	tcps_get_status(fx.c, &old);
	assert_int_equal(old.snd_nxt, L + 1);
	uint32_t syn = R + 1 + 100000;
	tcpt_arrive(&fx, TCPS_SYN, syn, 0, NULL, 0);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcps_status st;
	tcps_get_status(fx.c, &st);
	assert_true((int32_t)(st.iss - old.snd_nxt) > 0);
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, st.iss, syn + 1, 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + st.rto); /* the SYN,ACK's timer, no 2*MSL */
	tcpt_arrive(&fx, TCPS_ACK, syn + 1, st.iss + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, syn + 1, st.iss + 1, text, 10);
	uint8_t buf[16];
	assert_int_equal(tcps_recv(fx.c, buf, sizeof buf, fx.now), 10); /* no old EOF */
	tcpt_teardown(&fx);
}

/* An old SYN (at or below RCV.NXT) does not reopen: it gets an ACK
 * (RFC 5961 §4 challenge ACK) and TIME_WAIT stays. */
static void test_rfc6191_time_wait_old_syn_gets_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_TIME_WAIT, false, NULL);
	uint64_t deadline = tcps_get_expiry(fx.c);
	tcpt_arrive(&fx, TCPS_SYN, TCPT_REMOTE_ISS, 0, NULL, 0); /* the first SYN again */
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	tcpt_arrive(&fx, TCPS_SYN, R + 1, 0, NULL, 0); /* exactly RCV.NXT: not newer */
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	assert_int_equal(tcps_get_expiry(fx.c), deadline);
	tcpt_teardown(&fx);
}

/* A segment from the peer carrying timestamp tsval. */
static void arrive_ts(tcpt_fx *fx, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t tsval)
{
	tcps_segment s = { 0 };
	s.sport = TCPT_REMOTE_PORT;
	s.dport = TCPT_LOCAL_PORT;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.wnd = TCPT_PEER_WND;
	s.options = TCPS_OPT_TS;
	s.tsval = tsval;
	s.tsecr = 0;
	tcpt_arrive_seg(fx, &s);
}

/* TIME_WAIT with timestamps on: passive open, our CLOSE, the peer's
 * FIN,ACK; the peer's last timestamp is 103. */
static void time_wait_with_timestamps(tcpt_fx *fx)
{
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.timestamps = true;
	tcpt_setup(fx, TCPS_LISTEN, false, &cfg);
	arrive_ts(fx, TCPS_SYN, TCPT_REMOTE_ISS, 0, 100);
	tcpt_expect(fx, TCPS_SYN | TCPS_ACK, TCPT_LOCAL_ISS, R, 0);
	assert_true(fx->out.options & TCPS_OPT_TS);
	arrive_ts(fx, TCPS_ACK, R, L, 101);
	tcpt_expect_state(fx, TCPS_ESTABLISHED);
	assert_int_equal(tcps_close(fx->c, fx->now), 0);
	tcpt_expect(fx, TCPS_ACK | TCPS_FIN, L, R, 0);
	arrive_ts(fx, TCPS_ACK | TCPS_FIN, R, L + 1, 103);
	tcpt_expect(fx, TCPS_ACK, L + 1, R + 1, 0);
	tcpt_expect_state(fx, TCPS_TIME_WAIT);
}

/* RFC 6191 §2: with timestamps, a newer timestamp reopens even when the
 * sequence number is lower... */
static void test_rfc6191_time_wait_syn_newer_timestamp_reopens(void **state)
{
	(void)state;
	tcpt_fx fx;
	time_wait_with_timestamps(&fx);
	uint32_t syn = TCPT_REMOTE_ISS - 5000;
	arrive_ts(&fx, TCPS_SYN, syn, 0, 104);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	tcps_status st;
	tcps_get_status(fx.c, &st);
	assert_true((int32_t)(st.iss - (L + 1)) > 0);
	tcpt_expect(&fx, TCPS_SYN | TCPS_ACK, st.iss, syn + 1, 0);
	assert_int_equal(fx.out.tsecr, 104);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* ...and an older or equal timestamp does not, even with a higher
 * sequence number: ACK, TIME_WAIT stays. */
static void test_rfc6191_time_wait_syn_old_timestamp_gets_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	time_wait_with_timestamps(&fx);
	arrive_ts(&fx, TCPS_SYN, R + 100000, 0, 90);
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	arrive_ts(&fx, TCPS_SYN, R + 100000, 0, 103);
	tcpt_expect(&fx, TCPS_ACK, L + 1, R + 1, 0);
	tcpt_expect_nothing(&fx);
	tcpt_expect_state(&fx, TCPS_TIME_WAIT);
	tcpt_teardown(&fx);
}

/* ================= RST in the closing states ================= */

/* §3.10.7.4 step two: an acceptable RST in CLOSING, LAST_ACK or
 * TIME_WAIT enters CLOSED; the user already closed, so no error. */
static void rst_closes(tcps_state st)
{
	tcpt_fx fx;
	tcpt_setup(&fx, st, false, NULL);
	tcps_status s;
	tcps_get_status(fx.c, &s);
	tcpt_arrive(&fx, TCPS_RST, s.rcv_nxt + 1, 0, NULL, 0); /* not exact: challenge ACK */
	tcpt_expect(&fx, TCPS_ACK, s.snd_nxt, s.rcv_nxt, 0);
	tcpt_expect_state(&fx, st);
	tcpt_arrive(&fx, TCPS_RST, s.rcv_nxt, 0, NULL, 0);
	assert_int_equal(fx.last_err, 0);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	assert_int_equal(tcps_get_error(fx.c), 0);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
	tcpt_teardown(&fx);
}

static void test_rfc9293_3_10_7_4_closing_rst_to_closed(void **state)
{
	(void)state;
	rst_closes(TCPS_CLOSING);
}

static void test_rfc9293_3_10_7_4_last_ack_rst_to_closed(void **state)
{
	(void)state;
	rst_closes(TCPS_LAST_ACK);
}

static void test_rfc9293_3_10_7_4_time_wait_rst_to_closed(void **state)
{
	(void)state;
	rst_closes(TCPS_TIME_WAIT);
}

/* ================= ABORT and SEND after CLOSE ================= */

/* §3.10.5: ABORT sends <SEQ=SND.NXT><CTL=RST> exactly in the states the
 * table's `send` column says, and leaves CLOSED with ECONNABORTED. */
static void test_rfc9293_3_10_5_abort_rst_per_state_table(void **state)
{
	(void)state;
	static const struct {
		tcps_state st;
		bool rst;
		uint32_t seq;
	} rows[] = {
		{ TCPS_LISTEN, false, 0 },
		{ TCPS_SYN_SENT, false, 0 },
		{ TCPS_SYN_RCVD, true, L },
		{ TCPS_ESTABLISHED, true, L },
		{ TCPS_FIN_WAIT_1, true, L + 1 },
		{ TCPS_FIN_WAIT_2, true, L + 1 },
		{ TCPS_CLOSE_WAIT, true, L },
		{ TCPS_CLOSING, false, 0 },
		{ TCPS_LAST_ACK, false, 0 },
		{ TCPS_TIME_WAIT, false, 0 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const tcps_transition *t = tcps_transition_find(rows[i].st, TCPS_EV_ABORT, TCPS_ORIGIN_ANY);
		assert_non_null(t);
		assert_int_equal(strcmp(t->send, "RST") == 0, rows[i].rst);
		tcpt_fx fx;
		tcpt_setup(&fx, rows[i].st, false, NULL);
		assert_int_equal(tcps_abort(fx.c, fx.now), 0);
		tcpt_expect_state(&fx, TCPS_CLOSED);
		if (rows[i].rst)
			tcpt_expect(&fx, TCPS_RST, rows[i].seq, 0, 0);
		tcpt_expect_nothing(&fx);
		assert_int_equal(tcps_get_expiry(fx.c), TCPS_NEVER);
		assert_int_equal(tcps_get_error(fx.c), TCPS_ERR_ABORTED);
		assert_int_equal(tcps_errno(tcps_send(fx.c, text, 1, fx.now)), ECONNABORTED);
		tcpt_teardown(&fx);
	}
}

/* Two engines joined back to back: what one sends, the other receives. */
static void pump(tcps_conn *a, tcps_conn *b, uint64_t now)
{
	static uint8_t buf[65536];
	tcps_segment s;
	for (int moved = 1; moved;) {
		moved = 0;
		while (tcps_output(a, &s, buf, sizeof buf, now) > 0) {
			tcps_segment_arrives(b, &s, now);
			moved = 1;
		}
		while (tcps_output(b, &s, buf, sizeof buf, now) > 0) {
			tcps_segment_arrives(a, &s, now);
			moved = 1;
		}
	}
}

/* The peer of an aborted connection sees ECONNRESET (§3.10.7.4 step
 * two), whether the RST lands exactly or, after a FIN the peer never
 * got, through RFC 5961's challenge ACK and the reply RST. */
static void abort_resets_peer(bool fin_lost)
{
	tcps_config ca, cb;
	tcpt_config(&ca);
	tcpt_config(&cb);
	cb.iss = TCPT_REMOTE_ISS;
	tcps_conn *a = tcps_conn_new(&ca), *b = tcps_conn_new(&cb);
	tcps_tuple ta = { .family = 4, .local_port = 9000, .remote_port = 40000 };
	tcps_tuple tb = { .family = 4, .local_port = 40000, .remote_port = 9000 };
	uint64_t now = TCPT_T0;
	assert_int_equal(tcps_open_passive(a, &ta, now), 0);
	assert_int_equal(tcps_open_active(b, &tb, now), 0);
	pump(a, b, now);
	assert_int_equal(tcps_get_state(a), TCPS_ESTABLISHED);
	assert_int_equal(tcps_get_state(b), TCPS_ESTABLISHED);
	if (fin_lost) {
		tcps_segment s;
		uint8_t buf[64];
		assert_int_equal(tcps_close(a, now), 0);
		assert_int_equal(tcps_output(a, &s, buf, sizeof buf, now), 1); /* the FIN, lost */
		assert_int_equal(s.flags, TCPS_FIN | TCPS_ACK);
		assert_int_equal(tcps_get_state(a), TCPS_FIN_WAIT_1);
	}
	assert_int_equal(tcps_abort(a, now), 0);
	pump(a, b, now);
	assert_int_equal(tcps_get_state(b), TCPS_CLOSED);
	assert_int_equal(tcps_get_error(b), TCPS_ERR_RESET);
	uint8_t buf[8];
	assert_int_equal(tcps_errno((int)tcps_recv(b, buf, sizeof buf, now)), ECONNRESET);
	assert_int_equal(tcps_errno((int)tcps_send(b, buf, 1, now)), ECONNRESET);
	tcps_conn_free(a);
	tcps_conn_free(b);
}

static void test_rfc9293_3_10_5_abort_established_peer_gets_econnreset(void **state)
{
	(void)state;
	abort_resets_peer(false);
}

static void test_rfc5961_3_2_abort_fin_wait_1_lost_fin_peer_gets_econnreset(void **state)
{
	(void)state;
	abort_resets_peer(true);
}

/* §3.10.2: SEND after CLOSE is "error: connection closing" (EPIPE);
 * §3.10.4: so is a second CLOSE. */
static void test_rfc9293_3_10_2_send_after_close_is_closing_error(void **state)
{
	(void)state;
	static const tcps_state after_close[] = { TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_CLOSING,
						   TCPS_LAST_ACK, TCPS_TIME_WAIT };
	for (size_t i = 0; i < sizeof after_close / sizeof after_close[0]; i++) {
		tcpt_fx fx;
		tcpt_setup(&fx, after_close[i], false, NULL);
		long r = tcps_send(fx.c, text, 10, fx.now);
		assert_int_equal(r, TCPS_ERR_CLOSING);
		assert_int_equal(tcps_errno((int)r), EPIPE);
		assert_int_equal(tcps_close(fx.c, fx.now), TCPS_ERR_CLOSING);
		tcpt_expect_nothing(&fx);
		tcpt_expect_state(&fx, after_close[i]);
		tcpt_teardown(&fx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9293_3_10_4_established_close_fin_after_queued_data),
		cmocka_unit_test(test_rfc9293_3_10_7_4_fin_wait_1_ack_of_fin_to_fin_wait_2),
		cmocka_unit_test(test_rfc9293_3_10_7_4_fin_wait_1_fin_to_closing_then_time_wait),
		cmocka_unit_test(test_rfc9293_3_10_7_4_fin_wait_1_fin_ack_of_fin_to_time_wait),
		cmocka_unit_test(test_rfc9293_3_10_8_fin_wait_1_fin_retransmitted_on_timeout),
		cmocka_unit_test(test_rfc9293_3_10_7_4_fin_wait_2_fin_to_time_wait),
		cmocka_unit_test(test_rfc9293_3_10_4_close_wait_close_to_last_ack_then_closed),
		cmocka_unit_test(test_rfc9293_3_10_8_last_ack_fin_retransmitted_on_timeout),
		cmocka_unit_test(test_rfc9293_3_10_8_must_13_time_wait_2msl_to_closed),
		cmocka_unit_test(test_rfc9293_3_10_7_4_time_wait_fin_again_acked_restarts_2msl),
		cmocka_unit_test(test_rfc6191_time_wait_syn_higher_seq_reopens),
		cmocka_unit_test(test_rfc6191_time_wait_old_syn_gets_ack),
		cmocka_unit_test(test_rfc6191_time_wait_syn_newer_timestamp_reopens),
		cmocka_unit_test(test_rfc6191_time_wait_syn_old_timestamp_gets_ack),
		cmocka_unit_test(test_rfc9293_3_10_7_4_closing_rst_to_closed),
		cmocka_unit_test(test_rfc9293_3_10_7_4_last_ack_rst_to_closed),
		cmocka_unit_test(test_rfc9293_3_10_7_4_time_wait_rst_to_closed),
		cmocka_unit_test(test_rfc9293_3_10_5_abort_rst_per_state_table),
		cmocka_unit_test(test_rfc9293_3_10_5_abort_established_peer_gets_econnreset),
		cmocka_unit_test(test_rfc5961_3_2_abort_fin_wait_1_lost_fin_peer_gets_econnreset),
		cmocka_unit_test(test_rfc9293_3_10_2_send_after_close_is_closing_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
