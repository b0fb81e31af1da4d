/* Property: the decoder's short way for the common frame (Ethernet,
 * IPv4 without options, TCP; src/trace/decode.c) decides exactly as its
 * general way does, for any bytes.  The general way is reached by the
 * same IPv4 packet behind an 802.1Q tag, which the short way never takes;
 * the two results must be the same: verdict, reason, addresses, every
 * header and option field, payload length and position, and whether the
 * snap length cut it.
 *
 * The packets start well formed and are then bent where the short way
 * looks: the version and header length, the total length (0, short,
 * past the frame), fragment flags and offset, the protocol, the TCP data
 * offset, the options' bytes, and the snap and wire lengths.  Each frame
 * is decoded from a heap block of exactly its captured length, so that
 * AddressSanitizer sees any read past it.
 *
 * TCPS_PROPERTY_SEEDS sets the number of packets (default 200000). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode_fx.h"
#include "sim/rng.h"
#include "support.h"

enum { VLAN_LEN = 4, ETH_LEN = 14 };

/* One IPv4 packet: ip[0..len). */
typedef struct packet {
	uint8_t ip[20 + 60 + 64];
	size_t len;
} packet;

static uint8_t pick(sim_rng *r, const uint8_t *from, size_t n)
{
	return from[sim_rng_below(r, n)];
}

/* Option bytes that mostly parse: NOPs, timestamps, MSS, SACK, with now
 * and then a length that runs over or a byte of anything. */
static void draw_options(sim_rng *r, uint8_t *o, size_t n)
{
	static const uint8_t ts[] = { 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9 };
	if (n == 12 && sim_rng_chance(r, 60)) {
		memcpy(o, ts, 12);
		return;
	}
	static const uint8_t kinds[] = { 0, 1, 1, 2, 3, 4, 5, 8, 30, 255 };
	for (size_t i = 0; i < n;) {
		uint8_t k = pick(r, kinds, sizeof kinds);
		o[i++] = k;
		if (k <= 1 || i == n)
			continue;
		uint8_t len = sim_rng_chance(r, 80) ? (uint8_t)(2 + sim_rng_below(r, 10)) : (uint8_t)sim_rng_next(r);
		o[i++] = len;
		for (size_t j = 2; j < len && i < n; j++)
			o[i++] = (uint8_t)sim_rng_next(r);
	}
}

/* How often each field is bent: with six of them, about half the
 * packets come out whole. */
#define BEND 12

static void draw_packet(sim_rng *r, packet *p)
{
	size_t doff = sim_rng_chance(r, BEND) ? sim_rng_below(r, 16) : 5 + 3 * sim_rng_below(r, 2);
	size_t hlen = doff < 5 ? 20 : doff * 4, payload = sim_rng_below(r, 4) ? sim_rng_below(r, 40) : 0;
	size_t len = 20 + hlen + payload;
	static const uint8_t vihl[] = { 0x46, 0x44, 0x4f, 0x65, 0x40, 0x00 };
	static const uint8_t proto[] = { 17, 4, 41, 0 };
	static const uint16_t frag[] = { 0x4000, 0x2000, 0x0001, 0x2001, 0x1fff, 0x8000 };

	uint8_t *ip = p->ip, *t = ip + 20;
	for (size_t i = 0; i < sizeof p->ip; i++)
		p->ip[i] = (uint8_t)sim_rng_next(r);
	ip[0] = sim_rng_chance(r, BEND) ? pick(r, vihl, sizeof vihl) : 0x45;
	uint32_t tot = (uint32_t)len;
	if (sim_rng_chance(r, BEND)) {
		switch (sim_rng_below(r, 3)) {
		case 0: tot = 0; break;                                        /* TSO */
		case 1: tot = (uint32_t)sim_rng_below(r, len + 8); break;     /* short or long */
		default: tot = (uint32_t)(len - sim_rng_below(r, payload + 1)); /* padded frame */
		}
	}
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	uint16_t fw = sim_rng_chance(r, BEND) ? frag[sim_rng_below(r, sizeof frag / sizeof frag[0])] : 0;
	ip[6] = (uint8_t)(fw >> 8);
	ip[7] = (uint8_t)fw;
	ip[9] = sim_rng_chance(r, BEND) ? pick(r, proto, sizeof proto) : 6;
	t[12] = (uint8_t)(doff << 4 | (t[12] & 0x0f));
	draw_options(r, t + 20, hlen - 20);
	p->len = len;
}

/* p behind an Ethernet header, with a VLAN tag (tagged) in front of the
 * IPv4 type; the first caplen bytes of the IP packet captured, wire of
 * it on the wire. */
static trace_decode_result decode(const packet *p, bool tagged, size_t caplen, size_t wire, trace_pkt *out,
				  const char **why, size_t *data_at)
{
	frame f = { .n = 0 };
	if (tagged) {
		dfx_eth(&f, 0x8100);
		dfx_vlan_tag(&f, 5, 0x0800);
	} else {
		dfx_eth(&f, 0x0800);
	}
	size_t link = f.n;
	put(&f, p->ip, caplen);
	uint8_t *exact = tcpt_dup_exact(f.b, f.n);
	memset(out, 0xa5, sizeof *out);
	*why = "unset";
	trace_decode_result res = trace_decode(TRACE_DLT_EN10MB, exact, (uint32_t)f.n, (uint32_t)(link + wire), out, why);
	*data_at = SIZE_MAX;
	if (res == TRACE_DEC_TCP && out->seg.data) {
		assert_true(out->seg.data >= exact + link && out->seg.data < exact + f.n);
		*data_at = (size_t)(out->seg.data - (exact + link));
	}
	out->seg.data = NULL;
	free(exact);
	return res;
}

static void assert_same_segment(const tcps_segment *a, const tcps_segment *b)
{
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->ack, b->ack);
	assert_int_equal(a->wnd, b->wnd);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->up, b->up);
	assert_int_equal(a->options, b->options);
	assert_int_equal(a->wscale, b->wscale);
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->tsval, b->tsval);
	assert_int_equal(a->tsecr, b->tsecr);
	assert_int_equal(a->nsack, b->nsack);
	assert_memory_equal(a->sack, b->sack, sizeof a->sack);
	assert_int_equal(a->len, b->len);
}

static void test_ipv4_short_way_decides_as_the_general_way(void **state)
{
	(void)state;
	const char *env = getenv("TCPS_PROPERTY_SEEDS");
	unsigned long n = env ? strtoul(env, NULL, 10) : 200000;
	sim_rng r;
	sim_rng_seed(&r, 0x9293);
	unsigned long tcp = 0, cut = 0;
	for (unsigned long i = 0; i < n; i++) {
		packet p;
		draw_packet(&r, &p);
		size_t caplen = sim_rng_chance(&r, BEND) ? sim_rng_below(&r, p.len + 1) : p.len;
		size_t wire = p.len + (sim_rng_chance(&r, 10) ? sim_rng_below(&r, 30) : 0);
		trace_pkt fast, general;
		const char *why_fast, *why_general;
		size_t at_fast, at_general;
		trace_decode_result rf = decode(&p, false, caplen, wire, &fast, &why_fast, &at_fast);
		trace_decode_result rg = decode(&p, true, caplen, wire, &general, &why_general, &at_general);
		if (rf != rg || (why_fast == NULL) != (why_general == NULL) ||
		    (why_fast && strcmp(why_fast, why_general)))
			fail_msg("packet %lu (caplen %zu, wire %zu): %d \"%s\" without the tag, %d \"%s\" with it", i,
				 caplen, wire, rf, why_fast ? why_fast : "", rg, why_general ? why_general : "");
		if (rf != TRACE_DEC_TCP)
			continue;
		tcp++;
		assert_int_equal(fast.family, general.family);
		assert_memory_equal(fast.src, general.src, sizeof fast.src);
		assert_memory_equal(fast.dst, general.dst, sizeof fast.dst);
		assert_same_segment(&fast.seg, &general.seg);
		assert_int_equal(at_fast, at_general);
		assert_int_equal(fast.truncated, general.truncated);
		cut += general.truncated;
	}
	print_message("%lu packets, %lu decoded as TCP, %lu of them cut short\n", n, tcp, cut);
	/* The bending must leave many packets whole, or little was compared. */
	assert_true(tcp > n / 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_short_way_decides_as_the_general_way),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
