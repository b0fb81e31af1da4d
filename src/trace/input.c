/* Capture input through libpcap.  See input.h.
 *
 * libpcap does live capture, BPF and the rarer file kinds, and judges
 * every file's header; the records of classic pcap and pcapng files (by
 * far the commonest) are read here, faster, by libpcap's rules.  This file
 * adds what a user of tcpstate needs on top: messages that say what to
 * do, the byte offset of a bad record, and counters for what was not TCP
 * or was broken. */
#include "trace/input.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "trace/decode.h"
#include "trace/input_pcapng.h"

enum {
	LIVE_SNAPLEN = 262144, /* tcpdump's default: whole packets */
	LIVE_TIMEOUT_MS = 100, /* how long a stop request may wait */
};

typedef struct counted counted;
typedef struct rawpcap rawpcap;

struct trace_input {
	pcap_t *p;
	counted *src;          /* libpcap's stream, counted (pcapng and the rare pcap kinds) */
	FILE *stream;          /* the stdio stream over src */
	rawpcap *raw;          /* classic pcap, read here rather than by libpcap */
	char *name;            /* file or interface, for messages */
	int linktype;
	bool nano;             /* timestamps are in ns, else in µs */
	volatile sig_atomic_t stop;
	uint64_t limit;        /* -c: 0 for none */
	off_t rec_start;       /* where the record being read starts */
	trace_input_stats st;
	char err[TRACE_INPUT_ERRLEN];
};

/* ---- The file: what was read of it before libpcap sees it ----
 *
 * A capture file or pipe is opened by reading its first 24 bytes (a
 * classic pcap file header's size) ourselves, to see what it is.  A
 * classic pcap file (by far the commonest) is then read by rawpcap
 * below; anything else goes to libpcap through the counting stream,
 * which hands it those 24 bytes first. */

enum { FILE_HDR = 24 };

typedef struct source {
	int fd;
	FILE *under;           /* owns fd */
	bool close_fp;         /* not stdin */
	off_t start;           /* the file offset of head[0] */
	uint8_t head[FILE_HDR];
	size_t nhead;          /* bytes in head */
} source;

/* read(), not fread(): whatever has arrived is handed on, so a record
 * written into a pipe is read as soon as it is whole.  -1 with errno on
 * failure. */
static ssize_t read_fd(int fd, void *buf, size_t n)
{
	ssize_t got;

	do
		got = read(fd, buf, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Reads the first bytes: up to FILE_HDR, less only at the end of the
 * input.  -1 with errno on failure. */
static int source_open(source *s, FILE *fp)
{
	s->under = fp;
	s->close_fp = fp != stdin;
	s->fd = fileno(fp);
	s->start = ftello(fp); /* not 0 for a file handed over after a seek; -1 for a pipe */
	if (s->start < 0)
		s->start = 0;
	s->nhead = 0;
	while (s->nhead < FILE_HDR) {
		ssize_t got = read_fd(s->fd, s->head + s->nhead, FILE_HDR - s->nhead);

		if (got < 0)
			return -1;
		if (got == 0)
			break;
		s->nhead += (size_t)got;
	}
	return 0;
}

static void source_close(source *s)
{
	if (s->close_fp && s->under)
		fclose(s->under);
	s->under = NULL;
}

/* ---- Counting the bytes libpcap reads ----
 *
 * The offset of a bad record is the most useful part of the message, but
 * ftello() before every record costs too much: glibc answers it with an
 * lseek() each time, which tripled the time a packet took; and a pipe has
 * no position at all.  So libpcap reads through a stdio stream of our own whose reads
 * are counted: what was handed to stdio, less what stdio holds unread,
 * is where libpcap is in the file, for pipes too. */

enum { STREAM_BUF = 1 << 16 }; /* fewer read()s than stdio's 8 KiB default */

struct counted {
	source src;
	size_t head_used;      /* of src.head, handed to stdio already */
	off_t pos;             /* bytes handed to stdio so far */
};

static ssize_t counted_read(void *cookie, char *buf, size_t n)
{
	counted *c = cookie;
	ssize_t got;

	if (c->head_used < c->src.nhead) {
		size_t k = c->src.nhead - c->head_used;

		if (k > n)
			k = n;
		memcpy(buf, c->src.head + c->head_used, k);
		c->head_used += k;
		c->pos += (off_t)k;
		return (ssize_t)k;
	}
	got = read_fd(c->src.fd, buf, n);
	if (got > 0)
		c->pos += got;
	return got;
}

/* Only "where are we", for ftello() where stream_tell() cannot look. */
static int counted_seek(void *cookie, off64_t *off, int whence)
{
	counted *c = cookie;

	if (whence == SEEK_CUR && *off == 0) {
		*off = c->pos;
		return 0;
	}
	errno = ESPIPE;
	return -1;
}

static int counted_close(void *cookie)
{
	counted *c = cookie;

	source_close(&c->src);
	free(c);
	return 0;
}

/* The counting stream over the source, which it owns from now on (also
 * when it fails: NULL, the source closed). */
static FILE *counted_open(const source *s, counted **out)
{
	static const cookie_io_functions_t io = {
		.read = counted_read, .seek = counted_seek, .close = counted_close,
	};
	counted *c = malloc(sizeof *c);
	FILE *w;

	if (!c) {
		source tmp = *s;

		source_close(&tmp);
		return NULL;
	}
	c->src = *s;
	c->head_used = 0;
	c->pos = s->start;
	w = fopencookie(c, "rb", io);
	if (!w) {
		counted_close(c);
		return NULL;
	}
	/* Only a smaller buffer if refused. */
	(void)setvbuf(w, NULL, _IOFBF, STREAM_BUF);
	*out = c;
	return w;
}

/* Where libpcap is in the file. */
static inline off_t stream_tell(const counted *c, FILE *w)
{
#ifdef __GLIBC__
	/* glibc's FILE fields are public (gnulib's freadahead() reads them
	 * the same way): two loads, where ftello() is a locked call through
	 * the stream's jump table. */
	return c->pos - (w->_IO_read_end - w->_IO_read_ptr);
#else
	(void)c;
	return ftello(w);
#endif
}

static const char *dlt_name(int dlt)
{
	const char *n = pcap_datalink_val_to_name(dlt);

	return n ? n : "unknown";
}

/* ---- Classic pcap, read here ----
 *
 * libpcap reads a record with two fread()s into its own buffer, after
 * stdio copied it into the stream's: most of a bare read loop's time.
 * Here the file is read in large blocks and each record is handed out
 * where it lies in the block.  libpcap still parses the file header (from
 * a copy, so its checks and messages are the ones users know), compiles
 * and runs the filter (pcap_offline_filter); the records are taken
 * exactly as its sf-pcap.c takes them, with its messages for bad ones.
 *
 * Only the common case comes here: version 2.4 (or later), the standard
 * and nanosecond magic numbers, either byte order, and a link type the
 * decoder reads (libpcap byte-swaps nothing in those, except a CAN
 * identifier inside Linux cooked headers, which stay with libpcap when
 * swapped).  Everything else goes through libpcap. */

enum {
	/* The block: small enough to stay in the L2 cache beside the
	 * observer's tables (larger ones measured no faster), grown to hold
	 * a record that does not fit. */
	RAW_BUF = 1 << 16,
	RAW_REC_HDR = 16,
	/* libpcap's MAXIMUM_SNAPLEN, its max_snaplen_for_dlt() for every link
	 * type the decoder reads. */
	RAW_MAX_SNAPLEN = 262144,
};

enum {
	NG_PROGS = 8,          /* link types a pcapng file may mix, past the first */
	MAGIC_USEC = 0xa1b2c3d4,
	MAGIC_NSEC = 0xa1b23c4d,
	LT_LINUX_SLL = 113,
	LT_LINUX_SLL2 = 276,
};

struct rawpcap {
	source src;
	uint8_t hdr[FILE_HDR]; /* the file header, for libpcap to parse */
	FILE *hdr_stream;      /* over hdr (pcapng: prefix), given to libpcap */
	bool ng;               /* pcapng: blocks, parsed by input_pcapng.c */
	ng_reader ngr;
	uint8_t *prefix;       /* pcapng: a copy of the file up to its first interface */
	int lt;                /* pcapng: the last record's link type (LINKTYPE_) */
	char *filter;          /* pcapng: the filter, for interfaces of other link types */
	struct {
		int dlt;
		struct bpf_program prog;
	} progs[NG_PROGS];     /* the filter compiled for them */
	unsigned nprogs;
	bool swapped;
	bool usec;             /* timestamps in µs: scaled up to ns */
	uint32_t snapshot;     /* the file's snap length, as libpcap adjusts it */
	bool filtered;
	struct bpf_program prog;
	uint8_t *buf;          /* cap bytes */
	size_t cap;
	size_t lo, hi;         /* unread bytes: buf[lo..hi) */
	off_t base;            /* the file offset of buf[0] */
};

static inline uint32_t rd32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

static inline uint16_t rd16(const uint8_t *p, bool swapped)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swapped ? __builtin_bswap16(v) : v;
}

/* Whether the file header is one rawpcap reads; sets swapped and usec. */
static bool raw_header_ok(const uint8_t *h, size_t n, bool *swapped, bool *usec)
{
	uint32_t magic, lt;

	if (n < FILE_HDR)
		return false;
	memcpy(&magic, h, 4);
	if (magic == MAGIC_USEC || magic == MAGIC_NSEC)
		*swapped = false;
	else if (magic == __builtin_bswap32(MAGIC_USEC) || magic == __builtin_bswap32(MAGIC_NSEC))
		*swapped = true;
	else
		return false;
	*usec = rd32(h, *swapped) == MAGIC_USEC;
	/* Before 2.4, libpcap may swap caplen and len. */
	if (rd16(h + 4, *swapped) != 2 || rd16(h + 6, *swapped) < 4)
		return false;
	lt = rd32(h + 20, *swapped) & 0x03ffffff; /* LT_LINKTYPE(): without the FCS bits */
	return !(*swapped && (lt == LT_LINUX_SLL || lt == LT_LINUX_SLL2));
}

static void raw_free(rawpcap *r)
{
	if (!r)
		return;
	source_close(&r->src);
	if (r->filtered)
		pcap_freecode(&r->prog);
	for (unsigned i = 0; i < r->nprogs; i++)
		pcap_freecode(&r->progs[i].prog);
	free(r->filter);
	ng_free(&r->ngr);
	free(r->prefix);
	free(r->buf);
	free(r);
}

/* Makes at least n unread bytes available, unless the input ends first.
 * 0, or -1 with errno when a read fails (ENOMEM: no room for n). */
static int raw_fill(trace_input *in, rawpcap *r, size_t n)
{
	if (r->hi - r->lo >= n)
		return 0;
	if (r->lo + n > r->cap) {
		memmove(r->buf, r->buf + r->lo, r->hi - r->lo);
		r->base += (off_t)r->lo;
		r->hi -= r->lo;
		r->lo = 0;
	}
	if (n > r->cap) {
		uint8_t *b = realloc(r->buf, n);

		if (!b) {
			errno = ENOMEM;
			return -1;
		}
		r->buf = b;
		r->cap = n;
	}
	while (r->hi - r->lo < n) {
		ssize_t got = read(r->src.fd, r->buf + r->hi, r->cap - r->hi);

		if (got < 0 && errno == EINTR) {
			if (in->stop)
				return 0; /* short: the caller sees the end */
			continue;
		}
		if (got < 0)
			return -1;
		if (got == 0)
			return 0;
		r->hi += (size_t)got;
	}
	return 0;
}

/* A bad record: the message names where it starts. */
static int raw_bad(trace_input *in, const char *what)
{
	snprintf(in->err, sizeof in->err,
		 "%s: bad record at byte offset %lld (after %llu good records): %s", in->name,
		 (long long)in->rec_start, (unsigned long long)in->st.packets, what);
	return -1;
}

/* libpcap's words for a failed read: "error reading dump file: ...". */
static int raw_errno(trace_input *in)
{
	char what[PCAP_ERRBUF_SIZE];

	snprintf(what, sizeof what, "error reading dump file: %s", strerror(errno));
	return raw_bad(in, what);
}

/* The slow part of raw_next: the block holds less than the record at
 * buf[lo] (its header when caplen is 0, not read yet).  Reads on; 1 when
 * the record is whole, 0 at a clean end of the input (or a stop), -1
 * with in->err set.  libpcap's messages for a record cut short. */
static __attribute__((noinline)) int raw_more(trace_input *in, rawpcap *r, uint32_t caplen)
{
	char what[PCAP_ERRBUF_SIZE];
	size_t got;

	in->rec_start = r->base + (off_t)r->lo;
	if (raw_fill(in, r, RAW_REC_HDR + (size_t)caplen) < 0)
		return raw_errno(in);
	got = r->hi - r->lo;
	if (got >= RAW_REC_HDR + (size_t)caplen)
		return 1;
	if (in->stop || (got == 0 && !caplen))
		return 0;
	if (got < RAW_REC_HDR) {
		snprintf(what, sizeof what,
			 "truncated dump file; tried to read %zu header bytes, only got %zu",
			 (size_t)RAW_REC_HDR, got);
		return raw_bad(in, what);
	}
	got -= RAW_REC_HDR;
	/* A record longer than the snap length is read to the snap length
	 * first. */
	if (caplen > r->snapshot && got < r->snapshot)
		snprintf(what, sizeof what,
			 "truncated dump file; tried to read %d captured bytes, only got %zu",
			 (int)r->snapshot, got);
	else
		snprintf(what, sizeof what,
			 "truncated dump file; tried to read %u captured bytes, only got %zu", caplen,
			 got);
	return raw_bad(in, what);
}

static __attribute__((noinline)) int raw_too_long(trace_input *in, rawpcap *r, uint32_t caplen)
{
	char what[PCAP_ERRBUF_SIZE];

	in->rec_start = r->base + (off_t)r->lo;
	if (caplen > r->snapshot)
		snprintf(what, sizeof what,
			 "invalid packet capture length %u, bigger than snaplen of %d", caplen,
			 (int)r->snapshot);
	else
		snprintf(what, sizeof what,
			 "invalid packet capture length %u, bigger than maximum of %u", caplen,
			 (unsigned)RAW_MAX_SNAPLEN);
	return raw_bad(in, what);
}

static int ng_next(trace_input *in, rawpcap *r, struct pcap_pkthdr *h, const u_char **data);

/* The next record past the filter, as libpcap's pcap_next_ex would give
 * it: 1 with *h and *data set, 0 at the end, -1 with in->err set. */
static inline int raw_next(trace_input *in, struct pcap_pkthdr *h, const u_char **data)
{
	rawpcap *r = in->raw;

	if (r->ng)
		return ng_next(in, r, h, data);
	for (;;) {
		const uint8_t *rec;
		uint32_t caplen;
		int rc;

		if (in->stop)
			return 0;
		if (r->hi - r->lo < RAW_REC_HDR && (rc = raw_more(in, r, 0)) <= 0)
			return rc;
		rec = r->buf + r->lo;
		caplen = rd32(rec + 8, r->swapped);
		if (caplen > RAW_MAX_SNAPLEN)
			return raw_too_long(in, r, caplen);
		if (r->hi - r->lo < RAW_REC_HDR + caplen) {
			if ((rc = raw_more(in, r, caplen)) <= 0)
				return rc;
			rec = r->buf + r->lo;
		}
		r->lo += RAW_REC_HDR + caplen;
		h->ts.tv_sec = (int32_t)rd32(rec, r->swapped);
		h->ts.tv_usec = (int32_t)rd32(rec + 4, r->swapped);
		if (r->usec)
			h->ts.tv_usec *= 1000;
		/* Longer than the file's snap length: libpcap keeps the snap
		 * length's worth and skips the rest. */
		h->caplen = caplen > r->snapshot ? r->snapshot : caplen;
		h->len = rd32(rec + 12, r->swapped);
		*data = rec + RAW_REC_HDR;
		if (r->filtered && !pcap_offline_filter(&r->prog, h, *data))
			continue;
		return 1;
	}
}

/* ---- pcapng, read here too ----
 *
 * As classic pcap: the file read 64 KiB at a time, each block parsed
 * where it lies (input_pcapng.c), where libpcap copies it twice (stdio,
 * then its own buffer).  libpcap parses the file's beginning, up to and
 * including its first Interface Description Block, from a copy: its checks
 * and messages for a bad header, its link type and snap length. */

/* The block at buf[lo] whole: 1; 0 at a clean end of the input (or a
 * stop); -1 with in->err set. */
static int ng_whole(trace_input *in, rawpcap *r)
{
	char what[PCAP_ERRBUF_SIZE];
	size_t need = NG_BLOCK_HDR, got;
	uint32_t len = 0;

	in->rec_start = r->base + (off_t)r->lo;
	for (;;) {
		if (raw_fill(in, r, need) < 0)
			return raw_errno(in);
		got = r->hi - r->lo;
		if (got < need)
			break;
		if (len)
			return 1;
		if (!(len = ng_block_length(&r->ngr, r->buf + r->lo, what)))
			return raw_bad(in, what);
		need = len;
	}
	if (in->stop || got == 0)
		return 0;
	/* libpcap's words: the header is read first, then the rest. */
	if (!len)
		snprintf(what, sizeof what,
			 "truncated pcapng dump file; tried to read %d bytes, only got %zu",
			 NG_BLOCK_HDR, got);
	else
		snprintf(what, sizeof what,
			 "truncated pcapng dump file; tried to read %u bytes, only got %zu",
			 len - NG_BLOCK_HDR, got - NG_BLOCK_HDR);
	return raw_bad(in, what);
}

/* The DLT_ value libpcap gives a LINKTYPE_ value: they differ where DLT_
 * values differ between systems (of what tcpstate decodes: raw IP). */
static int dlt_of(int linktype)
{
	return linktype == TRACE_LINKTYPE_RAW ? DLT_RAW : linktype;
}

/* The filter for the last record's link type: libpcap compiled it for
 * the first interface's; another interface's is compiled the first time
 * one of its records comes.  A link type the decoder does not read is
 * filtered out whole (its records are never TCP for tcpstate).  NULL with
 * in->err set when the filter does not apply to that link type. */
static const struct bpf_program *ng_filter(trace_input *in, rawpcap *r)
{
	static const struct bpf_program none = { 0, NULL };
	int dlt = dlt_of(r->lt);
	pcap_t *dead;

	if (dlt == in->linktype)
		return &r->prog;
	if (!trace_decode_linktype_supported(r->lt))
		return &none; /* matches nothing */
	for (unsigned i = 0; i < r->nprogs; i++)
		if (r->progs[i].dlt == dlt)
			return &r->progs[i].prog;
	in->rec_start = r->base + (off_t)r->lo;
	if (r->nprogs == NG_PROGS) {
		snprintf(in->err, sizeof in->err, "%s: interfaces of more than %d link types", in->name,
			 NG_PROGS + 1);
		return NULL;
	}
	if (!(dead = pcap_open_dead(dlt, RAW_MAX_SNAPLEN))) {
		snprintf(in->err, sizeof in->err, "%s: out of memory", in->name);
		return NULL;
	}
	if (pcap_compile(dead, &r->progs[r->nprogs].prog, r->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(in->err, sizeof in->err,
			 "%s: bad filter expression \"%s\" for an interface of link type %s (%d): %s",
			 in->name, r->filter, dlt_name(dlt), dlt, pcap_geterr(dead));
		pcap_close(dead);
		return NULL;
	}
	pcap_close(dead);
	r->progs[r->nprogs].dlt = dlt;
	return &r->progs[r->nprogs++].prog;
}

static int ng_next(trace_input *in, rawpcap *r, struct pcap_pkthdr *h, const u_char **data)
{
	char what[PCAP_ERRBUF_SIZE];

	for (;;) {
		const uint8_t *block;
		uint32_t len;
		int rc;

		if (in->stop)
			return 0;
		if (r->hi - r->lo < NG_BLOCK_HDR ||
		    r->hi - r->lo < (len = ng_block_length(&r->ngr, r->buf + r->lo, what)) || !len) {
			if ((rc = ng_whole(in, r)) <= 0)
				return rc;
			len = ng_block_length(&r->ngr, r->buf + r->lo, what);
		}
		block = r->buf + r->lo;
		r->lo += len;
		rc = ng_block(&r->ngr, block, len, h, data, &r->lt, what);
		if (rc < 0) {
			in->rec_start = r->base + (off_t)(r->lo - len);
			return raw_bad(in, what);
		}
		if (rc == 0)
			continue;
		if (r->filtered) {
			const struct bpf_program *prog = ng_filter(in, r);

			if (!prog)
				return -1;
			if (!pcap_offline_filter(prog, h, *data))
				continue;
		}
		return 1;
	}
}

/* The length of the block at buf[at], as libpcap checks it while it
 * opens the file: the Section Header Block first (28 bytes to 1 MB), the
 * others as ng_block_length; 0 where libpcap would refuse it. */
static uint32_t ng_open_length(const rawpcap *r, size_t at)
{
	char what[PCAP_ERRBUF_SIZE];
	uint32_t len;

	if (at)
		return ng_block_length(&r->ngr, r->buf + at, what);
	memcpy(&len, r->buf + 4, 4);
	if (r->ngr.swapped)
		len = __builtin_bswap32(len);
	return len < 28 || len > (1u << 20) ? 0 : len;
}

static uint32_t ng_type(const rawpcap *r, size_t at)
{
	uint32_t type;

	memcpy(&type, r->buf + at, 4);
	return r->ngr.swapped ? __builtin_bswap32(type) : type;
}

/* Reads the file's beginning into r->buf (whose first bytes are the
 * source's head) up to the end of its first Interface Description Block:
 * what libpcap reads to open it.  Less where the file ends or libpcap
 * will refuse a block: it says what is wrong then.  The number of bytes,
 * or -1 with errno. */
static ssize_t ng_prefix(trace_input *in, rawpcap *r)
{
	size_t at = 0;

	for (;;) {
		uint32_t len;

		if (raw_fill(in, r, at + NG_BLOCK_HDR) < 0)
			return -1;
		if (r->hi < at + NG_BLOCK_HDR || !(len = ng_open_length(r, at)))
			return (ssize_t)r->hi;
		if (raw_fill(in, r, at + len) < 0)
			return -1;
		if (r->hi < at + len)
			return (ssize_t)r->hi;
		at += len;
		if (ng_type(r, at - len) == NG_TYPE_IDB)
			return (ssize_t)at;
	}
}

/* rawpcap's open for a pcapng source (its head shows one, in the given
 * byte order); as raw_open, except that the source has been read from
 * when it fails (perr then says why). */
static rawpcap *ng_open(trace_input *in, rawpcap *r, const source *s, bool swapped, char *perr)
{
	struct pcap_pkthdr h;
	const uint8_t *data;
	size_t at;
	uint32_t len;
	ssize_t n;

	memcpy(r->buf, s->head, s->nhead);
	r->hi = s->nhead;
	r->src = *s;
	r->ngr.swapped = swapped;
	if ((n = ng_prefix(in, r)) < 0) {
		snprintf(perr, PCAP_ERRBUF_SIZE, "error reading dump file: %s", strerror(errno));
		return NULL;
	}
	if (!(r->prefix = malloc((size_t)n)))
		return NULL;
	memcpy(r->prefix, r->buf, (size_t)n);
	if (!(r->hdr_stream = fmemopen(r->prefix, (size_t)n, "rb")))
		return NULL;
	in->p = pcap_fopen_offline_with_tstamp_precision(r->hdr_stream, PCAP_TSTAMP_PRECISION_NANO,
							 perr);
	if (!in->p) {
		fclose(r->hdr_stream);
		return NULL;
	}
	/* libpcap took every block up to the first interface: that one is
	 * read again here for its clock, the others were skipped. */
	for (at = ng_open_length(r, 0); at < (size_t)n; at += len) {
		if (!(len = ng_open_length(r, at)) ||
		    (ng_type(r, at) == NG_TYPE_IDB &&
		     ng_block(&r->ngr, r->buf + at, len, &h, &data, &r->lt, perr) < 0)) {
			pcap_close(in->p); /* and hdr_stream with it */
			in->p = NULL;
			return NULL;
		}
	}
	r->ng = true;
	r->lo = (size_t)n;
	r->base = s->start;
	r->snapshot = (uint32_t)pcap_snapshot(in->p);
	return r;
}

/* A rawpcap over the source, if its header is one (NULL, source
 * untouched, when not).  On success the source belongs to it, and in->p
 * is libpcap's handle over the header alone; perr is set when libpcap
 * refuses the header (NULL returned, source untouched). */
static rawpcap *raw_open(trace_input *in, const source *s, char *perr)
{
	rawpcap *r;
	bool swapped, usec = false, ng;

	ng = ng_magic(s->head, s->nhead, &swapped);
	if (!ng && !raw_header_ok(s->head, s->nhead, &swapped, &usec))
		return NULL;
	r = calloc(1, sizeof *r);
	if (r && !(r->buf = malloc(r->cap = RAW_BUF))) {
		free(r);
		r = NULL;
	}
	if (!r) {
		/* pcapng must not fall back to libpcap, which would not see
		 * the bytes read here; pcap has read nothing yet. */
		if (ng)
			snprintf(perr, PCAP_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	if (ng) {
		if (ng_open(in, r, s, swapped, perr))
			return r;
		if (!*perr)
			snprintf(perr, PCAP_ERRBUF_SIZE, "out of memory");
		ng_free(&r->ngr);
		free(r->prefix);
		free(r->buf);
		free(r);
		return NULL;
	}
	memcpy(r->hdr, s->head, FILE_HDR);
	r->hdr_stream = fmemopen(r->hdr, FILE_HDR, "rb");
	if (!r->hdr_stream) {
		free(r->buf);
		free(r);
		return NULL;
	}
	/* Nanoseconds whatever the file holds, as below. */
	in->p = pcap_fopen_offline_with_tstamp_precision(r->hdr_stream, PCAP_TSTAMP_PRECISION_NANO,
							 perr);
	if (!in->p) {
		fclose(r->hdr_stream);
		free(r->buf);
		free(r);
		return NULL;
	}
	r->src = *s;
	r->swapped = swapped;
	r->usec = usec;
	r->snapshot = (uint32_t)pcap_snapshot(in->p);
	r->base = s->start + FILE_HDR;
	return r;
}

/* ---- Opening ---- */

static trace_input *input_new(const char *name, char *err)
{
	trace_input *in = calloc(1, sizeof *in);

	if (in)
		in->name = strdup(name);
	if (!in || !in->name) {
		free(in);
		snprintf(err, TRACE_INPUT_ERRLEN, "%s: out of memory", name);
		return NULL;
	}
	return in;
}

/* What every open does once libpcap has a handle: check the link type,
 * set the filter.  On failure err is filled and the caller closes. */
static int input_setup(trace_input *in, const char *filter, bpf_u_int32 netmask, char *err)
{
	struct bpf_program prog;

	in->linktype = pcap_datalink(in->p);
	if (!trace_decode_linktype_supported(in->linktype)) {
		snprintf(err, TRACE_INPUT_ERRLEN,
			 "%s: unsupported link type %s (%d): tcpstate reads Ethernet, "
			 "Linux cooked (SLL, SLL2), raw IP and BSD loopback",
			 in->name, dlt_name(in->linktype), in->linktype);
		return -1;
	}
	if (!filter || !*filter)
		return 0;
	if (pcap_compile(in->p, &prog, filter, 1, netmask) != 0) {
		snprintf(err, TRACE_INPUT_ERRLEN, "bad filter expression \"%s\": %s",
			 filter, pcap_geterr(in->p));
		return -1;
	}
	if (in->raw) {
		/* Run by raw_next, with pcap_offline_filter. */
		in->raw->prog = prog;
		in->raw->filtered = true;
		if (in->raw->ng && !(in->raw->filter = strdup(filter))) {
			snprintf(err, TRACE_INPUT_ERRLEN, "%s: out of memory", in->name);
			return -1;
		}
		return 0;
	}
	if (pcap_setfilter(in->p, &prog) != 0) {
		snprintf(err, TRACE_INPUT_ERRLEN, "%s: cannot set the filter: %s",
			 in->name, pcap_geterr(in->p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

/* libpcap refused the file header. */
static void header_error(const char *name, const char *perr, char *err)
{
	if (strstr(perr, "truncated"))
		snprintf(err, TRACE_INPUT_ERRLEN, "%s: capture file cut short in its header: %s", name,
			 perr);
	else
		snprintf(err, TRACE_INPUT_ERRLEN, "%s: not a pcap or pcapng file: %s", name, perr);
}

trace_input *trace_input_open_fp(FILE *fp, const char *name, const char *filter,
				 char err[TRACE_INPUT_ERRLEN])
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	trace_input *in = input_new(name, err);
	source s;
	FILE *w;

	if (!in) {
		if (fp != stdin)
			fclose(fp);
		return NULL;
	}
	if (source_open(&s, fp) != 0) {
		/* As libpcap words it. */
		snprintf(perr, sizeof perr, "error reading dump file: %s", strerror(errno));
		header_error(name, perr, err);
		source_close(&s);
		trace_input_close(in);
		return NULL;
	}
	in->nano = true;
	in->raw = raw_open(in, &s, perr);
	if (!in->raw && *perr) {
		source_close(&s);
		header_error(name, perr, err);
		trace_input_close(in);
		return NULL;
	}
	if (!in->raw) {
		w = in->stream = counted_open(&s, &in->src);
		if (!w) {
			snprintf(err, TRACE_INPUT_ERRLEN, "%s: out of memory", name);
			trace_input_close(in);
			return NULL;
		}
		/* Nanoseconds whatever the file holds: libpcap scales µs files up. */
		in->p = pcap_fopen_offline_with_tstamp_precision(w, PCAP_TSTAMP_PRECISION_NANO, perr);
		if (!in->p) {
			/* libpcap leaves the stream to us when it refuses it. */
			fclose(w);
			in->src = NULL;
			in->stream = NULL;
			header_error(name, perr, err);
			trace_input_close(in);
			return NULL;
		}
	}
	if (input_setup(in, filter, PCAP_NETMASK_UNKNOWN, err) != 0) {
		trace_input_close(in);
		return NULL;
	}
	return in;
}

trace_input *trace_input_open_file(const char *path, const char *filter,
				   char err[TRACE_INPUT_ERRLEN])
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return trace_input_open_fp(stdin, "standard input", filter, err);
	fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, TRACE_INPUT_ERRLEN, "%s: %s", path, strerror(errno));
		return NULL;
	}
	return trace_input_open_fp(fp, path, filter, err);
}

/* pcap_activate's failures, as what the user has to do about them. */
static void activate_error(pcap_t *p, int rc, const char *iface, char *err)
{
	const char *detail = pcap_geterr(p);

	if (!detail || !*detail)
		detail = pcap_statustostr(rc);
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		snprintf(err, TRACE_INPUT_ERRLEN,
			 "capturing on %s needs CAP_NET_RAW (run as root or grant it)", iface);
		return;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, TRACE_INPUT_ERRLEN, "no such interface: %s (%s)", iface, detail);
		return;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, TRACE_INPUT_ERRLEN, "interface %s is not up", iface);
		return;
	default:
		snprintf(err, TRACE_INPUT_ERRLEN, "cannot capture on %s: %s", iface, detail);
		return;
	}
}

trace_input *trace_input_open_live(const char *iface, const char *filter,
				   char err[TRACE_INPUT_ERRLEN])
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	bpf_u_int32 net, mask;
	trace_input *in = input_new(iface, err);
	int rc;

	if (!in)
		return NULL;
	in->p = pcap_create(iface, perr);
	if (!in->p) {
		snprintf(err, TRACE_INPUT_ERRLEN, "cannot capture on %s: %s", iface, perr);
		trace_input_close(in);
		return NULL;
	}
	pcap_set_snaplen(in->p, LIVE_SNAPLEN);
	pcap_set_promisc(in->p, 0);
	pcap_set_timeout(in->p, LIVE_TIMEOUT_MS);
	/* The ladder of a live connection should move as it does, not when
	 * the kernel's buffer block fills. */
	pcap_set_immediate_mode(in->p, 1);
	/* Not every platform has ns timestamps; µs are kept if refused. */
	(void)pcap_set_tstamp_precision(in->p, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(in->p);
	if (rc < 0) {
		activate_error(in->p, rc, iface, err);
		trace_input_close(in);
		return NULL;
	}
	in->nano = pcap_get_tstamp_precision(in->p) == PCAP_TSTAMP_PRECISION_NANO;
	/* The netmask only matters for "broadcast" in a filter. */
	if (pcap_lookupnet(iface, &net, &mask, perr) != 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (input_setup(in, filter, mask, err) != 0) {
		trace_input_close(in);
		return NULL;
	}
	return in;
}

void trace_input_close(trace_input *in)
{
	if (!in)
		return;
	if (in->p)
		pcap_close(in->p); /* closes its stream: the counting one, and so fp (never stdin) */
	raw_free(in->raw);
	free(in->name);
	free(in);
}

char *trace_input_join_filter(int nwords, char *const words[])
{
	size_t len = 0;
	char *s, *e;

	if (nwords <= 0)
		return NULL;
	for (int i = 0; i < nwords; i++)
		len += strlen(words[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	e = s;
	for (int i = 0; i < nwords; i++) {
		size_t n = strlen(words[i]);

		memcpy(e, words[i], n);
		e += n;
		*e++ = ' ';
	}
	e[-1] = '\0';
	return s;
}

void trace_input_count_limit(trace_input *in, uint64_t n)
{
	in->limit = n;
}

/* ---- Reading ---- */

static void read_error(trace_input *in)
{
	const char *what = pcap_geterr(in->p);

	if (!in->src && !in->raw)
		snprintf(in->err, sizeof in->err, "%s: capture failed: %s", in->name, what);
	else
		snprintf(in->err, sizeof in->err,
			 "%s: bad record at byte offset %lld (after %llu good records): %s",
			 in->name, (long long)in->rec_start,
			 (unsigned long long)in->st.packets, what);
}

static void count(trace_input *in, trace_decode_result r, const char *why)
{
	switch (r) {
	case TRACE_DEC_NOT_TCP:
		in->st.not_tcp++;
		return;
	case TRACE_DEC_FRAGMENT:
		in->st.fragments++;
		return;
	case TRACE_DEC_MALFORMED:
	default:
		if (in->st.nreasons < TRACE_INPUT_REASONS) {
			in->st.reasons[in->st.nreasons].index = in->st.packets;
			in->st.reasons[in->st.nreasons].why = why;
			in->st.nreasons++;
		}
		in->st.malformed++;
		return;
	}
}

/* trace_input_next over a rawpcap. */
static int raw_input_next(trace_input *in, trace_pkt *pkt)
{
	struct pcap_pkthdr h;
	const u_char *data = NULL;
	const char *why;

	for (;;) {
		trace_decode_result r;
		int rc;

		if (in->limit && in->st.packets >= in->limit)
			return 0;
		if ((rc = raw_next(in, &h, &data)) <= 0)
			return rc;
		in->st.packets++;
		int lt = in->raw->ng ? in->raw->lt : in->linktype;
		r = trace_decode(lt, data, h.caplen, h.len, pkt, &why);
		if (r != TRACE_DEC_TCP) {
			/* a pcapng interface of a link type the decoder does not read */
			if (r == TRACE_DEC_MALFORMED && !trace_decode_linktype_supported(lt))
				r = TRACE_DEC_NOT_TCP;
			count(in, r, why);
			continue;
		}
		in->st.tcp++;
		in->st.truncated += pkt->truncated;
		pkt->index = in->st.packets;
		pkt->ts = (uint64_t)h.ts.tv_sec * 1000000000u + (uint64_t)h.ts.tv_usec;
		return 1;
	}
}

int trace_input_next(trace_input *in, trace_pkt *pkt)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	const char *why;

	if (in->raw)
		return raw_input_next(in, pkt);
	for (;;) {
		trace_decode_result r;
		int rc;

		if (in->stop || (in->limit && in->st.packets >= in->limit))
			return 0;
		/* Where the next record starts, should it turn out bad: the
		 * position after a failed read is somewhere inside it. */
		if (in->src)
			in->rec_start = stream_tell(in->src, in->stream);
		rc = pcap_next_ex(in->p, &h, &data);
		if (rc == 0)
			continue; /* live: the timeout passed with nothing */
		if (rc == PCAP_ERROR_BREAK)
			return 0; /* end of file, or trace_input_breakloop */
		if (rc != 1) {
			read_error(in);
			return -1;
		}
		in->st.packets++;
		r = trace_decode(in->linktype, data, h->caplen, h->len, pkt, &why);
		if (r != TRACE_DEC_TCP) {
			count(in, r, why);
			continue;
		}
		in->st.tcp++;
		in->st.truncated += pkt->truncated;
		pkt->index = in->st.packets;
		pkt->ts = (uint64_t)h->ts.tv_sec * 1000000000u +
			  (uint64_t)h->ts.tv_usec * (in->nano ? 1u : 1000u);
		return 1;
	}
}

void trace_input_breakloop(trace_input *in)
{
	in->stop = 1;
	pcap_breakloop(in->p);
}

const char *trace_input_error(const trace_input *in)
{
	return in->err;
}

void trace_input_get_stats(trace_input *in, trace_input_stats *st)
{
	struct pcap_stat ps;

	if (!in->src && !in->raw && pcap_stats(in->p, &ps) == 0)
		in->st.dropped = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
	*st = in->st;
}

int trace_input_linktype(const trace_input *in)
{
	return in->linktype;
}

const char *trace_input_linktype_name(const trace_input *in)
{
	return dlt_name(in->linktype);
}
