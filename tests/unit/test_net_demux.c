/* The network layer's bookkeeping: the 4-tuple table, the timer heap,
 * SYN cookies (encode, validate, expiry, forgeries), and a whole stack on
 * a socketpair standing in for the TUN device: RST for no connection
 * (RFC 9293 §3.10.7.1), listeners with a bounded backlog and cookies past
 * it, ICMP errors reaching their connection, drops counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/cookie.h"
#include "net/net_int.h"
#include "tcpstate/net.h"

/* ---- The table ---- */

static tcps_tuple tuple4(uint8_t last, uint16_t lport, uint16_t rport)
{
	tcps_tuple t;
	memset(&t, 0, sizeof t);
	t.family = 4;
	memcpy(t.local_addr, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	memcpy(t.remote_addr, (uint8_t[]){ 198, 18, 0, last }, 4);
	t.local_port = lport;
	t.remote_port = rport;
	return t;
}

static void test_table_find_insert_remove_grow(void **state)
{
	(void)state;
	enum { N = 100 };
	tcpn_table t;
	uint8_t key[16] = { 1, 2, 3 };
	assert_int_equal(tcpn_table_init(&t, 16, key), 0);
	tcpn_sock *s = calloc(N, sizeof *s);
	for (int i = 0; i < N; i++) {
		s[i].tuple = tuple4((uint8_t)(1 + i % 3), 9000, (uint16_t)(40000 + i));
		tcpn_table_insert(&t, &s[i]);
	}
	assert_int_equal(t.count, N);
	assert_true(t.mask + 1 >= N); /* grew from 16 buckets */
	for (int i = 0; i < N; i++) {
		tcps_tuple k = tuple4((uint8_t)(1 + i % 3), 9000, (uint16_t)(40000 + i));
		assert_ptr_equal(tcpn_table_find(&t, &k), &s[i]);
	}
	for (int i = 0; i < N; i += 2)
		tcpn_table_remove(&t, &s[i]);
	assert_int_equal(t.count, N / 2);
	for (int i = 0; i < N; i++) {
		tcps_tuple k = tuple4((uint8_t)(1 + i % 3), 9000, (uint16_t)(40000 + i));
		assert_ptr_equal(tcpn_table_find(&t, &k), i % 2 ? &s[i] : NULL);
	}
	/* Same ports, other peer: a different connection. */
	tcps_tuple other = tuple4(9, 9000, 40001);
	assert_null(tcpn_table_find(&t, &other));
	tcpn_table_free(&t);
	free(s);
}

/* IPv4 uses 4 of the 16 address bytes: the rest never matter. */
static void test_tuple_equal_ipv4_ignores_spare_bytes(void **state)
{
	(void)state;
	tcps_tuple a = tuple4(1, 1, 2), b = a;
	b.local_addr[10] = 0xff;
	b.remote_addr[4] = 0xff;
	assert_true(tcpn_tuple_equal(&a, &b));
	b.remote_port = 3;
	assert_false(tcpn_tuple_equal(&a, &b));
}

/* ---- The timer heap ---- */

static void test_heap_earliest_first(void **state)
{
	(void)state;
	tcpn_heap h;
	assert_int_equal(tcpn_heap_init(&h, 2), 0);
	tcpn_sock s[6];
	memset(s, 0, sizeof s);
	const uint64_t d[6] = { 50, 10, 40, 30, 20, 60 };
	for (int i = 0; i < 6; i++) {
		s[i].heap_idx = TCPN_HEAP_NONE;
		s[i].deadline = TCPS_NEVER;
		tcpn_heap_set(&h, &s[i], d[i]); /* grows past 2 */
	}
	assert_ptr_equal(tcpn_heap_top(&h), &s[1]);
	tcpn_heap_set(&h, &s[5], 5); /* earlier */
	assert_ptr_equal(tcpn_heap_top(&h), &s[5]);
	tcpn_heap_set(&h, &s[5], 100); /* later */
	assert_ptr_equal(tcpn_heap_top(&h), &s[1]);
	tcpn_heap_set(&h, &s[3], TCPS_NEVER); /* out */
	assert_int_equal(s[3].heap_idx, TCPN_HEAP_NONE);
	uint64_t last = 0;
	const int order[] = { 1, 4, 2, 0, 5 };
	for (int i = 0; i < 5; i++) {
		tcpn_sock *top = tcpn_heap_top(&h);
		assert_ptr_equal(top, &s[order[i]]);
		assert_true(top->deadline >= last);
		last = top->deadline;
		tcpn_heap_set(&h, top, TCPS_NEVER);
	}
	assert_null(tcpn_heap_top(&h));
	tcpn_heap_free(&h);
}

/* ---- SYN cookies ---- */

static const uint8_t ckey[16] = { 0x5e, 0xc7, 0xe7 };

static void test_cookie_round_trip_and_mss_table(void **state)
{
	(void)state;
	tcps_tuple t = tuple4(1, 9000, 40000);
	uint64_t now = 1000 * TCPS_NS_PER_S;
	const struct { uint16_t in, out; } cases[] = {
		{ 1460, 1460 }, { 1440, 1440 }, { 1450, 1440 }, { 1220, 1220 }, { 1000, 536 },
		{ 0, 536 }, { 9000, 8960 }, { 65535, 8960 }, { 100, 536 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint16_t mss;
		uint32_t c = tcpn_cookie_make(ckey, &t, 0x11223344, cases[i].in, now, &mss);
		assert_int_equal(mss, cases[i].out);
		assert_int_equal(tcpn_cookie_check(ckey, &t, 0x11223344, c, now), cases[i].out);
	}
}

/* Valid in the tick it was made and TCPN_COOKIE_AGE more, then never. */
static void test_cookie_expiry(void **state)
{
	(void)state;
	tcps_tuple t = tuple4(1, 9000, 40000);
	uint64_t made = 77 * TCPN_COOKIE_TICK + 5 * TCPS_NS_PER_S;
	uint16_t mss;
	uint32_t c = tcpn_cookie_make(ckey, &t, 1, 1460, made, &mss);
	uint64_t tick_start = 77 * TCPN_COOKIE_TICK;
	assert_int_equal(tcpn_cookie_check(ckey, &t, 1, c, made), 1460);
	assert_int_equal(tcpn_cookie_check(ckey, &t, 1, c, tick_start + (TCPN_COOKIE_AGE + 1) * TCPN_COOKIE_TICK - 1), 1460);
	assert_int_equal(tcpn_cookie_check(ckey, &t, 1, c, tick_start + (TCPN_COOKIE_AGE + 1) * TCPN_COOKIE_TICK), 0);
	/* 32 ticks later the 5-bit counter matches again: the MAC, which
	 * covers the whole tick, still refuses it. */
	assert_int_equal(tcpn_cookie_check(ckey, &t, 1, c, made + 32 * TCPN_COOKIE_TICK), 0);
	/* A cookie from the future (a clock read before it was made). */
	assert_int_equal(tcpn_cookie_check(ckey, &t, 1, c, made - TCPN_COOKIE_TICK), 0);
}

static void test_cookie_forgeries_refused(void **state)
{
	(void)state;
	tcps_tuple t = tuple4(1, 9000, 40000);
	uint64_t now = 5 * TCPN_COOKIE_TICK;
	uint16_t mss;
	uint32_t c = tcpn_cookie_make(ckey, &t, 1000, 1460, now, &mss);
	for (int bit = 0; bit < 32; bit++)
		assert_int_equal(tcpn_cookie_check(ckey, &t, 1000, c ^ (1u << bit), now), 0);
	assert_int_equal(tcpn_cookie_check(ckey, &t, 1001, c, now), 0); /* other ISN */
	tcps_tuple u = tuple4(1, 9000, 40001);
	assert_int_equal(tcpn_cookie_check(ckey, &u, 1000, c, now), 0); /* other port */
	u = tuple4(3, 9000, 40000);
	assert_int_equal(tcpn_cookie_check(ckey, &u, 1000, c, now), 0); /* other peer */
	uint8_t other_key[16] = { 1 };
	assert_int_equal(tcpn_cookie_check(other_key, &t, 1000, c, now), 0);
	/* Guessing: of 4096 made-up cookies with the right counter bits, a
	 * 24-bit MAC lets through none (expected 2^-12). */
	int passed = 0;
	for (uint32_t g = 0; g < 4096; g++)
		passed += tcpn_cookie_check(ckey, &t, 1000, (c & 0xff000000u) | (g * 2654435761u >> 8), now) != 0;
	assert_int_equal(passed, 0);
}

/* ---- A stack on a socketpair ---- */

static uint64_t now_ns;

static uint64_t test_clock(void *user)
{
	(void)user;
	return now_ns;
}

typedef struct fx {
	tcpn_stack *st;
	int fds[2]; /* [0] the stack's "device", [1] the kernel's end */
	uint8_t rx[2048];
} fx;

static const uint8_t kern4[4] = { 198, 18, 0, 1 }, ours4[4] = { 198, 18, 0, 2 };

static void fx_up(fx *f, uint32_t max_conns)
{
	memset(f, 0, sizeof *f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, f->fds), 0);
	tcpn_config cfg;
	tcpn_config_default(&cfg);
	cfg.fd = f->fds[0];
	cfg.clock = test_clock;
	cfg.max_conns = max_conns;
	now_ns = 1000 * TCPS_NS_PER_S;
	char err[128];
	f->st = tcpn_stack_new(&cfg, err, sizeof err);
	assert_non_null(f->st);
}

static void fx_down(fx *f)
{
	tcpn_stack_free(f->st);
	close(f->fds[0]);
	close(f->fds[1]);
}

/* The kernel (198.18.0.1) sends seg to tcpstate; the stack processes it. */
static void kernel_sends(fx *f, const tcps_segment *seg)
{
	uint8_t pkt[1600];
	uint8_t *tcp = pkt + 20;
	size_t len = tcps_segment_emit(seg, tcp, sizeof pkt - 20);
	assert_true(len > 0);
	uint16_t c = tcpn_l4_csum(4, kern4, ours4, TCPN_PROTO_TCP, tcp, (uint32_t)len);
	tcp[16] = (uint8_t)(c >> 8);
	tcp[17] = (uint8_t)c;
	tcpn_ipv4_build(pkt, kern4, ours4, TCPN_PROTO_TCP, (uint16_t)len, 1);
	assert_int_equal(write(f->fds[1], pkt, 20 + len), (ssize_t)(20 + len));
	tcpn_stack_process(f->st, now_ns);
}

/* The next packet the stack sent, as a segment; false if none.  Its
 * addresses and checksum are checked on the way. */
static bool kernel_receives(fx *f, tcps_segment *seg)
{
	ssize_t n = read(f->fds[1], f->rx, sizeof f->rx);
	if (n <= 0)
		return false;
	tcpn_ip ip;
	assert_int_equal(tcpn_ip_parse(f->rx, (size_t)n, &ip), TCPN_IP_OK);
	assert_int_equal(ip.proto, TCPN_PROTO_TCP);
	assert_memory_equal(ip.src, ours4, 4);
	assert_memory_equal(ip.dst, kern4, 4);
	assert_true(tcpn_l4_csum_ok(&ip));
	assert_int_equal(tcps_segment_parse(ip.payload, ip.len, seg), TCPS_PARSE_OK);
	return true;
}

static tcps_segment seg_of(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack)
{
	tcps_segment s = { 0 };
	s.sport = sport;
	s.dport = dport;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.wnd = 65535;
	return s;
}

static tcps_segment syn_from(uint16_t sport, uint16_t dport, uint32_t seq)
{
	/* What Linux offers: all of it. */
	tcps_segment s = seg_of(sport, dport, TCPS_SYN, seq, 0);
	s.options = TCPS_OPT_MSS | TCPS_OPT_WSCALE | TCPS_OPT_SACK_OK | TCPS_OPT_TS;
	s.mss = 1460;
	s.wscale = 7;
	s.tsval = 12345;
	return s;
}

static void kernel_syn(fx *f, uint16_t sport, uint16_t dport, uint32_t seq)
{
	tcps_segment s = syn_from(sport, dport, seq);
	kernel_sends(f, &s);
}

static void kernel_seg(fx *f, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack)
{
	tcps_segment s = seg_of(sport, dport, flags, seq, ack);
	kernel_sends(f, &s);
}

/* RFC 9293 §3.10.7.1: a segment for no connection draws a RST: with
 * ACK, <SEQ=SEG.ACK><CTL=RST>; without, <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 * <CTL=RST,ACK>; a RST draws nothing. */
static void test_rst_for_no_connection(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 8);
	tcps_segment out;
	kernel_sends(&f, &(tcps_segment){ .sport = 40000, .dport = 80, .flags = TCPS_SYN, .seq = 100, .wnd = 1 });
	assert_true(kernel_receives(&f, &out));
	assert_int_equal(out.flags, TCPS_RST | TCPS_ACK);
	assert_int_equal(out.seq, 0);
	assert_int_equal(out.ack, 101);
	assert_int_equal(out.sport, 80);
	assert_int_equal(out.dport, 40000);

	kernel_sends(&f, &(tcps_segment){ .sport = 40000, .dport = 80, .flags = TCPS_ACK, .seq = 5, .ack = 777 });
	assert_true(kernel_receives(&f, &out));
	assert_int_equal(out.flags, TCPS_RST);
	assert_int_equal(out.seq, 777);

	kernel_sends(&f, &(tcps_segment){ .sport = 40000, .dport = 80, .flags = TCPS_RST, .seq = 5 });
	assert_false(kernel_receives(&f, &out));
	assert_int_equal(tcpn_stack_stats(f.st)->rst_sent, 2);
	fx_down(&f);
}

/* A listener's handshake, then data both ways through the socket calls. */
static void test_listen_accept_data(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 8);
	int err;
	tcpn_sock *l = tcpn_listen(f.st, 9000, 4, &err);
	assert_non_null(l);
	assert_null(tcpn_listen(f.st, 9000, 4, &err));
	assert_int_equal(err, TCPN_ERR_ADDRINUSE);
	assert_null(tcpn_accept(l, &err));
	assert_int_equal(err, TCPS_ERR_AGAIN);

	tcps_segment out;
	kernel_sends(&f, &(tcps_segment){ .sport = 40000, .dport = 9000, .flags = TCPS_SYN, .seq = 1000,
					  .wnd = 65535, .options = TCPS_OPT_MSS | TCPS_OPT_WSCALE, .mss = 1460,
					  .wscale = 7 });
	assert_true(kernel_receives(&f, &out));
	assert_int_equal(out.flags, TCPS_SYN | TCPS_ACK);
	assert_int_equal(out.ack, 1001);
	assert_true(out.options & TCPS_OPT_WSCALE); /* the engine answers: full options */
	assert_int_equal(out.mss, 1460);            /* 1500 - 20 - 20 */
	assert_int_equal(l->l.half_open, 1);
	assert_false(tcpn_events(l) & TCPN_READABLE);

	kernel_sends(&f, &(tcps_segment){ .sport = 40000, .dport = 9000, .flags = TCPS_ACK | TCPS_PSH, .seq = 1001,
					  .ack = out.seq + 1, .wnd = 512, .data = (const uint8_t *)"hello", .len = 5 });
	assert_int_equal(l->l.half_open, 0);
	assert_true(tcpn_events(l) & TCPN_READABLE);
	tcpn_sock *s = tcpn_accept(l, &err);
	assert_non_null(s);
	assert_int_equal(tcpn_state(s), TCPS_ESTABLISHED);
	char buf[16];
	assert_int_equal(tcpn_recv(s, buf, sizeof buf), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(tcpn_send(s, "world", 5), 5);
	bool got = false;
	while (kernel_receives(&f, &out))
		if (out.len == 5 && !memcmp(out.data, "world", 5))
			got = true;
	assert_true(got);
	assert_int_equal(tcpn_stack_stats(f.st)->conns, 1);
	tcpn_abort(s);
	assert_true(kernel_receives(&f, &out));
	assert_true(out.flags & TCPS_RST);
	assert_int_equal(tcpn_stack_stats(f.st)->conns, 0);
	tcpn_close(l);
	fx_down(&f);
}

/* Past the backlog of half-open connections, a SYN gets a stateless
 * SYN,ACK (MSS option only, ISS = cookie) and no connection is kept; the
 * ACK that brings the cookie back makes an ESTABLISHED connection, with
 * the text it carries. */
static void test_backlog_overflow_answers_with_cookies(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 8);
	int err;
	tcpn_sock *l = tcpn_listen(f.st, 9000, 2, &err);
	tcps_segment out;
	for (uint16_t p = 0; p < 2; p++) {
		kernel_syn(&f, (uint16_t)(40000 + p), 9000, 1000);
		assert_true(kernel_receives(&f, &out));
		assert_true(out.options & TCPS_OPT_TS);
	}
	assert_int_equal(l->l.half_open, 2);
	assert_int_equal(tcpn_stack_stats(f.st)->conns, 2);

	kernel_syn(&f, 40002, 9000, 5000);
	assert_true(kernel_receives(&f, &out));
	assert_int_equal(out.flags, TCPS_SYN | TCPS_ACK);
	assert_int_equal(out.options, TCPS_OPT_MSS); /* nothing else can be remembered */
	assert_int_equal(out.ack, 5001);
	assert_int_equal(tcpn_stack_stats(f.st)->cookies_sent, 1);
	assert_int_equal(tcpn_stack_stats(f.st)->conns, 2); /* nothing kept */
	uint32_t cookie = out.seq;

	now_ns += 3 * TCPS_NS_PER_S;
	kernel_sends(&f, &(tcps_segment){ .sport = 40002, .dport = 9000, .flags = TCPS_ACK, .seq = 5001,
					  .ack = cookie + 1, .wnd = 1000, .data = (const uint8_t *)"abc", .len = 3 });
	assert_int_equal(tcpn_stack_stats(f.st)->cookies_ok, 1);
	tcpn_sock *s = tcpn_accept(l, &err);
	assert_non_null(s);
	tcps_status st;
	tcpn_status(s, &st);
	assert_int_equal(st.state, TCPS_ESTABLISHED);
	assert_int_equal(st.iss, cookie);
	assert_int_equal(st.irs, 5000);
	assert_int_equal(st.snd_mss, 1460);
	assert_false(st.timestamps);
	assert_int_equal(st.rcv_ready, 3);
	assert_int_equal(l->l.half_open, 2);
	tcpn_close(l); /* resets the two still half-open */
	int rsts = 0;
	while (kernel_receives(&f, &out))
		rsts += !!(out.flags & TCPS_RST);
	assert_int_equal(rsts, 2);
	tcpn_abort(s);
	assert_int_equal(tcpn_stack_stats(f.st)->conns, 0);
	fx_down(&f);
}

/* A forged cookie, or one too old, is an ACK for no connection: RST. */
static void test_bad_cookies_answered_with_rst(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 8);
	int err;
	tcpn_sock *l = tcpn_listen(f.st, 9000, 1, &err);
	tcps_segment out;
	kernel_syn(&f, 40000, 9000, 1);
	assert_true(kernel_receives(&f, &out));
	kernel_syn(&f, 40001, 9000, 7000);
	assert_true(kernel_receives(&f, &out));
	uint32_t cookie = out.seq;

	kernel_seg(&f, 40001, 9000, TCPS_ACK, 7001, cookie + 2);
	assert_true(kernel_receives(&f, &out));
	assert_int_equal(out.flags, TCPS_RST);
	assert_int_equal(out.seq, cookie + 2);
	assert_int_equal(tcpn_stack_stats(f.st)->cookies_bad, 1);

	now_ns += (TCPN_COOKIE_AGE + 1) * TCPN_COOKIE_TICK;
	kernel_seg(&f, 40001, 9000, TCPS_ACK, 7001, cookie + 1);
	assert_true(kernel_receives(&f, &out));
	assert_int_equal(out.flags, TCPS_RST);
	assert_null(tcpn_accept(l, &err));
	assert_int_equal(tcpn_stack_stats(f.st)->cookies_ok, 0);
	tcpn_close(l);
	fx_down(&f);
}

/* A full accept queue drops SYNs (the peer's retransmission comes back
 * later), as does the connection limit. */
static void test_accept_queue_full_drops_syn(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 8);
	int err;
	tcpn_sock *l = tcpn_listen(f.st, 9000, 1, &err);
	tcps_segment out;
	kernel_syn(&f, 40000, 9000, 1);
	assert_true(kernel_receives(&f, &out));
	kernel_seg(&f, 40000, 9000, TCPS_ACK, 2, out.seq + 1);
	assert_int_equal(l->l.queued, 1);
	kernel_syn(&f, 40001, 9000, 1);
	assert_false(kernel_receives(&f, &out));
	assert_int_equal(tcpn_stack_stats(f.st)->syn_dropped, 1);
	tcpn_close(l);
	fx_down(&f);
}

/* Dropped and counted: a bad TCP checksum, a fragment, another address. */
static void test_drops_counted(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 8);
	uint8_t pkt[60] = { 0 };
	tcps_segment syn = syn_from(40000, 80, 1);
	size_t len = tcps_segment_emit(&syn, pkt + 20, 40); /* checksum left zero: wrong */
	tcpn_ipv4_build(pkt, kern4, ours4, TCPN_PROTO_TCP, (uint16_t)len, 1);
	assert_int_equal(write(f.fds[1], pkt, 20 + len), (ssize_t)(20 + len));

	uint8_t frag[40] = { 0 };
	tcpn_ipv4_build(frag, kern4, ours4, TCPN_PROTO_TCP, 20, 2);
	frag[6] |= 0x20; /* MF */
	frag[10] = frag[11] = 0;
	uint16_t c = tcps_csum_fold(tcps_csum_add(0, frag, 20));
	frag[10] = (uint8_t)(c >> 8);
	frag[11] = (uint8_t)c;
	assert_int_equal(write(f.fds[1], frag, 40), 40);

	uint8_t other[40] = { 0 };
	tcpn_ipv4_build(other, kern4, (uint8_t[]){ 198, 18, 0, 3 }, TCPN_PROTO_TCP, 20, 3);
	assert_int_equal(write(f.fds[1], other, 40), 40);

	uint8_t udp[28] = { 0 };
	tcpn_ipv4_build(udp, kern4, ours4, 17, 8, 4);
	assert_int_equal(write(f.fds[1], udp, 28), 28);

	tcpn_stack_process(f.st, now_ns);
	const tcpn_stats *s = tcpn_stack_stats(f.st);
	assert_int_equal(s->packets_in, 4);
	assert_int_equal(s->bad_tcp_csum, 1);
	assert_int_equal(s->fragments, 1);
	assert_int_equal(s->not_ours, 1);
	assert_int_equal(s->other_proto, 1);
	tcps_segment out;
	assert_false(kernel_receives(&f, &out)); /* none of them answered */
	fx_down(&f);
}

/* connect: a SYN from an ephemeral port; the timer brings it again; a
 * RST,ACK refuses it. */
static void test_connect_retransmit_refused(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 8);
	tcpn_addr a = { .family = 4 };
	memcpy(a.bytes, kern4, 4);
	int err;
	tcpn_sock *s = tcpn_connect(f.st, &a, 9000, &err);
	assert_non_null(s);
	tcps_segment out;
	assert_true(kernel_receives(&f, &out));
	assert_int_equal(out.flags, TCPS_SYN);
	assert_int_equal(out.dport, 9000);
	assert_in_range(out.sport, 32768, 60999);
	uint16_t sport = out.sport;
	uint32_t iss = out.seq;

	uint64_t d = tcpn_stack_next_deadline(f.st);
	assert_true(d > now_ns && d != TCPS_NEVER);
	assert_int_equal(tcpn_stack_timeout_ms(f.st, now_ns), (int)((d - now_ns + TCPS_NS_PER_MS - 1) / TCPS_NS_PER_MS));
	now_ns = d;
	tcpn_stack_process(f.st, now_ns);
	assert_true(kernel_receives(&f, &out));
	assert_int_equal(out.flags, TCPS_SYN);
	assert_int_equal(out.seq, iss);

	kernel_seg(&f, 9000, sport, TCPS_RST | TCPS_ACK, 0, iss + 1);
	assert_int_equal(tcpn_state(s), TCPS_CLOSED);
	assert_int_equal(tcpn_error(s), TCPS_ERR_REFUSED);
	assert_int_equal(tcpn_events(s), TCPN_READABLE | TCPN_WRITABLE | TCPN_HUP | TCPN_ERROR);
	assert_int_equal(tcpn_stack_next_deadline(f.st), TCPS_NEVER);
	tcpn_close(s);
	assert_int_equal(tcpn_stack_stats(f.st)->conns, 0);
	fx_down(&f);
}

/* ICMP errors reach the connection the quoted segment names: port
 * unreachable refuses a connection still opening; packet too big lowers
 * an established one's MSS. */
static void kernel_sends_icmp(fx *f, uint8_t type, uint8_t code, uint16_t mtu, const tcps_segment *quoted)
{
	uint8_t pkt[200] = { 0 };
	uint8_t *icmp = pkt + 20, *q = icmp + 8;
	icmp[0] = type;
	icmp[1] = code;
	icmp[6] = (uint8_t)(mtu >> 8);
	icmp[7] = (uint8_t)mtu;
	tcpn_ipv4_build(q, ours4, kern4, TCPN_PROTO_TCP, (uint16_t)(20 + quoted->len), 1);
	tcps_segment head = *quoted; /* a router quotes the headers, not the text */
	head.len = 0;
	head.data = NULL;
	size_t tl = tcps_segment_emit(&head, q + 20, 60);
	assert_true(tl >= 20);
	size_t len = 8 + 20 + tl;
	uint16_t c = tcps_csum_fold(tcps_csum_add(0, icmp, len));
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	tcpn_ipv4_build(pkt, kern4, ours4, TCPN_PROTO_ICMP, (uint16_t)len, 2);
	assert_int_equal(write(f->fds[1], pkt, 20 + len), (ssize_t)(20 + len));
	tcpn_stack_process(f->st, now_ns);
}

static void test_icmp_reaches_connection(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 8);
	tcpn_addr a = { .family = 4 };
	memcpy(a.bytes, kern4, 4);
	int err;
	tcpn_sock *s = tcpn_connect(f.st, &a, 9000, &err);
	tcps_segment syn;
	assert_true(kernel_receives(&f, &syn));
	kernel_sends_icmp(&f, 3, 3, 0, &syn);
	assert_int_equal(tcpn_state(s), TCPS_CLOSED);
	assert_int_equal(tcpn_error(s), TCPS_ERR_REFUSED);
	assert_int_equal(tcpn_stack_stats(f.st)->icmp_errors, 1);
	tcpn_close(s);

	s = tcpn_connect(f.st, &a, 9000, &err);
	assert_true(kernel_receives(&f, &syn));
	tcps_segment sa = seg_of(9000, syn.sport, TCPS_SYN | TCPS_ACK, 50000, syn.seq + 1);
	sa.options = TCPS_OPT_MSS;
	sa.mss = 1460;
	kernel_sends(&f, &sa);
	tcps_segment out;
	assert_true(kernel_receives(&f, &out)); /* the handshake's ACK */
	assert_int_equal(tcpn_state(s), TCPS_ESTABLISHED);
	static char text[3000];
	assert_int_equal(tcpn_send(s, text, sizeof text), (long)sizeof text);
	assert_true(kernel_receives(&f, &out));
	assert_int_equal(out.len, 1460);
	kernel_sends_icmp(&f, 3, 4, 1280, &out);
	tcps_status st;
	tcpn_status(s, &st);
	assert_int_equal(st.snd_mss, 1280 - 40);
	/* Another tuple's error is nobody's. */
	tcps_segment stray = out;
	stray.sport = (uint16_t)(stray.sport + 1);
	kernel_sends_icmp(&f, 3, 1, 0, &stray);
	assert_int_equal(tcpn_stack_stats(f.st)->icmp_ignored, 1);
	tcpn_abort(s);
	fx_down(&f);
}

/* The blocking convenience: tcpn_wait returns once the SYN,ACK waiting
 * on the device has made the connection writable. */
static void test_wait_until_writable(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 8);
	tcpn_addr a = { .family = 4 };
	memcpy(a.bytes, kern4, 4);
	int err;
	tcpn_sock *s = tcpn_connect(f.st, &a, 9000, &err);
	tcps_segment syn;
	assert_true(kernel_receives(&f, &syn));
	assert_int_equal(tcpn_events(s), 0);
	uint8_t pkt[80];
	tcps_segment sa = seg_of(9000, syn.sport, TCPS_SYN | TCPS_ACK, 777, syn.seq + 1);
	size_t len = tcps_segment_emit(&sa, pkt + 20, 60);
	uint16_t c = tcpn_l4_csum(4, kern4, ours4, TCPN_PROTO_TCP, pkt + 20, (uint32_t)len);
	pkt[36] = (uint8_t)(c >> 8);
	pkt[37] = (uint8_t)c;
	tcpn_ipv4_build(pkt, kern4, ours4, TCPN_PROTO_TCP, (uint16_t)len, 1);
	assert_int_equal(write(f.fds[1], pkt, 20 + len), (ssize_t)(20 + len));
	assert_int_equal(tcpn_wait(s, TCPN_WRITABLE, 5000), TCPN_WRITABLE);
	assert_int_equal(tcpn_state(s), TCPS_ESTABLISHED);
	tcpn_abort(s);
	fx_down(&f);
}

/* max_conns bounds connections of every kind. */
static void test_connection_limit(void **state)
{
	(void)state;
	fx f;
	fx_up(&f, 2);
	tcpn_addr a = { .family = 4 };
	memcpy(a.bytes, kern4, 4);
	int err;
	tcpn_sock *s1 = tcpn_connect(f.st, &a, 9000, &err);
	tcpn_sock *s2 = tcpn_connect(f.st, &a, 9000, &err);
	assert_non_null(s1);
	assert_non_null(s2);
	assert_null(tcpn_connect(f.st, &a, 9000, &err));
	assert_int_equal(err, TCPN_ERR_LIMIT);
	tcpn_addr v6 = { .family = 6 };
	tcpn_abort(s1);
	/* A slot freed is a slot to use, in either family. */
	tcpn_sock *s3 = tcpn_connect(f.st, &v6, 9000, &err);
	assert_non_null(s3);
	tcpn_abort(s2);
	tcpn_abort(s3);
	fx_down(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_find_insert_remove_grow),
		cmocka_unit_test(test_tuple_equal_ipv4_ignores_spare_bytes),
		cmocka_unit_test(test_heap_earliest_first),
		cmocka_unit_test(test_cookie_round_trip_and_mss_table),
		cmocka_unit_test(test_cookie_expiry),
		cmocka_unit_test(test_cookie_forgeries_refused),
		cmocka_unit_test(test_rst_for_no_connection),
		cmocka_unit_test(test_listen_accept_data),
		cmocka_unit_test(test_backlog_overflow_answers_with_cookies),
		cmocka_unit_test(test_bad_cookies_answered_with_rst),
		cmocka_unit_test(test_accept_queue_full_drops_syn),
		cmocka_unit_test(test_drops_counted),
		cmocka_unit_test(test_connect_retransmit_refused),
		cmocka_unit_test(test_icmp_reaches_connection),
		cmocka_unit_test(test_wait_until_writable),
		cmocka_unit_test(test_connection_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
