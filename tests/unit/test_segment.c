/* The segment wire format: RFC 9293 §3.1 (header), §3.2 (options),
 * RFC 7323 (window scale, timestamps), RFC 2018 (SACK), RFC 1071
 * (checksum), and tcpdump's flag notation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"
#include "tcpstate/segment.h"

/* A 20-byte header: sport 40000, dport 9000, seq 0x01020304,
 * ack 0xa0b0c0d0, data offset 5, flags ACK|PSH, window 0x1234,
 * checksum 0xbeef (left as found), urgent pointer 0x0102. */
static const uint8_t plain_header[20] = {
	0x9c, 0x40, 0x23, 0x28, 0x01, 0x02, 0x03, 0x04, 0xa0, 0xb0,
	0xc0, 0xd0, 0x50, 0x18, 0x12, 0x34, 0xbe, 0xef, 0x01, 0x02,
};

/* A header whose options bytes are `opts` (a multiple of 4, at most 40). */
static size_t header_with_options(uint8_t *buf, const uint8_t *opts, size_t optlen)
{
	memcpy(buf, plain_header, sizeof plain_header);
	memcpy(buf + 20, opts, optlen);
	buf[12] = (uint8_t)((20 + optlen) / 4 << 4);
	return 20 + optlen;
}

static int parse_options_bytes(const uint8_t *opts, size_t optlen, tcps_segment *seg)
{
	uint8_t buf[TCPS_HEADER_MAX];
	size_t n = header_with_options(buf, opts, optlen);
	uint8_t *exact = tcpt_dup_exact(buf, n);
	int rc = tcps_segment_parse(exact, n, seg);

	free(exact);
	return rc;
}

static void assert_seg_equal(const tcps_segment *a, const tcps_segment *b)
{
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->ack, b->ack);
	assert_int_equal(a->wnd, b->wnd);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->up, b->up);
	assert_int_equal(a->options, b->options);
	if (a->options & TCPS_OPT_MSS)
		assert_int_equal(a->mss, b->mss);
	if (a->options & TCPS_OPT_WSCALE)
		assert_int_equal(a->wscale, b->wscale);
	if (a->options & TCPS_OPT_TS) {
		assert_int_equal(a->tsval, b->tsval);
		assert_int_equal(a->tsecr, b->tsecr);
	}
	if (a->options & TCPS_OPT_SACK) {
		assert_int_equal(a->nsack, b->nsack);
		for (int i = 0; i < a->nsack; i++) {
			assert_int_equal(a->sack[i].left, b->sack[i].left);
			assert_int_equal(a->sack[i].right, b->sack[i].right);
		}
	}
	assert_int_equal(a->len, b->len);
	if (a->len)
		assert_memory_equal(a->data, b->data, a->len);
}

/* ================= RFC 9293 §3.1: the header ================= */

static void test_rfc9293_3_1_header_fields_network_byte_order(void **state)
{
	tcps_segment s;

	(void)state;
	assert_int_equal(tcps_segment_parse(plain_header, sizeof plain_header, &s), TCPS_PARSE_OK);
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.dport, 9000);
	assert_int_equal(s.seq, 0x01020304u);
	assert_int_equal(s.ack, 0xa0b0c0d0u);
	assert_int_equal(s.flags, TCPS_ACK | TCPS_PSH);
	assert_int_equal(s.wnd, 0x1234);
	assert_int_equal(s.up, 0x0102);
	assert_int_equal(s.options, 0);
	assert_int_equal(s.len, 0);
}

static void test_rfc9293_3_1_header_roundtrip(void **state)
{
	static const uint8_t payload[] = "hello, world";
	tcps_segment in = tcpt_seg(TCPS_ACK | TCPS_PSH | TCPS_URG, 0xfffffff0u, 0x80000001u), out;
	uint8_t buf[128];
	size_t n;

	(void)state;
	in.wnd = 0xabcd;
	in.up = 7;
	in.options = TCPS_OPT_TS | TCPS_OPT_SACK;
	in.tsval = 0xdeadbeef;
	in.tsecr = 0x01020304;
	in.nsack = 2;
	in.sack[0] = (tcps_sack_block){ 100, 200 };
	in.sack[1] = (tcps_sack_block){ 0xffffff00u, 0x10 };
	in.data = payload;
	in.len = sizeof payload;

	n = tcps_segment_emit(&in, buf, sizeof buf);
	assert_int_equal(n, tcps_segment_header_len(&in) + sizeof payload);
	assert_int_equal(tcps_segment_parse(buf, n, &out), TCPS_PARSE_OK);
	assert_seg_equal(&in, &out);
	assert_ptr_equal(out.data, buf + tcps_segment_header_len(&in));
}

static void test_rfc9293_3_1_emit_checksum_field_zero(void **state)
{
	tcps_segment s = tcpt_seg(TCPS_SYN, 1, 0);
	uint8_t buf[64];

	(void)state;
	memset(buf, 0xaa, sizeof buf);
	assert_int_equal(tcps_segment_emit(&s, buf, sizeof buf), 20);
	assert_int_equal(buf[16], 0);
	assert_int_equal(buf[17], 0);
	assert_int_equal(buf[12], 5 << 4); /* reserved bits zero too */
}

static void test_rfc9293_3_1_payload_follows_header(void **state)
{
	uint8_t buf[24 + 5];
	tcps_segment s;

	(void)state;
	header_with_options(buf, (const uint8_t[]){ 1, 1, 1, 0 }, 4);
	memcpy(buf + 24, "abcde", 5);
	assert_int_equal(tcps_segment_parse(buf, sizeof buf, &s), TCPS_PARSE_OK);
	assert_int_equal(s.len, 5);
	assert_ptr_equal(s.data, buf + 24);
	assert_int_equal(tcps_seg_len(&s), 5);
}

static void test_rfc9293_3_1_truncated_header_refused(void **state)
{
	(void)state;
	for (size_t len = 0; len < TCPS_HEADER_MIN; len++) {
		uint8_t *p = tcpt_dup_exact(plain_header, len);
		tcps_segment s;

		assert_int_equal(tcps_segment_parse(p, len, &s), TCPS_PARSE_SHORT);
		free(p);
	}
}

/* A 60-byte header cut anywhere before its end: the data offset promises
 * bytes that are not there, and no option is read past the cut. */
static void test_rfc9293_3_1_truncated_options_refused(void **state)
{
	uint8_t full[TCPS_HEADER_MAX];
	uint8_t opts[40];

	(void)state;
	memset(opts, 1, sizeof opts); /* NOPs */
	opts[0] = 2, opts[1] = 4, opts[2] = 5, opts[3] = 0xb4;
	header_with_options(full, opts, sizeof opts);
	for (size_t len = 0; len < sizeof full; len++) {
		uint8_t *p = tcpt_dup_exact(full, len);
		tcps_segment s;
		int want = len < TCPS_HEADER_MIN ? TCPS_PARSE_SHORT : TCPS_PARSE_BAD_OFFSET;

		assert_int_equal(tcps_segment_parse(p, len, &s), want);
		free(p);
	}
}

static void test_rfc9293_3_1_data_offset_below_5_refused(void **state)
{
	uint8_t buf[20];
	tcps_segment s;

	(void)state;
	for (uint8_t doff = 0; doff < 5; doff++) {
		memcpy(buf, plain_header, sizeof buf);
		buf[12] = (uint8_t)(doff << 4);
		assert_int_equal(tcps_segment_parse(buf, sizeof buf, &s), TCPS_PARSE_BAD_OFFSET);
	}
}

static void test_rfc9293_3_1_emit_cap_too_small(void **state)
{
	tcps_segment s = tcpt_seg(TCPS_SYN, 1, 0);
	uint8_t payload[3] = { 1, 2, 3 };
	size_t need;

	(void)state;
	s.options = TCPS_OPT_MSS | TCPS_OPT_WSCALE;
	s.mss = 1460;
	s.data = payload;
	s.len = sizeof payload;
	need = tcps_segment_header_len(&s) + sizeof payload;
	for (size_t cap = 0; cap < need; cap++) {
		uint8_t *p = malloc(cap ? cap : 1);

		assert_non_null(p);
		assert_int_equal(tcps_segment_emit(&s, p, cap), 0);
		free(p);
	}
	{
		uint8_t *p = malloc(need);

		assert_non_null(p);
		assert_int_equal(tcps_segment_emit(&s, p, need), need);
		free(p);
	}
}

static void test_rfc9293_3_1_emit_payload_without_data_refused(void **state)
{
	tcps_segment s = tcpt_seg(TCPS_ACK, 1, 1);
	uint8_t buf[64];

	(void)state;
	s.len = 4; /* but no data pointer */
	assert_int_equal(tcps_segment_emit(&s, buf, sizeof buf), 0);
}

/* A driver may build the payload in place after the header. */
static void test_rfc9293_3_1_emit_payload_in_place(void **state)
{
	tcps_segment s = tcpt_seg(TCPS_ACK | TCPS_PSH, 1, 1), out;
	uint8_t buf[64];

	(void)state;
	memcpy(buf + 20, "xyz", 3);
	s.data = buf + 20;
	s.len = 3;
	assert_int_equal(tcps_segment_emit(&s, buf, sizeof buf), 23);
	assert_int_equal(tcps_segment_parse(buf, 23, &out), TCPS_PARSE_OK);
	assert_memory_equal(out.data, "xyz", 3);
}

/* ================= RFC 9293 §3.2: options ================= */

static void test_rfc9293_3_2_eol_ends_options(void **state)
{
	/* EOL, then what would be an MSS option: it must not be read. */
	static const uint8_t opts[8] = { 0, 0, 0, 0, 2, 4, 5, 0xb4 };
	tcps_segment s;

	(void)state;
	assert_int_equal(parse_options_bytes(opts, sizeof opts, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, 0);
}

static void test_rfc9293_3_2_nops_skipped(void **state)
{
	static const uint8_t opts[8] = { 1, 1, 1, 1, 2, 4, 0x05, 0xb4 };
	tcps_segment s;

	(void)state;
	assert_int_equal(parse_options_bytes(opts, sizeof opts, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, TCPS_OPT_MSS);
	assert_int_equal(s.mss, 1460);
}

static void test_rfc9293_3_2_unknown_option_skipped(void **state)
{
	/* Kind 30 (MPTCP) with 6 bytes, then MSS: the MSS is still found. */
	static const uint8_t opts[12] = { 30, 6, 0xff, 2, 4, 0xff, 2, 4, 0x02, 0x18, 1, 0 };
	tcps_segment s;

	(void)state;
	assert_int_equal(parse_options_bytes(opts, sizeof opts, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, TCPS_OPT_MSS);
	assert_int_equal(s.mss, 536);
}

static void test_rfc9293_3_2_illegal_option_length_no_crash(void **state)
{
	static const uint8_t zero_len[4] = { 2, 0, 5, 0xb4 };
	static const uint8_t one_len[4] = { 30, 1, 0, 0 };
	static const uint8_t past_header[4] = { 1, 30, 4, 0 };
	static const uint8_t no_len_byte[4] = { 1, 1, 1, 30 };
	tcps_segment s;

	(void)state;
	assert_int_equal(parse_options_bytes(zero_len, 4, &s), TCPS_PARSE_BAD_OPTION);
	assert_int_equal(parse_options_bytes(one_len, 4, &s), TCPS_PARSE_BAD_OPTION);
	assert_int_equal(parse_options_bytes(past_header, 4, &s), TCPS_PARSE_BAD_OPTION);
	assert_int_equal(parse_options_bytes(no_len_byte, 4, &s), TCPS_PARSE_BAD_OPTION);
}

/* Every (kind, length) pair in every position of a 4-byte option area,
 * each parsed from an exactly-sized block so a read past it is caught. */
static void test_rfc9293_3_2_every_kind_and_length_no_crash(void **state)
{
	(void)state;
	for (int pos = 0; pos < 4; pos++)
		for (int kind = 0; kind < 256; kind++)
			for (int len = 0; len < 256; len++) {
				uint8_t opts[4] = { 1, 1, 1, 1 };
				tcps_segment s;
				int rc;

				opts[pos] = (uint8_t)kind;
				if (pos < 3)
					opts[pos + 1] = (uint8_t)len;
				rc = parse_options_bytes(opts, sizeof opts, &s);
				assert_true(rc == TCPS_PARSE_OK || rc == TCPS_PARSE_BAD_OPTION);
			}
}

static void test_rfc9293_3_2_known_option_wrong_length_ignored(void **state)
{
	static const uint8_t mss3[4] = { 2, 3, 5, 0 };
	static const uint8_t ws4[4] = { 3, 4, 7, 0 };
	static const uint8_t sackok3[4] = { 4, 3, 0, 0 };
	static const uint8_t ts8[8] = { 8, 8, 1, 2, 3, 4, 5, 6 };
	static const uint8_t sack9[12] = { 5, 9, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0 };
	static const uint8_t sack2[4] = { 5, 2, 1, 1 };
	/* The wrong one is dropped; a good one after it still counts. */
	static const uint8_t mss3_then_ws[8] = { 2, 3, 5, 1, 3, 3, 2, 0 };
	tcps_segment s;

	(void)state;
	assert_int_equal(parse_options_bytes(mss3, 4, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, 0);
	assert_int_equal(parse_options_bytes(ws4, 4, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, 0);
	assert_int_equal(parse_options_bytes(sackok3, 4, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, 0);
	assert_int_equal(parse_options_bytes(ts8, 8, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, 0);
	assert_int_equal(parse_options_bytes(sack9, 12, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, 0);
	assert_int_equal(parse_options_bytes(sack2, 4, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, 0);
	assert_int_equal(parse_options_bytes(mss3_then_ws, 8, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, TCPS_OPT_WSCALE);
	assert_int_equal(s.wscale, 2);
}

static void test_rfc9293_3_7_1_mss_option_parsed(void **state)
{
	static const uint8_t opts[4] = { 2, 4, 0x23, 0x28 };
	tcps_segment s;

	(void)state;
	assert_int_equal(parse_options_bytes(opts, 4, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, TCPS_OPT_MSS);
	assert_int_equal(s.mss, 9000);
}

/* A Linux SYN as tcpdump shows it: "mss 1460,sackOK,TS val 287454020
 * ecr 0,nop,wscale 7", 20 bytes of options. */
static const uint8_t linux_syn_options[20] = {
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x11, 0x22,
	0x33, 0x44, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};

static tcps_segment linux_like_syn(void)
{
	tcps_segment s = tcpt_seg(TCPS_SYN, 0x01020304, 0);

	s.wnd = 64240;
	s.options = TCPS_OPT_MSS | TCPS_OPT_SACK_OK | TCPS_OPT_TS | TCPS_OPT_WSCALE;
	s.mss = 1460;
	s.tsval = 0x11223344;
	s.tsecr = 0;
	s.wscale = 7;
	return s;
}

static void test_rfc9293_3_2_emit_syn_options_in_linux_order(void **state)
{
	tcps_segment s = linux_like_syn();
	uint8_t buf[64];

	(void)state;
	assert_int_equal(tcps_segment_header_len(&s), 40);
	assert_int_equal(tcps_segment_emit(&s, buf, sizeof buf), 40);
	assert_int_equal(buf[12], 10 << 4);
	assert_int_equal(buf[13], TCPS_SYN);
	assert_memory_equal(buf + 20, linux_syn_options, sizeof linux_syn_options);
}

static void test_rfc9293_3_2_parse_linux_syn(void **state)
{
	tcps_segment want = linux_like_syn(), got;

	(void)state;
	assert_int_equal(parse_options_bytes(linux_syn_options, sizeof linux_syn_options, &got),
			 TCPS_PARSE_OK);
	/* The fixed header came from plain_header; compare the options. */
	assert_int_equal(got.options, want.options);
	assert_int_equal(got.mss, want.mss);
	assert_int_equal(got.tsval, want.tsval);
	assert_int_equal(got.tsecr, want.tsecr);
	assert_int_equal(got.wscale, want.wscale);
}

static void test_rfc9293_3_2_emit_sack_ok_without_ts(void **state)
{
	static const uint8_t want[8] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };
	tcps_segment s = tcpt_seg(TCPS_SYN, 1, 0);
	uint8_t buf[64];

	(void)state;
	s.options = TCPS_OPT_MSS | TCPS_OPT_SACK_OK;
	s.mss = 1460;
	assert_int_equal(tcps_segment_emit(&s, buf, sizeof buf), 28);
	assert_memory_equal(buf + 20, want, sizeof want);
}

static void test_rfc9293_3_2_emit_ts_alone_nop_padded(void **state)
{
	static const uint8_t want[12] = { 1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 9 };
	tcps_segment s = tcpt_seg(TCPS_ACK, 1, 1);
	uint8_t buf[64];

	(void)state;
	s.options = TCPS_OPT_TS;
	s.tsval = 5;
	s.tsecr = 9;
	assert_int_equal(tcps_segment_emit(&s, buf, sizeof buf), 32);
	assert_memory_equal(buf + 20, want, sizeof want);
}

/* Every combination of options and SACK block count: a 4-byte multiple,
 * at most 60 bytes, and parsed back to what was asked for (less any SACK
 * blocks that did not fit). */
static void test_rfc9293_3_2_every_option_combination_roundtrips(void **state)
{
	(void)state;
	for (unsigned opts = 0; opts < 32; opts++)
		for (uint8_t nsack = 0; nsack <= TCPS_MAX_SACK_BLOCKS; nsack++) {
			tcps_segment in = tcpt_seg(TCPS_ACK, 1000, 2000), out;
			uint8_t buf[TCPS_HEADER_MAX];
			size_t hlen, n;

			in.options = (uint8_t)opts;
			in.mss = 1400;
			in.wscale = 3;
			in.tsval = 77;
			in.tsecr = 88;
			in.nsack = nsack;
			for (int i = 0; i < nsack; i++)
				in.sack[i] = (tcps_sack_block){ 10u * (uint32_t)i, 10u * (uint32_t)i + 5 };
			hlen = tcps_segment_header_len(&in);
			assert_int_equal(hlen % 4, 0);
			assert_true(hlen >= TCPS_HEADER_MIN && hlen <= TCPS_HEADER_MAX);
			n = tcps_segment_emit(&in, buf, sizeof buf);
			assert_int_equal(n, hlen);
			assert_int_equal(tcps_segment_parse(buf, n, &out), TCPS_PARSE_OK);
			if (!nsack)
				in.options &= (uint8_t)~TCPS_OPT_SACK;
			if ((in.options & TCPS_OPT_SACK) && out.nsack < nsack)
				in.nsack = out.nsack;
			assert_seg_equal(&in, &out);
		}
}

/* ================= RFC 7323: window scale and timestamps ================= */

static void test_rfc7323_2_3_wscale_clamped_to_14(void **state)
{
	static const uint8_t shifts[] = { 14, 15, 16, 100, 255 };
	tcps_segment s;

	(void)state;
	for (size_t i = 0; i < sizeof shifts; i++) {
		uint8_t opts[4] = { 1, 3, 3, shifts[i] };

		assert_int_equal(parse_options_bytes(opts, 4, &s), TCPS_PARSE_OK);
		assert_int_equal(s.options, TCPS_OPT_WSCALE);
		assert_int_equal(s.wscale, 14);
	}
}

static void test_rfc7323_2_3_wscale_zero_is_present(void **state)
{
	static const uint8_t opts[4] = { 1, 3, 3, 0 };
	tcps_segment s;

	(void)state;
	assert_int_equal(parse_options_bytes(opts, 4, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, TCPS_OPT_WSCALE);
	assert_int_equal(s.wscale, 0);
}

static void test_rfc7323_2_3_wscale_emit_clamped_to_14(void **state)
{
	tcps_segment s = tcpt_seg(TCPS_SYN, 1, 0);
	uint8_t buf[64];

	(void)state;
	s.options = TCPS_OPT_WSCALE;
	s.wscale = 20;
	assert_int_equal(tcps_segment_emit(&s, buf, sizeof buf), 24);
	assert_int_equal(buf[23], 14);
}

static void test_rfc7323_3_2_timestamps_parsed(void **state)
{
	static const uint8_t opts[12] = { 1, 1, 8, 10, 0xff, 0xfe, 0xfd, 0xfc, 0, 0, 1, 0 };
	tcps_segment s;

	(void)state;
	assert_int_equal(parse_options_bytes(opts, sizeof opts, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, TCPS_OPT_TS);
	assert_int_equal(s.tsval, 0xfffefdfcu);
	assert_int_equal(s.tsecr, 256);
}

/* ================= RFC 2018: SACK ================= */

static void test_rfc2018_sack_permitted_parsed(void **state)
{
	static const uint8_t opts[4] = { 1, 1, 4, 2 };
	tcps_segment s;

	(void)state;
	assert_int_equal(parse_options_bytes(opts, 4, &s), TCPS_PARSE_OK);
	assert_int_equal(s.options, TCPS_OPT_SACK_OK);
}

static void test_rfc2018_sack_blocks_parsed(void **state)
{
	(void)state;
	for (int n = 1; n <= TCPS_MAX_SACK_BLOCKS; n++) {
		uint8_t opts[36] = { 1, 1, 5, (uint8_t)(2 + 8 * n) };
		tcps_segment s;

		for (int i = 0; i < n; i++) {
			uint8_t *b = opts + 4 + 8 * i;

			b[0] = 0x10, b[1] = (uint8_t)i, b[2] = 0, b[3] = 1;   /* left */
			b[4] = 0x10, b[5] = (uint8_t)i, b[6] = 0, b[7] = 0xff; /* right */
		}
		assert_int_equal(parse_options_bytes(opts, (size_t)(4 + 8 * n), &s), TCPS_PARSE_OK);
		assert_int_equal(s.options, TCPS_OPT_SACK);
		assert_int_equal(s.nsack, n);
		for (int i = 0; i < n; i++) {
			assert_int_equal(s.sack[i].left, 0x10000001u | (uint32_t)i << 16);
			assert_int_equal(s.sack[i].right, 0x100000ffu | (uint32_t)i << 16);
		}
	}
}

/* With timestamps (12 bytes) only three blocks fit in 40 bytes of
 * options; the first ones are kept, as they report the newest data. */
static void test_rfc2018_4_sack_blocks_limited_by_option_space(void **state)
{
	tcps_segment s = tcpt_seg(TCPS_ACK, 1, 1), out;
	uint8_t buf[TCPS_HEADER_MAX];

	(void)state;
	s.options = TCPS_OPT_TS | TCPS_OPT_SACK;
	s.nsack = 4;
	for (uint32_t i = 0; i < 4; i++)
		s.sack[i] = (tcps_sack_block){ 100 * i + 1, 100 * i + 50 };
	assert_int_equal(tcps_segment_header_len(&s), 60);
	assert_int_equal(tcps_segment_emit(&s, buf, sizeof buf), 60);
	assert_int_equal(tcps_segment_parse(buf, 60, &out), TCPS_PARSE_OK);
	assert_int_equal(out.nsack, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(out.sack[i].left, s.sack[i].left);
		assert_int_equal(out.sack[i].right, s.sack[i].right);
	}

	s.options = TCPS_OPT_SACK;
	assert_int_equal(tcps_segment_header_len(&s), 20 + 4 + 32);
}

/* ================= tcpdump's flag notation ================= */

static void assert_flags(uint8_t flags, const char *want)
{
	char buf[9];

	assert_string_equal(tcps_flags_str(flags, buf), want);
}

static void test_tcpdump_flags_handshake(void **state)
{
	(void)state;
	assert_flags(TCPS_SYN, "S");
	assert_flags(TCPS_SYN | TCPS_ACK, "S.");
	assert_flags(TCPS_ACK, ".");
}

static void test_tcpdump_flags_data_and_close(void **state)
{
	(void)state;
	assert_flags(TCPS_PSH | TCPS_ACK, "P.");
	assert_flags(TCPS_FIN | TCPS_ACK, "F.");
	assert_flags(TCPS_FIN | TCPS_PSH | TCPS_ACK, "FP.");
	assert_flags(TCPS_FIN, "F");
}

static void test_tcpdump_flags_reset(void **state)
{
	(void)state;
	assert_flags(TCPS_RST, "R");
	assert_flags(TCPS_RST | TCPS_ACK, "R.");
}

/* tcpdump's order is F S R P . U E W: the ACK dot sits between PSH and
 * URG, so an ECN SYN-ACK is "S.E" and an ECN-setup SYN "SEW". */
static void test_tcpdump_flags_urg_and_ecn_order(void **state)
{
	(void)state;
	assert_flags(TCPS_URG, "U");
	assert_flags(TCPS_URG | TCPS_ACK | TCPS_PSH, "P.U");
	assert_flags(TCPS_ECE, "E");
	assert_flags(TCPS_CWR, "W");
	assert_flags(TCPS_SYN | TCPS_ECE | TCPS_CWR, "SEW");
	assert_flags(TCPS_SYN | TCPS_ACK | TCPS_ECE, "S.E");
	assert_flags(TCPS_ACK | TCPS_CWR, ".W");
	assert_flags(0xff, "FSRP.UEW");
}

static void test_tcpdump_flags_none(void **state)
{
	(void)state;
	assert_flags(0, "none");
}

/* ================= RFC 1071: the Internet checksum ================= */

/* RFC 1071 §3's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
static void test_rfc1071_3_numerical_example(void **state)
{
	static const uint8_t data[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	(void)state;
	assert_int_equal(tcps_csum_fold(tcps_csum_add(0, data, sizeof data)), 0xffff & ~0xddf2);
}

/* A SYN from 192.168.0.1:12345 to 192.168.0.2:80, seq 1, window 65535,
 * summed by hand over the IPv4 pseudo-header (RFC 9293 §3.1) and the
 * header in 16-bit words:
 *
 *   c0a8 + 0001 + c0a8 + 0002 + 0006 + 0014         = 0x1816d
 *   + 3039 + 0050 + 0000 + 0001 + 0000 + 0000
 *   + 5002 + ffff + 0000 + 0000                     = 0x301f8
 *   fold: 0x01f8 + 0x3 = 0x01fb;  checksum = ~0x01fb = 0xfe04 */
static const uint8_t pseudo_v4[12] = {
	0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0x02, 0x00, 0x06, 0x00, 0x14,
};

static void test_rfc1071_tcp_syn_checksum_by_hand(void **state)
{
	tcps_segment s = tcpt_seg(TCPS_SYN, 1, 0);
	uint8_t hdr[20];
	uint32_t sum;
	uint16_t csum;

	(void)state;
	s.sport = 12345;
	s.dport = 80;
	assert_int_equal(tcps_segment_emit(&s, hdr, sizeof hdr), 20);
	sum = tcps_csum_add(0, pseudo_v4, sizeof pseudo_v4);
	sum = tcps_csum_add(sum, hdr, sizeof hdr);
	csum = tcps_csum_fold(sum);
	assert_int_equal(csum, 0xfe04);

	/* Stored big-endian, the whole sums to zero: a receiver's check. */
	hdr[16] = (uint8_t)(csum >> 8);
	hdr[17] = (uint8_t)csum;
	sum = tcps_csum_add(0, pseudo_v4, sizeof pseudo_v4);
	sum = tcps_csum_add(sum, hdr, sizeof hdr);
	assert_int_equal(tcps_csum_fold(sum), 0);
}

static void test_rfc1071_odd_length_pads_last_byte(void **state)
{
	static const uint8_t data[3] = { 0x01, 0x02, 0x03 };

	(void)state;
	/* 0102 + 0300 = 0402 */
	assert_int_equal(tcps_csum_fold(tcps_csum_add(0, data, 3)), 0xffff & ~0x0402);
	assert_int_equal(tcps_csum_fold(tcps_csum_add(0, data, 1)), 0xffff & ~0x0100);
	assert_int_equal(tcps_csum_fold(tcps_csum_add(0, data, 0)), 0xffff);
}

/* The sum taken 16 bits at a time with the carry folded at every step,
 * as RFC 1071 §4.1 does it: the reference to compare against. */
static uint16_t reference_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

static void test_rfc1071_chunks_on_even_boundaries(void **state)
{
	uint8_t data[1001];
	uint32_t x = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof data; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (uint8_t)(x >> 16);
	}
	for (size_t len = 0; len <= sizeof data; len += 37) {
		uint16_t want = reference_checksum(data, len);

		assert_int_equal(tcps_csum_fold(tcps_csum_add(0, data, len)), want);
		for (size_t cut = 0; cut <= len; cut += 2) {
			uint32_t sum = tcps_csum_add(0, data, cut);

			sum = tcps_csum_add(sum, data + cut, len - cut);
			assert_int_equal(tcps_csum_fold(sum), want);
		}
	}
}

/* A megabyte of 0xff: far more carries than a 32-bit sum could hold. */
static void test_rfc1071_large_buffer_carries(void **state)
{
	size_t len = 1u << 20;
	uint8_t *data = malloc(len);

	(void)state;
	assert_non_null(data);
	memset(data, 0xff, len);
	assert_int_equal(tcps_csum_fold(tcps_csum_add(0, data, len)), reference_checksum(data, len));
	data[len - 1] = 0x12;
	assert_int_equal(tcps_csum_fold(tcps_csum_add(0, data, len)), reference_checksum(data, len));
	assert_int_equal(tcps_csum_fold(tcps_csum_add(0xffffffffu, data, len)),
			 tcps_csum_fold(tcps_csum_add(tcps_csum_add(0, data, len), "\xff\xff\xff\xff", 4)));
	free(data);
}

/* ================= messages ================= */

static void test_parse_strerror_names_every_error(void **state)
{
	(void)state;
	assert_string_equal(tcps_parse_strerror(TCPS_PARSE_OK), "ok");
	assert_non_null(strstr(tcps_parse_strerror(TCPS_PARSE_SHORT), "20"));
	assert_non_null(strstr(tcps_parse_strerror(TCPS_PARSE_BAD_OFFSET), "offset"));
	assert_non_null(strstr(tcps_parse_strerror(TCPS_PARSE_BAD_OPTION), "option"));
	assert_string_equal(tcps_parse_strerror(-99), "unknown parse error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9293_3_1_header_fields_network_byte_order),
		cmocka_unit_test(test_rfc9293_3_1_header_roundtrip),
		cmocka_unit_test(test_rfc9293_3_1_emit_checksum_field_zero),
		cmocka_unit_test(test_rfc9293_3_1_payload_follows_header),
		cmocka_unit_test(test_rfc9293_3_1_truncated_header_refused),
		cmocka_unit_test(test_rfc9293_3_1_truncated_options_refused),
		cmocka_unit_test(test_rfc9293_3_1_data_offset_below_5_refused),
		cmocka_unit_test(test_rfc9293_3_1_emit_cap_too_small),
		cmocka_unit_test(test_rfc9293_3_1_emit_payload_without_data_refused),
		cmocka_unit_test(test_rfc9293_3_1_emit_payload_in_place),
		cmocka_unit_test(test_rfc9293_3_2_eol_ends_options),
		cmocka_unit_test(test_rfc9293_3_2_nops_skipped),
		cmocka_unit_test(test_rfc9293_3_2_unknown_option_skipped),
		cmocka_unit_test(test_rfc9293_3_2_illegal_option_length_no_crash),
		cmocka_unit_test(test_rfc9293_3_2_every_kind_and_length_no_crash),
		cmocka_unit_test(test_rfc9293_3_2_known_option_wrong_length_ignored),
		cmocka_unit_test(test_rfc9293_3_7_1_mss_option_parsed),
		cmocka_unit_test(test_rfc9293_3_2_emit_syn_options_in_linux_order),
		cmocka_unit_test(test_rfc9293_3_2_parse_linux_syn),
		cmocka_unit_test(test_rfc9293_3_2_emit_sack_ok_without_ts),
		cmocka_unit_test(test_rfc9293_3_2_emit_ts_alone_nop_padded),
		cmocka_unit_test(test_rfc9293_3_2_every_option_combination_roundtrips),
		cmocka_unit_test(test_rfc7323_2_3_wscale_clamped_to_14),
		cmocka_unit_test(test_rfc7323_2_3_wscale_zero_is_present),
		cmocka_unit_test(test_rfc7323_2_3_wscale_emit_clamped_to_14),
		cmocka_unit_test(test_rfc7323_3_2_timestamps_parsed),
		cmocka_unit_test(test_rfc2018_sack_permitted_parsed),
		cmocka_unit_test(test_rfc2018_sack_blocks_parsed),
		cmocka_unit_test(test_rfc2018_4_sack_blocks_limited_by_option_space),
		cmocka_unit_test(test_tcpdump_flags_handshake),
		cmocka_unit_test(test_tcpdump_flags_data_and_close),
		cmocka_unit_test(test_tcpdump_flags_reset),
		cmocka_unit_test(test_tcpdump_flags_urg_and_ecn_order),
		cmocka_unit_test(test_tcpdump_flags_none),
		cmocka_unit_test(test_rfc1071_3_numerical_example),
		cmocka_unit_test(test_rfc1071_tcp_syn_checksum_by_hand),
		cmocka_unit_test(test_rfc1071_odd_length_pads_last_byte),
		cmocka_unit_test(test_rfc1071_chunks_on_even_boundaries),
		cmocka_unit_test(test_rfc1071_large_buffer_carries),
		cmocka_unit_test(test_parse_strerror_names_every_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
