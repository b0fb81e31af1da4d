/* The capture decoder's encapsulations (src/trace/decode_encap.c) after an
 * EtherType and in IP: MPLS, PPPoE, 802.1ah, VN-Tag, FabricPath,
 * IP-in-IP, GRE (with Ethernet and Aruba's 802.11 inside); the innermost
 * TCP segment and its addresses come out, the nesting depth is bounded,
 * and no prefix of a frame is read past its end.  Tunnels in UDP:
 * test_trace_decode_tunnel.c; frames and checks: tests/support/encap_fx.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "encap_fx.h"
#include "support.h"

/* ---- After an EtherType ---- */

static void test_mpls_one_label_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x8847);
	put32(&f, 29u << 12 | 6u << 9 | 1u << 8 | 255); /* label 29, TC 6, S, TTL */
	efx_inner_v4(&f, 9);
	efx_assert_inner_v4(&f, 9);
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
	efx_inner_v6(&f, 3);
	efx_assert_inner_v6(&f, 3);
	efx_assert_every_cut(&f, 14 + 4 + 12 + 40);
}

static void test_mpls_broken(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	/* No bottom-of-stack bit before the frame ends. */
	dfx_eth(&f, 0x8847);
	put32(&f, 16u << 12 | 64);
	put32(&f, 17u << 12 | 64);
	efx_assert_result(&f, TRACE_DEC_MALFORMED, "MPLS label stack cut short");
	/* A pseudowire control word: not IP, not followed. */
	f.n = 0;
	dfx_eth(&f, 0x8847);
	put32(&f, 16u << 12 | 1u << 8 | 64);
	put32(&f, 0);
	put_zeros(&f, 40);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "neither IPv4 nor IPv6");
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
	efx_inner_v4(&f, 5);
	efx_patch16(&f, len_at, f.n - len_at - 2);
	efx_assert_inner_v4(&f, 5);
	efx_assert_every_cut(&f, 14 + 8 + 8 + 20);

	f.n = 0;
	len_at = pppoe(&f, 0x0057);
	efx_inner_v6(&f, 0);
	efx_patch16(&f, len_at, f.n - len_at - 2);
	efx_assert_inner_v6(&f, 0);
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
	efx_inner_v4(&f, 6);
	efx_patch16(&f, len_at, f.n - len_at - 2 - 6);
	efx_assert_inner_v4(&f, 6);
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
	efx_inner_v4(&f, 0);
	efx_assert_inner_v4(&f, 0);
}

static void test_pppoe_not_ip(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	(void)pppoe(&f, 0xc021); /* LCP */
	put_zeros(&f, 20);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "PPP, not IP");
	/* Discovery stage (PADI, code 0x09) on the session EtherType. */
	f.n = 0;
	dfx_eth(&f, 0x8864);
	put8(&f, 0x11);
	put8(&f, 0x09);
	put_zeros(&f, 30);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "not session data");
	f.n = 0;
	dfx_eth(&f, 0x8864);
	put_zeros(&f, 5);
	efx_assert_result(&f, TRACE_DEC_MALFORMED, "PPPoE header cut short");
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
	efx_inner_v4(&f, 1);
	efx_assert_inner_v4(&f, 1);
	efx_assert_every_cut(&f, 14 + 4 + 4 + 14 + 4 + 20);
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
	efx_inner_v4(&f, 0);
	efx_assert_inner_v4(&f, 0);
	efx_assert_every_cut(&f, 14 + 4 + 6 + 4 + 20);
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
	efx_inner_v6(&f, 2);
	efx_assert_inner_v6(&f, 2);
	efx_assert_every_cut(&f, 16 + 14 + 40);
}

/* ---- IP in IP, GRE ---- */

static void test_ip_in_ip_and_6in4(void **state)
{
	frame f = { .n = 0 };
	size_t outer;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = efx_ipv4_from(&f, 4, 0, efx_outer4_src, efx_outer4_dst);
	efx_inner_v4(&f, 4);
	efx_ip_end(&f, outer);
	efx_assert_inner_v4(&f, 4);

	f.n = 0;
	dfx_eth(&f, 0x0800);
	outer = efx_ipv4_from(&f, 41, 0, efx_outer4_src, efx_outer4_dst);
	efx_inner_v6(&f, 4);
	efx_ip_end(&f, outer);
	efx_assert_inner_v6(&f, 4);

	/* IPv4 in IPv6, behind a destination options header. */
	f.n = 0;
	dfx_eth(&f, 0x86dd);
	outer = efx_ipv6_from(&f, 60, efx_outer6_src, efx_outer6_dst);
	put8(&f, 4);
	put8(&f, 0);
	put_zeros(&f, 6);
	efx_inner_v4(&f, 0);
	efx_ip_end(&f, outer);
	efx_assert_inner_v4(&f, 0);
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
	outer = efx_ipv4_from(&f, 47, 0, efx_outer4_src, efx_outer4_dst);
	gre(&f, 0, 0x0800);
	efx_inner_v4(&f, 7);
	efx_ip_end(&f, outer);
	efx_assert_inner_v4(&f, 7);
	efx_assert_every_cut(&f, 14 + 20 + 4 + 20);
}

/* RFC 2890 key and sequence number, RFC 2784 checksum: all three. */
static void test_gre_optional_fields_ipv6_over_ipv6(void **state)
{
	frame f = { .n = 0 };
	size_t outer;

	(void)state;
	dfx_eth(&f, 0x86dd);
	outer = efx_ipv6_from(&f, 47, efx_outer6_src, efx_outer6_dst);
	gre(&f, 0x8000 | 0x2000 | 0x1000, 0x86dd);
	efx_inner_v6(&f, 3);
	efx_ip_end(&f, outer);
	efx_assert_inner_v6(&f, 3);
	efx_assert_every_cut(&f, 14 + 40 + 16 + 40);
}

/* Transparent Ethernet bridging: a whole Ethernet frame in GRE. */
static void test_gre_ethernet(void **state)
{
	frame f = { .n = 0 };
	size_t outer;

	(void)state;
	dfx_eth(&f, 0x0800);
	outer = efx_ipv4_from(&f, 47, 0, efx_outer4_src, efx_outer4_dst);
	gre(&f, 0x2000, 0x6558);
	dfx_eth(&f, 0x8100);
	dfx_vlan_tag(&f, 7, 0x0800);
	efx_inner_v4(&f, 2);
	efx_ip_end(&f, outer);
	efx_assert_inner_v4(&f, 2);
}

static void test_gre_not_read(void **state)
{
	frame f = { .n = 0 };
	size_t outer;

	(void)state;
	/* Version 1: PPTP's enhanced GRE. */
	dfx_eth(&f, 0x0800);
	outer = efx_ipv4_from(&f, 47, 0, efx_outer4_src, efx_outer4_dst);
	gre(&f, 0x2001, 0x880b);
	put_zeros(&f, 40);
	efx_ip_end(&f, outer);
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "GRE version");
	/* Source routing (RFC 1701, deprecated). */
	f.b[14 + 20] = 0x40;
	f.b[14 + 20 + 1] = 0;
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "source routing");
	/* The key flag set, the key not there. */
	f.n = 0;
	dfx_eth(&f, 0x0800);
	outer = efx_ipv4_from(&f, 47, 0, efx_outer4_src, efx_outer4_dst);
	put16(&f, 0x2000);
	put16(&f, 0x0800);
	put16(&f, 0);
	efx_ip_end(&f, outer);
	efx_assert_result(&f, TRACE_DEC_MALFORMED, "GRE header cut short");
}

/* An 802.11 QoS data frame from the distribution system, as Aruba's GRE
 * (0x8240) carries it; amsdu: its payload is an A-MSDU whose first
 * subframe holds the SYN and whose second holds 8 more bytes. */
static void aruba_frame(frame *f, int amsdu)
{
	static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	size_t outer, sub = 0;

	dfx_eth(f, 0x0800);
	outer = efx_ipv4_from(f, 47, 0, efx_outer4_src, efx_outer4_dst);
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
	efx_inner_v4(f, 5);
	if (amsdu) {
		efx_patch16(f, sub, f->n - sub - 2);
		put_zeros(f, (4 - (f->n - sub - 2) % 4) % 4);
		put(f, dfx_mac_a, 6);
		put(f, dfx_mac_b, 6);
		put16(f, 8);
		put(f, snap, 6);
		put16(f, 0x0806);
	}
	efx_ip_end(f, outer);
}

/* gre-aruba-amsdu.pcap: one segment per frame, so the first subframe's. */
static void test_gre_aruba_80211(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	aruba_frame(&f, 0);
	efx_assert_inner_v4(&f, 5);
	f.n = 0;
	aruba_frame(&f, 1);
	efx_assert_inner_v4(&f, 5);
	efx_assert_every_cut(&f, 14 + 20 + 4 + 26 + 14 + 8 + 20);
}

static void test_gre_aruba_80211_not_read(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	aruba_frame(&f, 0);
	f.b[14 + 20 + 4 + 1] |= 0x40; /* protected */
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "encrypted");
	f.n = 0;
	aruba_frame(&f, 0);
	f.b[14 + 20 + 4] = 0x80;      /* management: beacon */
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "other than data");
	f.n = 0;
	aruba_frame(&f, 0);
	f.b[14 + 20 + 4] = 0xc8;      /* QoS null: no data */
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "without data");
	f.n = 0;
	aruba_frame(&f, 0);
	f.b[14 + 20 + 4 + 26] = 0xf0; /* not LLC/SNAP */
	efx_assert_result(&f, TRACE_DEC_NOT_TCP, "without an EtherType");
}

/* ---- Bounds ---- */

/* k IPv4-in-IPv4 encapsulations around the SYN. */
static void nested_ipip(frame *f, int k)
{
	size_t at[16];

	dfx_eth(f, 0x0800);
	for (int i = 0; i < k; i++)
		at[i] = efx_ipv4_from(f, 4, 0, efx_outer4_src, efx_outer4_dst);
	efx_inner_v4(f, 0);
	for (int i = k - 1; i >= 0; i--)
		efx_ip_end(f, at[i]);
}

static void test_nesting_is_bounded(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	nested_ipip(&f, 8);
	efx_assert_inner_v4(&f, 0);
	f.n = 0;
	nested_ipip(&f, 9);
	efx_assert_result(&f, TRACE_DEC_MALFORMED, "nested too deep");
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
	at[0] = efx_ipv4_from(f, 47, 0, efx_outer4_src, efx_outer4_dst);
	gre(f, 0, 0x6558);
	dfx_eth(f, 0x0800);
	at[1] = efx_ipv4_from(f, 17, 0, efx_outer4_src, efx_outer4_dst);
	at[2] = efx_udp(f, 1, 4789);
	put32(f, 0x08000000);
	put32(f, 0);
	dfx_eth(f, 0x8864);
	put32(f, 0x11000001);
	put16(f, 0);
	put16(f, 0x0021);
	at[3] = efx_ipv4_from(f, 4, 0, efx_outer4_src, efx_outer4_dst);
	efx_inner_v4(f, 0);
	efx_ip_end(f, at[3]);
	efx_udp_end(f, at[2]);
	efx_ip_end(f, at[1]);
	efx_ip_end(f, at[0]);
}

static void test_nesting_mixed_kinds_is_bounded(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	mixed_nest(&f, 0);
	efx_assert_inner_v4(&f, 0);
	f.n = 0;
	mixed_nest(&f, 1);
	efx_assert_result(&f, TRACE_DEC_MALFORMED, "nested too deep");
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
		cmocka_unit_test(test_nesting_is_bounded),
		cmocka_unit_test(test_nesting_mixed_kinds_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
