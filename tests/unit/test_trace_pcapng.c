/* pcapng as tcpstate reads it (input_pcapng.c, through input.c) against
 * libpcap reading the same file: libpcap is the reference, since it read
 * these files before and users know its verdicts.  The captures are
 * written byte by byte per the pcapng specification
 * (draft-ietf-opsawg-pcapng): both byte orders, several interfaces with
 * their own clocks (if_tsresol in powers of 10 and of 2, if_tsoffset),
 * Enhanced, Simple and Packet Blocks, blocks to skip, a second section;
 * every if_tsresol value, the refused ones included; interfaces of
 * several link types in one file, which libpcap refuses and tcpstate
 * reads (each as libpcap reads it alone).  Then thousands of damaged
 * copies (cut, bytes flipped, words replaced):
 * for each, the same packets with the same time stamps, and the same end,
 * clean or with libpcap's words for what is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "decode_fx.h"
#include "frame.h"
#include "tcpstate/segment.h"
#include "trace/decode.h"
#include "trace/input.h"

/* ---- Writing pcapng ---- */

typedef struct ngw {
	uint8_t b[16384];
	size_t n;
	bool swapped;          /* write in the other byte order */
	size_t block;          /* where the open block starts */
	size_t keep[16];       /* offsets of option values the mutations leave alone */
	unsigned nkeep;
} ngw;

static void w32(ngw *w, uint32_t v)
{
	if (w->swapped)
		v = __builtin_bswap32(v);
	memcpy(w->b + w->n, &v, 4);
	w->n += 4;
}

static void w16(ngw *w, uint16_t v)
{
	if (w->swapped)
		v = __builtin_bswap16(v);
	memcpy(w->b + w->n, &v, 2);
	w->n += 2;
}

static void w64(ngw *w, uint64_t v)
{
	if (w->swapped)
		v = __builtin_bswap64(v);
	memcpy(w->b + w->n, &v, 8);
	w->n += 8;
}

static void wbytes(ngw *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
	while (w->n % 4)
		w->b[w->n++] = 0;
}

static void begin(ngw *w, uint32_t type)
{
	w->block = w->n;
	w32(w, type);
	w32(w, 0); /* the length, once known */
}

static void end(ngw *w)
{
	uint32_t len = (uint32_t)(w->n + 4 - w->block);
	w32(w, len);
	if (w->swapped)
		len = __builtin_bswap32(len);
	memcpy(w->b + w->block + 4, &len, 4);
}

static void shb(ngw *w)
{
	begin(w, 0x0A0D0D0A);
	w32(w, 0x1A2B3C4D);
	w16(w, 1);
	w16(w, 0);
	w64(w, UINT64_MAX); /* section length not given */
	end(w);
}

enum { LT_ETHERNET = 1, LT_RAW = 101, LT_USB_LINUX = 189, LT_SLL2 = 276 };

/* An interface; tsresol < 0: none (microseconds); tsoffset 0: none. */
static void idb_of(ngw *w, uint16_t linktype, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
	begin(w, 1);
	w16(w, linktype);
	w16(w, 0);
	w32(w, snaplen);
	if (tsresol >= 0) {
		w16(w, 9);
		w16(w, 1);
		w->keep[w->nkeep++] = w->n;
		uint8_t v = (uint8_t)tsresol;
		wbytes(w, &v, 1);
	}
	if (tsoffset) {
		w16(w, 14);
		w16(w, 8);
		w64(w, (uint64_t)tsoffset);
	}
	w16(w, 0); /* opt_endofopt */
	w16(w, 0);
	end(w);
}

static void idb(ngw *w, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
	idb_of(w, LT_ETHERNET, snaplen, tsresol, tsoffset);
}

/* A TCP segment (or UDP datagram) over IPv4 in a frame of the link type,
 * its payload length telling the packets apart. */
static void make_frame_of(frame *f, uint16_t linktype, bool tcp, size_t payload)
{
	f->n = 0;
	if (linktype == LT_ETHERNET)
		dfx_eth(f, 0x0800);
	else if (linktype == LT_SLL2)
		dfx_sll2(f, 0x0800);
	else if (linktype == LT_USB_LINUX)
		put_zeros(f, 48); /* a USB request block header: never TCP */
	dfx_ipv4(f, (uint16_t)((tcp ? 20 : 8) + payload), tcp ? 6 : 17, 0);
	if (tcp) {
		static const uint8_t no_options[4];
		dfx_tcp(f, TCPS_ACK, no_options, 0);
	} else {
		put16(f, 53);
		put16(f, 53);
		put16(f, (uint16_t)(8 + payload));
		put16(f, 0);
	}
	dfx_payload(f, payload);
}

static void make_frame(frame *f, bool tcp, size_t payload)
{
	make_frame_of(f, LT_ETHERNET, tcp, payload);
}

/* What an Enhanced and a Packet Block hold after the interface: the time
 * stamp, the lengths, the frame. */
static void stamped_frame(ngw *w, uint64_t t, const frame *f)
{
	w32(w, (uint32_t)(t >> 32));
	w32(w, (uint32_t)t);
	w32(w, (uint32_t)f->n);
	w32(w, (uint32_t)f->n);
	wbytes(w, f->b, f->n);
	end(w);
}

static void epb(ngw *w, uint32_t ifid, uint64_t t, const frame *f)
{
	begin(w, 6);
	w32(w, ifid);
	stamped_frame(w, t, f);
}

static void pb(ngw *w, uint16_t ifid, uint64_t t, const frame *f)
{
	begin(w, 2);
	w16(w, ifid);
	w16(w, 0); /* drops */
	stamped_frame(w, t, f);
}

static void spb(ngw *w, const frame *f)
{
	begin(w, 3);
	w32(w, (uint32_t)f->n);
	wbytes(w, f->b, f->n);
	end(w);
}

/* A block of a type neither reader looks into (name resolution,
 * interface statistics, custom). */
static void skipped(ngw *w, uint32_t type, size_t body)
{
	begin(w, type);
	for (size_t i = 0; i < body; i++)
		w->b[w->n++] = (uint8_t)i;
	end(w);
}

#define SEC 1700000000ull

/* A capture with everything the format allows that a reader must get
 * right. */
static void write_sample(ngw *w, bool swapped)
{
	frame f;
	memset(w, 0, sizeof *w);
	w->swapped = swapped;
	shb(w);
	skipped(w, 4, 12);
	idb(w, 0, -1, 0);            /* 0: microseconds */
	idb(w, 0, 9, 0);             /* 1: nanoseconds */
	idb(w, 0, 0x80 | 20, 0);     /* 2: 2^-20 s */
	idb(w, 0, 3, -3600);         /* 3: milliseconds, an hour early */
	make_frame(&f, true, 10);
	epb(w, 0, SEC * 1000000 + 123456, &f);
	make_frame(&f, false, 4);
	epb(w, 1, SEC * 1000000000 + 5, &f);
	make_frame(&f, true, 11);
	epb(w, 1, SEC * 1000000000 + 999999999, &f);
	skipped(w, 5, 24);
	make_frame(&f, true, 12);
	epb(w, 2, (SEC << 20) + 524288, &f);
	make_frame(&f, true, 13);
	epb(w, 3, (SEC + 3600) * 1000 + 7, &f);
	make_frame(&f, true, 14);
	spb(w, &f);
	make_frame(&f, true, 15);
	pb(w, 1, SEC * 1000000000 + 42, &f);
	skipped(w, 0x00000BAD, 8);
	shb(w);                       /* a new section: interfaces anew */
	idb(w, 0, 6, 0);
	make_frame(&f, true, 16);
	epb(w, 0, (SEC + 1) * 1000000, &f);
}

/* ---- Reading it both ways ---- */

enum { MAXPKT = 32 };

typedef struct outcome {
	int end;               /* 0 clean, -1 an error while reading, -2 at opening */
	int linktype;          /* libpcap's: DLT_ */
	unsigned n;
	uint64_t ts[MAXPKT], index[MAXPKT];
	uint32_t len[MAXPKT];
	char err[TRACE_INPUT_ERRLEN];
} outcome;

/* Through a pipe when piped, as `-r -` reads standard input. */
static void read_ours_with(const char *path, const char *filter, bool piped, outcome *o)
{
	trace_pkt p;
	int rc;
	memset(o, 0, sizeof *o);
	trace_input *in;
	if (piped) {
		static uint8_t bytes[sizeof ((ngw *)0)->b];
		int fds[2];
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		size_t n = fread(bytes, 1, sizeof bytes, f);
		fclose(f);
		assert_int_equal(pipe(fds), 0);
		assert_int_equal(write(fds[1], bytes, n), (ssize_t)n);
		close(fds[1]);
		in = trace_input_open_fp(fdopen(fds[0], "rb"), "pipe", filter, o->err);
	} else {
		in = trace_input_open_file(path, filter, o->err);
	}
	if (!in) {
		o->end = -2;
		return;
	}
	while ((rc = trace_input_next(in, &p)) == 1 && o->n < MAXPKT) {
		o->ts[o->n] = p.ts;
		o->index[o->n] = p.index;
		o->len[o->n++] = p.seg.len;
	}
	o->end = rc;
	snprintf(o->err, sizeof o->err, "%s", trace_input_error(in));
	trace_input_close(in);
}

static void read_ours(const char *path, outcome *o)
{
	read_ours_with(path, NULL, false, o);
}

static void read_libpcap_with(const char *path, const char *filter, outcome *o)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t index = 0;
	int rc;
	memset(o, 0, sizeof *o);
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		o->end = -2;
		snprintf(o->err, sizeof o->err, "%s", err);
		return;
	}
	o->linktype = pcap_datalink(pc);
	if (filter) {
		struct bpf_program prog;
		assert_int_equal(pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN), 0);
		assert_int_equal(pcap_setfilter(pc, &prog), 0);
		pcap_freecode(&prog);
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1 && o->n < MAXPKT) {
		trace_pkt p;
		const char *why;
		index++;
		if (trace_decode(pcap_datalink(pc), data, h->caplen, h->len, &p, &why) != TRACE_DEC_TCP)
			continue;
		o->ts[o->n] = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
		o->index[o->n] = index;
		o->len[o->n++] = p.seg.len;
	}
	o->end = rc == PCAP_ERROR_BREAK ? 0 : rc;
	if (rc == -1)
		snprintf(o->err, sizeof o->err, "%s", pcap_geterr(pc));
	pcap_close(pc);
}

static void read_libpcap(const char *path, outcome *o)
{
	read_libpcap_with(path, NULL, o);
}

static char path[64];

/* A message without its numbers, spaces collapsed: tcpstate may say more
 * than the libpcap at hand (newer libpcaps name both lengths where 1.10
 * names none). */
static void words(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 1 < cap; s++) {
		if (*s >= '0' && *s <= '9')
			continue;
		if (*s == ' ' && n && out[n - 1] == ' ')
			continue;
		out[n++] = *s;
	}
	out[n] = '\0';
}

static void write_file(const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* Both readers over b[0..n): the same packets, the same end.  what names
 * the file in a failure. */
static void assert_same(const void *b, size_t n, const char *what)
{
	outcome ours, ref;
	write_file(b, n);
	read_ours(path, &ours);
	read_libpcap(path, &ref);
	if (ref.end == -2 && ours.end == -2)
		return; /* both refuse it (the messages: a test of their own) */
	if (ref.end != -2 && !trace_decode_linktype_supported(ref.linktype))
		return; /* damage made the first interface one tcpstate refuses to decode */
	/* tcpstate reads on where libpcap stops at an interface whose link
	 * type or snap length is not the first one's: what came before must
	 * agree. */
	bool mixed = ref.end == -1 && strstr(ref.err, "different from the") &&
		     strstr(ref.err, "of the first interface");
	if (mixed ? ours.n < ref.n : ours.end != ref.end)
		fail_msg("%s: tcpstate ends with %d (%s), libpcap with %d (%s)", what, ours.end,
			 ours.err, ref.end, ref.err);
	if (!mixed && ours.n != ref.n)
		fail_msg("%s: tcpstate read %u TCP packets, libpcap %u", what, ours.n, ref.n);
	for (unsigned i = 0; i < ref.n; i++)
		if (ours.ts[i] != ref.ts[i] || ours.index[i] != ref.index[i] ||
		    ours.len[i] != ref.len[i])
			fail_msg("%s: packet %u: tcpstate #%llu at %llu (%u bytes), libpcap #%llu at %llu (%u bytes)",
				 what, i, (unsigned long long)ours.index[i],
				 (unsigned long long)ours.ts[i], ours.len[i],
				 (unsigned long long)ref.index[i], (unsigned long long)ref.ts[i],
				 ref.len[i]);
	char a[TRACE_INPUT_ERRLEN], b2[TRACE_INPUT_ERRLEN];
	words(ours.err, a, sizeof a);
	words(ref.err, b2, sizeof b2);
	if (!mixed && ours.end == -1 && !strstr(a, b2))
		fail_msg("%s: tcpstate says \"%s\", libpcap \"%s\"", what, ours.err, ref.err);
}

static void setup_path(void)
{
	snprintf(path, sizeof path, "/tmp/tcps-pcapng-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

/* ---- Tests ---- */

/* Every packet block kind, every clock, both byte orders, two sections:
 * seven TCP packets (and a UDP one) with the time stamps their interfaces
 * give. */
static void test_pcapng_blocks_and_clocks_as_libpcap(void **state)
{
	static ngw w;
	(void)state;
	setup_path();
	for (int swapped = 0; swapped < 2; swapped++) {
		outcome o;
		write_sample(&w, swapped);
		assert_same(w.b, w.n, swapped ? "sample, other byte order" : "sample");
		read_ours(path, &o);
		assert_int_equal(o.end, 0);
		assert_int_equal(o.n, 7);
		assert_int_equal(o.ts[0], SEC * 1000000000 + 123456000);  /* µs */
		assert_int_equal(o.ts[1], SEC * 1000000000 + 999999999);  /* ns */
		assert_int_equal(o.ts[2], SEC * 1000000000 + 500000000);  /* 2^-20 s */
		assert_int_equal(o.ts[3], SEC * 1000000000 + 7000000);    /* ms, offset */
		assert_int_equal(o.ts[4], 0);                             /* SPB: none */
		assert_int_equal(o.ts[5], SEC * 1000000000 + 42);
		assert_int_equal(o.ts[6], (SEC + 1) * 1000000000);         /* 2nd section */
		assert_int_equal(o.index[6], 8);                          /* the UDP one counted */
	}
	unlink(path);
}

/* A small deterministic generator, so that a failure can be replayed. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t below)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % below);
}

static bool kept(const ngw *w, size_t at)
{
	for (unsigned i = 0; i < w->nkeep; i++)
		if (at == w->keep[i])
			return true;
	return false;
}

/* Damaged copies: cut anywhere, bytes flipped, 32-bit words replaced by
 * lengths and counts near the real ones.  The if_tsresol values are left
 * alone: for binary resolutions finer than 2^-34 libpcap's arithmetic
 * wraps, where tcpstate's does not. */
static void test_pcapng_damaged_files_end_as_libpcap(void **state)
{
	static ngw w;
	static uint8_t b[sizeof w.b];
	char what[96];
	(void)state;
	setup_path();
	for (unsigned round = 0; round < 3000; round++) {
		write_sample(&w, round & 1);
		memcpy(b, w.b, w.n);
		size_t n = w.n;
		unsigned kind = rnd(3);
		if (kind == 0) {
			n = rnd((uint32_t)w.n);
		} else if (kind == 1) {
			for (unsigned k = 1 + rnd(4); k; k--) {
				size_t at = rnd((uint32_t)n);
				if (!kept(&w, at))
					b[at] ^= (uint8_t)(1u << rnd(8));
			}
		} else {
			static const uint32_t values[] = { 0, 1, 2, 3, 4, 8, 11, 12, 13, 16, 28,
							   1u << 20, 0x7fffffff, 0xffffffff };
			size_t at = rnd((uint32_t)n / 4) * 4;
			uint32_t v = rnd(2) ? values[rnd(sizeof values / sizeof *values)] : 0;
			if (!v) {
				memcpy(&v, b + at, 4);
				v += (uint32_t)rnd(9) - 4;
			}
			if (!kept(&w, at))
				memcpy(b + at, &v, 4);
		}
		snprintf(what, sizeof what, "damaged copy %u (kind %u)", round, kind);
		assert_same(b, n, what);
	}
	unlink(path);
}

/* Every if_tsresol a file may hold, the refused ones too, each on a
 * second interface (so that its refusal comes while packets are read):
 * the same time stamps, the same refusals. */
static void test_pcapng_every_tsresol_as_libpcap(void **state)
{
	static ngw w;
	frame f;
	char what[64];
	(void)state;
	setup_path();
	make_frame(&f, true, 10);
	for (int v = 0; v < 256; v++) {
		memset(&w, 0, sizeof w);
		shb(&w);
		idb(&w, 0, -1, 0);
		epb(&w, 0, SEC * 1000000, &f);
		idb(&w, 0, v, v & 1 ? -7 : 0);
		/* small enough that no resolution makes libpcap's 64-bit
		 * arithmetic wrap */
		epb(&w, 1, 1000003, &f);
		snprintf(what, sizeof what, "if_tsresol %d", v);
		assert_same(w.b, w.n, what);
	}
	unlink(path);
}

static void assert_outcomes_equal(const outcome *a, const outcome *b, const char *what)
{
	assert_int_equal(a->end, b->end);
	if (a->n != b->n)
		fail_msg("%s: %u TCP packets against %u", what, a->n, b->n);
	for (unsigned i = 0; i < a->n; i++)
		if (a->ts[i] != b->ts[i] || a->index[i] != b->index[i] || a->len[i] != b->len[i])
			fail_msg("%s: packet %u differs", what, i);
}

/* A BPF filter runs on pcapng records as libpcap runs it (the records
 * it drops are not counted), and standard input reads as the file does. */
static void test_pcapng_filter_and_pipe_as_libpcap(void **state)
{
	static ngw w;
	static const char *filters[] = { "tcp", "udp", "tcp and greater 70", "not ip" };
	outcome ours, ref;
	(void)state;
	setup_path();
	for (int swapped = 0; swapped < 2; swapped++) {
		write_sample(&w, swapped);
		write_file(w.b, w.n);
		for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
			read_ours_with(path, filters[i], false, &ours);
			read_libpcap_with(path, filters[i], &ref);
			assert_outcomes_equal(&ours, &ref, filters[i]);
		}
		read_ours_with(path, "tcp", false, &ref);
		assert_int_equal(ref.n, 7);
		assert_int_equal(ref.index[6], 7); /* the UDP record filtered out, not counted */
		read_ours_with(path, NULL, true, &ours);
		read_ours(path, &ref);
		assert_outcomes_equal(&ours, &ref, "pipe");
		/* cut mid-block: the pipe ends as the file does */
		write_file(w.b, w.n - 30);
		read_ours_with(path, NULL, true, &ours);
		read_ours(path, &ref);
		assert_outcomes_equal(&ours, &ref, "pipe, cut short");
		assert_int_equal(ours.end, -1);
	}
	unlink(path);
}

/* Interfaces of four link types in one file, as dumpcap writes when it
 * captures on several (libpcap refuses such a file).  Each interface's
 * packets read as libpcap reads a file of that interface alone; the USB
 * one is counted as not TCP; a filter applies per link type, and one that
 * cannot (an Ethernet address on raw IP) is an error naming the link
 * type. */
static void test_pcapng_interfaces_of_mixed_link_types(void **state)
{
	static const uint16_t lts[] = { LT_ETHERNET, LT_RAW, LT_SLL2, LT_USB_LINUX };
	enum { N = sizeof lts / sizeof *lts };
	static ngw w, alone;
	frame f;
	outcome ours, ref;
	(void)state;
	setup_path();
	memset(&w, 0, sizeof w);
	shb(&w);
	for (int i = 0; i < N; i++)
		idb_of(&w, lts[i], 0, i == 1 ? 9 : -1, 0);
	for (int i = 0; i < N; i++) {
		make_frame_of(&f, lts[i], true, 20 + (size_t)i);
		epb(&w, (uint32_t)i, i == 1 ? SEC * 1000000000 + 7 : SEC * 1000000 + (uint64_t)i, &f);
	}
	write_file(w.b, w.n);
	read_ours(path, &ours);
	assert_int_equal(ours.end, 0);
	assert_int_equal(ours.n, N - 1);
	for (int i = 0; i < N - 1; i++) {
		memset(&alone, 0, sizeof alone);
		shb(&alone);
		idb_of(&alone, lts[i], 0, i == 1 ? 9 : -1, 0);
		make_frame_of(&f, lts[i], true, 20 + (size_t)i);
		epb(&alone, 0, i == 1 ? SEC * 1000000000 + 7 : SEC * 1000000 + (uint64_t)i, &f);
		write_file(alone.b, alone.n);
		read_libpcap(path, &ref);
		assert_int_equal(ref.n, 1);
		assert_int_equal(ours.ts[i], ref.ts[0]);
		assert_int_equal(ours.len[i], ref.len[0]);
		assert_int_equal(ours.index[i], i + 1);
	}

	write_file(w.b, w.n);
	char err[TRACE_INPUT_ERRLEN];
	trace_input_stats st;
	trace_pkt p;
	trace_input *in = trace_input_open_file(path, NULL, err);
	assert_non_null(in);
	while (trace_input_next(in, &p) == 1)
		;
	trace_input_get_stats(in, &st);
	assert_int_equal(st.tcp, N - 1);
	assert_int_equal(st.not_tcp, 1);
	assert_int_equal(st.malformed, 0);
	trace_input_close(in);

	read_ours_with(path, "tcp and greater 70", false, &ours);
	assert_int_equal(ours.end, 0);
	assert_int_equal(ours.n, 2); /* the raw IP one, 61 bytes long, is left out */

	read_ours_with(path, "ether host 00:00:00:00:00:01", false, &ours);
	assert_int_equal(ours.end, -1);
	if (!strstr(ours.err, "link type RAW"))
		fail_msg("\"%s\" does not name the link type", ours.err);
	unlink(path);
}

/* Where both refuse a file at opening, tcpstate's message carries
 * libpcap's. */
static void test_pcapng_refused_header_names_libpcap_reason(void **state)
{
	static ngw w;
	outcome ours, ref;
	(void)state;
	setup_path();
	write_sample(&w, false);
	w.b[12] = 9; /* major version 9 */
	write_file(w.b, w.n);
	read_ours(path, &ours);
	read_libpcap(path, &ref);
	assert_int_equal(ours.end, -2);
	assert_int_equal(ref.end, -2);
	if (!strstr(ours.err, ref.err))
		fail_msg("\"%s\" does not carry \"%s\"", ours.err, ref.err);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcapng_blocks_and_clocks_as_libpcap),
		cmocka_unit_test(test_pcapng_every_tsresol_as_libpcap),
		cmocka_unit_test(test_pcapng_filter_and_pipe_as_libpcap),
		cmocka_unit_test(test_pcapng_interfaces_of_mixed_link_types),
		cmocka_unit_test(test_pcapng_damaged_files_end_as_libpcap),
		cmocka_unit_test(test_pcapng_refused_header_names_libpcap_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
