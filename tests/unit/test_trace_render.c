/* The outputs of `tcpstate trace` (src/trace/render*.c), fed synthetic
 * segment events and connection records: the exact JSON Lines records of
 * DESIGN.md, the Zeek conn.log header and row, the ladder's lines, the
 * summary line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include "trace/render.h"
#include "trace/render_int.h"

#define T0 1700000000000000000ull /* the capture's first packet, ns */
#define US 1000ull

typedef struct fixture {
	char *text;
	size_t len;
	FILE *out;
	trace_render r;
	trace_endpoint ep[2];
	trace_pkt pkt;
} fixture;

static void endpoints4(trace_endpoint ep[2])
{
	memset(ep, 0, 2 * sizeof *ep);
	ep[0].family = ep[1].family = 4;
	memcpy(ep[0].addr, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(ep[1].addr, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	ep[0].port = 43236;
	ep[1].port = 9000;
}

static fixture *open_fixture(trace_format format, bool absolute)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->out = open_memstream(&f->text, &f->len);
	assert_non_null(f->out);
	assert_int_equal(trace_render_init(&f->r, format, f->out, absolute), 0);
	endpoints4(f->ep);
	return f;
}

/* Everything written so far, as a string owned by the fixture. */
static const char *output(fixture *f)
{
	fflush(f->out);
	return f->text;
}

static void close_fixture(fixture *f)
{
	trace_render_free(&f->r);
	fclose(f->out);
	free(f->text);
	free(f);
}

/* One segment of connection `conn`, with the states after it. */
static void segment(fixture *f, uint64_t conn, uint64_t t_us, int from, uint8_t flags,
		    uint32_t seq, uint32_t ack, uint32_t rel_seq, uint32_t rel_ack, uint32_t len,
		    trace_label label, tcps_state client, tcps_state server, bool first)
{
	memset(&f->pkt, 0, sizeof f->pkt);
	f->pkt.ts = T0 + t_us * US;
	f->pkt.family = 4;
	f->pkt.seg.flags = flags;
	f->pkt.seg.seq = seq;
	f->pkt.seg.ack = ack;
	f->pkt.seg.len = len;
	trace_seg_event ev = {
		.conn = conn,
		.ts = f->pkt.ts,
		.rel_ts = t_us * US,
		.capture_ts = t_us * US,
		.from = from,
		.pkt = &f->pkt,
		.rel_seq = rel_seq,
		.rel_ack = rel_ack,
		.win = 64240,
		.label = label,
		.state = { client, server },
		.first_of_conn = first,
		.ep = f->ep,
	};
	trace_render_segment(&f->r, &ev);
}

/* The seed's handshake, ISNs 1000 and 4000. */
static void handshake(fixture *f, uint64_t conn, uint64_t t_us)
{
	segment(f, conn, t_us, TRACE_CLIENT, TCPS_SYN, 1000, 0, 0, 0, 0, TRACE_L_HANDSHAKE_1,
		TCPS_SYN_SENT, TCPS_SYN_RCVD, true);
	segment(f, conn, t_us + 100, TRACE_SERVER, TCPS_SYN | TCPS_ACK, 4000, 1001, 0, 1, 0,
		TRACE_L_HANDSHAKE_2, TCPS_ESTABLISHED, TCPS_SYN_RCVD, false);
	segment(f, conn, t_us + 200, TRACE_CLIENT, TCPS_ACK, 1001, 4001, 1, 1, 0,
		TRACE_L_HANDSHAKE_3, TCPS_ESTABLISHED, TCPS_ESTABLISHED, false);
}

static trace_conn_record seed_record(const fixture *f)
{
	trace_conn_record rec;
	memset(&rec, 0, sizeof rec);
	rec.conn = 1;
	memcpy(rec.ep, f->ep, sizeof rec.ep);
	rec.first_ts = T0;
	rec.last_ts = T0 + 4100 * US;
	static const tcps_state client[] = { TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED,
					     TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT };
	static const tcps_state server[] = { TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED,
					     TCPS_CLOSE_WAIT, TCPS_LAST_ACK, TCPS_CLOSED };
	memcpy(rec.states[0], client, sizeof client);
	memcpy(rec.states[1], server, sizeof server);
	rec.nstates[0] = rec.nstates[1] = 6;
	rec.packets[0] = 5;
	rec.packets[1] = 4;
	rec.bytes[0] = rec.bytes[1] = 499;
	rec.closed_by = TRACE_CLIENT;
	strcpy(rec.zeek_history, "ShADdFaf");
	rec.zeek_state = "SF";
	return rec;
}

/* ---- JSON Lines ---- */

static void test_json_segment_records(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_JSON, false);
	handshake(f, 1, 0);
	segment(f, 1, 1000, TRACE_CLIENT, TCPS_PSH | TCPS_ACK, 1001, 4001, 1, 1, 499, TRACE_L_DATA,
		TCPS_ESTABLISHED, TCPS_ESTABLISHED, false);
	assert_string_equal(
		output(f),
		"{\"type\":\"segment\",\"conn\":1,\"t\":0.000000,\"from\":\"client\",\"flags\":\"S\","
		"\"seq\":1000,\"ack\":0,\"len\":0,\"win\":64240,\"label\":\"handshake 1/3\","
		"\"client\":\"SYN_SENT\",\"server\":\"SYN_RCVD\"}\n"
		"{\"type\":\"segment\",\"conn\":1,\"t\":0.000100,\"from\":\"server\",\"flags\":\"S.\","
		"\"seq\":4000,\"ack\":1001,\"len\":0,\"win\":64240,\"label\":\"handshake 2/3\","
		"\"client\":\"ESTABLISHED\",\"server\":\"SYN_RCVD\"}\n"
		"{\"type\":\"segment\",\"conn\":1,\"t\":0.000200,\"from\":\"client\",\"flags\":\".\","
		"\"seq\":1,\"ack\":1,\"len\":0,\"win\":64240,\"label\":\"handshake 3/3\","
		"\"client\":\"ESTABLISHED\",\"server\":\"ESTABLISHED\"}\n"
		"{\"type\":\"segment\",\"conn\":1,\"t\":0.001000,\"from\":\"client\",\"flags\":\"P.\","
		"\"seq\":1,\"ack\":1,\"len\":499,\"win\":64240,\"label\":\"data\","
		"\"client\":\"ESTABLISHED\",\"server\":\"ESTABLISHED\"}\n");
	close_fixture(f);
}

static void test_json_absolute_sequence_numbers_with_S(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_JSON, true);
	segment(f, 1, 0, TRACE_CLIENT, TCPS_ACK, 1001, 4001, 1, 1, 0, TRACE_L_ACK, TCPS_ESTABLISHED,
		TCPS_ESTABLISHED, true);
	assert_non_null(strstr(output(f), "\"seq\":1001,\"ack\":4001,"));
	close_fixture(f);
}

static void test_json_t_counts_from_the_captures_first_packet(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_JSON, false);
	handshake(f, 1, 0);
	/* A second connection 2.5 s later: its own time starts at 0 for the
	 * ladder, but "t" is the capture's. */
	segment(f, 2, 2500000, TRACE_CLIENT, TCPS_SYN, 7, 0, 0, 0, 0, TRACE_L_HANDSHAKE_1,
		TCPS_SYN_SENT, TCPS_SYN_RCVD, true);
	assert_non_null(strstr(output(f), "{\"type\":\"segment\",\"conn\":2,\"t\":2.500000,"));
	close_fixture(f);
}

static void test_json_revised_is_an_extra_key(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_JSON, false);
	memset(&f->pkt, 0, sizeof f->pkt);
	f->pkt.seg.flags = TCPS_SYN;
	trace_seg_event ev = { .conn = 1, .ts = T0, .pkt = &f->pkt, .label = TRACE_L_RETRANSMISSION,
			       .state = { TCPS_SYN_SENT, TCPS_LISTEN }, .revised = { false, true },
			       .first_of_conn = true, .ep = f->ep };
	trace_render_segment(&f->r, &ev);
	assert_non_null(strstr(output(f), "\"label\":\"retransmission\",\"client\":\"SYN_SENT\","
					  "\"server\":\"LISTEN\",\"revised\":true}\n"));
	close_fixture(f);
}

static void test_json_connection_record(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_JSON, false);
	trace_conn_record rec = seed_record(f);
	trace_render_conn(&f->r, &rec);
	assert_string_equal(
		output(f),
		"{\"type\":\"connection\",\"conn\":1,\"client\":\"10.0.0.1:43236\","
		"\"server\":\"10.0.0.2:9000\",\"start\":\"handshake\",\"states\":{\"client\":"
		"[\"CLOSED\",\"SYN_SENT\",\"ESTABLISHED\",\"FIN_WAIT_1\",\"FIN_WAIT_2\",\"TIME_WAIT\"],"
		"\"server\":[\"LISTEN\",\"SYN_RCVD\",\"ESTABLISHED\",\"CLOSE_WAIT\",\"LAST_ACK\","
		"\"CLOSED\"]},\"packets\":{\"client\":5,\"server\":4},\"bytes\":{\"client\":499,"
		"\"server\":499},\"closed_by\":\"client\",\"diagnoses\":[],\"retransmits\":"
		"{\"client\":0,\"server\":0},\"zeek_state\":\"SF\",\"history\":\"ShADdFaf\"}\n");
	close_fixture(f);
}

static void test_json_ipv6_midstream_unclosed(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_JSON, false);
	trace_conn_record rec = seed_record(f);
	for (int i = 0; i < 2; i++) {
		rec.ep[i].family = 6;
		memset(rec.ep[i].addr, 0, 16);
		rec.ep[i].addr[0] = 0x20;
		rec.ep[i].addr[1] = 0x01;
		rec.ep[i].addr[2] = 0x0d;
		rec.ep[i].addr[3] = 0xb8;
		rec.ep[i].addr[15] = (uint8_t)(i + 1);
	}
	rec.midstream = true;
	rec.closed_by = -1;
	const char *out = (trace_render_conn(&f->r, &rec), output(f));
	assert_non_null(strstr(out, "\"client\":\"[2001:db8::1]:43236\",\"server\":\"[2001:db8::2]:9000\","
				    "\"start\":\"midstream\""));
	assert_non_null(strstr(out, "\"closed_by\":null,"));
	close_fixture(f);
}

/* ---- Zeek conn.log ---- */

static const char zeek_header[] =
	"#separator \\x09\n"
	"#set_separator\t,\n"
	"#empty_field\t(empty)\n"
	"#unset_field\t-\n"
	"#path\tconn\n"
	"#open\t";

static const char zeek_fields[] =
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration"
	"\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory"
	"\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount"
	"\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n";

/* The row's columns, tab-separated, without its uid (column 2). */
static void assert_row(const char *row, const char *before_uid, const char *after_uid)
{
	size_t n = strlen(before_uid);
	assert_memory_equal(row, before_uid, n);
	const char *uid = row + n;
	assert_int_equal(uid[0], 'C');
	const char *tab = strchr(uid, '\t');
	assert_non_null(tab);
	assert_int_equal(tab - uid, 18);
	assert_string_equal(tab + 1, after_uid);
}

static void test_zeek_header_row_and_close(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_ZEEK, false);
	trace_conn_record rec = seed_record(f);
	trace_render_conn(&f->r, &rec);
	trace_render_finish(&f->r);
	const char *out = output(f);
	assert_memory_equal(out, zeek_header, strlen(zeek_header));
	/* "#open\t2024-05-01-12-00-00\n": Zeek's format of the wall clock. */
	const char *p = out + strlen(zeek_header);
	assert_int_equal(strchr(p, '\n') - p, 19);
	p = strchr(p, '\n') + 1;
	assert_memory_equal(p, zeek_fields, strlen(zeek_fields));
	p += strlen(zeek_fields);
	char row[512];
	const char *nl = strchr(p, '\n');
	assert_non_null(nl);
	memcpy(row, p, (size_t)(nl - p));
	row[nl - p] = '\0';
	assert_row(row, "1700000000.000000\t",
		   "10.0.0.1\t43236\t10.0.0.2\t9000\ttcp\t-\t0.004100\t499\t499\tSF\t-\t-\t0"
		   "\tShADdFaf\t5\t-\t4\t-\t-");
	assert_memory_equal(nl + 1, "#close\t", 7);
	assert_int_equal(strlen(nl + 1), strlen("#close\t2024-05-01-12-00-00\n"));
	close_fixture(f);
}

static void test_zeek_originator_as_zeek_names_it(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_ZEEK, false);
	trace_conn_record rec = seed_record(f);
	/* An instant, one-sided, flipped connection: duration and bytes unset. */
	rec.zeek_orig_is_server = true;
	rec.last_ts = rec.first_ts;
	rec.packets[0] = 0;
	rec.packets[1] = 1;
	strcpy(rec.zeek_history, "");
	rec.zeek_state = "OTH";
	trace_render_conn(&f->r, &rec);
	const char *row = strstr(output(f), "\n1700000000.000000\t");
	assert_non_null(row);
	char buf[512];
	strncpy(buf, row + 1, sizeof buf - 1);
	buf[sizeof buf - 1] = '\0';
	*strchr(buf, '\n') = '\0';
	assert_row(buf, "1700000000.000000\t",
		   "10.0.0.2\t9000\t10.0.0.1\t43236\ttcp\t-\t-\t-\t-\tOTH\t-\t-\t0\t-\t1\t-\t0\t-\t-");
	close_fixture(f);
}

static void test_zeek_empty_capture_still_has_header_and_close(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_ZEEK, false);
	trace_render_finish(&f->r);
	const char *out = output(f);
	assert_memory_equal(out, zeek_header, strlen(zeek_header));
	assert_non_null(strstr(out, "\n#close\t"));
	close_fixture(f);
}

/* ---- the ladder ---- */

static void test_ladder_single_connection_is_the_seeds_diagram(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_LADDER, true);
	handshake(f, 1, 0);
	segment(f, 1, 3000, TRACE_CLIENT, TCPS_FIN | TCPS_ACK, 1500, 4500, 500, 500, 0,
		TRACE_L_CLOSE_1, TCPS_FIN_WAIT_1, TCPS_CLOSE_WAIT, false);
	trace_conn_record rec = seed_record(f);
	trace_render_conn(&f->r, &rec);
	assert_string_equal(
		output(f),
		"connection 1: client 10.0.0.1:43236, server 10.0.0.2:9000 (handshake)\n"
		"\n"
		"      time  Client                                           Server\n"
		"            state=CLOSED                                     state=LISTEN\n"
		"  0.000000  --- SYN seq=1000 ------------------------------>  handshake 1/3\n"
		"            state=SYN_SENT                                   state=SYN_RCVD\n"
		"  0.000100  <-- SYN seq=4000, ACK=1001 ---------------------  handshake 2/3\n"
		"            state=ESTABLISHED\n"
		"  0.000200  --- ACK=4001 ---------------------------------->  handshake 3/3\n"
		"                                                             state=ESTABLISHED\n"
		"  0.003000  --- FIN seq=1500, ACK=4500 -------------------->  close 1/4\n"
		"            state=FIN_WAIT_1                                 state=CLOSE_WAIT\n"
		"            state=TIME_WAIT (waits 2*MSL)                    state=CLOSED\n"
		"\n"
		"connection 1: closed by the client; client sent 5 segments (499 bytes), server 4 "
		"(499 bytes); Zeek SF ShADdFaf\n");
	close_fixture(f);
}

static void test_ladder_relative_numbers_and_data(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_LADDER, false);
	handshake(f, 1, 0);
	segment(f, 1, 1000, TRACE_SERVER, TCPS_PSH | TCPS_ACK, 4001, 1500, 1, 500, 499,
		TRACE_L_DATA, TCPS_ESTABLISHED, TCPS_ESTABLISHED, false);
	const char *out = output(f);
	/* A SYN shows its numbers as on the wire, the rest relative (tcpdump). */
	assert_non_null(strstr(out, "  0.000100  <-- SYN seq=4000, ACK=1001 ---"));
	assert_non_null(strstr(out, "  0.000200  --- ACK=1 ---"));
	assert_non_null(strstr(out, "\n  0.001000  <-- 499 bytes seq=1, ACK=500 -------------------  data\n"));
	close_fixture(f);
}

static void test_ladder_midstream_and_revised(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_LADDER, false);
	memset(&f->pkt, 0, sizeof f->pkt);
	f->pkt.seg.flags = TCPS_ACK | TCPS_PSH;
	f->pkt.seg.len = 10;
	trace_seg_event ev = { .conn = 1, .ts = T0, .pkt = &f->pkt, .rel_seq = 1, .rel_ack = 1,
			       .label = TRACE_L_DATA,
			       .state = { TCPS_ESTABLISHED, TCPS_ESTABLISHED },
			       .revised = { true, false }, .first_of_conn = true, .ep = f->ep };
	trace_render_segment(&f->r, &ev);
	assert_string_equal(
		output(f),
		"connection 1: client 10.0.0.1:43236, server 10.0.0.2:9000 (midstream)\n"
		"\n"
		"      time  Client                                           Server\n"
		"  0.000000  --- 10 bytes seq=1, ACK=1 --------------------->  data (revised)\n"
		"            state=ESTABLISHED                                state=ESTABLISHED\n");
	close_fixture(f);
}

static void test_ladder_numbers_lines_while_connections_overlap(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_LADDER, true);
	segment(f, 1, 0, TRACE_CLIENT, TCPS_SYN, 1000, 0, 0, 0, 0, TRACE_L_HANDSHAKE_1,
		TCPS_SYN_SENT, TCPS_SYN_RCVD, true);
	segment(f, 2, 0, TRACE_CLIENT, TCPS_SYN, 7000, 0, 0, 0, 0, TRACE_L_HANDSHAKE_1,
		TCPS_SYN_SENT, TCPS_SYN_RCVD, true);
	segment(f, 1, 100, TRACE_SERVER, TCPS_RST | TCPS_ACK, 0, 1001, 0, 1, 0, TRACE_L_RESET,
		TCPS_CLOSED, TCPS_LISTEN, false);
	const char *out = output(f);
	/* Connection 1's first lines, drawn while it was alone, are plain. */
	assert_non_null(strstr(out, "\n  0.000000  --- SYN seq=1000 ---"));
	assert_non_null(strstr(out, "\n    2    0.000000  --- SYN seq=7000 ---"));
	assert_non_null(strstr(out, "\n    1    0.000100  <-- RST seq=0, ACK=1001 ---"));
	assert_non_null(strstr(out, "\n    1              state=CLOSED"));
	close_fixture(f);
}

/* ---- --summary ---- */

static void test_summary_line_and_totals(void **state)
{
	(void)state;
	fixture *f = open_fixture(TRACE_FORMAT_SUMMARY, false);
	trace_conn_record rec = seed_record(f);
	trace_render_conn(&f->r, &rec);
	rec.conn = 2;
	rec.reset = true;
	rec.reset_by = TRACE_SERVER;
	rec.states[1][0] = TCPS_LISTEN;
	rec.states[1][1] = TCPS_CLOSED;
	rec.nstates[1] = 2;
	trace_render_conn(&f->r, &rec);
	trace_render_finish(&f->r);
	assert_string_equal(
		output(f),
		"     1  10.0.0.1:43236 > 10.0.0.2:9000  TIME_WAIT/CLOSED  5/4 pkts  499/499 bytes  "
		"0.004100 s  closed by the client\n"
		"     2  10.0.0.1:43236 > 10.0.0.2:9000  TIME_WAIT/CLOSED  5/4 pkts  499/499 bytes  "
		"0.004100 s  refused (RST to the SYN)\n"
		"2 connections (1 closed, 1 reset, 0 still open or unanswered), 18 packets, "
		"1996 bytes of payload\n");
	close_fixture(f);
}

/* Each side's last state by its name in the state table, whatever its
 * length, and the words for each way a connection ends. */
static void test_summary_names_every_state_and_ending(void **state)
{
	(void)state;
	for (int st = 0; st < TCPS_NSTATES; st++) {
		fixture *f = open_fixture(TRACE_FORMAT_SUMMARY, false);
		trace_conn_record rec = seed_record(f);
		rec.states[0][5] = (tcps_state)st;
		rec.states[1][5] = (tcps_state)(TCPS_NSTATES - 1 - st);
		rec.reset = st & 1;
		rec.reset_by = st & 2 ? TRACE_SERVER : TRACE_CLIENT;
		rec.closed_by = st % 4 - 1;
		trace_render_conn(&f->r, &rec);
		char want[256];
		snprintf(want, sizeof want,
			 "     1  10.0.0.1:43236 > 10.0.0.2:9000  %s/%s  5/4 pkts  499/499 bytes  "
			 "0.004100 s  %s\n",
			 tcps_state_name((tcps_state)st), tcps_state_name((tcps_state)(TCPS_NSTATES - 1 - st)),
			 trace_conn_ending(&rec));
		assert_string_equal(output(f), want);
		close_fixture(f);
	}
}

/* Gathered lines (batch, as for a file) come out at the end, the same
 * lines in the same order as written one by one. */
static void test_summary_batched_lines_are_the_same_lines(void **state)
{
	(void)state;
	fixture *one = open_fixture(TRACE_FORMAT_SUMMARY, false);
	fixture *batched = open_fixture(TRACE_FORMAT_SUMMARY, false);
	batched->r.batch = true;
	trace_conn_record rec = seed_record(one);
	for (int i = 0; i < 2000; i++) { /* past the batch's room, several times */
		rec.conn = (uint64_t)i + 1;
		rec.bytes[0] = (uint64_t)i * 7919;
		trace_render_conn(&one->r, &rec);
		trace_render_conn(&batched->r, &rec);
	}
	assert_true(strlen(output(one)) > 8 * sizeof batched->r.batched);
	assert_true(strlen(output(batched)) < strlen(output(one)));
	trace_render_finish(&one->r);
	trace_render_finish(&batched->r);
	assert_string_equal(output(batched), output(one));
	close_fixture(one);
	close_fixture(batched);
}

static void test_summary_and_zeek_need_no_segments(void **state)
{
	(void)state;
	trace_render r;
	trace_render_init(&r, TRACE_FORMAT_SUMMARY, stdout, false);
	assert_false(trace_render_wants_segments(&r));
	trace_render_init(&r, TRACE_FORMAT_ZEEK, stdout, false);
	assert_false(trace_render_wants_segments(&r));
	trace_render_init(&r, TRACE_FORMAT_JSON, stdout, false);
	assert_true(trace_render_wants_segments(&r));
	trace_render_init(&r, TRACE_FORMAT_LADDER, stdout, false);
	assert_true(trace_render_wants_segments(&r));
	trace_render_free(&r);
}

/* ---- the line builder: the same text libc's formatting gives ---- */

static const char *line_text(trace_line *l)
{
	assert_true(l->n < TRACE_LINE_MAX);
	l->buf[l->n] = '\0';
	return l->buf;
}

static void test_line_ipv4_every_octet_as_inet_ntop(void **state)
{
	(void)state;
	for (unsigned v = 0; v < 256; v++) {
		trace_endpoint ep = { .family = 4, .port = (uint16_t)(v * 257) };
		uint8_t a[4] = { (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v * 7), (uint8_t)(v / 3) };
		memcpy(ep.addr, a, 4);
		char want[64], ntop[INET_ADDRSTRLEN];
		assert_non_null(inet_ntop(AF_INET, a, ntop, sizeof ntop));
		snprintf(want, sizeof want, "%s:%u", ntop, (unsigned)ep.port);
		trace_line l = { .n = 0 };
		trace_line_endpoint(&l, &ep);
		assert_string_equal(line_text(&l), want);
	}
}

static void test_line_numbers_as_printf(void **state)
{
	(void)state;
	char want[64];
	for (uint64_t p = 1, k = 0; k < 20; k++, p *= 10) {
		uint64_t vs[] = { p - 1, p, p + 1, p * 3 + 7, UINT64_MAX - k };
		for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
			trace_line l = { .n = 0 };
			trace_line_u64(&l, vs[i]);
			snprintf(want, sizeof want, "%llu", (unsigned long long)vs[i]);
			assert_string_equal(line_text(&l), want);
			l.n = 0;
			trace_line_u64_right(&l, vs[i], 8);
			snprintf(want, sizeof want, "%8llu", (unsigned long long)vs[i]);
			assert_string_equal(line_text(&l), want);
			l.n = 0;
			trace_line_secs(&l, vs[i]);
			snprintf(want, sizeof want, "%llu.%06llu", (unsigned long long)(vs[i] / 1000000000u),
				 (unsigned long long)(vs[i] % 1000000000u / 1000u));
			assert_string_equal(line_text(&l), want);
			l.n = 0;
			trace_line_secs_right(&l, vs[i], 12);
			char secs[64];
			snprintf(secs, sizeof secs, "%s", want);
			snprintf(want, sizeof want, "%12s", secs);
			assert_string_equal(line_text(&l), want);
		}
	}
	/* Every number of up to six digits, and a spread of longer ones:
	 * each length, each digit in each place. */
	uint64_t x = 88172645463325252ull;
	for (uint64_t i = 0; i < 1200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t v = i < 1000000 ? i : x >> (x % 64);
		trace_line l = { .n = 0 };
		trace_line_u64(&l, v);
		snprintf(want, sizeof want, "%llu", (unsigned long long)v);
		assert_string_equal(line_text(&l), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_segment_records),
		cmocka_unit_test(test_json_absolute_sequence_numbers_with_S),
		cmocka_unit_test(test_json_t_counts_from_the_captures_first_packet),
		cmocka_unit_test(test_json_revised_is_an_extra_key),
		cmocka_unit_test(test_json_connection_record),
		cmocka_unit_test(test_json_ipv6_midstream_unclosed),
		cmocka_unit_test(test_zeek_header_row_and_close),
		cmocka_unit_test(test_zeek_originator_as_zeek_names_it),
		cmocka_unit_test(test_zeek_empty_capture_still_has_header_and_close),
		cmocka_unit_test(test_ladder_single_connection_is_the_seeds_diagram),
		cmocka_unit_test(test_ladder_relative_numbers_and_data),
		cmocka_unit_test(test_ladder_midstream_and_revised),
		cmocka_unit_test(test_ladder_numbers_lines_while_connections_overlap),
		cmocka_unit_test(test_summary_line_and_totals),
		cmocka_unit_test(test_summary_names_every_state_and_ending),
		cmocka_unit_test(test_summary_batched_lines_are_the_same_lines),
		cmocka_unit_test(test_summary_and_zeek_need_no_segments),
		cmocka_unit_test(test_line_ipv4_every_octet_as_inet_ntop),
		cmocka_unit_test(test_line_numbers_as_printf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
