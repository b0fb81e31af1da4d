/* The capture decoder's encapsulations (src/trace/decode_encap.c): MPLS,
 * PPPoE, 802.1ah, VN-Tag, FabricPath, IP-in-IP, GRE (with Ethernet and
 * Aruba's 802.11 inside), VXLAN, Geneve, GTP-U, AYIYA, Teredo; the
 * innermost TCP segment and its addresses come out, the nesting depth is
 * bounded, and no prefix of a tunnelled frame is read past its end.
 *
 * Frames are built byte by byte and handed to the decoder in heap blocks
 * of exactly the captured length, so that AddressSanitizer reports any
 * read past what was captured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"
#include "decode_fx.h"
#include "frame.h"
#include "trace/decode.h"

/* ---- Building frames ---- */

/* Patches a 16-bit length written earlier, once what it covers is built. */
static void patch16(frame *f, size_t at, size_t v)
{
	assert_true(v <= 0xffff);
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* The tunnel's endpoints, which must never show in the result. */
static const uint8_t outer4_src[4] = { 192, 0, 2, 1 };
static const uint8_t outer4_dst[4] = { 192, 0, 2, 2 };
static const uint8_t outer6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 1 };
static const uint8_t outer6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 2 };
/* The traced connection's: dfx_v4_src... (decode_fx.h). */

/* An IPv4 header without options; its total length is patched by
 * ip_end().  Returns where the header starts. */
static size_t ipv4_from(frame *f, uint8_t proto, uint16_t frag, const uint8_t *src,
			const uint8_t *dst)
{
	size_t at = f->n;

	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0);
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put(f, src, 4);
	put(f, dst, 4);
	return at;
}

static size_t ipv6_from(frame *f, uint8_t nh, const uint8_t *src, const uint8_t *dst)
{
	size_t at = f->n;

	put32(f, 0x60000000);
	put16(f, 0);
	put8(f, nh);
	put8(f, 64);
	put(f, src, 16);
	put(f, dst, 16);
	return at;
}

/* Sets the length field of the IP header at `at` to end where the frame
 * now ends. */
static void ip_end(frame *f, size_t at)
{
	if (f->b[at] >> 4 == 4)
		patch16(f, at + 2, f->n - at);
	else
		patch16(f, at + 4, f->n - at - 40);
}

/* A UDP header; its length is patched by udp_end(). */
static size_t udp(frame *f, uint16_t sport, uint16_t dport)
{
	size_t at = f->n;

	put16(f, sport);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
	return at;
}

static void udp_end(frame *f, size_t at)
{
	patch16(f, at + 4, f->n - at);
}

/* MSS 1460, SACK permitted, NOP, window scale 7 (12 bytes). */
static const uint8_t syn_opts[12] = { 2, 4, 0x05, 0xb4, 4, 2, 1, 3, 3, 7, 1, 1 };

#define SPORT 40000
#define DPORT 443
#define SEQ 0x11223344u
#define WND 64240

/* A SYN with `len` bytes of payload, "abc...". */
static void syn(frame *f, size_t len)
{
	put16(f, SPORT);
	put16(f, DPORT);
	put32(f, SEQ);
	put32(f, 0);
	put8(f, (20 + sizeof syn_opts) / 4 << 4);
	put8(f, TCPS_SYN);
	put16(f, WND);
	put16(f, 0);
	put16(f, 0);
	put(f, syn_opts, sizeof syn_opts);
	for (size_t i = 0; i < len; i++)
		put8(f, (uint8_t)('a' + i % 26));
}

/* The traced packet: IPv4 or IPv6 with the SYN in it. */
static void inner_v4(frame *f, size_t len)
{
	size_t ip = ipv4_from(f, 6, 0, dfx_v4_src, dfx_v4_dst);

	syn(f, len);
	ip_end(f, ip);
}

static void inner_v6(frame *f, size_t len)
{
	size_t ip = ipv6_from(f, 6, dfx_v6_src, dfx_v6_dst);

	syn(f, len);
	ip_end(f, ip);
}

/* ---- Decoding ---- */

static trace_decode_result decode_cut(const frame *f, size_t caplen, trace_pkt *pkt,
				      const char **why)
{
	uint8_t *exact = tcpt_dup_exact(f->b, caplen);
	trace_decode_result r;

	memset(pkt, 0xa5, sizeof *pkt);
	*why = "unset";
	r = trace_decode(TRACE_DLT_EN10MB, exact, (uint32_t)caplen, (uint32_t)f->n, pkt, why);
	if (r == TRACE_DEC_TCP && pkt->seg.data) {
		assert_true(pkt->seg.data > exact && pkt->seg.data < exact + caplen);
		assert_int_equal(pkt->seg.data[0], 'a');
		pkt->seg.data = (const uint8_t *)1;
	}
	free(exact);
	return r;
}

static trace_decode_result decode(const frame *f, trace_pkt *pkt, const char **why)
{
	return decode_cut(f, f->n, pkt, why);
}

static void assert_syn(const trace_pkt *p, uint32_t len)
{
	assert_int_equal(p->seg.sport, SPORT);
	assert_int_equal(p->seg.dport, DPORT);
	assert_int_equal(p->seg.seq, SEQ);
	assert_int_equal(p->seg.flags, TCPS_SYN);
	assert_int_equal(p->seg.wnd, WND);
	assert_int_equal(p->seg.options, TCPS_OPT_MSS | TCPS_OPT_SACK_OK | TCPS_OPT_WSCALE);
	assert_int_equal(p->seg.mss, 1460);
	assert_int_equal(p->seg.len, len);
}

/* The whole frame decodes to the inner SYN with the inner addresses. */
static void assert_inner_v4(const frame *f, uint32_t len)
{
	static const uint8_t zero[12];
	trace_pkt p;
	const char *why;

	assert_int_equal(decode(f, &p, &why), TRACE_DEC_TCP);
	assert_null(why);
	assert_int_equal(p.family, 4);
	assert_memory_equal(p.src, dfx_v4_src, 4);
	assert_memory_equal(p.dst, dfx_v4_dst, 4);
	assert_memory_equal(p.src + 4, zero, 12);
	assert_syn(&p, len);
	assert_false(p.truncated);
}

static void assert_inner_v6(const frame *f, uint32_t len)
{
	trace_pkt p;
	const char *why;

	assert_int_equal(decode(f, &p, &why), TRACE_DEC_TCP);
	assert_null(why);
	assert_int_equal(p.family, 6);
	assert_memory_equal(p.src, dfx_v6_src, 16);
	assert_memory_equal(p.dst, dfx_v6_dst, 16);
	assert_syn(&p, len);
	assert_false(p.truncated);
}

static void assert_result(const frame *f, trace_decode_result want, const char *why_part)
{
	trace_pkt p;
	const char *why;

	assert_int_equal(decode(f, &p, &why), want);
	assert_non_null(why);
	assert_non_null(strstr(why, why_part));
}

/* Every prefix of the frame, as a snap length would cut it: nothing is
 * read past the cut (ASan), and the SYN comes out exactly when its
 * fixed header was captured. */
static void assert_every_cut(const frame *f, size_t tcp_at)
{
	for (size_t cap = 0; cap < f->n; cap++) {
		trace_pkt p;
		const char *why;
		trace_decode_result r = decode_cut(f, cap, &p, &why);

		if (cap >= tcp_at + 20) {
			assert_int_equal(r, TRACE_DEC_TCP);
			assert_int_equal(p.seg.seq, SEQ);
		} else {
			assert_int_not_equal(r, TRACE_DEC_TCP);
		}
	}
}

/* ---- After an EtherType ---- */

static void test_mpls_one_label_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x8847);
	put32(&f, 29u << 12 | 6u << 9 | 1u << 8 | 255); /* label 29, TC 6, S, TTL */
	inner_v4(&f, 9);
	assert_inner_v4(&f, 9);
}

/* mpls-in-vlan.pcap: a VLAN tag, then the label stack. */
static void test_mpls_stack_in_vlan_ipv6(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x8100);
	dfx_vlan_tag(&f, 0, 0x8848);
	put32(&f, 16106u << 12 | 44);
	put32(&f, 17u << 12 | 44);
	put32(&f, 3u << 12 | 1u << 8 | 44);
	inner_v6(&f, 3);
	assert_inner_v6(&f, 3);
	assert_every_cut(&f, 14 + 4 + 12 + 40);
}

static void test_mpls_broken(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	/* No bottom-of-stack bit before the frame ends. */
	dfx_eth(&f, 0x8847);
	put32(&f, 16u << 12 | 64);
	put32(&f, 17u << 12 | 64);
	assert_result(&f, TRACE_DEC_MALFORMED, "MPLS label stack cut short");
	/* A pseudowire control word: not IP, not followed. */
	f.n = 0;
	dfx_eth(&f, 0x8847);
	put32(&f, 16u << 12 | 1u << 8 | 64);
	put32(&f, 0);
	put_zeros(&f, 40);
	assert_result(&f, TRACE_DEC_NOT_TCP, "neither IPv4 nor IPv6");
}

/* pppoe-over-qinq.pcap: two VLAN tags, PPPoE session, PPP, IPv4. */
static size_t pppoe(frame *f, uint16_t ppp_proto)
{
	size_t len_at;

	dfx_eth(f, 0x8100);
	dfx_vlan_tag(f, 3704, 0x8100);
	dfx_vlan_tag(f, 2474, 0x8864);
	put8(f, 0x11);
	put8(f, 0);
	put16(f, 0x0f07);
	len_at = f->n;
	put16(f, 0);
	put16(f, ppp_proto);
	return len_at;
}

static void test_pppoe_over_qinq_ipv4_and_ipv6(void **state)
{
	frame f = { .n = 0 };
	size_t len_at;

	(void)state;
	len_at = pppoe(&f, 0x0021);
	inner_v4(&f, 5);
	patch16(&f, len_at, f.n - len_at - 2);
	assert_inner_v4(&f, 5);
	assert_every_cut(&f, 14 + 8 + 8 + 20);

	f.n = 0;
	len_at = pppoe(&f, 0x0057);
	inner_v6(&f, 0);
	patch16(&f, len_at, f.n - len_at - 2);
	assert_inner_v6(&f, 0);
}

/* The PPPoE length can be short of the IP packet the frame holds whole
 * (pppoe-over-qinq.pcap has such frames; the TCP checksum covers the
 * IP header's length): the IP header's length is the one used. */
static void test_pppoe_length_short_of_ip_packet(void **state)
{
	frame f = { .n = 0 };
	size_t len_at;

	(void)state;
	len_at = pppoe(&f, 0x0021);
	inner_v4(&f, 6);
	patch16(&f, len_at, f.n - len_at - 2 - 6);
	assert_inner_v4(&f, 6);
}

/* RFC 1661 protocol field compression: 0x21 in one byte. */
static void test_pppoe_compressed_protocol(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x8864);
	put8(&f, 0x11);
	put8(&f, 0);
	put16(&f, 1);
	put16(&f, 0);
	put8(&f, 0x21);
	inner_v4(&f, 0);
	assert_inner_v4(&f, 0);
}

static void test_pppoe_not_ip(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	(void)pppoe(&f, 0xc021); /* LCP */
	put_zeros(&f, 20);
	assert_result(&f, TRACE_DEC_NOT_TCP, "PPP, not IP");
	/* Discovery stage (PADI, code 0x09) on the session EtherType. */
	f.n = 0;
	dfx_eth(&f, 0x8864);
	put8(&f, 0x11);
	put8(&f, 0x09);
	put_zeros(&f, 30);
	assert_result(&f, TRACE_DEC_NOT_TCP, "not session data");
	f.n = 0;
	dfx_eth(&f, 0x8864);
	put_zeros(&f, 5);
	assert_result(&f, TRACE_DEC_MALFORMED, "PPPoE header cut short");
}

/* pbb.pcap: a B-VLAN tag, the I-TAG, the customer's Ethernet header, a
 * C-VLAN tag, IPv4. */
static void test_pbb_8021ah(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x8100);
	dfx_vlan_tag(&f, 0xefd3, 0x88e7);
	put32(&f, 0x001ebb30);
	dfx_eth(&f, 0x8100);
	dfx_vlan_tag(&f, 100, 0x0800);
	inner_v4(&f, 1);
	assert_inner_v4(&f, 1);
	assert_every_cut(&f, 14 + 4 + 4 + 14 + 4 + 20);
}

/* vntag_vlan_sandwich_clean.pcap: VLAN, VN-Tag, VLAN, IPv4. */
static void test_vntag_sandwich(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x8100);
	dfx_vlan_tag(&f, 250, 0x8926);
	put32(&f, 0x00000033);
	put16(&f, 0x8100);
	dfx_vlan_tag(&f, 250, 0x0800);
	inner_v4(&f, 0);
	assert_inner_v4(&f, 0);
	assert_every_cut(&f, 14 + 4 + 6 + 4 + 20);
}

/* cisco-fabric-path.pcap: switch addresses, 0x8903, FTag and TTL, then
 * the classical Ethernet frame. */
static void test_fabricpath(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x8903);
	put16(&f, 0x0000);
	dfx_eth(&f, 0x86dd);
	inner_v6(&f, 2);
	assert_inner_v6(&f, 2);
	assert_every_cut(&f, 16 + 14 + 40);
}

/* ---- IP in IP, GRE ---- */

static void test_ip_in_ip_and_6in4(void **state)
{
	frame f = { .n = 0 };
	size_t outer;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = ipv4_from(&f, 4, 0, outer4_src, outer4_dst);
	inner_v4(&f, 4);
	ip_end(&f, outer);
	assert_inner_v4(&f, 4);

	f.n = 0;
	dfx_eth(&f, 0x0800);
	outer = ipv4_from(&f, 41, 0, outer4_src, outer4_dst);
	inner_v6(&f, 4);
	ip_end(&f, outer);
	assert_inner_v6(&f, 4);

	/* IPv4 in IPv6, behind a destination options header. */
	f.n = 0;
	dfx_eth(&f, 0x86dd);
	outer = ipv6_from(&f, 60, outer6_src, outer6_dst);
	put8(&f, 4);
	put8(&f, 0);
	put_zeros(&f, 6);
	inner_v4(&f, 0);
	ip_end(&f, outer);
	assert_inner_v4(&f, 0);
}

/* GRE: flags and version, protocol type, then a 4-byte field per
 * checksum, key and sequence flag. */
static void gre(frame *f, uint16_t flags, uint16_t proto)
{
	put16(f, flags);
	put16(f, proto);
	for (uint16_t bit = 0x8000; bit >= 0x1000; bit >>= 1)
		if ((flags & bit) && bit != 0x4000)
			put32(f, 0xabcd0000u | bit);
}

/* gre-sample.pcap: IPv4 in GRE in IPv4. */
static void test_gre_ipv4(void **state)
{
	frame f = { .n = 0 };
	size_t outer;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = ipv4_from(&f, 47, 0, outer4_src, outer4_dst);
	gre(&f, 0, 0x0800);
	inner_v4(&f, 7);
	ip_end(&f, outer);
	assert_inner_v4(&f, 7);
	assert_every_cut(&f, 14 + 20 + 4 + 20);
}

/* RFC 2890 key and sequence number, RFC 2784 checksum: all three. */
static void test_gre_optional_fields_ipv6_over_ipv6(void **state)
{
	frame f = { .n = 0 };
	size_t outer;

	(void)state;
	dfx_eth(&f, 0x86dd);
	outer = ipv6_from(&f, 47, outer6_src, outer6_dst);
	gre(&f, 0x8000 | 0x2000 | 0x1000, 0x86dd);
	inner_v6(&f, 3);
	ip_end(&f, outer);
	assert_inner_v6(&f, 3);
	assert_every_cut(&f, 14 + 40 + 16 + 40);
}

/* Transparent Ethernet bridging: a whole Ethernet frame in GRE. */
static void test_gre_ethernet(void **state)
{
	frame f = { .n = 0 };
	size_t outer;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = ipv4_from(&f, 47, 0, outer4_src, outer4_dst);
	gre(&f, 0x2000, 0x6558);
	dfx_eth(&f, 0x8100);
	dfx_vlan_tag(&f, 7, 0x0800);
	inner_v4(&f, 2);
	ip_end(&f, outer);
	assert_inner_v4(&f, 2);
}

static void test_gre_not_read(void **state)
{
	frame f = { .n = 0 };
	size_t outer;

	(void)state;
	/* Version 1: PPTP's enhanced GRE. */
	dfx_eth(&f, 0x0800);
	outer = ipv4_from(&f, 47, 0, outer4_src, outer4_dst);
	gre(&f, 0x2001, 0x880b);
	put_zeros(&f, 40);
	ip_end(&f, outer);
	assert_result(&f, TRACE_DEC_NOT_TCP, "GRE version");
	/* Source routing (RFC 1701, deprecated). */
	f.b[14 + 20] = 0x40;
	f.b[14 + 20 + 1] = 0;
	assert_result(&f, TRACE_DEC_NOT_TCP, "source routing");
	/* The key flag set, the key not there. */
	f.n = 0;
	dfx_eth(&f, 0x0800);
	outer = ipv4_from(&f, 47, 0, outer4_src, outer4_dst);
	put16(&f, 0x2000);
	put16(&f, 0x0800);
	put16(&f, 0);
	ip_end(&f, outer);
	assert_result(&f, TRACE_DEC_MALFORMED, "GRE header cut short");
}

/* An 802.11 QoS data frame from the distribution system, as Aruba's GRE
 * (0x8240) carries it; amsdu: its payload is an A-MSDU whose first
 * subframe holds the SYN and whose second holds 8 more bytes. */
static void aruba_frame(frame *f, int amsdu)
{
	static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	size_t outer, sub = 0;

	dfx_eth(f, 0x0800);
	outer = ipv4_from(f, 47, 0, outer4_src, outer4_dst);
	gre(f, 0, 0x8240);
	put8(f, 0x88);                /* data, QoS data */
	put8(f, 0x02);                /* from DS */
	put16(f, 0);
	put(f, dfx_mac_a, 6);
	put(f, dfx_mac_b, 6);
	put(f, dfx_mac_a, 6);
	put16(f, 0);
	put8(f, amsdu ? 0x80 : 0);    /* QoS control, A-MSDU present */
	put8(f, 0);
	if (amsdu) {
		put(f, dfx_mac_a, 6);
		put(f, dfx_mac_b, 6);
		sub = f->n;
		put16(f, 0);
	}
	put(f, snap, sizeof snap);
	inner_v4(f, 5);
	if (amsdu) {
		patch16(f, sub, f->n - sub - 2);
		put_zeros(f, (4 - (f->n - sub - 2) % 4) % 4);
		put(f, dfx_mac_a, 6);
		put(f, dfx_mac_b, 6);
		put16(f, 8);
		put(f, snap, 6);
		put16(f, 0x0806);
	}
	ip_end(f, outer);
}

/* gre-aruba-amsdu.pcap: one segment per frame, so the first subframe's. */
static void test_gre_aruba_80211(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	aruba_frame(&f, 0);
	assert_inner_v4(&f, 5);
	f.n = 0;
	aruba_frame(&f, 1);
	assert_inner_v4(&f, 5);
	assert_every_cut(&f, 14 + 20 + 4 + 26 + 14 + 8 + 20);
}

static void test_gre_aruba_80211_not_read(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	aruba_frame(&f, 0);
	f.b[14 + 20 + 4 + 1] |= 0x40; /* protected */
	assert_result(&f, TRACE_DEC_NOT_TCP, "encrypted");
	f.n = 0;
	aruba_frame(&f, 0);
	f.b[14 + 20 + 4] = 0x80;      /* management: beacon */
	assert_result(&f, TRACE_DEC_NOT_TCP, "other than data");
	f.n = 0;
	aruba_frame(&f, 0);
	f.b[14 + 20 + 4] = 0xc8;      /* QoS null: no data */
	assert_result(&f, TRACE_DEC_NOT_TCP, "without data");
	f.n = 0;
	aruba_frame(&f, 0);
	f.b[14 + 20 + 4 + 26] = 0xf0; /* not LLC/SNAP */
	assert_result(&f, TRACE_DEC_NOT_TCP, "without an EtherType");
}

/* ---- Tunnels in UDP ---- */

static void vxlan_frame(frame *f, uint16_t sport, uint16_t dport, uint8_t flags)
{
	size_t outer, u;

	dfx_eth(f, 0x0800);
	outer = ipv4_from(f, 17, 0, outer4_src, outer4_dst);
	u = udp(f, sport, dport);
	put8(f, flags);
	put_zeros(f, 3);
	put32(f, 1u << 8);            /* VNI 1 */
	dfx_eth(f, 0x0800);
	inner_v4(f, 11);
	udp_end(f, u);
	ip_end(f, outer);
}

/* vxlan-encapsulated-http.pcap; the port named by either end. */
static void test_vxlan(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	vxlan_frame(&f, 50000, 4789, 0x08);
	assert_inner_v4(&f, 11);
	assert_every_cut(&f, 14 + 20 + 8 + 8 + 14 + 20);
	f.n = 0;
	vxlan_frame(&f, 4789, 50000, 0x08);
	assert_inner_v4(&f, 11);
	f.n = 0;
	vxlan_frame(&f, 50000, 4789, 0x00);
	assert_result(&f, TRACE_DEC_NOT_TCP, "VNI");
}

/* geneve-47101.pcap: Ethernet inside; here also 8 bytes of options, and
 * IPv6 straight in (protocol type 0x86dd). */
static void test_geneve(void **state)
{
	frame f = { .n = 0 };
	size_t outer, u;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = ipv4_from(&f, 17, 0, outer4_src, outer4_dst);
	u = udp(&f, 47101, 6081);
	put8(&f, 2);                  /* version 0, 2 words of options */
	put8(&f, 0);
	put16(&f, 0x6558);
	put32(&f, 0x00109200);
	put32(&f, 0x01020304);
	put32(&f, 0x05060708);
	dfx_eth(&f, 0x0800);
	inner_v4(&f, 4);
	udp_end(&f, u);
	ip_end(&f, outer);
	assert_inner_v4(&f, 4);
	assert_every_cut(&f, 14 + 20 + 8 + 16 + 14 + 20);

	f.n = 0;
	dfx_eth(&f, 0x86dd);
	outer = ipv6_from(&f, 17, outer6_src, outer6_dst);
	u = udp(&f, 6081, 6081);
	put16(&f, 0);
	put16(&f, 0x86dd);
	put32(&f, 0x00109200);
	inner_v6(&f, 4);
	udp_end(&f, u);
	ip_end(&f, outer);
	assert_inner_v6(&f, 4);

	f.b[14 + 40 + 8] = 0x40;      /* version 1 */
	assert_result(&f, TRACE_DEC_NOT_TCP, "Geneve version");
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
	outer = ipv4_from(f, 17, 0, outer4_src, outer4_dst);
	u = udp(f, 5906, 2152);
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
	inner_v4(f, 6);
	patch16(f, len_at, f->n - len_at - 6);
	udp_end(f, u);
	ip_end(f, outer);
}

/* gtp2_different_udp_port.pcap (flags 0x30), gtp6_gtp_0x32.pcap (0x32:
 * a sequence number), and an extension header (E set). */
static void test_gtpu(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	gtpu_frame(&f, 0x30, 0);
	assert_inner_v4(&f, 6);
	assert_every_cut(&f, 14 + 20 + 8 + 8 + 20);
	f.n = 0;
	gtpu_frame(&f, 0x32, 0);
	assert_inner_v4(&f, 6);
	f.n = 0;
	gtpu_frame(&f, 0x34, 1);
	assert_inner_v4(&f, 6);
	assert_every_cut(&f, 14 + 20 + 8 + 16 + 20);
}

static void test_gtpu_not_read(void **state)
{
	frame f = { .n = 0 };
	size_t at = 14 + 20 + 8;

	(void)state;
	gtpu_frame(&f, 0x30, 0);
	f.b[at + 1] = 1;              /* echo request */
	assert_result(&f, TRACE_DEC_NOT_TCP, "other than a G-PDU");
	f.b[at + 1] = 0xff;
	f.b[at] = 0x50;               /* version 2: GTPv2-C */
	assert_result(&f, TRACE_DEC_NOT_TCP, "not version 1");
	f.b[at] = 0x30;
	f.b[at + 2] = 0x10;           /* longer than the UDP payload */
	assert_result(&f, TRACE_DEC_MALFORMED, "GTP-U length");
	/* An extension header of length 0 would never end. */
	f.n = 0;
	gtpu_frame(&f, 0x34, 1);
	f.b[at + 12] = 0;
	assert_result(&f, TRACE_DEC_MALFORMED, "extension headers");
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
	outer = ipv4_from(&f, 17, 0x2000, outer4_src, outer4_dst); /* MF */
	u = udp(&f, 2152, 2152);
	len_at = gtpu(&f, 0x30, 0xff);
	inner_v4(&f, 100);
	patch16(&f, len_at, f.n - len_at - 6);
	udp_end(&f, u);
	/* The fragment ends 16 bytes before the datagram does. */
	cut = f.n - 16;
	f.n = cut;
	ip_end(&f, outer);
	assert_int_equal(decode(&f, &p, &why), TRACE_DEC_TCP);
	assert_memory_equal(p.src, dfx_v4_src, 4);
	assert_syn(&p, 100);
	assert_true(p.truncated);

	f.n = 0;
	dfx_eth(&f, 0x0800);
	outer = ipv4_from(&f, 17, 185, outer4_src, outer4_dst);
	put_zeros(&f, 16);
	ip_end(&f, outer);
	assert_result(&f, TRACE_DEC_NOT_TCP, "fragment");
}

/* ayiya3.pcap: a 16-byte identity, a 20-byte SHA-1 signature, forward,
 * IPv6 inside. */
static void ayiya_frame(frame *f, uint8_t op)
{
	size_t outer, u;

	dfx_eth(f, 0x0800);
	outer = ipv4_from(f, 17, 0, outer4_src, outer4_dst);
	u = udp(f, 5072, 53796);
	put8(f, 0x41);
	put8(f, 0x52);
	put8(f, (uint8_t)(0x10 | op));
	put8(f, 41);
	put32(f, 0x4af64bfd);
	put_zeros(f, 16 + 20);
	inner_v6(f, 8);
	udp_end(f, u);
	ip_end(f, outer);
}

static void test_ayiya(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	ayiya_frame(&f, 1);
	assert_inner_v6(&f, 8);
	assert_every_cut(&f, 14 + 20 + 8 + 44 + 40);
	f.n = 0;
	ayiya_frame(&f, 0);            /* heartbeat */
	assert_result(&f, TRACE_DEC_NOT_TCP, "AYIYA without a packet");
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
	outer = ipv4_from(f, 17, 0, outer4_src, outer4_dst);
	u = udp(f, sport, dport);
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
	ip = ipv6_from(f, 6, prefixed ? teredo_src : dfx_v6_src, dfx_v6_dst);
	syn(f, 4);
	ip_end(f, ip);
	udp_end(f, u);
	ip_end(f, outer);
}

static void assert_teredo(const frame *f)
{
	trace_pkt p;
	const char *why;

	assert_int_equal(decode(f, &p, &why), TRACE_DEC_TCP);
	assert_int_equal(p.family, 6);
	assert_memory_equal(p.dst, dfx_v6_dst, 16);
	assert_syn(&p, 4);
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
	assert_every_cut(&f, 14 + 20 + 8 + 18 + 8 + 40);
	/* ...elsewhere (a client and a relay) the Teredo prefix must show
	 * (Teredo.pcap, teredo_bubble_with_payload.pcap). */
	f.n = 0;
	teredo_frame(&f, 3797, 32900, 0, 0, 1);
	assert_teredo(&f);
	f.n = 0;
	teredo_frame(&f, 3797, 32900, 0, 0, 0);
	assert_result(&f, TRACE_DEC_NOT_TCP, "UDP, not TCP");
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
	patch16(&f, 14 + 20 + 4, f.n - 14 - 20);
	patch16(&f, 14 + 2, f.n - 14);
	assert_result(&f, TRACE_DEC_NOT_TCP, "UDP, not TCP");
	f.b[14 + 20 + 2] = 0x0d;      /* port 3544 */
	f.b[14 + 20 + 3] = 0xd8;
	assert_result(&f, TRACE_DEC_NOT_TCP, "Teredo payload");
}

static void test_udp_broken_or_plain_is_not_tcp(void **state)
{
	frame f = { .n = 0 };
	size_t outer, u;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = ipv4_from(&f, 17, 0, outer4_src, outer4_dst);
	u = udp(&f, 5353, 53);
	put_zeros(&f, 40);
	udp_end(&f, u);
	ip_end(&f, outer);
	assert_result(&f, TRACE_DEC_NOT_TCP, "UDP, not TCP");
	patch16(&f, u + 4, 7);
	assert_result(&f, TRACE_DEC_NOT_TCP, "bad length");
	patch16(&f, u + 4, 49);
	assert_result(&f, TRACE_DEC_NOT_TCP, "bad length");
}

/* ---- Bounds ---- */

/* k IPv4-in-IPv4 encapsulations around the SYN. */
static void nested_ipip(frame *f, int k)
{
	size_t at[16];

	dfx_eth(f, 0x0800);
	for (int i = 0; i < k; i++)
		at[i] = ipv4_from(f, 4, 0, outer4_src, outer4_dst);
	inner_v4(f, 0);
	for (int i = k - 1; i >= 0; i--)
		ip_end(f, at[i]);
}

static void test_nesting_is_bounded(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	nested_ipip(&f, 8);
	assert_inner_v4(&f, 0);
	f.n = 0;
	nested_ipip(&f, 9);
	assert_result(&f, TRACE_DEC_MALFORMED, "nested too deep");
}

/* Eight layers of every kind: PBB, VN-Tag, MPLS, GRE, Ethernet in it,
 * UDP (VXLAN), PPPoE, IP-in-IP; with FabricPath in front, nine. */
static void mixed_nest(frame *f, int fabricpath)
{
	size_t at[4];

	if (fabricpath) {
		dfx_eth(f, 0x8903);
		put16(f, 0);
	}
	dfx_eth(f, 0x88e7);
	put32(f, 1);
	dfx_eth(f, 0x8926);
	put32(f, 0);
	put16(f, 0x8847);
	put32(f, 1u << 8 | 64);
	at[0] = ipv4_from(f, 47, 0, outer4_src, outer4_dst);
	gre(f, 0, 0x6558);
	dfx_eth(f, 0x0800);
	at[1] = ipv4_from(f, 17, 0, outer4_src, outer4_dst);
	at[2] = udp(f, 1, 4789);
	put32(f, 0x08000000);
	put32(f, 0);
	dfx_eth(f, 0x8864);
	put32(f, 0x11000001);
	put16(f, 0);
	put16(f, 0x0021);
	at[3] = ipv4_from(f, 4, 0, outer4_src, outer4_dst);
	inner_v4(f, 0);
	ip_end(f, at[3]);
	udp_end(f, at[2]);
	ip_end(f, at[1]);
	ip_end(f, at[0]);
}

static void test_nesting_mixed_kinds_is_bounded(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	mixed_nest(&f, 0);
	assert_inner_v4(&f, 0);
	f.n = 0;
	mixed_nest(&f, 1);
	assert_result(&f, TRACE_DEC_MALFORMED, "nested too deep");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mpls_one_label_ipv4),
		cmocka_unit_test(test_mpls_stack_in_vlan_ipv6),
		cmocka_unit_test(test_mpls_broken),
		cmocka_unit_test(test_pppoe_over_qinq_ipv4_and_ipv6),
		cmocka_unit_test(test_pppoe_length_short_of_ip_packet),
		cmocka_unit_test(test_pppoe_compressed_protocol),
		cmocka_unit_test(test_pppoe_not_ip),
		cmocka_unit_test(test_pbb_8021ah),
		cmocka_unit_test(test_vntag_sandwich),
		cmocka_unit_test(test_fabricpath),
		cmocka_unit_test(test_ip_in_ip_and_6in4),
		cmocka_unit_test(test_gre_ipv4),
		cmocka_unit_test(test_gre_optional_fields_ipv6_over_ipv6),
		cmocka_unit_test(test_gre_ethernet),
		cmocka_unit_test(test_gre_not_read),
		cmocka_unit_test(test_gre_aruba_80211),
		cmocka_unit_test(test_gre_aruba_80211_not_read),
		cmocka_unit_test(test_vxlan),
		cmocka_unit_test(test_geneve),
		cmocka_unit_test(test_gtpu),
		cmocka_unit_test(test_gtpu_not_read),
		cmocka_unit_test(test_gtpu_in_first_fragment),
		cmocka_unit_test(test_ayiya),
		cmocka_unit_test(test_teredo),
		cmocka_unit_test(test_teredo_length_must_match),
		cmocka_unit_test(test_udp_broken_or_plain_is_not_tcp),
		cmocka_unit_test(test_nesting_is_bounded),
		cmocka_unit_test(test_nesting_mixed_kinds_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
