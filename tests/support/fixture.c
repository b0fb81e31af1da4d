/* See fixture.h.  cmocka's assertions end the test on failure. */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

void tcpt_config(tcps_config *cfg)
{
	tcps_config_default(cfg);
	cfg->pin_iss = true;
	cfg->iss = TCPT_LOCAL_ISS;
	cfg->timestamps = false;
	cfg->sack = false;
	cfg->tlp = false;
	cfg->wscale = -1;
}

tcps_tuple tcpt_tuple(bool any_remote)
{
	tcps_tuple t = { .family = 4,
			 .local_addr = { 127, 0, 0, 1 },
			 .remote_addr = { 127, 0, 0, 2 },
			 .local_port = TCPT_LOCAL_PORT,
			 .remote_port = any_remote ? 0 : TCPT_REMOTE_PORT };
	return t;
}

int tcpt_arrive_seg(tcpt_fx *fx, const tcps_segment *seg)
{
	fx->last_err = tcps_segment_arrives(fx->c, seg, fx->now);
	return fx->last_err;
}

int tcpt_arrive_wnd(tcpt_fx *fx, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
		    const void *data, uint32_t len)
{
	tcps_segment s = { 0 };
	s.sport = TCPT_REMOTE_PORT;
	s.dport = TCPT_LOCAL_PORT;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.wnd = wnd;
	s.data = data;
	s.len = len;
	return tcpt_arrive_seg(fx, &s);
}

int tcpt_arrive(tcpt_fx *fx, uint8_t flags, uint32_t seq, uint32_t ack, const void *data, uint32_t len)
{
	return tcpt_arrive_wnd(fx, flags, seq, ack, TCPT_PEER_WND, data, len);
}

const tcps_segment *tcpt_next(tcpt_fx *fx)
{
	if (tcps_output(fx->c, &fx->out, fx->out_buf, sizeof fx->out_buf, fx->now) <= 0)
		return NULL;
	return &fx->out;
}

void tcpt_expect(tcpt_fx *fx, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	const tcps_segment *s = tcpt_next(fx);
	assert_non_null(s);
	char want[9], got[9];
	if (s->flags != flags)
		fail_msg("flags: want [%s], got [%s] (seq %u ack %u len %u)", tcps_flags_str(flags, want),
			 tcps_flags_str(s->flags, got), s->seq, s->ack, s->len);
	assert_int_equal(s->seq, seq);
	if (flags & TCPS_ACK)
		assert_int_equal(s->ack, ack);
	assert_int_equal(s->len, len);
}

void tcpt_expect_nothing(tcpt_fx *fx)
{
	const tcps_segment *s = tcpt_next(fx);
	if (s) {
		char f[9];
		fail_msg("unexpected segment [%s] seq %u ack %u len %u", tcps_flags_str(s->flags, f), s->seq,
			 s->ack, s->len);
	}
}

int tcpt_drain(tcpt_fx *fx)
{
	int n = 0;
	while (tcpt_next(fx))
		n++;
	return n;
}

void tcpt_advance(tcpt_fx *fx, uint64_t dt)
{
	fx->now += dt;
	if (tcps_get_expiry(fx->c) <= fx->now)
		tcps_handle_expiry(fx->c, fx->now);
}

bool tcpt_to_expiry(tcpt_fx *fx)
{
	uint64_t t = tcps_get_expiry(fx->c);
	if (t == TCPS_NEVER)
		return false;
	if (t > fx->now)
		fx->now = t;
	tcps_handle_expiry(fx->c, fx->now);
	return true;
}

void tcpt_expect_state(tcpt_fx *fx, tcps_state st)
{
	tcps_state got = tcps_get_state(fx->c);
	if (got != st)
		fail_msg("state: want %s, got %s", tcps_state_name(st), tcps_state_name(got));
}

/* ---- reaching each state through real transitions ---- */

static void to_established_passive(tcpt_fx *fx)
{
	tcps_tuple t = tcpt_tuple(true);
	assert_int_equal(tcps_open_passive(fx->c, &t, fx->now), 0);
	tcpt_arrive(fx, TCPS_SYN, TCPT_REMOTE_ISS, 0, NULL, 0);
	tcpt_expect(fx, TCPS_SYN | TCPS_ACK, TCPT_LOCAL_ISS, TCPT_REMOTE_ISS + 1, 0);
	fx->peer_seq = TCPT_REMOTE_ISS + 1;
	fx->peer_ack = TCPT_LOCAL_ISS + 1;
}

static void to_established_active(tcpt_fx *fx)
{
	tcps_tuple t = tcpt_tuple(false);
	assert_int_equal(tcps_open_active(fx->c, &t, fx->now), 0);
	tcpt_expect(fx, TCPS_SYN, TCPT_LOCAL_ISS, 0, 0);
}

void tcpt_setup(tcpt_fx *fx, tcps_state st, bool active, const tcps_config *cfg)
{
	memset(fx, 0, sizeof *fx);
	if (cfg)
		fx->cfg = *cfg;
	else
		tcpt_config(&fx->cfg);
	fx->now = TCPT_T0;
	fx->c = tcps_conn_new(&fx->cfg);
	assert_non_null(fx->c);
	fx->peer_seq = TCPT_REMOTE_ISS;
	fx->peer_ack = TCPT_LOCAL_ISS + 1;
	if (st == TCPS_CLOSED)
		return;
	if (st == TCPS_LISTEN) {
		tcps_tuple t = tcpt_tuple(true);
		assert_int_equal(tcps_open_passive(fx->c, &t, fx->now), 0);
		return;
	}
	if (st == TCPS_SYN_SENT || active) {
		to_established_active(fx);
		if (st == TCPS_SYN_SENT)
			return;
		if (st == TCPS_SYN_RCVD) { /* simultaneous open */
			tcpt_arrive(fx, TCPS_SYN, TCPT_REMOTE_ISS, 0, NULL, 0);
			tcpt_expect(fx, TCPS_SYN | TCPS_ACK, TCPT_LOCAL_ISS, TCPT_REMOTE_ISS + 1, 0);
			fx->peer_seq = TCPT_REMOTE_ISS + 1;
			tcpt_expect_state(fx, TCPS_SYN_RCVD);
			return;
		}
		tcpt_arrive(fx, TCPS_SYN | TCPS_ACK, TCPT_REMOTE_ISS, TCPT_LOCAL_ISS + 1, NULL, 0);
		tcpt_expect(fx, TCPS_ACK, TCPT_LOCAL_ISS + 1, TCPT_REMOTE_ISS + 1, 0);
		fx->peer_seq = TCPT_REMOTE_ISS + 1;
	} else {
		to_established_passive(fx);
		if (st == TCPS_SYN_RCVD)
			return;
		tcpt_arrive(fx, TCPS_ACK, fx->peer_seq, fx->peer_ack, NULL, 0);
		tcpt_expect_nothing(fx);
	}
	tcpt_expect_state(fx, TCPS_ESTABLISHED);
	if (st == TCPS_ESTABLISHED)
		return;

	uint32_t our_fin = TCPT_LOCAL_ISS + 1;
	if (st == TCPS_CLOSE_WAIT || st == TCPS_LAST_ACK) {
		tcpt_arrive(fx, TCPS_FIN | TCPS_ACK, fx->peer_seq, fx->peer_ack, NULL, 0);
		fx->peer_seq++;
		tcpt_expect(fx, TCPS_ACK, our_fin, fx->peer_seq, 0);
		tcpt_expect_state(fx, TCPS_CLOSE_WAIT);
		if (st == TCPS_CLOSE_WAIT)
			return;
		assert_int_equal(tcps_close(fx->c, fx->now), 0);
		tcpt_expect(fx, TCPS_FIN | TCPS_ACK, our_fin, fx->peer_seq, 0);
		tcpt_expect_state(fx, TCPS_LAST_ACK);
		return;
	}
	assert_int_equal(tcps_close(fx->c, fx->now), 0);
	tcpt_expect(fx, TCPS_FIN | TCPS_ACK, our_fin, fx->peer_seq, 0);
	tcpt_expect_state(fx, TCPS_FIN_WAIT_1);
	if (st == TCPS_FIN_WAIT_1)
		return;
	if (st == TCPS_CLOSING) {
		tcpt_arrive(fx, TCPS_FIN | TCPS_ACK, fx->peer_seq, our_fin, NULL, 0);
		fx->peer_seq++;
		tcpt_expect(fx, TCPS_ACK, our_fin + 1, fx->peer_seq, 0);
		tcpt_expect_state(fx, TCPS_CLOSING);
		return;
	}
	tcpt_arrive(fx, TCPS_ACK, fx->peer_seq, our_fin + 1, NULL, 0);
	fx->peer_ack = our_fin + 1;
	tcpt_expect_state(fx, TCPS_FIN_WAIT_2);
	if (st == TCPS_FIN_WAIT_2)
		return;
	tcpt_arrive(fx, TCPS_FIN | TCPS_ACK, fx->peer_seq, fx->peer_ack, NULL, 0);
	fx->peer_seq++;
	tcpt_expect(fx, TCPS_ACK, our_fin + 1, fx->peer_seq, 0);
	tcpt_expect_state(fx, TCPS_TIME_WAIT);
}

void tcpt_expect_to_peer(const tcpt_fx *fx)
{
	assert_int_equal(fx->out.sport, TCPT_LOCAL_PORT);
	assert_int_equal(fx->out.dport, TCPT_REMOTE_PORT);
}

tcps_status tcpt_status(const tcpt_fx *fx)
{
	tcps_status st;
	tcps_get_status(fx->c, &st);
	return st;
}

void tcpt_teardown(tcpt_fx *fx)
{
	tcps_conn_free(fx->c);
	fx->c = NULL;
}
