/* The capture decoder's tunnels in UDP (src/trace/decode_encap.c): VXLAN,
 * Geneve, GTP-U, AYIYA and Teredo, each found by its port, with the
 * innermost TCP segment and its addresses coming out, bad or unread
 * tunnel headers refused, and plain UDP not taken for TCP.  Frames and
 * checks: tests/support/encap_fx.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "encap_fx.h"
#include "support.h"

/* ---- Tunnels in UDP ---- */

static void vxlan_frame(frame *f, uint16_t sport, uint16_t dport, uint8_t flags)
{
	size_t outer, u;

	dfx_eth(f, 0x0800);
	outer = efx_ipv4_from(f, 17, 0, efx_outer4_src, efx_outer4_dst);
	u = efx_udp(f, sport, dport);
	put8(f, flags);
	put_zeros(f, 3);
	put32(f, 1u << 8);            /* VNI 1 */
	dfx_eth(f, 0x0800);
	efx_inner_v4(f, 11);
	efx_udp_end(f, u);
	efx_ip_end(f, outer);
}

/* vxlan-encapsulated-http.pcap; the port named by either end. */
static void test_vxlan(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	vxlan_frame(&f, 50000, 4789, 0x08);
	efx_assert_inner_v4(&f, 11);
	efx_assert_every_cut(&f, 14 + 20 + 8 + 8 + 14 + 20);
	f.n = 0;
	vxlan_frame(&f, 4789, 50000, 0x08);
	efx_assert_inner_v4(&f, 11);
	f.n = 0;
	vxlan_frame(&f, 50000, 4789, 0x00);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "VNI");
}

/* geneve-47101.pcap: Ethernet inside; here also 8 bytes of options, and
 * IPv6 straight in (protocol type 0x86dd). */
static void test_geneve(void **state)
{
	frame f = { .n = 0 };
	size_t outer, u;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = efx_ipv4_from(&f, 17, 0, efx_outer4_src, efx_outer4_dst);
	u = efx_udp(&f, 47101, 6081);
	put8(&f, 2);                  /* version 0, 2 words of options */
	put8(&f, 0);
	put16(&f, 0x6558);
	put32(&f, 0x00109200);
	put32(&f, 0x01020304);
	put32(&f, 0x05060708);
	dfx_eth(&f, 0x0800);
	efx_inner_v4(&f, 4);
	efx_udp_end(&f, u);
	efx_ip_end(&f, outer);
	efx_assert_inner_v4(&f, 4);
	efx_assert_every_cut(&f, 14 + 20 + 8 + 16 + 14 + 20);

	f.n = 0;
	dfx_eth(&f, 0x86dd);
	outer = efx_ipv6_from(&f, 17, efx_outer6_src, efx_outer6_dst);
	u = efx_udp(&f, 6081, 6081);
	put16(&f, 0);
	put16(&f, 0x86dd);
	put32(&f, 0x00109200);
	efx_inner_v6(&f, 4);
	efx_udp_end(&f, u);
	efx_ip_end(&f, outer);
	efx_assert_inner_v6(&f, 4);

	f.b[14 + 40 + 8] = 0x40;      /* version 1 */
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "Geneve version");
}

/* GTP-U: flags, message type, length of what follows the first 8
 * bytes, TEID, then (flags & 7) sequence, N-PDU, next extension type,
 * extension headers. */
static size_t gtpu(frame *f, uint8_t flags, uint8_t type)
{
	size_t len_at;

	put8(f, flags);
	put8(f, type);
	len_at = f->n;
	put16(f, 0);
	put32(f, 0x8c61be36);
	return len_at;
}

static void gtpu_frame(frame *f, uint8_t flags, int ext)
{
	size_t outer, u, len_at;

	dfx_eth(f, 0x0800);
	outer = efx_ipv4_from(f, 17, 0, efx_outer4_src, efx_outer4_dst);
	u = efx_udp(f, 5906, 2152);
	len_at = gtpu(f, flags, 0xff);
	if (flags & 0x07) {
		put16(f, 2);          /* sequence */
		put8(f, 0);           /* N-PDU */
		put8(f, ext ? 0x85 : 0);
	}
	if (ext) {
		put8(f, 1);           /* PDU session container: 4 bytes */
		put8(f, 0x00);
		put8(f, 0x09);
		put8(f, 0);           /* no more */
	}
	efx_inner_v4(f, 6);
	efx_patch16(f, len_at, f->n - len_at - 6);
	efx_udp_end(f, u);
	efx_ip_end(f, outer);
}

/* gtp2_different_udp_port.pcap (flags 0x30), gtp6_gtp_0x32.pcap (0x32:
 * a sequence number), and an extension header (E set). */
static void test_gtpu(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	gtpu_frame(&f, 0x30, 0);
	efx_assert_inner_v4(&f, 6);
	efx_assert_every_cut(&f, 14 + 20 + 8 + 8 + 20);
	f.n = 0;
	gtpu_frame(&f, 0x32, 0);
	efx_assert_inner_v4(&f, 6);
	f.n = 0;
	gtpu_frame(&f, 0x34, 1);
	efx_assert_inner_v4(&f, 6);
	efx_assert_every_cut(&f, 14 + 20 + 8 + 16 + 20);
}

static void test_gtpu_not_read(void **state)
{
	frame f = { .n = 0 };
	size_t at = 14 + 20 + 8;

	(void)state;
	gtpu_frame(&f, 0x30, 0);
	f.b[at + 1] = 1;              /* echo request */
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "other than a G-PDU");
	f.b[at + 1] = 0xff;
	f.b[at] = 0x50;               /* version 2: GTPv2-C */
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "not version 1");
	f.b[at] = 0x30;
	f.b[at + 2] = 0x10;           /* longer than the UDP payload */
	efx_assert_result(&f, TRACE_DEC_MALFORMED, "GTP-U length");
	/* An extension header of length 0 would never end. */
	f.n = 0;
	gtpu_frame(&f, 0x34, 1);
	f.b[at + 12] = 0;
	efx_assert_result(&f, TRACE_DEC_MALFORMED, "extension headers");
}

/* gtp1_gn_normal_incl_fragmentation.pcap: the outer IPv4 packet is cut in
 * two fragments.  The first holds the inner TCP header: the segment is
 * traced with the length the inner headers give, as if the snap length
 * had cut it; the second fragment is not TCP. */
static void test_gtpu_in_first_fragment(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;
	size_t outer, u, len_at, cut;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = efx_ipv4_from(&f, 17, 0x2000, efx_outer4_src, efx_outer4_dst); /* MF */
	u = efx_udp(&f, 2152, 2152);
	len_at = gtpu(&f, 0x30, 0xff);
	efx_inner_v4(&f, 100);
	efx_patch16(&f, len_at, f.n - len_at - 6);
	efx_udp_end(&f, u);
	/* The fragment ends 16 bytes before the datagram does. */
	cut = f.n - 16;
	f.n = cut;
	efx_ip_end(&f, outer);
	assert_int_equal(efx_decode(&f, &p, &why), TRACE_DEC_TCP);
	assert_memory_equal(p.src, dfx_v4_src, 4);
	efx_assert_syn(&p, 100);
	assert_true(p.truncated);

	f.n = 0;
	dfx_eth(&f, 0x0800);
	outer = efx_ipv4_from(&f, 17, 185, efx_outer4_src, efx_outer4_dst);
	put_zeros(&f, 16);
	efx_ip_end(&f, outer);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "fragment");
}

/* ayiya3.pcap: a 16-byte identity, a 20-byte SHA-1 signature, forward,
 * IPv6 inside. */
static void ayiya_frame(frame *f, uint8_t op)
{
	size_t outer, u;

	dfx_eth(f, 0x0800);
	outer = efx_ipv4_from(f, 17, 0, efx_outer4_src, efx_outer4_dst);
	u = efx_udp(f, 5072, 53796);
	put8(f, 0x41);
	put8(f, 0x52);
	put8(f, (uint8_t)(0x10 | op));
	put8(f, 41);
	put32(f, 0x4af64bfd);
	put_zeros(f, 16 + 20);
	efx_inner_v6(f, 8);
	efx_udp_end(f, u);
	efx_ip_end(f, outer);
}

static void test_ayiya(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	ayiya_frame(&f, 1);
	efx_assert_inner_v6(&f, 8);
	efx_assert_every_cut(&f, 14 + 20 + 8 + 44 + 40);
	f.n = 0;
	ayiya_frame(&f, 0);            /* heartbeat */
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "AYIYA without a packet");
}

/* Teredo (RFC 4380 §5.1.1): an authentication indication (ids, nonce,
 * confirmation), an origin indication, then IPv6 whose addresses here
 * are in the Teredo prefix 2001:0::/32 when `prefixed`. */
static void teredo_frame(frame *f, uint16_t sport, uint16_t dport, int auth, int origin,
			 int prefixed)
{
	static const uint8_t teredo_src[16] = { 0x20, 0x01, 0, 0, 0x41, 0x37, [15] = 0x15 };
	size_t outer, u, ip;

	dfx_eth(f, 0x0800);
	outer = efx_ipv4_from(f, 17, 0, efx_outer4_src, efx_outer4_dst);
	u = efx_udp(f, sport, dport);
	if (auth) {
		put16(f, 1);
		put8(f, 3);
		put8(f, 2);
		put_zeros(f, 3 + 2 + 8 + 1);
	}
	if (origin) {
		put16(f, 0);
		put16(f, 0xf12a);
		put32(f, 0xb9c82815);
	}
	ip = efx_ipv6_from(f, 6, prefixed ? teredo_src : dfx_v6_src, dfx_v6_dst);
	efx_syn(f, 4);
	efx_ip_end(f, ip);
	efx_udp_end(f, u);
	efx_ip_end(f, outer);
}

static void assert_teredo(const frame *f)
{
	trace_pkt p;
	const char *why;

	assert_int_equal(efx_decode(f, &p, &why), TRACE_DEC_TCP);
	assert_int_equal(p.family, 6);
	assert_memory_equal(p.dst, dfx_v6_dst, 16);
	efx_assert_syn(&p, 4);
}

static void test_teredo(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	/* On the Teredo port any IPv6 packet will do... */
	teredo_frame(&f, 3797, 3544, 0, 1, 0);
	assert_teredo(&f);
	f.n = 0;
	teredo_frame(&f, 3544, 3797, 1, 1, 0);
	assert_teredo(&f);
	efx_assert_every_cut(&f, 14 + 20 + 8 + 18 + 8 + 40);
	/* ...elsewhere (a client and a relay) the Teredo prefix must show
	 * (Teredo.pcap, teredo_bubble_with_payload.pcap). */
	f.n = 0;
	teredo_frame(&f, 3797, 32900, 0, 0, 1);
	assert_teredo(&f);
	f.n = 0;
	teredo_frame(&f, 3797, 32900, 0, 0, 0);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "UDP, not TCP");
}

/* A payload length that does not end the UDP payload is not Teredo
 * (a bubble with stray bytes after it on the Teredo port is not TCP
 * either). */
static void test_teredo_length_must_match(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	teredo_frame(&f, 3797, 32900, 0, 0, 1);
	put_zeros(&f, 4);
	efx_patch16(&f, 14 + 20 + 4, f.n - 14 - 20);
	efx_patch16(&f, 14 + 2, f.n - 14);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "UDP, not TCP");
	f.b[14 + 20 + 2] = 0x0d;      /* port 3544 */
	f.b[14 + 20 + 3] = 0xd8;
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "Teredo payload");
}

static void test_udp_broken_or_plain_is_not_tcp(void **state)
{
	frame f = { .n = 0 };
	size_t outer, u;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = efx_ipv4_from(&f, 17, 0, efx_outer4_src, efx_outer4_dst);
	u = efx_udp(&f, 5353, 53);
	put_zeros(&f, 40);
	efx_udp_end(&f, u);
	efx_ip_end(&f, outer);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "UDP, not TCP");
	efx_patch16(&f, u + 4, 7);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "bad length");
	efx_patch16(&f, u + 4, 49);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "bad length");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vxlan),
		cmocka_unit_test(test_geneve),
		cmocka_unit_test(test_gtpu),
		cmocka_unit_test(test_gtpu_not_read),
		cmocka_unit_test(test_gtpu_in_first_fragment),
		cmocka_unit_test(test_ayiya),
		cmocka_unit_test(test_teredo),
		cmocka_unit_test(test_teredo_length_must_match),
		cmocka_unit_test(test_udp_broken_or_plain_is_not_tcp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
