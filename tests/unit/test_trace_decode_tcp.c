/* The capture decoder (src/trace/decode.c), TCP and what is cut: the
 * snap length cutting payload, options or the header, SACK blocks, a bad
 * option length, and broken IP and TCP headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode_fx.h"
#include "support.h"

/* ---- The snap length ---- */

/* tcpdump -s 96: the headers are whole, the payload is cut; the length
 * comes from the IP header. */
static void test_snaplen_cuts_payload(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 1400, 6, 0);
	dfx_syn_segment(&f, 1400);
	assert_int_equal(dfx_decode_cut(TRACE_DLT_EN10MB, &f, 96, f.n, &p, &why), TRACE_DEC_TCP);
	dfx_assert_v4_addrs(&p);
	dfx_assert_syn(&p, 1400, true);
	assert_true(p.truncated);

	/* Cut exactly at the end of the TCP header: no payload pointer. */
	assert_int_equal(dfx_decode_cut(TRACE_DLT_EN10MB, &f, 14 + 20 + DFX_SYN_TCP_LEN, f.n, &p, &why),
			 TRACE_DEC_TCP);
	dfx_assert_syn(&p, 1400, false);
	assert_true(p.truncated);
}

static void test_snaplen_cuts_payload_ipv6(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	dfx_sll2(&f, 0x86dd);
	dfx_ipv6(&f, DFX_SYN_TCP_LEN + 1200, 6);
	dfx_syn_segment(&f, 1200);
	assert_int_equal(dfx_decode_cut(TRACE_DLT_LINUX_SLL2, &f, 128, f.n, &p, &why), TRACE_DEC_TCP);
	dfx_assert_v6_addrs(&p);
	dfx_assert_syn(&p, 1200, true);
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
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 100, 6, 0);
	dfx_syn_segment(&f, 100);
	/* MSS (4) and SACK-permitted (2) whole, 3 bytes of the timestamps. */
	assert_int_equal(dfx_decode_cut(TRACE_DLT_EN10MB, &f, tcp_at + 20 + 4 + 2 + 3, f.n, &p, &why),
			 TRACE_DEC_TCP);
	assert_null(why);
	dfx_assert_v4_addrs(&p);
	assert_int_equal(p.seg.sport, DFX_SPORT);
	assert_int_equal(p.seg.dport, DFX_DPORT);
	assert_int_equal(p.seg.seq, DFX_SEQ);
	assert_int_equal(p.seg.ack, DFX_ACK);
	assert_int_equal(p.seg.flags, TCPS_SYN);
	assert_int_equal(p.seg.wnd, DFX_WND);
	assert_int_equal(p.seg.options, TCPS_OPT_MSS | TCPS_OPT_SACK_OK);
	assert_int_equal(p.seg.mss, 1460);
	assert_int_equal(p.seg.len, 100);
	assert_null(p.seg.data);
	assert_true(p.truncated);

	/* Cut right after the fixed header: no options, header still read. */
	assert_int_equal(dfx_decode_cut(TRACE_DLT_EN10MB, &f, tcp_at + 20, f.n, &p, &why),
			 TRACE_DEC_TCP);
	assert_int_equal(p.seg.seq, DFX_SEQ);
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
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN, 6, 0);
	dfx_syn_segment(&f, 0);
	assert_int_equal(dfx_decode_cut(TRACE_DLT_EN10MB, &f, 14 + 20 + 19, f.n, &p, &why),
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
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 20 + sizeof opts, 6, 0);
	dfx_tcp(&f, TCPS_ACK, opts, sizeof opts);
	assert_int_equal(dfx_decode(TRACE_DLT_EN10MB, &f, &p, &why), TRACE_DEC_TCP);
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
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 20 + sizeof opts + 3, 6, 0);
	dfx_tcp(&f, TCPS_SYN, opts, sizeof opts);
	dfx_payload(&f, 3);
	assert_int_equal(dfx_decode(TRACE_DLT_EN10MB, &f, &p, &why), TRACE_DEC_TCP);
	assert_int_equal(p.seg.seq, DFX_SEQ);
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
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN, 6, 0);
	dfx_syn_segment(&f, 0);
	f.b[14] = 0x44;
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "header length below 5");
}

static void test_malformed_ipv4_options_cut(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 0, 6, 0);
	f.b[14] = 0x4f; /* 60-byte header, 20 bytes there */
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "IPv4 options cut short");
}

static void test_malformed_ipv4_total_length_below_header(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN, 6, 0);
	dfx_syn_segment(&f, 0);
	f.b[14 + 2] = 0;
	f.b[14 + 3] = 10;
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "shorter than its header");
}

static void test_malformed_ipv4_total_length_past_frame(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 50, 6, 0);
	dfx_syn_segment(&f, 0);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the end of the frame");
}

static void test_malformed_ipv4_cut_short(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	put_zeros(&f, 19);
	f.b[14] = 0x45;
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "IPv4 header cut short");
	f.n = 14 + 39;
	f.b[12] = 0x86;
	f.b[13] = 0xdd;
	f.b[14] = 0x60;
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "IPv6 header cut short");
}

static void test_malformed_tcp_offset_past_end(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 20, 6, 0);
	dfx_tcp(&f, TCPS_ACK, NULL, 0);
	f.b[14 + 20 + 12] = 0xf0; /* 60 bytes of header in a 20-byte payload */
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "past the end of the IP payload");
}

static void test_malformed_tcp_offset_below_5(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 20, 6, 0);
	dfx_tcp(&f, TCPS_ACK, NULL, 0);
	f.b[14 + 20 + 12] = 0x40;
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "below 5 words");
}

static void test_malformed_ip_payload_shorter_than_tcp(void **state)
{
	frame f = { .n = 0 };

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, 12, 6, 0);
	put_zeros(&f, 12);
	dfx_assert_result(TRACE_DLT_EN10MB, &f, TRACE_DEC_MALFORMED, "shorter than a TCP header");
}

/* A record whose wire length is below its captured length (a corrupt
 * file) is read as if it were whole. */
static void test_wirelen_below_caplen(void **state)
{
	frame f = { .n = 0 };
	trace_pkt p;
	const char *why;

	(void)state;
	dfx_eth(&f, 0x0800);
	dfx_ipv4(&f, DFX_SYN_TCP_LEN + 20, 6, 0);
	dfx_syn_segment(&f, 20);
	assert_int_equal(dfx_decode_cut(TRACE_DLT_EN10MB, &f, f.n, 10, &p, &why), TRACE_DEC_TCP);
	dfx_assert_syn(&p, 20, true);
	assert_false(p.truncated);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
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
		cmocka_unit_test(test_wirelen_below_caplen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
