/* See trace_capture.h. */
#include "trace_capture.h"

#include "tcpstate/tcpstate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static void on_seg(void *u, const trace_seg_event *e)
{
	tc_capture *cap = u;
	if (cap->nev >= TC_MAX)
		return;
	cap->labels[cap->nev] = e->label;
	for (int i = 0; i < 2; i++) {
		cap->states[cap->nev][i] = e->state[i];
		cap->revised[cap->nev][i] = e->revised[i];
	}
	cap->nev++;
}

static void on_conn(void *u, const trace_conn_record *r)
{
	tc_capture *cap = u;
	if (cap->nrec < 8)
		cap->rec[cap->nrec++] = *r;
}

static void on_diag(void *u, const trace_diag *d)
{
	tc_capture *cap = u;
	if (cap->ndiag < 16)
		cap->diag[cap->ndiag++] = *d;
}

void tc_open(tc_capture *cap, uint8_t family, const trace_obs_config *cfg)
{
	memset(cap, 0, sizeof *cap);
	if (cfg)
		cap->cfg = *cfg;
	else
		trace_obs_config_default(&cap->cfg);
	cap->cfg.on_segment = on_seg;
	cap->cfg.on_conn = on_conn;
	cap->cfg.on_diag = on_diag;
	cap->cfg.user = cap;
	cap->obs = trace_obs_new(&cap->cfg);
	assert_non_null(cap->obs);
	cap->ts = 1700000000ull * TCPS_NS_PER_S;
	cap->family = family;
	cap->cport = 43236;
}

void tc_pkt(tc_capture *cap, int from, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len,
	    uint16_t wnd, uint64_t dt_ms)
{
	tc_pkt_sack(cap, from, flags, seq, ack, len, wnd, dt_ms, 0, 0);
}

void tc_pkt_sack(tc_capture *cap, int from, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len,
		 uint16_t wnd, uint64_t dt_ms, uint32_t sack_left, uint32_t sack_right)
{
	trace_pkt p;
	memset(&p, 0, sizeof p);
	cap->ts += dt_ms * TCPS_NS_PER_MS;
	p.ts = cap->ts;
	p.family = cap->family;
	uint8_t a[16] = { 10, 0, 0, 1 }, b[16] = { 10, 0, 0, 2 };
	if (cap->family == 6) {
		memset(a, 0, 16);
		memset(b, 0, 16);
		a[0] = b[0] = 0xfd;
		a[15] = 1;
		b[15] = 2;
	}
	memcpy(p.src, from == TC_C ? a : b, 16);
	memcpy(p.dst, from == TC_C ? b : a, 16);
	p.seg.sport = from == TC_C ? cap->cport : 9000;
	p.seg.dport = from == TC_C ? 9000 : cap->cport;
	p.seg.flags = flags;
	p.seg.seq = seq;
	p.seg.ack = ack;
	p.seg.len = len;
	p.seg.wnd = wnd;
	if (sack_left != sack_right) {
		p.seg.options |= TCPS_OPT_SACK;
		p.seg.nsack = 1;
		p.seg.sack[0].left = sack_left;
		p.seg.sack[0].right = sack_right;
	}
	assert_int_equal(trace_obs_packet(cap->obs, &p), 0);
}

void tc_close(tc_capture *cap)
{
	trace_obs_finish(cap->obs);
	trace_obs_free(cap->obs);
	cap->obs = NULL;
}

unsigned tc_count(const tc_capture *cap, trace_diag_code code)
{
	unsigned n = 0;
	for (unsigned i = 0; i < cap->ndiag; i++)
		n += cap->diag[i].code == code;
	return n;
}

void tc_establish(tc_capture *cap)
{
	tc_pkt(cap, TC_C, TCPS_SYN, 1000, 0, 0, 64240, 0);
	tc_pkt(cap, TC_S, TCPS_SYN | TCPS_ACK, 4000, 1001, 0, 65160, 1);
	tc_pkt(cap, TC_C, TCPS_ACK, 1001, 4001, 0, 502, 1);
}

void tc_seed_exchange(tc_capture *cap, uint64_t dt_ms)
{
	tc_pkt(cap, TC_C, TCPS_SYN, 1000, 0, 0, 64240, 0);
	tc_pkt(cap, TC_S, TCPS_SYN | TCPS_ACK, 4000, 1001, 0, 65160, dt_ms);
	tc_pkt(cap, TC_C, TCPS_ACK, 1001, 4001, 0, 502, dt_ms);
	tc_pkt(cap, TC_C, TCPS_PSH | TCPS_ACK, 1001, 4001, 499, 502, dt_ms);
	tc_pkt(cap, TC_S, TCPS_PSH | TCPS_ACK, 4001, 1500, 499, 506, dt_ms);
	tc_pkt(cap, TC_C, TCPS_FIN | TCPS_ACK, 1500, 4500, 0, 502, dt_ms);
	tc_pkt(cap, TC_S, TCPS_ACK, 4500, 1501, 0, 506, dt_ms);
	tc_pkt(cap, TC_S, TCPS_FIN | TCPS_ACK, 4500, 1501, 0, 506, dt_ms);
	tc_pkt(cap, TC_C, TCPS_ACK, 1501, 4501, 0, 502, dt_ms);
}

void tc_expect_states(const trace_conn_record *r, int side, const tcps_state *want, unsigned n)
{
	char got[256] = "", exp[256] = "";
	for (unsigned i = 0; i < r->nstates[side]; i++)
		strcat(strcat(got, " "), tcps_state_name(r->states[side][i]));
	for (unsigned i = 0; i < n; i++)
		strcat(strcat(exp, " "), tcps_state_name(want[i]));
	if (strcmp(got, exp))
		fail_msg("%s states:%s, want%s", side ? "server" : "client", got, exp);
}
