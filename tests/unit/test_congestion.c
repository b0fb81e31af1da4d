/* Congestion control: RFC 5681 (initial window, slow start, congestion
 * avoidance, fast retransmit, the loss window) and RFC 6582 NewReno fast
 * recovery.  Each test drives the sender segment by segment and checks
 * cwnd and ssthresh after every ACK.
 *
 * The fixture's peer gives no MSS option, so SMSS is 536 (M below) and
 * the initial window four segments; its window, 64000, never limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define L (TCPT_LOCAL_ISS + 1)
#define R (TCPT_REMOTE_ISS + 1)
#define M 536u
#define MS TCPS_NS_PER_MS

static uint8_t text[32 * M];

static int setup_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = (uint8_t)(i * 13 + i / 509);
	return 0;
}

static void expect_cwnd(const tcpt_fx *fx, uint32_t cwnd, uint32_t ssthresh)
{
	tcps_status st = tcpt_status(fx);
	if (st.cwnd != cwnd || st.ssthresh != ssthresh)
		fail_msg("cwnd/ssthresh: want %u/%u, got %u/%u", cwnd, ssthresh, st.cwnd, st.ssthresh);
}

/* Full-sized segment number k (0-based) of the text, as sent; `psh` when
 * it ends what was written. */
static void expect_seg(tcpt_fx *fx, uint32_t k, bool psh)
{
	tcpt_expect(fx, TCPS_ACK | (psh ? TCPS_PSH : 0), L + k * M, R, M);
	assert_memory_equal(fx->out.data, text + k * M, M);
}

static void ack(tcpt_fx *fx, uint32_t upto_seg)
{
	tcpt_arrive(fx, TCPS_ACK, R, L + upto_seg * M, NULL, 0);
}

/* Writes text segments [from, to) into the send buffer. */
static void write_segs(tcpt_fx *fx, uint32_t from, uint32_t to)
{
	long n = (long)((to - from) * M);
	assert_int_equal(tcps_send(fx->c, text + from * M, (size_t)n, fx->now), n);
}

/* ================= RFC 5681 §3.1: initial window ================= */

/* ESTABLISHED over a handshake whose SYN carried MSS option `mss`. */
static void setup_peer_mss(tcpt_fx *fx, uint16_t mss)
{
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.mss = 3000;
	tcpt_setup(fx, TCPS_LISTEN, false, &cfg);
	tcps_segment syn = { 0 };
	syn.sport = TCPT_REMOTE_PORT;
	syn.dport = TCPT_LOCAL_PORT;
	syn.flags = TCPS_SYN;
	syn.seq = TCPT_REMOTE_ISS;
	syn.wnd = 65535;
	syn.options = TCPS_OPT_MSS;
	syn.mss = mss;
	tcpt_arrive_seg(fx, &syn);
	tcpt_expect(fx, TCPS_SYN | TCPS_ACK, TCPT_LOCAL_ISS, R, 0);
	tcpt_arrive_wnd(fx, TCPS_ACK, R, L, 65535, NULL, 0);
	tcpt_expect_state(fx, TCPS_ESTABLISHED);
}

/* IW = 4*SMSS up to 1095 bytes, 3*SMSS up to 2190, else 2*SMSS. */
static void test_rfc5681_3_1_initial_window_per_smss(void **state)
{
	(void)state;
	static const struct {
		uint16_t mss;
		uint32_t iw;
	} rows[] = {
		{ 536, 4 * 536 },   { 1095, 4 * 1095 }, { 1096, 3 * 1096 },
		{ 1460, 3 * 1460 }, { 2190, 3 * 2190 }, { 2191, 2 * 2191 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		tcpt_fx fx;
		setup_peer_mss(&fx, rows[i].mss);
		tcps_status st = tcpt_status(&fx);
		assert_int_equal(st.snd_mss, rows[i].mss);
		assert_int_equal(st.cwnd, rows[i].iw);
		assert_int_equal(st.ssthresh, UINT32_MAX);
		tcpt_teardown(&fx);
	}
}

/* The initial window is what goes before the first ACK: three
 * 1460-byte segments. */
static void test_rfc5681_3_1_initial_window_limits_first_flight(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_peer_mss(&fx, 1460);
	assert_int_equal(tcps_send(fx.c, text, 5 * 1460, fx.now), 5 * 1460);
	tcpt_expect(&fx, TCPS_ACK, L, R, 1460);
	tcpt_expect(&fx, TCPS_ACK, L + 1460, R, 1460);
	tcpt_expect(&fx, TCPS_ACK, L + 2 * 1460, R, 1460);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* ================= RFC 5681 §3.1: slow start ================= */

/* (2): each ACK of new data grows cwnd by min(N, SMSS), so an ACK of two
 * segments still adds one SMSS. */
static void test_rfc5681_3_1_slow_start_grows_per_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcpt_setup(&fx, TCPS_ESTABLISHED, false, NULL);
	write_segs(&fx, 0, 16);
	for (uint32_t k = 0; k < 4; k++)
		expect_seg(&fx, k, false);
	tcpt_expect_nothing(&fx);
	expect_cwnd(&fx, 4 * M, UINT32_MAX);

	ack(&fx, 1);
	expect_cwnd(&fx, 5 * M, UINT32_MAX);
	expect_seg(&fx, 4, false);
	expect_seg(&fx, 5, false);
	tcpt_expect_nothing(&fx);

	ack(&fx, 2);
	expect_cwnd(&fx, 6 * M, UINT32_MAX);
	expect_seg(&fx, 6, false);
	expect_seg(&fx, 7, false);
	tcpt_expect_nothing(&fx);

	ack(&fx, 4); /* two segments in one ACK */
	expect_cwnd(&fx, 7 * M, UINT32_MAX);
	expect_seg(&fx, 8, false);
	expect_seg(&fx, 9, false);
	expect_seg(&fx, 10, false);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* ESTABLISHED with cwnd grown to 8 segments: 4 sent and acked one by one. */
static void setup_cwnd_8(tcpt_fx *fx)
{
	tcpt_setup(fx, TCPS_ESTABLISHED, false, NULL);
	write_segs(fx, 0, 4);
	for (uint32_t k = 0; k < 4; k++)
		expect_seg(fx, k, k == 3);
	for (uint32_t k = 1; k <= 4; k++)
		ack(fx, k);
	tcpt_expect_nothing(fx);
	expect_cwnd(fx, 8 * M, UINT32_MAX);
}

/* ...and then a full window out: segments 4..11, nothing more waiting. */
static void setup_flight_8(tcpt_fx *fx)
{
	setup_cwnd_8(fx);
	write_segs(fx, 4, 12);
	for (uint32_t k = 4; k < 12; k++)
		expect_seg(fx, k, k == 11);
}

/* ================= RFC 5681 §3.1: the loss window ================= */

/* (4) and the loss window: a retransmission timeout sets ssthresh to
 * max(FlightSize/2, 2*SMSS) and cwnd to one SMSS: exactly one segment
 * goes again.  A second timeout of the same segment keeps ssthresh. */
static void test_rfc5681_3_1_rto_sets_loss_window_one_smss(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_flight_8(&fx);
	tcpt_expect_nothing(&fx);
	assert_true(tcpt_to_expiry(&fx));
	expect_cwnd(&fx, M, 4 * M);
	expect_seg(&fx, 4, false);
	tcpt_expect_nothing(&fx);
	assert_true(tcpt_to_expiry(&fx));
	expect_cwnd(&fx, M, 4 * M); /* not halved again from a flight of 8 */
	expect_seg(&fx, 4, false);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* ================= RFC 5681 §3.1: congestion avoidance ================= */

/* Once cwnd reaches ssthresh it grows by one SMSS per cwnd of data
 * acknowledged: about one segment per round trip. */
static void test_rfc5681_3_1_congestion_avoidance_one_smss_per_rtt(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_flight_8(&fx);
	assert_true(tcpt_to_expiry(&fx)); /* ssthresh 4 segments, cwnd 1 */
	expect_seg(&fx, 4, false);

	/* Slow start back up to ssthresh, resending from SND.UNA. */
	ack(&fx, 5);
	expect_cwnd(&fx, 2 * M, 4 * M);
	expect_seg(&fx, 5, false);
	expect_seg(&fx, 6, false);
	tcpt_expect_nothing(&fx);
	ack(&fx, 7);
	expect_cwnd(&fx, 3 * M, 4 * M);
	expect_seg(&fx, 7, false);
	expect_seg(&fx, 8, false);
	expect_seg(&fx, 9, false);
	tcpt_expect_nothing(&fx);
	ack(&fx, 10);
	expect_cwnd(&fx, 4 * M, 4 * M);
	expect_seg(&fx, 10, false);
	expect_seg(&fx, 11, true);
	tcpt_expect_nothing(&fx);

	/* Congestion avoidance: no growth until 4 segments are acked. */
	write_segs(&fx, 12, 24);
	expect_seg(&fx, 12, false);
	expect_seg(&fx, 13, false);
	tcpt_expect_nothing(&fx);
	ack(&fx, 12);
	expect_cwnd(&fx, 4 * M, 4 * M);
	expect_seg(&fx, 14, false);
	expect_seg(&fx, 15, false);
	tcpt_expect_nothing(&fx);
	ack(&fx, 14); /* 4 segments acked since cwnd reached 4: one more */
	expect_cwnd(&fx, 5 * M, 4 * M);
	expect_seg(&fx, 16, false);
	expect_seg(&fx, 17, false);
	expect_seg(&fx, 18, false);
	tcpt_expect_nothing(&fx);
	ack(&fx, 18);
	expect_cwnd(&fx, 5 * M, 4 * M);
	ack(&fx, 19); /* 5 more acked */
	expect_cwnd(&fx, 6 * M, 4 * M);
	tcpt_teardown(&fx);
}

/* ================= RFC 5681 §3.2 and RFC 6582: fast recovery ================= */

/* Eight segments (4..11) in flight, cwnd 8, four more (12..15) waiting;
 * segments 4 and 8 are lost.  The dupacks of 5, 6 and 7 arrive; the first
 * two each let one new segment past cwnd (Limited Transmit, RFC 5681
 * §3.2 and RFC 3042), cwnd itself unchanged. */
static void setup_three_dupacks(tcpt_fx *fx)
{
	setup_cwnd_8(fx);
	write_segs(fx, 4, 16);
	for (uint32_t k = 4; k < 12; k++)
		expect_seg(fx, k, false);
	tcpt_expect_nothing(fx);
	ack(fx, 4);
	expect_seg(fx, 12, false);
	tcpt_expect_nothing(fx);
	ack(fx, 4);
	expect_seg(fx, 13, false);
	tcpt_expect_nothing(fx);
	expect_cwnd(fx, 8 * M, UINT32_MAX);
	ack(fx, 4);
}

/* §3.2 steps 2-3: the third duplicate ACK retransmits exactly the
 * segment at SND.UNA; ssthresh = max(FlightSize/2, 2*SMSS), FlightSize
 * without what Limited Transmit sent, and cwnd = ssthresh + 3*SMSS. */
static void test_rfc5681_3_2_three_dupacks_fast_retransmit(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_three_dupacks(&fx);
	expect_cwnd(&fx, 4 * M + 3 * M, 4 * M); /* a flight of 10, 8 counted */
	expect_seg(&fx, 4, false);
	tcpt_expect_nothing(&fx); /* 10 in flight, cwnd 7: nothing new */
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.retransmits, 1);
	assert_int_equal(st.snd_una, L + 4 * M);
	assert_int_equal(st.snd_nxt, L + 14 * M);
	tcpt_teardown(&fx);
}

/* RFC 3042: Limited Transmit sends new data only: with none waiting, the
 * first two duplicates send nothing, and cwnd never moves for them. */
static void test_rfc3042_limited_transmit_needs_new_data(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_flight_8(&fx);
	for (int i = 0; i < 2; i++) {
		ack(&fx, 4);
		tcpt_expect_nothing(&fx);
		expect_cwnd(&fx, 8 * M, UINT32_MAX);
	}
	ack(&fx, 4);
	expect_seg(&fx, 4, false);
	tcpt_teardown(&fx);
}

/* §3.2 step 4: each further duplicate ACK inflates cwnd by one SMSS and
 * lets new text go once cwnd covers the flight (ten segments: Limited
 * Transmit's two are in it). */
static void test_rfc5681_3_2_further_dupacks_inflate_cwnd(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_three_dupacks(&fx);
	expect_seg(&fx, 4, false);
	for (uint32_t k = 9; k <= 11; k++) {
		ack(&fx, 4); /* k arrived */
		expect_cwnd(&fx, (k - 1) * M, 4 * M);
		tcpt_expect_nothing(&fx);
	}
	ack(&fx, 4); /* 12 */
	expect_cwnd(&fx, 11 * M, 4 * M);
	expect_seg(&fx, 14, false);
	tcpt_expect_nothing(&fx);
	ack(&fx, 4); /* 13 */
	expect_cwnd(&fx, 12 * M, 4 * M);
	expect_seg(&fx, 15, true);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcpt_status(&fx).retransmits, 1);
	tcpt_teardown(&fx);
}

/* RFC 6582 §3.2 step 4: an ACK that covers the retransmission but not
 * `recover` is partial: the next hole goes at once, cwnd deflates by
 * the amount acknowledged and gets one SMSS back. */
static void test_rfc6582_partial_ack_retransmits_next_hole(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_three_dupacks(&fx);
	expect_seg(&fx, 4, false);
	for (int i = 0; i < 3; i++)
		ack(&fx, 4); /* 9, 10, 11 */
	tcpt_expect_nothing(&fx); /* 12 and 13 went with the first dupacks */
	expect_cwnd(&fx, 10 * M, 4 * M);

	ack(&fx, 8); /* the retransmitted 4 filled the first hole; 8 is missing */
	expect_cwnd(&fx, 10 * M - 4 * M + M, 4 * M);
	expect_seg(&fx, 8, false); /* the next hole, without waiting */
	expect_seg(&fx, 14, false); /* flight 6 (8..13), cwnd 7 */
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.retransmits, 2);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + st.rto); /* timer restarted */
	tcpt_teardown(&fx);
}

/* RFC 6582 §3.2 step 3 (full ACK): recovery ends, cwnd deflates to
 * min(ssthresh, max(FlightSize, SMSS) + SMSS); with enough still in
 * flight that is ssthresh, and congestion avoidance follows.  `recover`
 * is 14: Limited Transmit's 12 and 13 were out when recovery began. */
static void test_rfc6582_full_ack_deflates_cwnd_to_ssthresh(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_three_dupacks(&fx);
	expect_seg(&fx, 4, false);
	for (int i = 0; i < 3; i++)
		ack(&fx, 4); /* 9, 10, 11 */
	ack(&fx, 4);         /* 12 */
	expect_seg(&fx, 14, false);
	ack(&fx, 4); /* 13 */
	expect_seg(&fx, 15, true);
	write_segs(&fx, 16, 24);
	tcpt_expect_nothing(&fx);
	ack(&fx, 8); /* partial: cwnd 12 - 4 + 1 */
	expect_cwnd(&fx, 9 * M, 4 * M);
	expect_seg(&fx, 8, false);
	expect_seg(&fx, 16, false);
	ack(&fx, 8); /* 14 */
	expect_seg(&fx, 17, false);
	ack(&fx, 8); /* 15 */
	expect_seg(&fx, 18, false);
	tcpt_expect_nothing(&fx);

	ack(&fx, 14); /* recover reached; 14..18 still in flight */
	expect_cwnd(&fx, 4 * M, 4 * M);
	tcpt_expect_nothing(&fx);
	ack(&fx, 18); /* a cwnd's worth more: +1 SMSS */
	expect_cwnd(&fx, 5 * M, 4 * M);
	assert_int_equal(tcpt_status(&fx).retransmits, 2);
	tcpt_teardown(&fx);
}

/* ...and with little left in flight the full ACK leaves FlightSize +
 * SMSS, so no burst follows recovery. */
static void test_rfc6582_full_ack_deflates_cwnd_to_flight_plus_smss(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_three_dupacks(&fx);
	expect_seg(&fx, 4, false);
	for (int i = 0; i < 3; i++)
		ack(&fx, 4);
	ack(&fx, 8);
	expect_seg(&fx, 8, false);
	expect_seg(&fx, 14, false);
	ack(&fx, 14); /* everything up to 14 (recover); 14 still in flight */
	expect_cwnd(&fx, M + M, 4 * M);
	expect_seg(&fx, 15, true);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* RFC 6582 §3.2 step 2: duplicate ACKs that do not cover more than
 * `recover` (left by a timeout) start no new fast retransmit. */
static void test_rfc6582_no_fast_retransmit_below_recover_after_rto(void **state)
{
	(void)state;
	tcpt_fx fx;
	setup_flight_8(&fx);
	assert_true(tcpt_to_expiry(&fx));
	expect_seg(&fx, 4, false);
	ack(&fx, 5);
	expect_seg(&fx, 5, false);
	expect_seg(&fx, 6, false);
	/* Duplicates of ACK 5 from the first flight's 6..11 still arriving. */
	for (int i = 0; i < 4; i++) {
		ack(&fx, 5);
		tcpt_expect_nothing(&fx);
	}
	expect_cwnd(&fx, 2 * M, 4 * M);
	assert_int_equal(tcpt_status(&fx).retransmits, 1);
	tcpt_teardown(&fx);
}

/* RFC 6675 §2: with SACK, an ACK at SND.UNA that reports SACKed data is a
 * duplicate even when its window moved (Linux moves it on most ACKs). */
/* ESTABLISHED (passive) with SACK permitted both ways and MSS 536, and
 * tail loss probes when tlp; returns the first octet of our text.  The
 * handshake's RTT is 0: SRTT 0, RTO rto_min (200 ms). */
static uint32_t setup_sack_tlp(tcpt_fx *fx, bool tlp)
{
	tcps_config cfg;
	tcpt_config(&cfg);
	cfg.sack = true;
	cfg.tlp = tlp;
	tcpt_setup(fx, TCPS_CLOSED, false, &cfg);
	tcps_tuple t = tcpt_tuple(true);
	assert_int_equal(tcps_open_passive(fx->c, &t, fx->now), 0);
	tcps_segment syn = { .sport = TCPT_REMOTE_PORT, .dport = TCPT_LOCAL_PORT, .seq = TCPT_REMOTE_ISS,
			     .flags = TCPS_SYN, .wnd = 64000, .options = TCPS_OPT_SACK_OK };
	tcpt_arrive_seg(fx, &syn);
	tcpt_expect(fx, TCPS_SYN | TCPS_ACK, TCPT_LOCAL_ISS, TCPT_REMOTE_ISS + 1, 0);
	tcpt_arrive(fx, TCPS_ACK, TCPT_REMOTE_ISS + 1, TCPT_LOCAL_ISS + 1, NULL, 0);
	assert_true(tcpt_status(fx).sack_permitted);
	return TCPT_LOCAL_ISS + 1;
}

static uint32_t setup_sack(tcpt_fx *fx)
{
	return setup_sack_tlp(fx, false);
}

/* An ACK of `ack` from the peer SACKing [left, right), with window wnd. */
static void sack_ack(tcpt_fx *fx, uint32_t ack, uint32_t left, uint32_t right, uint16_t wnd)
{
	tcps_segment a = { .sport = TCPT_REMOTE_PORT, .dport = TCPT_LOCAL_PORT, .seq = TCPT_REMOTE_ISS + 1,
			   .ack = ack, .flags = TCPS_ACK, .wnd = wnd, .options = TCPS_OPT_SACK, .nsack = 1 };
	a.sack[0] = (tcps_sack_block){ left, right };
	tcpt_arrive_seg(fx, &a);
}

static void test_rfc6675_2_sack_dupacks_count_whatever_the_window(void **state)
{
	(void)state;
	tcpt_fx fx;
	const uint32_t l = setup_sack(&fx), r = TCPT_REMOTE_ISS + 1, mss = 536;
	static uint8_t data[4 * 536];
	assert_int_equal(tcps_send(fx.c, data, sizeof data, fx.now), (long)sizeof data);
	assert_int_equal(tcpt_drain(&fx), 4);
	for (uint32_t i = 1; i <= 3; i++) {
		sack_ack(&fx, l, l + mss, l + mss * (i + 1), (uint16_t)(64000 - 1000 * i));
		if (i < 3)
			tcpt_expect_nothing(&fx);
	}
	tcpt_expect(&fx, TCPS_ACK, l, r, mss); /* the third: fast retransmit */
	tcpt_teardown(&fx);
}

/* Segments 0..5 out, 1 lost; 0 acknowledged with 2..3 SACKed.  Returns
 * the first octet of the text. */
static uint32_t setup_sack_hole(tcpt_fx *fx)
{
	const uint32_t l = setup_sack(fx), mss = 536;
	static uint8_t data[12 * 536];
	assert_int_equal(tcps_send(fx->c, data, sizeof data, fx->now), (long)sizeof data);
	assert_int_equal(tcpt_drain(fx), 4); /* the initial window */
	sack_ack(fx, l + mss, l + 2 * mss, l + 4 * mss, 64000);
	tcpt_expect(fx, TCPS_ACK, l + 4 * mss, TCPT_REMOTE_ISS + 1, mss);
	tcpt_expect(fx, TCPS_ACK, l + 5 * mss, TCPT_REMOTE_ISS + 1, mss);
	tcpt_expect_nothing(fx);
	return l;
}

/* RFC 6675 §4 IsLost: more than (DupThresh - 1) * SMSS SACKed above
 * SND.UNA means its segment is lost, on the first duplicate ACK that
 * shows it: retransmitted at once, where Limited Transmit would have
 * sent new data and waited for two more duplicates. */
static void test_rfc6675_4_islost_retransmits_before_three_dupacks(void **state)
{
	(void)state;
	tcpt_fx fx;
	const uint32_t l = setup_sack_hole(&fx), mss = 536;
	sack_ack(&fx, l + mss, l + 2 * mss, l + 5 * mss, 64000); /* 3 MSS SACKed above */
	tcpt_expect(&fx, TCPS_ACK, l + mss, TCPT_REMOTE_ISS + 1, mss);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.retransmits, 1);
	assert_int_equal(st.ssthresh, 5 * mss / 2); /* FlightSize 1..5 halved */
	tcpt_teardown(&fx);
}

/* ...and exactly (DupThresh - 1) * SMSS SACKed is not enough. */
static void test_rfc6675_4_islost_needs_more_than_two_smss(void **state)
{
	(void)state;
	tcpt_fx fx;
	const uint32_t l = setup_sack_hole(&fx), mss = 536;
	sack_ack(&fx, l + mss, l + 2 * mss, l + 4 * mss, 64000); /* 2 MSS: a plain duplicate */
	tcpt_expect(&fx, TCPS_ACK, l + 6 * mss, TCPT_REMOTE_ISS + 1, mss); /* Limited Transmit */
	assert_int_equal(tcpt_status(&fx).retransmits, 0);
	tcpt_teardown(&fx);
}

/* RFC 8985 §6.2's inference on NewReno's one retransmission: when the
 * peer SACKs data sent after SND.UNA's segment was resent, and still not
 * that segment, the retransmission was lost too; it goes again at once
 * rather than after a timeout. */
static void test_rfc8985_lost_retransmission_resent_on_sack_evidence(void **state)
{
	(void)state;
	tcpt_fx fx;
	const uint32_t l = setup_sack_hole(&fx), mss = 536;
	sack_ack(&fx, l + mss, l + 2 * mss, l + 5 * mss, 64000);
	tcpt_expect(&fx, TCPS_ACK, l + mss, TCPT_REMOTE_ISS + 1, mss); /* resent while SND.MAX is 6 */
	tcpt_drain(&fx);
	/* Duplicates inflate cwnd until new text (6 on) goes. */
	uint32_t max = tcpt_status(&fx).snd_nxt;
	for (int i = 0; i < 8 && max == l + 6 * mss; i++) {
		sack_ack(&fx, l + mss, l + 2 * mss, l + 6 * mss, 64000);
		tcpt_drain(&fx);
		max = tcpt_status(&fx).snd_nxt;
	}
	assert_true(max > l + 6 * mss);
	assert_int_equal(tcpt_status(&fx).retransmits, 1);
	/* Segment 6, sent after the retransmission, is SACKed; 1 is not. */
	sack_ack(&fx, l + mss, l + 2 * mss, l + 7 * mss, 64000);
	tcpt_expect(&fx, TCPS_ACK, l + mss, TCPT_REMOTE_ISS + 1, mss);
	assert_int_equal(tcpt_status(&fx).retransmits, 2);
	tcpt_teardown(&fx);
}

/* ================= RFC 8985 §7: tail loss probe ================= */

#define PTO_MIN (10 * TCPS_NS_PER_MS)

/* Four segments out (the initial window at MSS 536) of `segs` written,
 * no ACK: the probe timer runs, 2*SRTT but at least 10 ms, before the
 * RTO.  Returns the first octet of the text. */
static uint32_t setup_tail(tcpt_fx *fx, uint32_t segs, uint32_t wnd)
{
	const uint32_t l = setup_sack_tlp(fx, true), mss = 536;
	static uint8_t data[16 * 536];
	assert_true(segs <= 16);
	if (wnd) /* the peer's window, from a window update */
		sack_ack(fx, l, l, l, (uint16_t)wnd);
	assert_int_equal(tcps_send(fx->c, data, segs * mss, fx->now), (long)(segs * mss));
	assert_int_equal(tcpt_drain(fx), 4);
	assert_int_equal(tcps_get_expiry(fx->c), fx->now + PTO_MIN);
	return l;
}

/* §7.3: with no new text to send, the probe is the last segment again,
 * sent PTO after it; then the retransmission timer is the next one. */
static void test_rfc8985_7_3_probe_resends_last_segment(void **state)
{
	(void)state;
	tcpt_fx fx;
	const uint32_t l = setup_tail(&fx, 4, 0), mss = 536;
	uint64_t sent_at = fx.now;
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, l + 3 * mss, TCPT_REMOTE_ISS + 1, mss);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcpt_status(&fx).retransmits, 1);
	assert_int_equal(tcps_get_expiry(fx.c), sent_at + 200 * TCPS_NS_PER_MS);
	tcpt_teardown(&fx);
}

/* §7.3: new text goes first when the peer's window takes it, even past
 * cwnd: one segment. */
static void test_rfc8985_7_3_probe_sends_new_text_first(void **state)
{
	(void)state;
	tcpt_fx fx;
	const uint32_t l = setup_tail(&fx, 8, 0), mss = 536;
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK, l + 4 * mss, TCPT_REMOTE_ISS + 1, mss);
	tcpt_expect_nothing(&fx);
	assert_int_equal(tcpt_status(&fx).retransmits, 0);
	tcpt_teardown(&fx);
}

/* §7.2: a lone segment's probe waits 2*SRTT plus the peer's worst-case
 * delayed ACK (200 ms), which is not before the RTO here: no probe, the
 * retransmission timer does it (and cwnd falls to one segment). */
static void test_rfc8985_7_2_no_probe_when_rto_comes_first(void **state)
{
	(void)state;
	tcpt_fx fx;
	const uint32_t l = setup_sack_tlp(&fx, true);
	static uint8_t data[100];
	assert_int_equal(tcps_send(fx.c, data, sizeof data, fx.now), (long)sizeof data);
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, l, TCPT_REMOTE_ISS + 1, 100);
	assert_int_equal(tcps_get_expiry(fx.c), fx.now + 200 * TCPS_NS_PER_MS);
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, l, TCPT_REMOTE_ISS + 1, 100);
	assert_int_equal(tcpt_status(&fx).cwnd, 536);
	tcpt_teardown(&fx);
}

/* RFC 8985 §6.2 on the probe: the peer SACKs the probe, the last thing
 * sent, and not SND.UNA: what was sent before it is lost, and fast
 * recovery starts on that one duplicate ACK. */
static void test_rfc8985_6_2_sacked_probe_starts_recovery(void **state)
{
	(void)state;
	tcpt_fx fx;
	const uint32_t l = setup_tail(&fx, 4, 0), mss = 536;
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, l + 3 * mss, TCPT_REMOTE_ISS + 1, mss);
	sack_ack(&fx, l, l + 3 * mss, l + 4 * mss, 64000);
	tcpt_expect(&fx, TCPS_ACK, l, TCPT_REMOTE_ISS + 1, mss);
	assert_int_equal(tcpt_status(&fx).retransmits, 2);
	tcpt_teardown(&fx);
}

/* When the probe's SACK started fast recovery, the recovery's cut is the
 * one: its full ACK leaves cwnd as RFC 6582 deflates it, and the probe
 * cuts nothing more. */
static void test_rfc8985_7_4_recovery_started_by_probe_cuts_once(void **state)
{
	(void)state;
	tcpt_fx fx;
	const uint32_t l = setup_sack_tlp(&fx, true), mss = 536;
	static uint8_t data[9 * 536];
	assert_int_equal(tcps_send(fx.c, data, sizeof data, fx.now), (long)sizeof data);
	assert_int_equal(tcpt_drain(&fx), 4);
	tcpt_arrive(&fx, TCPS_ACK, TCPT_REMOTE_ISS + 1, l + 4 * mss, NULL, 0);
	assert_int_equal(tcpt_drain(&fx), 5); /* cwnd 5: 4..8, all of it */
	assert_true(tcpt_to_expiry(&fx));
	tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, l + 8 * mss, TCPT_REMOTE_ISS + 1, mss);
	sack_ack(&fx, l + 4 * mss, l + 8 * mss, l + 9 * mss, 64000);
	tcpt_expect(&fx, TCPS_ACK, l + 4 * mss, TCPT_REMOTE_ISS + 1, mss);
	uint32_t ssthresh = tcpt_status(&fx).ssthresh;
	assert_int_equal(ssthresh, 5 * mss / 2);
	tcpt_drain(&fx);
	tcpt_arrive(&fx, TCPS_ACK, TCPT_REMOTE_ISS + 1, l + 9 * mss, NULL, 0); /* full ACK */
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.ssthresh, ssthresh);
	assert_int_equal(st.cwnd, 2 * mss); /* min(ssthresh, max(FlightSize, SMSS) + SMSS) */
	tcpt_teardown(&fx);
}

/* §7.4: a resent probe whose ACK covers everything repaired a loss (no
 * D-SACK says the first copy arrived): the window is cut as fast
 * recovery would; with a D-SACK it is not. */
static void test_rfc8985_7_4_probe_repairing_a_loss_halves_cwnd(void **state)
{
	(void)state;
	for (int dup = 0; dup < 2; dup++) {
		tcpt_fx fx;
		const uint32_t l = setup_tail(&fx, 4, 0), mss = 536;
		assert_true(tcpt_to_expiry(&fx));
		tcpt_expect(&fx, TCPS_ACK | TCPS_PSH, l + 3 * mss, TCPT_REMOTE_ISS + 1, mss);
		uint32_t cwnd = tcpt_status(&fx).cwnd;
		if (dup) /* D-SACK of the probe's copy, below the cumulative ACK */
			sack_ack(&fx, l + 4 * mss, l + 3 * mss, l + 4 * mss, 64000);
		else
			tcpt_arrive(&fx, TCPS_ACK, TCPT_REMOTE_ISS + 1, l + 4 * mss, NULL, 0);
		tcps_status st = tcpt_status(&fx);
		if (dup) {
			assert_int_equal(st.cwnd, cwnd + mss); /* slow start, as for any ACK */
		} else {
			assert_int_equal(st.ssthresh, cwnd / 2 > 2 * mss ? cwnd / 2 : 2 * mss);
			assert_int_equal(st.cwnd, st.ssthresh);
		}
		tcpt_teardown(&fx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6675_2_sack_dupacks_count_whatever_the_window),
		cmocka_unit_test(test_rfc6675_4_islost_retransmits_before_three_dupacks),
		cmocka_unit_test(test_rfc6675_4_islost_needs_more_than_two_smss),
		cmocka_unit_test(test_rfc8985_lost_retransmission_resent_on_sack_evidence),
		cmocka_unit_test(test_rfc8985_7_3_probe_resends_last_segment),
		cmocka_unit_test(test_rfc8985_7_3_probe_sends_new_text_first),
		cmocka_unit_test(test_rfc8985_7_2_no_probe_when_rto_comes_first),
		cmocka_unit_test(test_rfc8985_6_2_sacked_probe_starts_recovery),
		cmocka_unit_test(test_rfc8985_7_4_probe_repairing_a_loss_halves_cwnd),
		cmocka_unit_test(test_rfc8985_7_4_recovery_started_by_probe_cuts_once),
		cmocka_unit_test(test_rfc5681_3_1_initial_window_per_smss),
		cmocka_unit_test(test_rfc5681_3_1_initial_window_limits_first_flight),
		cmocka_unit_test(test_rfc5681_3_1_slow_start_grows_per_ack),
		cmocka_unit_test(test_rfc5681_3_1_rto_sets_loss_window_one_smss),
		cmocka_unit_test(test_rfc5681_3_1_congestion_avoidance_one_smss_per_rtt),
		cmocka_unit_test(test_rfc5681_3_2_three_dupacks_fast_retransmit),
		cmocka_unit_test(test_rfc3042_limited_transmit_needs_new_data),
		cmocka_unit_test(test_rfc5681_3_2_further_dupacks_inflate_cwnd),
		cmocka_unit_test(test_rfc6582_partial_ack_retransmits_next_hole),
		cmocka_unit_test(test_rfc6582_full_ack_deflates_cwnd_to_ssthresh),
		cmocka_unit_test(test_rfc6582_full_ack_deflates_cwnd_to_flight_plus_smss),
		cmocka_unit_test(test_rfc6582_no_fast_retransmit_below_recover_after_rto),
	};
	return cmocka_run_group_tests(tests, setup_text, NULL);
}
