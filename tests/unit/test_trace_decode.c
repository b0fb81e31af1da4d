/* The capture decoder (src/trace/decode.c): every link type tcpstate
 * reads, VLAN tags, IPv4 (RFC 791) and IPv6 with its extension headers
 * (RFC 8200 §4, RFC 4302 for AH), fragments, Ethernet padding, the snap
 * length cutting payload or options, and broken headers.
 *
 * Frames are built byte by byte here and handed to the decoder in heap
 * blocks of exactly the captured length, so that AddressSanitizer reports
 * any read past what was captured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"
#include "frame.h"
#include "trace/decode.h"

/* ---- Building frames ---- */

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t v4_src[4] = { 10, 0, 0, 1 };
static const uint8_t v4_dst[4] = { 10, 0, 0, 2 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static void eth(frame *f, uint16_t type)
{
	put(f, mac_b, 6);
	put(f, mac_a, 6);
	put16(f, type);
}

/* A VLAN tag's TCI (priority 0, VLAN id) and the type that follows. */
static void vlan_tag(frame *f, uint16_t vid, uint16_t next)
{
	put16(f, vid);
	put16(f, next);
}

/* IPv4 header without options; payload bytes follow; frag is the
 * flags-and-offset word. */
static void ipv4(frame *f, uint16_t payload, uint8_t proto, uint16_t frag)
{
	put8(f, 0x45);
	put8(f, 0);
	put16(f, (uint16_t)(20 + payload));
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put(f, v4_src, 4);
	put(f, v4_dst, 4);
}

static void ipv6(frame *f, uint16_t payload, uint8_t nh)
{
	put32(f, 0x60000000);
	put16(f, payload);
	put8(f, nh);
	put8(f, 64);
	put(f, v6_src, 16);
	put(f, v6_dst, 16);
}

/* A SYN's options as Linux sends them: MSS 1460, SACK permitted,
 * TS val 1000 ecr 0, NOP, window scale 7 (20 bytes). */
static const uint8_t syn_opts[20] = {
	2, 4, 0x05, 0xb4,
	4, 2,
	8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0,
	1,
	3, 3, 7,
};

#define SPORT 40000
#define DPORT 80
#define SEQ 0x11223344u
#define ACK 0x55667788u
#define WND 64240

static void tcp(frame *f, uint8_t flags, const uint8_t *opts, size_t optlen)
{
	assert_int_equal(optlen % 4, 0);
	put16(f, SPORT);
	put16(f, DPORT);
	put32(f, SEQ);
	put32(f, ACK);
	put8(f, (uint8_t)((20 + optlen) / 4 << 4));
	put8(f, flags);
	put16(f, WND);
	put16(f, 0);
	put16(f, 0);
	put(f, opts, optlen);
}

static void payload(frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, (uint8_t)('a' + i % 26));
}

/* The common case: a SYN with Linux's options and `len` bytes of
 * payload (TCP fast open style, so that the payload is checked too). */
static void syn_segment(frame *f, size_t len)
{
	tcp(f, TCPS_SYN, syn_opts, sizeof syn_opts);
	payload(f, len);
}

#define SYN_TCP_LEN (20 + sizeof syn_opts)

/* ---- Decoding ---- */

#define TS_SENTINEL 0x0123456789abcdefull
#define INDEX_SENTINEL 77u

static trace_decode_result decode_cut(int dlt, const frame *f, size_t caplen, size_t wirelen,
				      trace_pkt *pkt, const char **why)
{
	uint8_t *exact = tcpt_dup_exact(f->b, caplen);
	trace_decode_result r;

	memset(pkt, 0xa5, sizeof *pkt);
	pkt->ts = TS_SENTINEL;
	pkt->index = INDEX_SENTINEL;
	*why = "unset";
	r = trace_decode(dlt, exact, (uint32_t)caplen, (uint32_t)wirelen, pkt, why);
	/* The caller's fields are the caller's. */
	assert_true(pkt->ts == TS_SENTINEL);
	assert_int_equal(pkt->index, INDEX_SENTINEL);
	/* seg.data must point into what was captured: check it while the
	 * block is alive, then forget the address. */
	if (r == TRACE_DEC_TCP && pkt->seg.data) {
		assert_true(pkt->seg.data > exact && pkt->seg.data < exact + caplen);
		assert_memory_equal(pkt->seg.data, "abcdef", exact + caplen - pkt->seg.data < 6
				    ? (size_t)(exact + caplen - pkt->seg.data) : 6);
		pkt->seg.data = (const uint8_t *)1;
	}
	free(exact);
	return r;
}

static trace_decode_result decode(int dlt, const frame *f, trace_pkt *pkt, const char **why)
{
	return decode_cut(dlt, f, f->n, f->n, pkt, why);
}

static void assert_v4_addrs(const trace_pkt *p)
{
	static const uint8_t zero[12];

	assert_int_equal(p->family, 4);
	assert_memory_equal(p->src, v4_src, 4);
	assert_memory_equal(p->dst, v4_dst, 4);
	assert_memory_equal(p->src + 4, zero, 12);
	assert_memory_equal(p->dst + 4, zero, 12);
}

static void assert_v6_addrs(const trace_pkt *p)
{
	assert_int_equal(p->family, 6);
	assert_memory_equal(p->src, v6_src, 16);
	assert_memory_equal(p->dst, v6_dst, 16);
}

/* Every header field of the SYN built by syn_segment(), and its length. */
static void assert_syn(const trace_pkt *p, uint32_t len, bool data_captured)
{
	assert_int_equal(p->seg.sport, SPORT);
	assert_int_equal(p->seg.dport, DPORT);
	assert_int_equal(p->seg.seq, SEQ);
	assert_int_equal(p->seg.ack, ACK);
	assert_int_equal(p->seg.flags, TCPS_SYN);
	assert_int_equal(p->seg.wnd, WND);
	assert_int_equal(p->seg.up, 0);
	assert_int_equal(p->seg.options,
			 TCPS_OPT_MSS | TCPS_OPT_SACK_OK | TCPS_OPT_TS | TCPS_OPT_WSCALE);
	assert_int_equal(p->seg.mss, 1460);
	assert_int_equal(p->seg.wscale, 7);
	assert_int_equal(p->seg.tsval, 1000);
	assert_int_equal(p->seg.tsecr, 0);
	assert_int_equal(p->seg.nsack, 0);
	assert_int_equal(p->seg.len, len);
	if (data_captured)
		assert_non_null(p->seg.data);
	else
		assert_null(p->seg.data);
}

static void assert_whole_v4_syn(int dlt, const frame *f, uint32_t len)
{
	trace_pkt p;
	const char *why;

	assert_int_equal(decode(dlt, f, &p, &why), TRACE_DEC_TCP);
	assert_null(why);
	assert_v4_addrs(&p);
	assert_syn(&p, len, len > 0);
	assert_false(p.truncated);
}

static void assert_whole_v6_syn(int dlt, const frame *f, uint32_t len)
{
	trace_pkt p;
	const char *why;

	assert_int_equal(decode(dlt, f, &p, &why), TRACE_DEC_TCP);
	assert_null(why);
	assert_v6_addrs(&p);
	assert_syn(&p, len, len > 0);
	assert_false(p.truncated);
}

static void assert_result(int dlt, const frame *f, trace_decode_result want, const char *why_part)
{
	trace_pkt p;
	const char *why;

	assert_int_equal(decode(dlt, f, &p, &why), want);
	assert_non_null(why);
	assert_non_null(strstr(why, why_part));
}

/* ---- Link layers ---- */

static void test_ethernet_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN + 10, 6, 0);
	syn_segment(&f, 10);
	assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 10);
}

static void test_ethernet_ipv6(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x86dd);
	ipv6(&f, SYN_TCP_LEN + 7, 6);
	syn_segment(&f, 7);
	assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 7);
}

static void test_ethernet_8021q(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x8100);
	vlan_tag(&f, 100, 0x0800);
	ipv4(&f, SYN_TCP_LEN + 3, 6, 0);
	syn_segment(&f, 3);
	assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 3);
}

static void test_ethernet_qinq_8021ad(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x88a8);
	vlan_tag(&f, 200, 0x8100);
	vlan_tag(&f, 100, 0x86dd);
	ipv6(&f, SYN_TCP_LEN, 6);
	syn_segment(&f, 0);
	assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 0);
}

/* 0x9100 (pre-802.1ad QinQ) and three tags deep: any depth is taken. */
static void test_ethernet_three_tags_9100(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x9100);
	vlan_tag(&f, 300, 0x88a8);
	vlan_tag(&f, 200, 0x8100);
	vlan_tag(&f, 100, 0x0800);
	ipv4(&f, SYN_TCP_LEN + 1, 6, 0);
	syn_segment(&f, 1);
	assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 1);
}

static void test_ethernet_arp_is_not_tcp(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0806);
	put_zeros(&f, 28);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_NOT_TCP, "not IP");
}

/* Linux cooked v1: packet type, ARPHRD type, address length, 8 address
 * bytes, protocol. */
static void sll(frame *f, uint16_t proto)
{
	put16(f, 4); /* LINUX_SLL_OUTGOING */
	put16(f, 1); /* ARPHRD_ETHER */
	put16(f, 6);
	put(f, mac_a, 6);
	put16(f, 0);
	put16(f, proto);
}

/* Linux cooked v2: protocol, reserved, ifindex, ARPHRD type, packet
 * type, address length, 8 address bytes. */
static void sll2(frame *f, uint16_t proto)
{
	put16(f, proto);
	put16(f, 0);
	put32(f, 2);
	put16(f, 1);
	put8(f, 0);
	put8(f, 6);
	put(f, mac_a, 6);
	put16(f, 0);
}

static void test_linux_sll_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	sll(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN + 5, 6, 0);
	syn_segment(&f, 5);
	assert_int_equal(f.n, 16 + 20 + SYN_TCP_LEN + 5);
	assert_whole_v4_syn(TRACE_DLT_LINUX_SLL, &f, 5);
}

static void test_linux_sll_vlan_ipv6(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	sll(&f, 0x8100);
	vlan_tag(&f, 7, 0x86dd);
	ipv6(&f, SYN_TCP_LEN, 6);
	syn_segment(&f, 0);
	assert_whole_v6_syn(TRACE_DLT_LINUX_SLL, &f, 0);
}

static void test_linux_sll2_ipv6(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	sll2(&f, 0x86dd);
	ipv6(&f, SYN_TCP_LEN + 2, 6);
	syn_segment(&f, 2);
	assert_int_equal(f.n, 20 + 40 + SYN_TCP_LEN + 2);
	assert_whole_v6_syn(TRACE_DLT_LINUX_SLL2, &f, 2);
}

static void test_linux_sll2_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	sll2(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN, 6, 0);
	syn_segment(&f, 0);
	assert_whole_v4_syn(TRACE_DLT_LINUX_SLL2, &f, 0);
}

static void test_linux_sll_cut_short(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put_zeros(&f, 15);
	assert_result(TRACE_DLT_LINUX_SLL, &f, TRACE_DEC_MALFORMED, "SLL");
	put_zeros(&f, 4);
	assert_result(TRACE_DLT_LINUX_SLL2, &f, TRACE_DEC_MALFORMED, "SLL2");
}

/* DLT_NULL's family is in the capturing host's byte order. */
static void test_null_little_endian_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put32le(&f, 2);
	ipv4(&f, SYN_TCP_LEN + 4, 6, 0);
	syn_segment(&f, 4);
	assert_whole_v4_syn(TRACE_DLT_NULL, &f, 4);
}

static void test_null_big_endian_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put32(&f, 2);
	ipv4(&f, SYN_TCP_LEN + 4, 6, 0);
	syn_segment(&f, 4);
	assert_whole_v4_syn(TRACE_DLT_NULL, &f, 4);
}

/* AF_INET6 is 24, 28 or 30 depending on the BSD; each in both orders. */
static void test_null_ipv6_every_bsd_family(void **state)
{
	static const uint32_t fams[] = { 24, 28, 30 };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		for (int be = 0; be < 2; be++) {
			frame f = { .n = 0 };

			if (be)
				put32(&f, fams[i]);
			else
				put32le(&f, fams[i]);
			ipv6(&f, SYN_TCP_LEN, 6);
			syn_segment(&f, 0);
			assert_whole_v6_syn(TRACE_DLT_NULL, &f, 0);
		}
	}
}

static void test_null_other_family_is_not_tcp(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put32le(&f, 7);
	put_zeros(&f, 40);
	assert_result(TRACE_DLT_NULL, &f, TRACE_DEC_NOT_TCP, "not IP");
	f.n = 0;
	put_zeros(&f, 3);
	assert_result(TRACE_DLT_NULL, &f, TRACE_DEC_MALFORMED, "loopback header");
}

/* DLT_LOOP is always in network byte order. */
static void test_loop_network_order(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put32(&f, 2);
	ipv4(&f, SYN_TCP_LEN + 9, 6, 0);
	syn_segment(&f, 9);
	assert_whole_v4_syn(TRACE_DLT_LOOP, &f, 9);

	f.n = 0;
	put32(&f, 30);
	ipv6(&f, SYN_TCP_LEN, 6);
	syn_segment(&f, 0);
	assert_whole_v6_syn(TRACE_DLT_LOOP, &f, 0);

	f.n = 0;
	put32le(&f, 2);
	ipv4(&f, SYN_TCP_LEN, 6, 0);
	syn_segment(&f, 0);
	assert_result(TRACE_DLT_LOOP, &f, TRACE_DEC_NOT_TCP, "not IP");
}

static void test_raw_ip_every_dlt(void **state)
{
	static const int dlts[] = { TRACE_DLT_RAW, TRACE_DLT_RAW_OPENBSD, TRACE_LINKTYPE_RAW };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		frame f4 = { .n = 0 }, f6 = { .n = 0 };

		ipv4(&f4, SYN_TCP_LEN + 6, 6, 0);
		syn_segment(&f4, 6);
		assert_whole_v4_syn(dlts[i], &f4, 6);
		ipv6(&f6, SYN_TCP_LEN + 6, 6);
		syn_segment(&f6, 6);
		assert_whole_v6_syn(dlts[i], &f6, 6);
	}
}

static void test_raw_ip_bad_version(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	ipv4(&f, SYN_TCP_LEN, 6, 0);
	syn_segment(&f, 0);
	f.b[0] = 0x55;
	assert_result(TRACE_DLT_RAW, &f, TRACE_DEC_MALFORMED, "neither version");
	f.n = 0;
	assert_result(TRACE_DLT_RAW, &f, TRACE_DEC_MALFORMED, "cut short");
}

static void test_dlt_ipv4_and_ipv6(void **state)
{
	frame f4 = { .n = 0 }, f6 = { .n = 0 };

	(void)state;
	ipv4(&f4, SYN_TCP_LEN, 6, 0);
	syn_segment(&f4, 0);
	assert_whole_v4_syn(TRACE_DLT_IPV4, &f4, 0);
	ipv6(&f6, SYN_TCP_LEN, 6);
	syn_segment(&f6, 0);
	assert_whole_v6_syn(TRACE_DLT_IPV6, &f6, 0);
	/* Each takes only its own version. */
	assert_result(TRACE_DLT_IPV4, &f6, TRACE_DEC_MALFORMED, "another version");
	assert_result(TRACE_DLT_IPV6, &f4, TRACE_DEC_MALFORMED, "another version");
}

static void test_unsupported_link_type(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	ipv4(&f, SYN_TCP_LEN, 6, 0);
	syn_segment(&f, 0);
	assert_false(trace_decode_linktype_supported(105)); /* 802.11 */
	assert_true(trace_decode_linktype_supported(TRACE_DLT_LINUX_SLL2));
	assert_result(105, &f, TRACE_DEC_MALFORMED, "unsupported link type");
}

/* ---- IPv6 extension headers (RFC 8200 §4) ---- */

/* An extension header of the generic form: next header, length in
 * 8-octet units beyond the first, then padding (PadN). */
static void ext_generic(frame *f, uint8_t next, uint8_t units)
{
	put8(f, next);
	put8(f, units);
	put8(f, 1);                  /* PadN */
	put8(f, (uint8_t)(4 + units * 8));
	put_zeros(f, 4 + (size_t)units * 8);
}

/* The fragment header (RFC 8200 §4.5): offset in 8-octet units, M flag. */
static void ext_fragment(frame *f, uint8_t next, uint16_t offset, int more)
{
	put8(f, next);
	put8(f, 0);
	put16(f, (uint16_t)(offset << 3 | (more ? 1 : 0)));
	put32(f, 0xcafe);
}

/* AH (RFC 4302 §2): next header, payload length in 4-octet units minus
 * 2, reserved, SPI, sequence, ICV.  With a 12-byte ICV: length 4. */
static void ext_ah(frame *f, uint8_t next)
{
	put8(f, next);
	put8(f, 4);
	put16(f, 0);
	put32(f, 0x100);
	put32(f, 1);
	put_zeros(f, 12);
}

static void v6_with_ext(frame *f, uint8_t first, size_t extlen)
{
	eth(f, 0x86dd);
	ipv6(f, (uint16_t)(extlen + SYN_TCP_LEN + 4), first);
}

static void test_ipv6_hop_by_hop(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 0, 8);
	ext_generic(&f, 6, 0);
	syn_segment(&f, 4);
	assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_routing(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 43, 24);
	ext_generic(&f, 6, 2);
	syn_segment(&f, 4);
	assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_destination_options(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 60, 16);
	ext_generic(&f, 6, 1);
	syn_segment(&f, 4);
	assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_ah_counts_4_octet_units(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 51, 24);
	ext_ah(&f, 6);
	syn_segment(&f, 4);
	assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

/* A first fragment (offset 0, M set) holds the TCP header. */
static void test_ipv6_first_fragment_is_decoded(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 44, 8);
	ext_fragment(&f, 6, 0, 1);
	syn_segment(&f, 4);
	assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_later_fragment(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x86dd);
	ipv6(&f, 8 + 100, 44);
	ext_fragment(&f, 6, 185, 0);
	payload(&f, 100);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_FRAGMENT, "fragment");

	f.n = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 8 + 100, 44);
	ext_fragment(&f, 17, 185, 1);
	payload(&f, 100);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_NOT_TCP, "not TCP");
}

/* Every kind in one chain, in RFC 8200 §4.1's recommended order. */
static void test_ipv6_every_extension_chained(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 0, 8 + 16 + 8 + 8 + 24 + 8);
	ext_generic(&f, 60, 0);  /* hop-by-hop */
	ext_generic(&f, 43, 1);  /* destination options */
	ext_generic(&f, 44, 0);  /* routing */
	ext_fragment(&f, 51, 0, 0);
	ext_ah(&f, 60);
	ext_generic(&f, 6, 0);   /* destination options */
	syn_segment(&f, 4);
	assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_no_next_header_esp_udp(void **state)
{
	static const uint8_t kinds[] = { 59, 50, 17, 58 };

	(void)state;
	for (size_t i = 0; i < sizeof kinds; i++) {
		frame f = { .n = 0 };

		eth(&f, 0x86dd);
		ipv6(&f, 8 + 16, 0);
		ext_generic(&f, kinds[i], 0);
		put_zeros(&f, 16);
		assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_NOT_TCP, "not TCP");
	}
}

static void test_ipv6_extension_past_payload(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	/* The header says 3 more units (32 bytes); the payload holds 24. */
	eth(&f, 0x86dd);
	ipv6(&f, 24, 60);
	ext_generic(&f, 6, 2);
	f.b[14 + 40 + 1] = 3;
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the payload length");

	/* Fewer than 8 bytes left for an extension header. */
	f.n = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 4, 0);
	put_zeros(&f, 4);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the payload length");
}

static void test_ipv6_payload_length_past_frame(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x86dd);
	ipv6(&f, SYN_TCP_LEN + 100, 6);
	syn_segment(&f, 10);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the end of the frame");
}

static void test_ipv6_extension_cut_by_snaplen(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	v6_with_ext(&f, 0, 8);
	ext_generic(&f, 6, 0);
	syn_segment(&f, 4);
	assert_int_equal(decode_cut(TRACE_DLT_EN10MB, &f, 14 + 40 + 2, f.n, &p, &why),
			 TRACE_DEC_MALFORMED);
	assert_non_null(strstr(why, "snap length"));
}

/* ---- IPv4 ---- */

static void test_ipv4_first_fragment_is_decoded(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN + 8, 6, 0x2000); /* MF, offset 0 */
	syn_segment(&f, 8);
	assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 8);
}

static void test_ipv4_later_fragment(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 100, 6, 185); /* offset 185 * 8, last */
	payload(&f, 100);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_FRAGMENT, "fragment");
	f.n = 0;
	eth(&f, 0x0800);
	ipv4(&f, 100, 6, 0x2000 | 1); /* MF and offset 8 */
	payload(&f, 100);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_FRAGMENT, "fragment");
}

static void test_ipv4_udp_is_not_tcp(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 8, 17, 0);
	put_zeros(&f, 8);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_NOT_TCP, "not TCP");
}

/* IPv4 options move the TCP header: IHL is followed. */
static void test_ipv4_options(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 8 + SYN_TCP_LEN, 6, 0);
	f.b[14] = 0x47;
	put32(&f, 0x01010101); /* NOPs */
	put32(&f, 0x01010100); /* NOPs, EOL */
	syn_segment(&f, 0);
	assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 0);
}

/* A bare ACK is 54 bytes; Ethernet pads it to 60.  The IP total length
 * says where the packet ends, so the padding is not payload. */
static void test_ethernet_padding_is_not_payload(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 20, 6, 0);
	tcp(&f, TCPS_ACK, NULL, 0);
	put_zeros(&f, 6);
	assert_int_equal(f.n, 60);
	assert_int_equal(decode(TRACE_DLT_EN10MB, &f, &p, &why), TRACE_DEC_TCP);
	assert_v4_addrs(&p);
	assert_int_equal(p.seg.flags, TCPS_ACK);
	assert_int_equal(p.seg.options, 0);
	assert_int_equal(p.seg.len, 0);
	assert_null(p.seg.data);
	assert_false(p.truncated);
}

/* Linux captures of TSO segments show total length 0: the frame's
 * length is the packet's. */
static void test_ipv4_total_length_zero_is_tso(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 0, 6, 0);
	f.b[14 + 2] = f.b[14 + 3] = 0;
	syn_segment(&f, 1000);
	assert_int_equal(decode(TRACE_DLT_EN10MB, &f, &p, &why), TRACE_DEC_TCP);
	assert_syn(&p, 1000, true);
	assert_false(p.truncated);
}

/* ---- The snap length ---- */

/* tcpdump -s 96: the headers are whole, the payload is cut; the length
 * comes from the IP header. */
static void test_snaplen_cuts_payload(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN + 1400, 6, 0);
	syn_segment(&f, 1400);
	assert_int_equal(decode_cut(TRACE_DLT_EN10MB, &f, 96, f.n, &p, &why), TRACE_DEC_TCP);
	assert_v4_addrs(&p);
	assert_syn(&p, 1400, true);
	assert_true(p.truncated);

	/* Cut exactly at the end of the TCP header: no payload pointer. */
	assert_int_equal(decode_cut(TRACE_DLT_EN10MB, &f, 14 + 20 + SYN_TCP_LEN, f.n, &p, &why),
			 TRACE_DEC_TCP);
	assert_syn(&p, 1400, false);
	assert_true(p.truncated);
}

static void test_snaplen_cuts_payload_ipv6(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	sll2(&f, 0x86dd);
	ipv6(&f, SYN_TCP_LEN + 1200, 6);
	syn_segment(&f, 1200);
	assert_int_equal(decode_cut(TRACE_DLT_LINUX_SLL2, &f, 128, f.n, &p, &why), TRACE_DEC_TCP);
	assert_v6_addrs(&p);
	assert_syn(&p, 1200, true);
	assert_true(p.truncated);
}

/* The snap length falls inside the options: the whole options before the
 * cut are decoded, the one it splits is not. */
static void test_snaplen_cuts_options(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;
	size_t tcp_at = 14 + 20;

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN + 100, 6, 0);
	syn_segment(&f, 100);
	/* MSS (4) and SACK-permitted (2) whole, 3 bytes of the timestamps. */
	assert_int_equal(decode_cut(TRACE_DLT_EN10MB, &f, tcp_at + 20 + 4 + 2 + 3, f.n, &p, &why),
			 TRACE_DEC_TCP);
	assert_null(why);
	assert_v4_addrs(&p);
	assert_int_equal(p.seg.sport, SPORT);
	assert_int_equal(p.seg.dport, DPORT);
	assert_int_equal(p.seg.seq, SEQ);
	assert_int_equal(p.seg.ack, ACK);
	assert_int_equal(p.seg.flags, TCPS_SYN);
	assert_int_equal(p.seg.wnd, WND);
	assert_int_equal(p.seg.options, TCPS_OPT_MSS | TCPS_OPT_SACK_OK);
	assert_int_equal(p.seg.mss, 1460);
	assert_int_equal(p.seg.len, 100);
	assert_null(p.seg.data);
	assert_true(p.truncated);

	/* Cut right after the fixed header: no options, header still read. */
	assert_int_equal(decode_cut(TRACE_DLT_EN10MB, &f, tcp_at + 20, f.n, &p, &why),
			 TRACE_DEC_TCP);
	assert_int_equal(p.seg.seq, SEQ);
	assert_int_equal(p.seg.options, 0);
	assert_int_equal(p.seg.len, 100);
	assert_true(p.truncated);
}

/* Fewer than 20 bytes of TCP captured: nothing to go on. */
static void test_snaplen_cuts_tcp_header(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN, 6, 0);
	syn_segment(&f, 0);
	assert_int_equal(decode_cut(TRACE_DLT_EN10MB, &f, 14 + 20 + 19, f.n, &p, &why),
			 TRACE_DEC_MALFORMED);
	assert_non_null(strstr(why, "snap length"));
}

/* ---- TCP options ---- */

static void test_sack_blocks_decoded(void **state)
{
	static const uint8_t opts[] = {
		1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6,   /* NOP NOP TS 5 6 */
		1, 1, 5, 18,                           /* NOP NOP SACK, 2 blocks */
		0, 0, 0x10, 0, 0, 0, 0x20, 0,
		0, 0, 0x30, 0, 0, 0, 0x40, 0,
	};
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 20 + sizeof opts, 6, 0);
	tcp(&f, TCPS_ACK, opts, sizeof opts);
	assert_int_equal(decode(TRACE_DLT_EN10MB, &f, &p, &why), TRACE_DEC_TCP);
	assert_int_equal(p.seg.options, TCPS_OPT_TS | TCPS_OPT_SACK);
	assert_int_equal(p.seg.tsval, 5);
	assert_int_equal(p.seg.tsecr, 6);
	assert_int_equal(p.seg.nsack, 2);
	assert_int_equal(p.seg.sack[0].left, 0x1000);
	assert_int_equal(p.seg.sack[0].right, 0x2000);
	assert_int_equal(p.seg.sack[1].left, 0x3000);
	assert_int_equal(p.seg.sack[1].right, 0x4000);
	assert_int_equal(p.seg.len, 0);
	assert_false(p.truncated);
}

/* An option with a bad length ends the options, as in Linux; the segment
 * is still a segment. */
static void test_bad_option_length_keeps_segment(void **state)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 8, 1, 0, 0 };
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 20 + sizeof opts + 3, 6, 0);
	tcp(&f, TCPS_SYN, opts, sizeof opts);
	payload(&f, 3);
	assert_int_equal(decode(TRACE_DLT_EN10MB, &f, &p, &why), TRACE_DEC_TCP);
	assert_int_equal(p.seg.seq, SEQ);
	assert_int_equal(p.seg.options, TCPS_OPT_MSS);
	assert_int_equal(p.seg.mss, 1460);
	assert_int_equal(p.seg.len, 3);
	assert_non_null(p.seg.data);
	assert_false(p.truncated);
}

/* ---- Broken headers ---- */

static void test_malformed_ipv4_ihl_below_5(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN, 6, 0);
	syn_segment(&f, 0);
	f.b[14] = 0x44;
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "header length below 5");
}

static void test_malformed_ipv4_options_cut(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 0, 6, 0);
	f.b[14] = 0x4f; /* 60-byte header, 20 bytes there */
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "IPv4 options cut short");
}

static void test_malformed_ipv4_total_length_below_header(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN, 6, 0);
	syn_segment(&f, 0);
	f.b[14 + 2] = 0;
	f.b[14 + 3] = 10;
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "shorter than its header");
}

static void test_malformed_ipv4_total_length_past_frame(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN + 50, 6, 0);
	syn_segment(&f, 0);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the end of the frame");
}

static void test_malformed_ipv4_cut_short(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	put_zeros(&f, 19);
	f.b[14] = 0x45;
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "IPv4 header cut short");
	f.n = 14 + 39;
	f.b[12] = 0x86;
	f.b[13] = 0xdd;
	f.b[14] = 0x60;
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "IPv6 header cut short");
}

static void test_malformed_tcp_offset_past_end(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 20, 6, 0);
	tcp(&f, TCPS_ACK, NULL, 0);
	f.b[14 + 20 + 12] = 0xf0; /* 60 bytes of header in a 20-byte payload */
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the end of the IP payload");
}

static void test_malformed_tcp_offset_below_5(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 20, 6, 0);
	tcp(&f, TCPS_ACK, NULL, 0);
	f.b[14 + 20 + 12] = 0x40;
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "below 5 words");
}

static void test_malformed_ip_payload_shorter_than_tcp(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, 12, 6, 0);
	put_zeros(&f, 12);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "shorter than a TCP header");
}

static void test_malformed_link_headers_cut(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put_zeros(&f, 10);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "Ethernet header cut short");
	f.n = 0;
	eth(&f, 0x8100);
	put16(&f, 5);
	assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "VLAN tag cut short");
	f.n = 0;
	assert_result(TRACE_DLT_LOOP, &f, TRACE_DEC_MALFORMED, "loopback header cut short");
}

/* A record whose wire length is below its captured length (a corrupt
 * file) is read as if it were whole. */
static void test_wirelen_below_caplen(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	eth(&f, 0x0800);
	ipv4(&f, SYN_TCP_LEN + 20, 6, 0);
	syn_segment(&f, 20);
	assert_int_equal(decode_cut(TRACE_DLT_EN10MB, &f, f.n, 10, &p, &why), TRACE_DEC_TCP);
	assert_syn(&p, 20, true);
	assert_false(p.truncated);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet_ipv4),
		cmocka_unit_test(test_ethernet_ipv6),
		cmocka_unit_test(test_ethernet_8021q),
		cmocka_unit_test(test_ethernet_qinq_8021ad),
		cmocka_unit_test(test_ethernet_three_tags_9100),
		cmocka_unit_test(test_ethernet_arp_is_not_tcp),
		cmocka_unit_test(test_linux_sll_ipv4),
		cmocka_unit_test(test_linux_sll_vlan_ipv6),
		cmocka_unit_test(test_linux_sll2_ipv6),
		cmocka_unit_test(test_linux_sll2_ipv4),
		cmocka_unit_test(test_linux_sll_cut_short),
		cmocka_unit_test(test_null_little_endian_ipv4),
		cmocka_unit_test(test_null_big_endian_ipv4),
		cmocka_unit_test(test_null_ipv6_every_bsd_family),
		cmocka_unit_test(test_null_other_family_is_not_tcp),
		cmocka_unit_test(test_loop_network_order),
		cmocka_unit_test(test_raw_ip_every_dlt),
		cmocka_unit_test(test_raw_ip_bad_version),
		cmocka_unit_test(test_dlt_ipv4_and_ipv6),
		cmocka_unit_test(test_unsupported_link_type),
		cmocka_unit_test(test_ipv6_hop_by_hop),
		cmocka_unit_test(test_ipv6_routing),
		cmocka_unit_test(test_ipv6_destination_options),
		cmocka_unit_test(test_ipv6_ah_counts_4_octet_units),
		cmocka_unit_test(test_ipv6_first_fragment_is_decoded),
		cmocka_unit_test(test_ipv6_later_fragment),
		cmocka_unit_test(test_ipv6_every_extension_chained),
		cmocka_unit_test(test_ipv6_no_next_header_esp_udp),
		cmocka_unit_test(test_ipv6_extension_past_payload),
		cmocka_unit_test(test_ipv6_payload_length_past_frame),
		cmocka_unit_test(test_ipv6_extension_cut_by_snaplen),
		cmocka_unit_test(test_ipv4_first_fragment_is_decoded),
		cmocka_unit_test(test_ipv4_later_fragment),
		cmocka_unit_test(test_ipv4_udp_is_not_tcp),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ethernet_padding_is_not_payload),
		cmocka_unit_test(test_ipv4_total_length_zero_is_tso),
		cmocka_unit_test(test_snaplen_cuts_payload),
		cmocka_unit_test(test_snaplen_cuts_payload_ipv6),
		cmocka_unit_test(test_snaplen_cuts_options),
		cmocka_unit_test(test_snaplen_cuts_tcp_header),
		cmocka_unit_test(test_sack_blocks_decoded),
		cmocka_unit_test(test_bad_option_length_keeps_segment),
		cmocka_unit_test(test_malformed_ipv4_ihl_below_5),
		cmocka_unit_test(test_malformed_ipv4_options_cut),
		cmocka_unit_test(test_malformed_ipv4_total_length_below_header),
		cmocka_unit_test(test_malformed_ipv4_total_length_past_frame),
		cmocka_unit_test(test_malformed_ipv4_cut_short),
		cmocka_unit_test(test_malformed_tcp_offset_past_end),
		cmocka_unit_test(test_malformed_tcp_offset_below_5),
		cmocka_unit_test(test_malformed_ip_payload_shorter_than_tcp),
		cmocka_unit_test(test_malformed_link_headers_cut),
		cmocka_unit_test(test_wirelen_below_caplen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
