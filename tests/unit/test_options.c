/* TCP options in the handshake and after: MSS (RFC 9293 §3.7.1, MUST-14,
 * MUST-15, MUST-65), window scale (RFC 7323 §2), timestamps and PAWS
 * (RFC 7323 §3, §5), SACK-permitted (RFC 2018) and unknown options
 * (MUST-6, MUST-64).  Each option is switched on in the tcps_config given
 * to the fixture; the SYN the engine sends and the segments after it are
 * read off exactly.
 *
 * Numbers: our ISS is TCPT_LOCAL_ISS (10000), the peer's TCPT_REMOTE_ISS
 * (20000); the fixture's clock starts at 1000 s, so our TSval (1 ms
 * ticks) starts at 1000000. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define ISS TCPT_LOCAL_ISS
#define IRS TCPT_REMOTE_ISS
#define TSVAL0 ((uint32_t)(TCPT_T0 / TCPS_NS_PER_MS))

/* A segment from the peer, no options. */
static tcps_segment peer(uint8_t flags, uint32_t seq, uint32_t ack)
{
	tcps_segment s = { .sport = TCPT_REMOTE_PORT, .dport = TCPT_LOCAL_PORT, .flags = flags,
			   .seq = seq, .ack = ack, .wnd = TCPT_PEER_WND };
	return s;
}

static tcps_config config(void)
{
	tcps_config cfg;
	tcpt_config(&cfg);
	return cfg;
}

/* Active OPEN with cfg over IPv4 or IPv6; returns our SYN. */
static const tcps_segment *open_active(tcpt_fx *fx, const tcps_config *cfg, uint8_t family)
{
	tcps_tuple t = { .family = family,
			 .local_addr = { 127, 0, 0, 1 },
			 .remote_addr = { 127, 0, 0, 2 },
			 .local_port = TCPT_LOCAL_PORT,
			 .remote_port = TCPT_REMOTE_PORT };
	tcpt_setup(fx, TCPS_CLOSED, false, cfg);
	assert_int_equal(tcps_open_active(fx->c, &t, fx->now), 0);
	tcpt_expect(fx, TCPS_SYN, ISS, 0, 0);
	return &fx->out;
}

/* Passive OPEN with cfg, the peer's SYN `syn` in; returns our SYN,ACK. */
static const tcps_segment *open_passive(tcpt_fx *fx, const tcps_config *cfg, const tcps_segment *syn)
{
	tcpt_setup(fx, TCPS_LISTEN, false, cfg);
	tcpt_arrive_seg(fx, syn);
	tcpt_expect(fx, TCPS_SYN | TCPS_ACK, ISS, IRS + 1, 0);
	return &fx->out;
}

/* ---- Tests for the MSS option (RFC 9293 §3.7.1) ---- */

/* MUST-14: send the MSS option; in a SYN and in a SYN,ACK. */
static void test_must_14_mss_sent_in_syn_and_syn_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.mss = 1400;
	const tcps_segment *syn = open_active(&fx, &cfg, 4);
	assert_int_equal(syn->options, TCPS_OPT_MSS);
	assert_int_equal(syn->mss, 1400);
	tcpt_teardown(&fx);

	tcps_segment in = peer(TCPS_SYN, IRS, 0);
	const tcps_segment *synack = open_passive(&fx, &cfg, &in);
	assert_int_equal(synack->options, TCPS_OPT_MSS);
	assert_int_equal(synack->mss, 1400);
	tcpt_teardown(&fx);
}

/* MUST-14, understand it: the peer's MSS bounds every segment we send. */
static void test_must_14_peer_mss_honoured(void **state)
{
	(void)state;
	tcpt_fx fx;
	static uint8_t text[2000];
	tcps_config cfg = config();
	open_active(&fx, &cfg, 4);
	tcps_segment synack = peer(TCPS_SYN | TCPS_ACK, IRS, ISS + 1);
	synack.options = TCPS_OPT_MSS;
	synack.mss = 500;
	tcpt_arrive_seg(&fx, &synack);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(tcpt_status(&fx).snd_mss, 500);
	assert_int_equal(tcps_send(fx.c, text, sizeof text, fx.now), 2000);
	/* RFC 5681 §3.1: an initial window of 4 * 500 = 2000 octets. */
	for (uint32_t i = 0; i < 3; i++)
		tcpt_expect(&fx, TCPS_ACK, ISS + 1 + 500 * i, IRS + 1, 500);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, ISS + 1 + 1500, IRS + 1, 500);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

/* A passive opener honours the MSS of the peer's SYN. */
static void test_must_14_passive_peer_mss_honoured(void **state)
{
	(void)state;
	tcpt_fx fx;
	static uint8_t text[1000];
	tcps_config cfg = config();
	tcps_segment syn = peer(TCPS_SYN, IRS, 0);
	syn.options = TCPS_OPT_MSS;
	syn.mss = 700;
	open_passive(&fx, &cfg, &syn);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	assert_int_equal(tcpt_status(&fx).snd_mss, 700);
	assert_int_equal(tcps_send(fx.c, text, sizeof text, fx.now), 1000);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 700);
	/* Nagle (§3.7.4): the 300-octet tail waits for the ACK. */
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 701, NULL, 0);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, ISS + 701, IRS + 1, 300);
	tcpt_teardown(&fx);
}

/* MUST-15: "If an MSS Option is not received at connection setup, TCP
 * implementations MUST assume a default send MSS of 536 (576 - 40) for
 * IPv4". */
static void test_must_15_default_mss_536_ipv4(void **state)
{
	(void)state;
	tcpt_fx fx;
	static uint8_t text[1000];
	tcps_config cfg = config();
	open_active(&fx, &cfg, 4);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(tcpt_status(&fx).snd_mss, 536);
	assert_int_equal(tcps_send(fx.c, text, sizeof text, fx.now), 1000);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 536);
	tcpt_expect_nothing(&fx);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 537, NULL, 0);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, ISS + 537, IRS + 1, 464);
	tcpt_teardown(&fx);
}

/* "... or 1220 (1280 - 60) for IPv6". */
static void test_must_15_default_mss_1220_ipv6(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	open_active(&fx, &cfg, 6);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(tcpt_status(&fx).snd_mss, 1220);
	tcpt_teardown(&fx);
}

/* A peer MSS above ours is capped by ours (cfg.mss is also the send cap:
 * Eff.snd.MSS = min(SendMSS, MMS_S), §3.7.1). */
static void test_rfc9293_3_7_1_send_mss_capped_by_own_mss(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.mss = 1460;
	open_active(&fx, &cfg, 4);
	tcps_segment synack = peer(TCPS_SYN | TCPS_ACK, IRS, ISS + 1);
	synack.options = TCPS_OPT_MSS;
	synack.mss = 9000;
	tcpt_arrive_seg(&fx, &synack);
	assert_int_equal(tcpt_status(&fx).snd_mss, 1460);
	tcpt_teardown(&fx);
}

/* MUST-65: the MSS option only in SYNs. */
static void test_must_65_mss_only_in_syn(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	open_active(&fx, &cfg, 4);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(fx.out.options, 0);
	assert_int_equal(tcps_send(fx.c, "x", 1, fx.now), 1);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, ISS + 1, IRS + 1, 1);
	assert_int_equal(fx.out.options, 0);
	tcpt_teardown(&fx);
}

/* ---- Tests for the window scale option (RFC 7323 §2) ---- */

/* §2.2 / §2.3: the shift offered is the configured one, or with AUTO the
 * smallest that covers the receive buffer; -1 offers none. */
static void test_rfc7323_2_2_wscale_offered_in_syn(void **state)
{
	(void)state;
	static const struct {
		int8_t wscale;
		uint32_t rcv_buf;
		bool offered;
		uint8_t shift;
	} cases[] = {
		{ 7, 65536, true, 7 },
		{ 0, 65536, true, 0 },
		{ TCPS_WSCALE_AUTO, 65535, true, 0 },
		{ TCPS_WSCALE_AUTO, 65536, true, 1 },
		{ TCPS_WSCALE_AUTO, 1u << 20, true, 5 },
		{ -1, 65536, false, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tcpt_fx fx;
		tcps_config cfg = config();
		cfg.wscale = cases[i].wscale;
		cfg.rcv_buf = cases[i].rcv_buf;
		const tcps_segment *syn = open_active(&fx, &cfg, 4);
		assert_int_equal(!!(syn->options & TCPS_OPT_WSCALE), cases[i].offered);
		if (cases[i].offered)
			assert_int_equal(syn->wscale, cases[i].shift);
		/* §2.2: the window field of a SYN is never scaled. */
		assert_int_equal(syn->wnd, cases[i].rcv_buf > 65535 ? 65535 : cases[i].rcv_buf);
		tcpt_teardown(&fx);
	}
}

/* §2.2: both SYNs carry the option: each side scales by the shift the
 * other offered, from the first segment after the SYNs. */
static void test_rfc7323_2_2_wscale_both_syns_applied_after_handshake(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.wscale = 7;
	open_active(&fx, &cfg, 4);
	tcps_segment synack = peer(TCPS_SYN | TCPS_ACK, IRS, ISS + 1);
	synack.wnd = 1000;
	synack.options = TCPS_OPT_WSCALE;
	synack.wscale = 3;
	tcpt_arrive_seg(&fx, &synack);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_wscale, 3);
	assert_int_equal(st.rcv_wscale, 7);
	assert_int_equal(st.snd_wnd, 1000); /* the SYN,ACK's window: unscaled */
	/* Our ACK: 65536 octets of buffer, shifted by 7. */
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(fx.out.wnd, 65536 >> 7);
	/* The peer's next window is scaled. */
	tcps_segment ack = peer(TCPS_ACK, IRS + 1, ISS + 1);
	ack.wnd = 1000;
	tcpt_arrive_seg(&fx, &ack);
	assert_int_equal(tcpt_status(&fx).snd_wnd, 8000);
	tcpt_teardown(&fx);
}

/* §2.2: "if a Window Scale option is received ... but is not sent" -- or
 * sent but not received -- both shifts are zero. */
static void test_rfc7323_2_2_wscale_only_our_syn_no_scaling(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.wscale = 7;
	open_active(&fx, &cfg, 4);
	tcps_segment synack = peer(TCPS_SYN | TCPS_ACK, IRS, ISS + 1);
	synack.wnd = 1000;
	tcpt_arrive_seg(&fx, &synack);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_wscale, 0);
	assert_int_equal(st.rcv_wscale, 0);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(fx.out.wnd, 65535);
	tcps_segment ack = peer(TCPS_ACK, IRS + 1, ISS + 1);
	ack.wnd = 1000;
	tcpt_arrive_seg(&fx, &ack);
	assert_int_equal(tcpt_status(&fx).snd_wnd, 1000);
	tcpt_teardown(&fx);
}

/* §2.2: a SYN,ACK may carry the option only when the SYN did. */
static void test_rfc7323_2_2_syn_ack_wscale_only_if_syn_had_it(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.wscale = 7;
	tcps_segment syn = peer(TCPS_SYN, IRS, 0);
	const tcps_segment *synack = open_passive(&fx, &cfg, &syn);
	assert_int_equal(synack->options & TCPS_OPT_WSCALE, 0);
	tcpt_arrive(&fx, TCPS_ACK, IRS + 1, ISS + 1, NULL, 0);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	assert_int_equal(tcpt_status(&fx).snd_wnd, TCPT_PEER_WND);
	tcpt_teardown(&fx);

	syn.options = TCPS_OPT_WSCALE;
	syn.wscale = 2;
	syn.wnd = 1000;
	synack = open_passive(&fx, &cfg, &syn);
	assert_int_equal(synack->options & TCPS_OPT_WSCALE, TCPS_OPT_WSCALE);
	assert_int_equal(synack->wscale, 7);
	assert_int_equal(synack->wnd, 65535);
	assert_int_equal(tcpt_status(&fx).snd_wnd, 1000); /* the SYN's window: unscaled */
	tcps_segment ack = peer(TCPS_ACK, IRS + 1, ISS + 1);
	ack.wnd = 1000;
	tcpt_arrive_seg(&fx, &ack);
	tcpt_expect_state(&fx, TCPS_ESTABLISHED);
	assert_int_equal(tcpt_status(&fx).snd_wnd, 4000);
	tcpt_teardown(&fx);
}

/* Not offering (wscale -1) turns the peer's offer down. */
static void test_rfc7323_2_2_wscale_not_configured_declines(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config(); /* wscale -1 */
	tcps_segment syn = peer(TCPS_SYN, IRS, 0);
	syn.options = TCPS_OPT_WSCALE;
	syn.wscale = 5;
	const tcps_segment *synack = open_passive(&fx, &cfg, &syn);
	assert_int_equal(synack->options & TCPS_OPT_WSCALE, 0);
	tcps_segment ack = peer(TCPS_ACK, IRS + 1, ISS + 1);
	ack.wnd = 1000;
	tcpt_arrive_seg(&fx, &ack);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_wscale, 0);
	assert_int_equal(st.snd_wnd, 1000);
	tcpt_teardown(&fx);
}

/* §2.3: "If a Window Scale option is received with a shift.cnt value
 * larger than 14, the TCP SHOULD log the error but MUST use 14". */
static void test_rfc7323_2_3_wscale_above_14_used_as_14(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.wscale = 7;
	tcps_segment syn = peer(TCPS_SYN, IRS, 0);
	syn.options = TCPS_OPT_WSCALE;
	syn.wscale = 15;
	open_passive(&fx, &cfg, &syn);
	tcps_segment ack = peer(TCPS_ACK, IRS + 1, ISS + 1);
	ack.wnd = 2;
	tcpt_arrive_seg(&fx, &ack);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.snd_wscale, 14);
	assert_int_equal(st.snd_wnd, 2u << 14);
	tcpt_teardown(&fx);
}

/* ---- Tests for the timestamps option (RFC 7323 §3, §4, §5) ---- */

/* ESTABLISHED with timestamps; the peer's SYN,ACK had TSval 5000. */
static void established_ts(tcpt_fx *fx)
{
	tcps_config cfg = config();
	cfg.timestamps = true;
	const tcps_segment *syn = open_active(fx, &cfg, 4);
	assert_int_equal(syn->options, TCPS_OPT_MSS | TCPS_OPT_TS);
	assert_int_equal(syn->tsval, TSVAL0);
	assert_int_equal(syn->tsecr, 0);
	fx->now += 7 * TCPS_NS_PER_MS;
	tcps_segment synack = peer(TCPS_SYN | TCPS_ACK, IRS, ISS + 1);
	synack.options = TCPS_OPT_TS;
	synack.tsval = 5000;
	synack.tsecr = TSVAL0;
	tcpt_arrive_seg(fx, &synack);
	tcpt_expect_state(fx, TCPS_ESTABLISHED);
	assert_true(tcpt_status(fx).timestamps);
}

/* §3.2: "Once TSopt has been successfully negotiated ... the TSopt MUST be
 * sent in every non-<RST> segment for the duration of the connection";
 * TSecr echoes TS.Recent.  The option costs 12 octets of every segment's
 * MSS (RFC 6691). */
static void test_rfc7323_3_2_ts_negotiated_every_segment_carries_ts(void **state)
{
	(void)state;
	tcpt_fx fx;
	established_ts(&fx);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(fx.out.options, TCPS_OPT_TS);
	assert_int_equal(fx.out.tsval, TSVAL0 + 7);
	assert_int_equal(fx.out.tsecr, 5000);
	assert_int_equal(tcpt_status(&fx).snd_mss, 536 - 12);

	fx.now += TCPS_NS_PER_MS;
	assert_int_equal(tcps_send(fx.c, "data", 4, fx.now), 4);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, ISS + 1, IRS + 1, 4);
	assert_int_equal(fx.out.options, TCPS_OPT_TS);
	assert_int_equal(fx.out.tsval, TSVAL0 + 8);
	assert_int_equal(fx.out.tsecr, 5000);

	tcps_segment ack = peer(TCPS_ACK, IRS + 1, ISS + 5);
	ack.options = TCPS_OPT_TS;
	ack.tsval = 5010;
	ack.tsecr = TSVAL0 + 8;
	tcpt_arrive_seg(&fx, &ack);
	assert_int_equal(tcps_close(fx.c, fx.now), 0);
	tcpt_expect(&fx, TCPS_FIN | TCPS_ACK, ISS + 5, IRS + 1, 0);
	assert_int_equal(fx.out.options, TCPS_OPT_TS);
	assert_int_equal(fx.out.tsecr, 5010);
	tcpt_teardown(&fx);
}

/* ESTABLISHED actively with timestamps; 100 bytes sent, their segment
 * timed out and sent again.  Returns the TSval of the first copy; *again
 * gets the retransmission's, *backed_off the RTO after the timeout. */
static uint32_t timed_out_with_ts(tcpt_fx *fx, uint32_t *again, uint64_t *backed_off)
{
	static uint8_t text[100];
	tcps_config cfg = config();
	cfg.timestamps = true;
	open_active(fx, &cfg, 4);
	tcps_segment synack = peer(TCPS_SYN | TCPS_ACK, IRS, ISS + 1);
	synack.options = TCPS_OPT_TS;
	synack.tsval = 1;
	synack.tsecr = TSVAL0;
	tcpt_arrive_seg(fx, &synack);
	tcpt_expect(fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(tcps_send(fx->c, text, sizeof text, fx->now), (long)sizeof text);
	tcpt_expect(fx, TCPS_ACK | TCPS_PSH, ISS + 1, IRS + 1, 100);
	uint32_t first = fx->out.tsval;
	uint64_t rto = tcpt_status(fx).rto;
	assert_true(tcpt_to_expiry(fx));
	tcpt_expect(fx, TCPS_ACK | TCPS_PSH, ISS + 1, IRS + 1, 100);
	*again = fx->out.tsval;
	*backed_off = tcpt_status(fx).rto;
	assert_int_equal(*backed_off, 2 * rto);
	return first;
}

/* The peer's ACK of those 100 bytes, echoing tsecr, 20 ms from now. */
static void ack_with_echo(tcpt_fx *fx, uint32_t tsecr)
{
	fx->now += 20 * TCPS_NS_PER_MS;
	tcps_segment ack = peer(TCPS_ACK, IRS + 1, ISS + 101);
	ack.options = TCPS_OPT_TS;
	ack.tsval = 2;
	ack.tsecr = tsecr;
	tcpt_arrive_seg(fx, &ack);
}

/* RFC 7323 §4 (RTTM) where Karn's rule gives nothing: the ACK of a
 * retransmitted segment echoes the retransmission's TSval, which dates
 * it: a 20 ms sample, and the RTO comes back down from its backed-off
 * value at once. */
static void test_rfc7323_4_rttm_sample_from_echo_after_timeout(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint32_t again;
	uint64_t backed_off;
	timed_out_with_ts(&fx, &again, &backed_off);
	ack_with_echo(&fx, again);
	tcps_status st = tcpt_status(&fx);
	assert_true(st.rto < backed_off);
	assert_true(st.srtt < backed_off / 2);
	tcpt_teardown(&fx);
}

/* ...but an echo of the first copy, sent before the timeout, would count
 * the timeout as round trip: no sample, the RTO stays backed off. */
static void test_rfc7323_4_rttm_no_sample_from_echo_before_timeout(void **state)
{
	(void)state;
	tcpt_fx fx;
	uint32_t again;
	uint64_t backed_off;
	uint32_t first = timed_out_with_ts(&fx, &again, &backed_off);
	assert_true(again != first);
	uint64_t srtt = tcpt_status(&fx).srtt;
	ack_with_echo(&fx, first);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.rto, backed_off);
	assert_int_equal(st.srtt, srtt);
	tcpt_teardown(&fx);
}

/* The MSS left for text with timestamps on: 1000 - 12. */
static void test_rfc7323_3_2_ts_option_space_taken_from_mss(void **state)
{
	(void)state;
	tcpt_fx fx;
	static uint8_t text[2000];
	tcps_config cfg = config();
	cfg.timestamps = true;
	open_active(&fx, &cfg, 4);
	tcps_segment synack = peer(TCPS_SYN | TCPS_ACK, IRS, ISS + 1);
	synack.options = TCPS_OPT_TS | TCPS_OPT_MSS;
	synack.mss = 1000;
	synack.tsval = 1;
	tcpt_arrive_seg(&fx, &synack);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(tcps_send(fx.c, text, sizeof text, fx.now), 2000);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 988);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1 + 988, IRS + 1, 988);
	tcpt_teardown(&fx);
}

/* §3.2: timestamps are used only when both SYNs carry the option. */
static void test_rfc7323_3_2_ts_not_in_syn_ack_not_used(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.timestamps = true;
	open_active(&fx, &cfg, 4);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(fx.out.options, 0);
	assert_false(tcpt_status(&fx).timestamps);
	assert_int_equal(tcps_send(fx.c, "x", 1, fx.now), 1);
	tcpt_expect(&fx, TCPS_PSH | TCPS_ACK, ISS + 1, IRS + 1, 1);
	assert_int_equal(fx.out.options, 0);
	tcpt_teardown(&fx);
}

/* §3.2: "A TCP MAY send the TSopt in a <SYN,ACK> segment only if it
 * received a TSopt in the initial <SYN> segment"; its TSecr echoes the
 * SYN's TSval. */
static void test_rfc7323_3_2_syn_ack_ts_only_if_syn_had_it(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.timestamps = true;
	tcps_segment syn = peer(TCPS_SYN, IRS, 0);
	const tcps_segment *synack = open_passive(&fx, &cfg, &syn);
	assert_int_equal(synack->options & TCPS_OPT_TS, 0);
	tcpt_teardown(&fx);

	syn.options = TCPS_OPT_TS;
	syn.tsval = 777;
	synack = open_passive(&fx, &cfg, &syn);
	assert_int_equal(synack->options & TCPS_OPT_TS, TCPS_OPT_TS);
	assert_int_equal(synack->tsval, TSVAL0);
	assert_int_equal(synack->tsecr, 777);
	tcpt_teardown(&fx);
}

/* §5.3 R1: "If there is a Timestamps option in the arriving segment,
 * SEG.TSval < TS.Recent, and if TS.Recent is valid, then treat the
 * arriving segment as not acceptable: Send an acknowledgment in reply as
 * specified in Section 3.10.7.4 of RFC 9293 and drop the segment." */
static void test_rfc7323_5_3_paws_old_timestamp_dropped_with_ack(void **state)
{
	(void)state;
	tcpt_fx fx;
	established_ts(&fx);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	tcps_segment old = peer(TCPS_ACK | TCPS_PSH, IRS + 1, ISS + 1);
	old.options = TCPS_OPT_TS;
	old.tsval = 4999;
	old.data = (const uint8_t *)"old";
	old.len = 3;
	tcpt_arrive_seg(&fx, &old);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(fx.out.tsecr, 5000);
	tcpt_expect_nothing(&fx);
	tcps_status st = tcpt_status(&fx);
	assert_int_equal(st.rcv_nxt, IRS + 1);
	assert_int_equal(st.rcv_ready, 0);

	/* A newer timestamp is taken, and becomes TS.Recent (§4.3). */
	tcps_segment fresh = old;
	fresh.tsval = 5001;
	fresh.data = (const uint8_t *)"new";
	tcpt_arrive_seg(&fx, &fresh);
	assert_int_equal(tcpt_status(&fx).rcv_nxt, IRS + 4);
	tcpt_advance(&fx, fx.cfg.delack);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 4, 0);
	assert_int_equal(fx.out.tsecr, 5001);
	tcpt_teardown(&fx);
}

/* R1 applies only "if the RST bit is off": an exact RST with an old
 * timestamp still resets. */
static void test_rfc7323_5_3_paws_not_applied_to_rst(void **state)
{
	(void)state;
	tcpt_fx fx;
	established_ts(&fx);
	tcps_segment rst = peer(TCPS_RST, IRS + 1, 0);
	rst.options = TCPS_OPT_TS;
	rst.tsval = 1;
	assert_int_equal(tcpt_arrive_seg(&fx, &rst), TCPS_ERR_RESET);
	tcpt_expect_state(&fx, TCPS_CLOSED);
	tcpt_teardown(&fx);
}

/* ---- Tests for the SACK-permitted option (RFC 2018) ---- */

/* RFC 2018 §2: SACK-permitted "MUST NOT be sent on non-SYN segments";
 * with both SYNs carrying it, an out-of-order arrival is reported in a
 * SACK block (§4). */
static void test_rfc2018_2_sack_permitted_negotiated(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.sack = true;
	const tcps_segment *syn = open_active(&fx, &cfg, 4);
	assert_int_equal(syn->options, TCPS_OPT_MSS | TCPS_OPT_SACK_OK);
	tcps_segment synack = peer(TCPS_SYN | TCPS_ACK, IRS, ISS + 1);
	synack.options = TCPS_OPT_SACK_OK;
	tcpt_arrive_seg(&fx, &synack);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(fx.out.options, 0);
	assert_true(tcpt_status(&fx).sack_permitted);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, IRS + 101, ISS + 1, "later", 5);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(fx.out.options, TCPS_OPT_SACK);
	assert_int_equal(fx.out.nsack, 1);
	assert_int_equal(fx.out.sack[0].left, IRS + 101);
	assert_int_equal(fx.out.sack[0].right, IRS + 106);
	tcpt_teardown(&fx);
}

/* Not in the SYN,ACK: no SACK blocks, ever. */
static void test_rfc2018_2_sack_not_permitted_no_blocks(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.sack = true;
	open_active(&fx, &cfg, 4);
	tcpt_arrive(&fx, TCPS_SYN | TCPS_ACK, IRS, ISS + 1, NULL, 0);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_false(tcpt_status(&fx).sack_permitted);
	tcpt_arrive(&fx, TCPS_ACK | TCPS_PSH, IRS + 101, ISS + 1, "later", 5);
	tcpt_expect(&fx, TCPS_ACK, ISS + 1, IRS + 1, 0);
	assert_int_equal(fx.out.options, 0);
	assert_int_equal(fx.out.nsack, 0);
	tcpt_teardown(&fx);
}

/* A SYN,ACK carries SACK-permitted only when the SYN did. */
static void test_rfc2018_2_syn_ack_sack_ok_only_if_syn_had_it(void **state)
{
	(void)state;
	tcpt_fx fx;
	tcps_config cfg = config();
	cfg.sack = true;
	tcps_segment syn = peer(TCPS_SYN, IRS, 0);
	const tcps_segment *synack = open_passive(&fx, &cfg, &syn);
	assert_int_equal(synack->options & TCPS_OPT_SACK_OK, 0);
	tcpt_teardown(&fx);
	syn.options = TCPS_OPT_SACK_OK;
	synack = open_passive(&fx, &cfg, &syn);
	assert_int_equal(synack->options & TCPS_OPT_SACK_OK, TCPS_OPT_SACK_OK);
	tcpt_teardown(&fx);
	/* Not configured: the peer's offer is declined. */
	cfg.sack = false;
	synack = open_passive(&fx, &cfg, &syn);
	assert_int_equal(synack->options & TCPS_OPT_SACK_OK, 0);
	assert_false(tcpt_status(&fx).sack_permitted);
	tcpt_teardown(&fx);
}

/* ---- Tests for unknown options (MUST-6, MUST-64) ---- */

/* A SYN off the wire whose options are an unknown kind with a length, at
 * odd offsets, around an MSS: the unknown ones are skipped (MUST-6), the
 * MSS is found wherever it sits (MUST-64) and used. */
static void test_must_6_unknown_options_ignored(void **state)
{
	(void)state;
	static const uint8_t wire[] = {
		/* sport 43236, dport 9000, seq 20000, ack 0 */
		0xa8, 0xe4, 0x23, 0x28, 0x00, 0x00, 0x4e, 0x20, 0x00, 0x00, 0x00, 0x00,
		/* offset 9 (36 bytes), SYN, window 64000, checksum, urgent */
		0x90, 0x02, 0xfa, 0x00, 0x00, 0x00, 0x00, 0x00,
		/* kind 99 len 3; NOP; MSS 1000; kind 253 len 6 (experimental) */
		99, 3, 0xee, 0x01, 0x02, 0x04, 0x03, 0xe8, 253, 6, 0xca, 0xfe, 0xba, 0xbe,
		/* EOL, padding */
		0x00, 0x00,
	};
	tcps_segment syn;
	assert_int_equal(tcps_segment_parse(wire, sizeof wire, &syn), TCPS_PARSE_OK);
	assert_int_equal(syn.options, TCPS_OPT_MSS);
	assert_int_equal(syn.mss, 1000);
	assert_int_equal(syn.len, 0);

	tcpt_fx fx;
	tcps_config cfg = config();
	const tcps_segment *synack = open_passive(&fx, &cfg, &syn);
	assert_int_equal(synack->dport, TCPT_REMOTE_PORT);
	tcpt_expect_state(&fx, TCPS_SYN_RCVD);
	assert_int_equal(tcpt_status(&fx).snd_mss, 1000);
	tcpt_teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* MSS */
		cmocka_unit_test(test_must_14_mss_sent_in_syn_and_syn_ack),
		cmocka_unit_test(test_must_14_peer_mss_honoured),
		cmocka_unit_test(test_must_14_passive_peer_mss_honoured),
		cmocka_unit_test(test_must_15_default_mss_536_ipv4),
		cmocka_unit_test(test_must_15_default_mss_1220_ipv6),
		cmocka_unit_test(test_rfc9293_3_7_1_send_mss_capped_by_own_mss),
		cmocka_unit_test(test_must_65_mss_only_in_syn),
		/* Window scale */
		cmocka_unit_test(test_rfc7323_2_2_wscale_offered_in_syn),
		cmocka_unit_test(test_rfc7323_2_2_wscale_both_syns_applied_after_handshake),
		cmocka_unit_test(test_rfc7323_2_2_wscale_only_our_syn_no_scaling),
		cmocka_unit_test(test_rfc7323_2_2_syn_ack_wscale_only_if_syn_had_it),
		cmocka_unit_test(test_rfc7323_2_2_wscale_not_configured_declines),
		cmocka_unit_test(test_rfc7323_2_3_wscale_above_14_used_as_14),
		/* Timestamps */
		cmocka_unit_test(test_rfc7323_3_2_ts_negotiated_every_segment_carries_ts),
		cmocka_unit_test(test_rfc7323_3_2_ts_option_space_taken_from_mss),
		cmocka_unit_test(test_rfc7323_4_rttm_sample_from_echo_after_timeout),
		cmocka_unit_test(test_rfc7323_4_rttm_no_sample_from_echo_before_timeout),
		cmocka_unit_test(test_rfc7323_3_2_ts_not_in_syn_ack_not_used),
		cmocka_unit_test(test_rfc7323_3_2_syn_ack_ts_only_if_syn_had_it),
		cmocka_unit_test(test_rfc7323_5_3_paws_old_timestamp_dropped_with_ack),
		cmocka_unit_test(test_rfc7323_5_3_paws_not_applied_to_rst),
		/* SACK */
		cmocka_unit_test(test_rfc2018_2_sack_permitted_negotiated),
		cmocka_unit_test(test_rfc2018_2_sack_not_permitted_no_blocks),
		cmocka_unit_test(test_rfc2018_2_syn_ack_sack_ok_only_if_syn_had_it),
		/* Unknown options */
		cmocka_unit_test(test_must_6_unknown_options_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
