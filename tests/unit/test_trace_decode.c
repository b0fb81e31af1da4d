/* The capture decoder (src/trace/decode.c), link layers: Ethernet with
 * VLAN tags, Linux cooked captures (SLL, SLL2), BSD null and loop, raw
 * IP under each of its link types, and link headers cut short.  Frames
 * and checks: tests/support/decode_fx.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode_fx.h"
#include "support.h"

/* ---- Link layers ---- */

static void test_ethernet_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 10, 6, 0);
	dfx_syn_segment(&f, 10);
	dfx_assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 10);
}

static void test_ethernet_ipv6(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x86dd);
	dfx_ipv6(&f, DFX_SYN_TCP_LEN + 7, 6);
	dfx_syn_segment(&f, 7);
	dfx_assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 7);
}

static void test_ethernet_8021q(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x8100);
	dfx_vlan_tag(&f, 100, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 3, 6, 0);
	dfx_syn_segment(&f, 3);
	dfx_assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 3);
}

static void test_ethernet_qinq_8021ad(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x88a8);
	dfx_vlan_tag(&f, 200, 0x8100);
	dfx_vlan_tag(&f, 100, 0x86dd);
	dfx_ipv6(&f, DFX_SYN_TCP_LEN, 6);
	dfx_syn_segment(&f, 0);
	dfx_assert_whole_v6_syn(TRACE_DLT_EN10MB, &f, 0);
}

/* 0x9100 (pre-802.1ad QinQ) and three tags deep: any depth is taken. */
static void test_ethernet_three_tags_9100(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x9100);
	dfx_vlan_tag(&f, 300, 0x88a8);
	dfx_vlan_tag(&f, 200, 0x8100);
	dfx_vlan_tag(&f, 100, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 1, 6, 0);
	dfx_syn_segment(&f, 1);
	dfx_assert_whole_v4_syn(TRACE_DLT_EN10MB, &f, 1);
}

static void test_ethernet_arp_is_not_tcp(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0806);
	put_zeros(&f, 28);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_NOT_TCP, "not IP");
}

static void test_linux_sll_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_sll(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 5, 6, 0);
	dfx_syn_segment(&f, 5);
	assert_int_equal(f.n, 16 + 20 + DFX_SYN_TCP_LEN + 5);
	dfx_assert_whole_v4_syn(TRACE_DLT_LINUX_SLL, &f, 5);
}

static void test_linux_sll_vlan_ipv6(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_sll(&f, 0x8100);
	dfx_vlan_tag(&f, 7, 0x86dd);
	dfx_ipv6(&f, DFX_SYN_TCP_LEN, 6);
	dfx_syn_segment(&f, 0);
	dfx_assert_whole_v6_syn(TRACE_DLT_LINUX_SLL, &f, 0);
}

static void test_linux_sll2_ipv6(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_sll2(&f, 0x86dd);
	dfx_ipv6(&f, DFX_SYN_TCP_LEN + 2, 6);
	dfx_syn_segment(&f, 2);
	assert_int_equal(f.n, 20 + 40 + DFX_SYN_TCP_LEN + 2);
	dfx_assert_whole_v6_syn(TRACE_DLT_LINUX_SLL2, &f, 2);
}

static void test_linux_sll2_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_sll2(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN, 6, 0);
	dfx_syn_segment(&f, 0);
	dfx_assert_whole_v4_syn(TRACE_DLT_LINUX_SLL2, &f, 0);
}

static void test_linux_sll_cut_short(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put_zeros(&f, 15);
	dfx_assert_result(TRACE_DLT_LINUX_SLL, &f, TRACE_DEC_MALFORMED, "SLL");
	put_zeros(&f, 4);
	dfx_assert_result(TRACE_DLT_LINUX_SLL2, &f, TRACE_DEC_MALFORMED, "SLL2");
}

/* DLT_NULL's family is in the capturing host's byte order. */
static void test_null_little_endian_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put32le(&f, 2);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 4, 6, 0);
	dfx_syn_segment(&f, 4);
	dfx_assert_whole_v4_syn(TRACE_DLT_NULL, &f, 4);
}

static void test_null_big_endian_ipv4(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put32(&f, 2);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 4, 6, 0);
	dfx_syn_segment(&f, 4);
	dfx_assert_whole_v4_syn(TRACE_DLT_NULL, &f, 4);
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
			dfx_ipv6(&f, DFX_SYN_TCP_LEN, 6);
			dfx_syn_segment(&f, 0);
			dfx_assert_whole_v6_syn(TRACE_DLT_NULL, &f, 0);
		}
	}
}

static void test_null_other_family_is_not_tcp(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put32le(&f, 7);
	put_zeros(&f, 40);
	dfx_assert_result(TRACE_DLT_NULL, &f, TRACE_DEC_NOT_TCP, "not IP");
	f.n = 0;
	put_zeros(&f, 3);
	dfx_assert_result(TRACE_DLT_NULL, &f, TRACE_DEC_MALFORMED, "loopback header");
}

/* DLT_LOOP is always in network byte order. */
static void test_loop_network_order(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put32(&f, 2);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 9, 6, 0);
	dfx_syn_segment(&f, 9);
	dfx_assert_whole_v4_syn(TRACE_DLT_LOOP, &f, 9);

	f.n = 0;
	put32(&f, 30);
	dfx_ipv6(&f, DFX_SYN_TCP_LEN, 6);
	dfx_syn_segment(&f, 0);
	dfx_assert_whole_v6_syn(TRACE_DLT_LOOP, &f, 0);

	f.n = 0;
	put32le(&f, 2);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN, 6, 0);
	dfx_syn_segment(&f, 0);
	dfx_assert_result(TRACE_DLT_LOOP, &f, TRACE_DEC_NOT_TCP, "not IP");
}

static void test_raw_ip_every_dlt(void **state)
{
	static const int dlts[] = { TRACE_DLT_RAW, TRACE_DLT_RAW_OPENBSD, TRACE_LINKTYPE_RAW };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		frame f4 = { .n = 0 }, f6 = { .n = 0 };

		dfx_ipv4(&f4, DFX_SYN_TCP_LEN + 6, 6, 0);
		dfx_syn_segment(&f4, 6);
		dfx_assert_whole_v4_syn(dlts[i], &f4, 6);
		dfx_ipv6(&f6, DFX_SYN_TCP_LEN + 6, 6);
		dfx_syn_segment(&f6, 6);
		dfx_assert_whole_v6_syn(dlts[i], &f6, 6);
	}
}

static void test_raw_ip_bad_version(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_ipv4(&f, DFX_SYN_TCP_LEN, 6, 0);
	dfx_syn_segment(&f, 0);
	f.b[0] = 0x55;
	dfx_assert_result(TRACE_DLT_RAW, &f, TRACE_DEC_MALFORMED, "neither version");
	f.n = 0;
	dfx_assert_result(TRACE_DLT_RAW, &f, TRACE_DEC_MALFORMED, "cut short");
}

static void test_dlt_ipv4_and_ipv6(void **state)
{
	frame f4 = { .n = 0 }, f6 = { .n = 0 };

	(void)state;
	dfx_ipv4(&f4, DFX_SYN_TCP_LEN, 6, 0);
	dfx_syn_segment(&f4, 0);
	dfx_assert_whole_v4_syn(TRACE_DLT_IPV4, &f4, 0);
	dfx_ipv6(&f6, DFX_SYN_TCP_LEN, 6);
	dfx_syn_segment(&f6, 0);
	dfx_assert_whole_v6_syn(TRACE_DLT_IPV6, &f6, 0);
	/* Each takes only its own version. */
	dfx_assert_result(TRACE_DLT_IPV4, &f6, TRACE_DEC_MALFORMED, "another version");
	dfx_assert_result(TRACE_DLT_IPV6, &f4, TRACE_DEC_MALFORMED, "another version");
}

static void test_unsupported_link_type(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_ipv4(&f, DFX_SYN_TCP_LEN, 6, 0);
	dfx_syn_segment(&f, 0);
	assert_false(trace_decode_linktype_supported(105)); /* 802.11 */
	assert_true(trace_decode_linktype_supported(TRACE_DLT_LINUX_SLL2));
	dfx_assert_result(105, &f, TRACE_DEC_MALFORMED, "unsupported link type");
}

static void test_malformed_link_headers_cut(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	put_zeros(&f, 10);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "Ethernet header cut short");
	f.n = 0;
	dfx_eth(&f, 0x8100);
	put16(&f, 5);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "VLAN tag cut short");
	f.n = 0;
	dfx_assert_result(TRACE_DLT_LOOP, &f, TRACE_DEC_MALFORMED, "loopback header cut short");
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
		cmocka_unit_test(test_malformed_link_headers_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
