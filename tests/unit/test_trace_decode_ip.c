/* The capture decoder (src/trace/decode.c), the IP layer: IPv6 extension
 * headers (RFC 8200 §4, RFC 4302 for AH), fragments of both families,
 * IPv4 options (RFC 791), Ethernet padding, and a total length of 0 (a
 * TSO super-packet as captured on its way out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode_fx.h"
#include "support.h"

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
	dfx_eth(f, 0x86dd);
	dfx_ipv6(f, (uint16_t)(extlen + DFX_SYN_TCP_LEN + 4), first);
}

static void test_ipv6_hop_by_hop(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 0, 8);
	ext_generic(&f, 6, 0);
	dfx_syn_segment(&f, 4);
	dfx_assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_routing(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 43, 24);
	ext_generic(&f, 6, 2);
	dfx_syn_segment(&f, 4);
	dfx_assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_destination_options(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 60, 16);
	ext_generic(&f, 6, 1);
	dfx_syn_segment(&f, 4);
	dfx_assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_ah_counts_4_octet_units(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 51, 24);
	ext_ah(&f, 6);
	dfx_syn_segment(&f, 4);
	dfx_assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

/* A first fragment (offset 0, M set) holds the TCP header. */
static void test_ipv6_first_fragment_is_decoded(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	v6_with_ext(&f, 44, 8);
	ext_fragment(&f, 6, 0, 1);
	dfx_syn_segment(&f, 4);
	dfx_assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_later_fragment(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x86dd);
	dfx_ipv6(&f, 8 + 100, 44);
	ext_fragment(&f, 6, 185, 0);
	dfx_payload(&f, 100);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_FRAGMENT, "fragment");

	f.n = 0;
	dfx_eth(&f, 0x86dd);
	dfx_ipv6(&f, 8 + 100, 44);
	ext_fragment(&f, 17, 185, 1);
	dfx_payload(&f, 100);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_NOT_TCP, "not TCP");
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
	dfx_syn_segment(&f, 4);
	dfx_assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 4);
}

static void test_ipv6_no_next_header_esp_udp(void **state)
{
	static const uint8_t kinds[] = { 59, 50, 17, 58 };

	(void)state;
	for (size_t i = 0; i < sizeof kinds; i++) {
		frame f = { .n = 0 };

		dfx_eth(&f, 0x86dd);
		dfx_ipv6(&f, 8 + 16, 0);
		ext_generic(&f, kinds[i], 0);
		put_zeros(&f, 16);
		dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_NOT_TCP, "not TCP");
	}
}

static void test_ipv6_extension_past_payload(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	/* The header says 3 more units (32 bytes); the payload holds 24. */
	dfx_eth(&f, 0x86dd);
	dfx_ipv6(&f, 24, 60);
	ext_generic(&f, 6, 2);
	f.b[14 + 40 + 1] = 3;
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the payload length");

	/* Fewer than 8 bytes left for an extension header. */
	f.n = 0;
	dfx_eth(&f, 0x86dd);
	dfx_ipv6(&f, 4, 0);
	put_zeros(&f, 4);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the payload length");
}

static void test_ipv6_payload_length_past_frame(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x86dd);
	dfx_ipv6(&f, DFX_SYN_TCP_LEN + 100, 6);
	dfx_syn_segment(&f, 10);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the end of the frame");
}

static void test_ipv6_extension_cut_by_snaplen(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	v6_with_ext(&f, 0, 8);
	ext_generic(&f, 6, 0);
	dfx_syn_segment(&f, 4);
	assert_int_equal(dfx_decode_cut(TRACE_DLT_EN10MB, &f, 14 + 40 + 2, f.n, &p, &why),
			 TRACE_DEC_MALFORMED);
	assert_non_null(strstr(why, "snap length"));
}

/* ---- IPv4 ---- */

static void test_ipv4_first_fragment_is_decoded(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 8, 6, 0x2000); /* MF, offset 0 */
	dfx_syn_segment(&f, 8);
	dfx_assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 8);
}

static void test_ipv4_later_fragment(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 100, 6, 185); /* offset 185 * 8, last */
	dfx_payload(&f, 100);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_FRAGMENT, "fragment");
	f.n = 0;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 100, 6, 0x2000 | 1); /* MF and offset 8 */
	dfx_payload(&f, 100);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_FRAGMENT, "fragment");
}

static void test_ipv4_udp_is_not_tcp(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 8, 17, 0);
	put_zeros(&f, 8);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_NOT_TCP, "not TCP");
}

/* IPv4 options move the TCP header: IHL is followed. */
static void test_ipv4_options(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 8 + DFX_SYN_TCP_LEN, 6, 0);
	f.b[14] = 0x47;
	put32(&f, 0x01010101); /* NOPs */
	put32(&f, 0x01010100); /* NOPs, EOL */
	dfx_syn_segment(&f, 0);
	dfx_assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 0);
}

/* A bare ACK is 54 bytes; Ethernet pads it to 60.  The IP total length
 * says where the packet ends, so the padding is not payload. */
static void test_ethernet_padding_is_not_payload(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 20, 6, 0);
	dfx_tcp(&f, TCPS_ACK, NULL, 0);
	put_zeros(&f, 6);
	assert_int_equal(f.n, 60);
	assert_int_equal(dfx_decode(TRACE_DLT_EN10MB, &f, &p, &why), TRACE_DEC_TCP);
	dfx_assert_v4_addrs(&p);
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
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 0, 6, 0);
	f.b[14 + 2] = f.b[14 + 3] = 0;
	dfx_syn_segment(&f, 1000);
	assert_int_equal(dfx_decode(TRACE_DLT_EN10MB, &f, &p, &why), TRACE_DEC_TCP);
	dfx_assert_syn(&p, 1000, true);
	assert_false(p.truncated);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
