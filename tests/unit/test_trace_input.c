/* Capture input (src/trace/input.c) over real files: captures are written
 * with libpcap itself (pcap_dump) or, for pcapng, which libpcap does not
 * write, byte by byte per the pcapng spec (draft-ietf-opsawg-pcapng:
 * section header, interface description and enhanced packet blocks).
 * They are read back from a path and through a pipe, as `-r -` reads
 * standard input; then cut mid-record, and replaced by garbage, to check
 * that the error names the byte offset of the bad record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "trace/decode.h"
#include "trace/input.h"

/* ---- Frames ---- */

#define T0_SEC 1700000000
#define FRAME_MAX 2048

static size_t put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
	return 2;
}

static size_t put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
	return 4;
}

/* The link header for an IPv4 packet: Ethernet or Linux cooked v2. */
static size_t link_header(uint8_t *b, int dlt)
{
	memset(b, 0, 20);
	if (dlt == DLT_EN10MB) {
		b[0] = b[6] = 0x02;
		put16(b + 12, 0x0800);
		return 14;
	}
	assert_int_equal(dlt, DLT_LINUX_SLL2);
	put16(b, 0x0800);
	put32(b + 4, 1); /* ifindex */
	put16(b + 8, 1); /* ARPHRD_ETHER */
	return 20;
}

static size_t ipv4_header(uint8_t *b, uint8_t proto, size_t payload)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)(20 + payload));
	b[8] = 64;
	b[9] = proto;
	put32(b + 12, 0x0a000001);
	put32(b + 16, 0x0a000002);
	return 20;
}

/* A TCP segment (ACK|PSH, no options) from port 40000 to dport. */
static size_t tcp_frame(uint8_t *b, int dlt, uint16_t dport, uint32_t seq, size_t plen)
{
	size_t n = link_header(b, dlt);

	n += ipv4_header(b + n, 6, 20 + plen);
	memset(b + n, 0, 20);
	put16(b + n, 40000);
	put16(b + n + 2, dport);
	put32(b + n + 4, seq);
	put32(b + n + 8, 1);
	b[n + 12] = 0x50;
	b[n + 13] = TCPS_ACK | TCPS_PSH;
	put16(b + n + 14, 1000);
	n += 20;
	memset(b + n, 'x', plen);
	return n + plen;
}

static size_t udp_frame(uint8_t *b, int dlt)
{
	size_t n = link_header(b, dlt);

	n += ipv4_header(b + n, 17, 8);
	memset(b + n, 0, 8);
	return n + 8;
}

/* An IPv4 packet that claims TCP with a 12-byte payload. */
static size_t broken_frame(uint8_t *b, int dlt)
{
	size_t n = link_header(b, dlt);

	n += ipv4_header(b + n, 6, 12);
	memset(b + n, 0, 12);
	return n + 12;
}

/* ---- Writing captures with libpcap ---- */

typedef struct rec {
	uint8_t b[FRAME_MAX];
	size_t caplen, len;
	uint32_t sec, frac; /* µs or ns, as the capture's precision */
} rec;

static char *temp_path(void)
{
	char *path = strdup("/tmp/tcps_input_XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

static char *write_capture(int dlt, u_int precision, int snaplen, const rec *r, size_t n)
{
	char *path = temp_path();
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(dlt, snaplen, precision);
	pcap_dumper_t *d;

	assert_non_null(dead);
	d = pcap_dump_open(dead, path);
	assert_non_null(d);
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h = { .caplen = (bpf_u_int32)r[i].caplen,
					 .len = (bpf_u_int32)r[i].len };

		h.ts.tv_sec = r[i].sec;
		h.ts.tv_usec = r[i].frac;
		pcap_dump((u_char *)d, &h, r[i].b);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return path;
}

static void set_whole(rec *r, size_t n, uint32_t sec, uint32_t frac)
{
	r->caplen = r->len = n;
	r->sec = sec;
	r->frac = frac;
}

/* The mixed capture most tests read: TCP to port 80, UDP, TCP to port
 * 443, a broken TCP header, TCP to port 80 again. */
#define MIXED_N 5
static char *write_mixed(int dlt)
{
	static rec r[MIXED_N];

	set_whole(&r[0], tcp_frame(r[0].b, dlt, 80, 1000, 10), T0_SEC, 123456);
	set_whole(&r[1], udp_frame(r[1].b, dlt), T0_SEC, 200000);
	set_whole(&r[2], tcp_frame(r[2].b, dlt, 443, 2000, 0), T0_SEC + 1, 5);
	set_whole(&r[3], broken_frame(r[3].b, dlt), T0_SEC + 1, 6);
	set_whole(&r[4], tcp_frame(r[4].b, dlt, 80, 1010, 0), T0_SEC + 2, 999999);
	return write_capture(dlt, PCAP_TSTAMP_PRECISION_MICRO, 65535, r, MIXED_N);
}

static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void write_bytes(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

/* The file's bytes fed through a pipe, as `cat FILE | tcpstate trace
 * -r -` would; the file is small enough for the pipe's buffer. */
static FILE *pipe_of(const char *path, long keep)
{
	static uint8_t buf[16384];
	FILE *f = fopen(path, "rb");
	size_t n;
	int fds[2];

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (keep >= 0 && (size_t)keep < n)
		n = (size_t)keep;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], buf, n), (ssize_t)n);
	close(fds[1]);
	f = fdopen(fds[0], "rb");
	assert_non_null(f);
	return f;
}

static trace_input *open_ok(const char *path, const char *filter)
{
	char err[TRACE_INPUT_ERRLEN] = "";
	trace_input *in = trace_input_open_file(path, filter, err);

	if (!in)
		fail_msg("open %s: %s", path, err);
	return in;
}

static void assert_open_fails(const char *path, const char *filter, const char *part)
{
	char err[TRACE_INPUT_ERRLEN] = "";
	trace_input *in = trace_input_open_file(path, filter, err);

	assert_null(in);
	if (!strstr(err, part))
		fail_msg("\"%s\" not in \"%s\"", part, err);
}

/* The input's last error holds `part`. */
static void assert_error_has(const trace_input *in, const char *part)
{
	if (!strstr(trace_input_error(in), part))
		fail_msg("\"%s\" not in \"%s\"", part, trace_input_error(in));
}

static void assert_next_tcp(trace_input *in, uint64_t index, uint16_t dport, uint32_t seq,
			    uint32_t len, uint64_t ts)
{
	trace_pkt p;

	assert_int_equal(trace_input_next(in, &p), 1);
	assert_int_equal(p.index, index);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.src[0], 10);
	assert_int_equal(p.dst[3], 2);
	assert_int_equal(p.seg.sport, 40000);
	assert_int_equal(p.seg.dport, dport);
	assert_int_equal(p.seg.seq, seq);
	assert_int_equal(p.seg.flags, TCPS_ACK | TCPS_PSH);
	assert_int_equal(p.seg.len, len);
	assert_false(p.truncated);
	assert_true(p.ts == ts);
}

/* The whole mixed capture, through any opened input. */
static void read_mixed(trace_input *in)
{
	trace_input_stats st;
	trace_pkt p;

	assert_next_tcp(in, 1, 80, 1000, 10, T0_SEC * 1000000000ull + 123456000);
	assert_next_tcp(in, 3, 443, 2000, 0, (T0_SEC + 1) * 1000000000ull + 5000);
	assert_next_tcp(in, 5, 80, 1010, 0, (T0_SEC + 2) * 1000000000ull + 999999000);
	assert_int_equal(trace_input_next(in, &p), 0);
	assert_int_equal(trace_input_next(in, &p), 0);
	trace_input_get_stats(in, &st);
	assert_int_equal(st.packets, 5);
	assert_int_equal(st.tcp, 3);
	assert_int_equal(st.not_tcp, 1);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.fragments, 0);
	assert_int_equal(st.truncated, 0);
	assert_int_equal(st.nreasons, 1);
	assert_int_equal(st.reasons[0].index, 4);
	assert_non_null(strstr(st.reasons[0].why, "shorter than a TCP header"));
	assert_string_equal(trace_input_error(in), "");
}

/* ---- Files ---- */

static void test_pcap_ethernet(void **state)
{
	char *path = write_mixed(DLT_EN10MB);
	trace_input *in = open_ok(path, NULL);

	(void)state;
	assert_int_equal(trace_input_linktype(in), DLT_EN10MB);
	assert_string_equal(trace_input_linktype_name(in), "EN10MB");
	read_mixed(in);
	trace_input_close(in);
	unlink(path);
	free(path);
}

static void test_pcap_linux_sll2(void **state)
{
	char *path = write_mixed(DLT_LINUX_SLL2);
	trace_input *in = open_ok(path, "");

	(void)state;
	assert_int_equal(trace_input_linktype(in), DLT_LINUX_SLL2);
	assert_string_equal(trace_input_linktype_name(in), "LINUX_SLL2");
	read_mixed(in);
	trace_input_close(in);
	unlink(path);
	free(path);
}

/* A nanosecond pcap keeps its nanoseconds. */
static void test_pcap_nanosecond(void **state)
{
	static rec r[1];
	char *path;
	trace_input *in;
	trace_pkt p;

	(void)state;
	set_whole(&r[0], tcp_frame(r[0].b, DLT_EN10MB, 80, 7, 0), T0_SEC, 123456789);
	path = write_capture(DLT_EN10MB, PCAP_TSTAMP_PRECISION_NANO, 65535, r, 1);
	in = open_ok(path, NULL);
	assert_next_tcp(in, 1, 80, 7, 0, T0_SEC * 1000000000ull + 123456789);
	assert_int_equal(trace_input_next(in, &p), 0);
	trace_input_close(in);
	unlink(path);
	free(path);
}

/* `-r -`: standard input is a pipe, which has no file position. */
static void test_pcap_through_pipe(void **state)
{
	char *path = write_mixed(DLT_EN10MB);
	char err[TRACE_INPUT_ERRLEN] = "";
	trace_input *in = trace_input_open_fp(pipe_of(path, -1), "standard input", NULL, err);

	(void)state;
	assert_non_null(in);
	read_mixed(in);
	trace_input_close(in);
	unlink(path);
	free(path);
}

static void test_filter_tcp_port_80(void **state)
{
	char *path = write_mixed(DLT_EN10MB);
	trace_input *in = open_ok(path, "tcp port 80");
	trace_input_stats st;
	trace_pkt p;

	(void)state;
	/* Numbered among the packets the filter passed, as tcpdump counts. */
	assert_next_tcp(in, 1, 80, 1000, 10, T0_SEC * 1000000000ull + 123456000);
	assert_next_tcp(in, 2, 80, 1010, 0, (T0_SEC + 2) * 1000000000ull + 999999000);
	assert_int_equal(trace_input_next(in, &p), 0);
	trace_input_get_stats(in, &st);
	assert_int_equal(st.packets, 2);
	assert_int_equal(st.tcp, 2);
	assert_int_equal(st.not_tcp + st.malformed, 0);
	trace_input_close(in);
	unlink(path);
	free(path);
}

static void test_filter_from_words(void **state)
{
	char *words[] = { "tcp", "and", "port", "443" };
	char *filter = trace_input_join_filter(4, words);
	char *path = write_mixed(DLT_LINUX_SLL2);
	trace_input *in;
	trace_pkt p;

	(void)state;
	assert_string_equal(filter, "tcp and port 443");
	assert_null(trace_input_join_filter(0, words));
	in = open_ok(path, filter);
	assert_next_tcp(in, 1, 443, 2000, 0, (T0_SEC + 1) * 1000000000ull + 5000);
	assert_int_equal(trace_input_next(in, &p), 0);
	trace_input_close(in);
	unlink(path);
	free(path);
	free(filter);
}

static void test_bad_filter(void **state)
{
	char *path = write_mixed(DLT_EN10MB);

	(void)state;
	assert_open_fails(path, "tcp port eighty", "bad filter expression \"tcp port eighty\"");
	unlink(path);
	free(path);
}

/* -c 3: three records read (of any protocol), two of them TCP. */
static void test_count_limit(void **state)
{
	char *path = write_mixed(DLT_EN10MB);
	trace_input *in = open_ok(path, NULL);
	trace_input_stats st;
	trace_pkt p;

	(void)state;
	trace_input_count_limit(in, 3);
	assert_next_tcp(in, 1, 80, 1000, 10, T0_SEC * 1000000000ull + 123456000);
	assert_next_tcp(in, 3, 443, 2000, 0, (T0_SEC + 1) * 1000000000ull + 5000);
	assert_int_equal(trace_input_next(in, &p), 0);
	trace_input_get_stats(in, &st);
	assert_int_equal(st.packets, 3);
	trace_input_close(in);
	unlink(path);
	free(path);
}

/* tcpdump -s 96 of full-sized segments: the headers are all there. */
static void test_snaplen_96(void **state)
{
	static rec r[2];
	char *path;
	trace_input *in;
	trace_input_stats st;
	trace_pkt p;

	(void)state;
	for (int i = 0; i < 2; i++) {
		r[i].len = tcp_frame(r[i].b, DLT_EN10MB, 80, 1u + 1460u * (uint32_t)i, 1460);
		r[i].caplen = 96;
		r[i].sec = T0_SEC;
		r[i].frac = (uint32_t)i;
	}
	path = write_capture(DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, 96, r, 2);
	in = open_ok(path, NULL);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(trace_input_next(in, &p), 1);
		assert_int_equal(p.seg.dport, 80);
		assert_int_equal(p.seg.seq, 1 + 1460 * i);
		assert_int_equal(p.seg.len, 1460);
		assert_true(p.truncated);
	}
	assert_int_equal(trace_input_next(in, &p), 0);
	trace_input_get_stats(in, &st);
	assert_int_equal(st.tcp, 2);
	assert_int_equal(st.truncated, 2);
	trace_input_close(in);
	unlink(path);
	free(path);
}

/* ---- Broken files ---- */

#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16

/* Three 154-byte frames (170 bytes a record); the third record starts at
 * byte 24 + 2 * 170 = 364. */
static char *write_three(void)
{
	static rec r[3];

	for (int i = 0; i < 3; i++)
		set_whole(&r[i], tcp_frame(r[i].b, DLT_EN10MB, 80, 100u * (uint32_t)i, 100),
			  T0_SEC, (uint32_t)i);
	assert_int_equal(r[0].len, 154);
	return write_capture(DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, 65535, r, 3);
}

#define THIRD_AT (PCAP_FILE_HDR + 2 * (PCAP_REC_HDR + 154))

static void read_two_then_error(trace_input *in, const char *offset)
{
	trace_pkt p;

	assert_int_equal(trace_input_next(in, &p), 1);
	assert_int_equal(p.seg.seq, 0);
	assert_int_equal(trace_input_next(in, &p), 1);
	assert_int_equal(p.seg.seq, 100);
	assert_int_equal(trace_input_next(in, &p), -1);
	assert_error_has(in, offset);
	assert_error_has(in, "truncated");
}

static void test_truncated_mid_record(void **state)
{
	char *path = write_three();
	trace_input *in;

	(void)state;
	assert_int_equal(file_size(path), THIRD_AT + PCAP_REC_HDR + 154);
	/* Cut in the third record's data, then in its header. */
	assert_int_equal(truncate(path, THIRD_AT + PCAP_REC_HDR + 50), 0);
	in = open_ok(path, NULL);
	read_two_then_error(in, "byte offset 364 ");
	trace_input_close(in);
	assert_int_equal(truncate(path, THIRD_AT + 9), 0);
	in = open_ok(path, NULL);
	read_two_then_error(in, "byte offset 364 ");
	trace_input_close(in);
	unlink(path);
	free(path);
}

/* The same through a pipe: the offset is counted as the pipe is read. */
static void test_truncated_through_pipe(void **state)
{
	char *path = write_three();
	char err[TRACE_INPUT_ERRLEN] = "";
	trace_input *in;

	(void)state;
	in = trace_input_open_fp(pipe_of(path, THIRD_AT + PCAP_REC_HDR + 50), "standard input",
				 NULL, err);
	assert_non_null(in);
	read_two_then_error(in, "byte offset 364 ");
	assert_error_has(in, "standard input");
	trace_input_close(in);
	unlink(path);
	free(path);
}

/* ---- A file that changes while it is read ----
 *
 * A regular file is read through a mapping of it (file_map.c); these are
 * the two ways it can change under the reader: cut short (a mapped page
 * past the new end raises SIGBUS) and grown (a capture still being
 * written, past the mapping's end). */

/* n records of headers alone (54-byte frames, 70 bytes a record), record
 * i with sequence number i. */
#define SMALL_FRAME 54
static char *write_small(size_t n)
{
	rec *r = calloc(n, sizeof *r);

	assert_non_null(r);
	for (size_t i = 0; i < n; i++)
		set_whole(&r[i], tcp_frame(r[i].b, DLT_EN10MB, 80, (uint32_t)i, 0), T0_SEC, (uint32_t)i);
	assert_int_equal(r[0].len, SMALL_FRAME);
	char *path = write_capture(DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, 65535, r, n);
	free(r);
	return path;
}

static void assert_next_seq(trace_input *in, uint32_t seq)
{
	trace_pkt p;
	int rc = trace_input_next(in, &p);

	if (rc != 1)
		fail_msg("record %u: %d (%s)", seq, rc, trace_input_error(in));
	assert_int_equal(p.seg.seq, seq);
}

/* Reads the capture at path (records numbered by their sequence
 * numbers) through a cut to 64 KiB made after its first ten records:
 * the `whole` records before the cut as they are, then the cut's error.
 * Removes the file. */
#define CUT 65536
static void read_through_cut(char *path, size_t whole)
{
	trace_input *in = open_ok(path, NULL);
	trace_pkt p;
	char want[64];

	for (uint32_t i = 0; i < 10; i++)
		assert_next_seq(in, i);
	assert_int_equal(truncate(path, CUT), 0);
	for (uint32_t i = 10; i < whole; i++)
		assert_next_seq(in, i);
	assert_int_equal(trace_input_next(in, &p), -1);
	assert_error_has(in, "shrank to 65536 bytes while it was read");
	snprintf(want, sizeof want, "after %zu good records", whole);
	assert_error_has(in, want);
	trace_input_close(in);
	unlink(path);
	free(path);
}

/* Cut to 64 KiB after the first ten records were read: every record
 * wholly before the cut comes out as it is, then an error naming the
 * file's new size, never a crash (nor records made of zeros). */
static void test_file_cut_while_read(void **state)
{
	(void)state;
	read_through_cut(write_small(3000), (CUT - PCAP_FILE_HDR) / (PCAP_REC_HDR + SMALL_FRAME));
}

/* Records appended after the file was opened (tcpdump -w still writing)
 * are read too, as read() would have read them. */
static void test_file_grown_while_read(void **state)
{
	char *path = write_small(300), *more = write_small(500);
	trace_input *in = open_ok(path, NULL);
	long more_size = file_size(more);
	uint8_t *tail = malloc((size_t)more_size);
	FILE *f;
	trace_pkt p;

	(void)state;
	for (uint32_t i = 0; i < 200; i++)
		assert_next_seq(in, i);
	/* the second file's records 300 to 499, after the first's 300 */
	f = fopen(more, "rb");
	assert_non_null(f);
	assert_int_equal(fread(tail, 1, (size_t)more_size, f), (size_t)more_size);
	fclose(f);
	f = fopen(path, "ab");
	assert_non_null(f);
	size_t from = PCAP_FILE_HDR + 300 * (PCAP_REC_HDR + SMALL_FRAME);
	assert_int_equal(fwrite(tail + from, 1, (size_t)more_size - from, f), (size_t)more_size - from);
	fclose(f);
	for (uint32_t i = 200; i < 500; i++)
		assert_next_seq(in, i);
	assert_int_equal(trace_input_next(in, &p), 0);
	trace_input_close(in);
	free(tail);
	unlink(more);
	free(more);
	unlink(path);
	free(path);
}

static void test_not_a_capture(void **state)
{
	static const char text[] = "this is a text file, not a capture of any kind\n";
	char *path = temp_path();

	(void)state;
	write_bytes(path, text, sizeof text - 1);
	assert_open_fails(path, NULL, "not a pcap or pcapng file");
	/* Too short to hold even a file header. */
	write_bytes(path, "\xd4\xc3", 2);
	assert_open_fails(path, NULL, "cut short");
	unlink(path);
	free(path);
}

static void test_missing_file(void **state)
{
	(void)state;
	assert_open_fails("/nonexistent/tcpstate.pcap", NULL,
			  "/nonexistent/tcpstate.pcap: No such file or directory");
}

static void test_unsupported_link_type(void **state)
{
	static rec r[1];
	char *path;

	(void)state;
	set_whole(&r[0], udp_frame(r[0].b, DLT_EN10MB), T0_SEC, 0);
	path = write_capture(DLT_IEEE802_11, PCAP_TSTAMP_PRECISION_MICRO, 65535, r, 1);
	assert_open_fails(path, NULL, "unsupported link type IEEE802_11 (105)");
	unlink(path);
	free(path);
}

/* ---- pcapng ---- */

typedef struct buf {
	uint8_t b[4096];
	size_t n;
} buf;

static void le32(buf *b, uint32_t v)
{
	memcpy(b->b + b->n, &v, 4); /* pcapng is written in the writer's order */
	b->n += 4;
}

static void le16(buf *b, uint16_t v)
{
	memcpy(b->b + b->n, &v, 2);
	b->n += 2;
}

static void pcapng_headers(buf *b)
{
	le32(b, 0x0a0d0d0a); /* section header block */
	le32(b, 28);
	le32(b, 0x1a2b3c4d);
	le16(b, 1);
	le16(b, 0);
	le32(b, 0xffffffff); /* section length unknown */
	le32(b, 0xffffffff);
	le32(b, 28);
	le32(b, 1);          /* interface description block */
	le32(b, 20);
	le16(b, DLT_EN10MB);
	le16(b, 0);
	le32(b, 65535);
	le32(b, 20);
}

/* An enhanced packet block; timestamps in µs (the default resolution). */
static void pcapng_epb(buf *b, const uint8_t *frame, uint32_t len, uint64_t us)
{
	uint32_t padded = (len + 3) & ~3u;

	le32(b, 6);
	le32(b, 32 + padded);
	le32(b, 0);
	le32(b, (uint32_t)(us >> 32));
	le32(b, (uint32_t)us);
	le32(b, len);
	le32(b, len);
	memset(b->b + b->n, 0, padded);
	memcpy(b->b + b->n, frame, len);
	b->n += padded;
	le32(b, 32 + padded);
}

static void test_pcapng(void **state)
{
	static buf b;
	uint8_t frame[FRAME_MAX];
	char *path = temp_path();
	trace_input *in;
	trace_pkt p;
	size_t len, third;

	(void)state;
	b.n = 0;
	pcapng_headers(&b);
	len = tcp_frame(frame, DLT_EN10MB, 80, 1, 5);
	pcapng_epb(&b, frame, (uint32_t)len, T0_SEC * 1000000ull + 250000);
	len = udp_frame(frame, DLT_EN10MB);
	pcapng_epb(&b, frame, (uint32_t)len, T0_SEC * 1000000ull + 250001);
	third = b.n;
	len = tcp_frame(frame, DLT_EN10MB, 443, 2, 0);
	pcapng_epb(&b, frame, (uint32_t)len, T0_SEC * 1000000ull + 250002);
	write_bytes(path, b.b, b.n);

	in = open_ok(path, NULL);
	assert_next_tcp(in, 1, 80, 1, 5, T0_SEC * 1000000000ull + 250000000);
	assert_next_tcp(in, 3, 443, 2, 0, T0_SEC * 1000000000ull + 250002000);
	assert_int_equal(trace_input_next(in, &p), 0);
	trace_input_close(in);

	/* Cut inside the third block: its start is the offset named. */
	write_bytes(path, b.b, third + 30);
	in = open_ok(path, NULL);
	assert_int_equal(trace_input_next(in, &p), 1);
	assert_int_equal(trace_input_next(in, &p), -1);
	{
		char want[64];

		snprintf(want, sizeof want, "byte offset %zu ", third);
		assert_error_has(in, want);
	}
	trace_input_close(in);
	unlink(path);
	free(path);
}

/* A pcapng file cut to 64 KiB while it is read, as the classic one
 * above: the blocks wholly before the cut, then the cut's error (not a
 * bad block made of its zeros).  3,000 blocks of 88 bytes after 48 of
 * headers. */
static void test_pcapng_cut_while_read(void **state)
{
	enum { N = 3000, HEADERS = 48, BLOCK = 88 };
	static buf b;
	uint8_t frame[FRAME_MAX];
	char *path = temp_path();
	FILE *f = fopen(path, "wb");
	size_t len;

	(void)state;
	assert_non_null(f);
	b.n = 0;
	pcapng_headers(&b);
	assert_int_equal(b.n, HEADERS);
	for (uint32_t i = 0; i < N; i++) {
		len = tcp_frame(frame, DLT_EN10MB, 80, i, 0);
		pcapng_epb(&b, frame, (uint32_t)len, T0_SEC * 1000000ull + i);
		assert_int_equal(fwrite(b.b, 1, b.n, f), b.n);
		b.n = 0;
	}
	fclose(f);
	assert_int_equal(file_size(path), HEADERS + N * BLOCK);
	read_through_cut(path, (CUT - HEADERS) / BLOCK);
}

/* ---- Live ---- */

static void test_live_unknown_interface(void **state)
{
	char err[TRACE_INPUT_ERRLEN] = "";
	trace_input *in = trace_input_open_live("tcps-nosuch0", NULL, err);

	(void)state;
	assert_null(in);
	/* Without CAP_NET_RAW the privilege is what is missing first. */
	if (!strstr(err, "no such interface: tcps-nosuch0") &&
	    !strstr(err, "capturing on tcps-nosuch0 needs CAP_NET_RAW"))
		fail_msg("unexpected: %s", err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_ethernet),
		cmocka_unit_test(test_pcap_linux_sll2),
		cmocka_unit_test(test_pcap_nanosecond),
		cmocka_unit_test(test_pcap_through_pipe),
		cmocka_unit_test(test_filter_tcp_port_80),
		cmocka_unit_test(test_filter_from_words),
		cmocka_unit_test(test_bad_filter),
		cmocka_unit_test(test_count_limit),
		cmocka_unit_test(test_snaplen_96),
		cmocka_unit_test(test_truncated_mid_record),
		cmocka_unit_test(test_truncated_through_pipe),
		cmocka_unit_test(test_file_cut_while_read),
		cmocka_unit_test(test_file_grown_while_read),
		cmocka_unit_test(test_not_a_capture),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_unsupported_link_type),
		cmocka_unit_test(test_pcapng),
		cmocka_unit_test(test_pcapng_cut_while_read),
		cmocka_unit_test(test_live_unknown_interface),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
