/* Capture files read by tcpstate itself: classic pcap records and pcapng
 * blocks (parsed by input_pcapng.c), read from the file in large blocks
 * and handed out where they lie.  See input_int.h; input.c opens them and
 * falls back to libpcap for everything else. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "trace/file_map.h"
#include "trace/input_int.h"
#include "trace/input_pcapng.h"

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
	/* How far ahead of a record the file is loaded (raw_prefetch):
	 * about ten records of tcpdump -s 96, a microsecond of work; 512 B
	 * or 2 KiB measured the same. */
	RAW_PREFETCH = 1024,
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
	int lt;                /* the last record's link type (pcapng: its interface's LINKTYPE_) */
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
	uint8_t *buf;          /* cap bytes; in the mapping when map.data */
	file_map map;          /* a regular file, mapped (file_map.h) */
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

/* Loads the file RAW_PREFETCH bytes ahead of the record at buf[lo]:
 * mapped, it is read from memory the caches have not seen (read() copied
 * it through them), and the hardware's own prefetch stops at each page.
 * Two lines: a record of about 100 bytes (tcpdump -s 96) would leave
 * every other line out with one, and a loop over what is not loaded yet
 * costs more (its trip count is hard to predict). */
static inline void raw_prefetch(const rawpcap *r)
{
	__builtin_prefetch(r->buf + r->lo + RAW_PREFETCH);
	__builtin_prefetch(r->buf + r->lo + RAW_PREFETCH + 64);
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

void raw_free(rawpcap *r)
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
	if (r->map.data)
		file_map_close(&r->map);
	else
		free(r->buf);
	free(r);
}

/* The file mapped from here on, when it can be: buf becomes the mapping
 * (at the file offset of buf[0]), what it held read again from there. */
static void raw_map(rawpcap *r)
{
	if (!file_map_open(&r->map, r->src.fd))
		return;
	if (r->map.size < (size_t)r->base + r->lo) {
		file_map_close(&r->map);
		return;
	}
	free(r->buf);
	r->buf = (uint8_t *)r->map.data + r->base;
	r->cap = r->map.size - (size_t)r->base;
	r->hi = r->lo;
}

/* The mapped file has grown since it was mapped (a capture still being
 * written): the rest is read with read(), after what is left unread in
 * the mapping.  false when it has not grown, or on failure (the input
 * then ends where the mapping does). */
static bool raw_unmap_grown(rawpcap *r)
{
	struct stat st;
	size_t left = r->hi - r->lo, cap = left > RAW_BUF ? left : RAW_BUF;
	off_t at = r->base + (off_t)r->hi;
	uint8_t *b;

	if (fstat(r->src.fd, &st) != 0 || st.st_size <= at || lseek(r->src.fd, at, SEEK_SET) != at ||
	    !(b = malloc(cap)))
		return false;
	memcpy(b, r->buf + r->lo, left);
	file_map_close(&r->map);
	r->buf = b;
	r->cap = cap;
	r->base += (off_t)r->lo;
	r->lo = 0;
	r->hi = left;
	return true;
}

/* Makes at least n unread bytes available, unless the input ends first.
 * 0, or -1 with errno when a read fails (ENOMEM: no room for n). */
static int raw_fill(trace_input *in, rawpcap *r, size_t n)
{
	if (r->hi - r->lo >= n)
		return 0;
	if (r->map.data) {
		size_t at = (size_t)r->base; /* the file offset of buf[0] */

		r->hi = file_map_ready(&r->map, at + r->lo, at + r->lo + n) - at;
		if (r->hi - r->lo >= n || !raw_unmap_grown(r))
			return 0;
	}
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

/* The mapped file shrank while it was read: what was read from past its
 * new end is zeros, and the record being read is not handed out.  `good`:
 * the records read before it.  Checked where a record is handed out and
 * where one is passed over (no other read of the file goes unchecked). */
static __attribute__((noinline)) int raw_cut(trace_input *in, uint64_t good)
{
	struct stat st;

	if (fstat(in->raw->src.fd, &st) == 0)
		snprintf(in->err, sizeof in->err,
			 "%s: the file shrank to %lld bytes while it was read (after %llu good records)",
			 in->name, (long long)st.st_size, (unsigned long long)good);
	else
		snprintf(in->err, sizeof in->err, "%s: the file shrank while it was read (after %llu good records)",
			 in->name, (unsigned long long)good);
	return -1;
}

/* A bad record: the message names where it starts; in a file that
 * shrank while it was read, it is the cut's zeros. */
static int raw_bad(trace_input *in, const char *what)
{
	if (file_map_cut(&in->raw->map))
		return raw_cut(in, in->st.packets);
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
		raw_prefetch(r);
		h->ts.tv_sec = (int32_t)rd32(rec, r->swapped);
		h->ts.tv_usec = (int32_t)rd32(rec + 4, r->swapped);
		if (r->usec)
			h->ts.tv_usec *= 1000;
		/* Longer than the file's snap length: libpcap keeps the snap
		 * length's worth and skips the rest. */
		h->caplen = caplen > r->snapshot ? r->snapshot : caplen;
		h->len = rd32(rec + 12, r->swapped);
		*data = rec + RAW_REC_HDR;
		if (r->filtered && !pcap_offline_filter(&r->prog, h, *data)) {
			if (file_map_cut(&r->map))
				return raw_cut(in, in->st.packets);
			continue;
		}
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
			 in->name, r->filter, input_dlt_name(dlt), dlt, pcap_geterr(dead));
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
		raw_prefetch(r);
		rc = ng_block(&r->ngr, block, len, h, data, &r->lt, what);
		if (rc < 0) {
			in->rec_start = r->base + (off_t)(r->lo - len);
			return raw_bad(in, what);
		}
		if (rc > 0 && r->filtered) {
			const struct bpf_program *prog = ng_filter(in, r);

			if (!prog)
				return -1;
			rc = pcap_offline_filter(prog, h, *data) != 0;
		}
		if (rc > 0)
			return 1;
		if (file_map_cut(&r->map)) /* passed over, after a cut */
			return raw_cut(in, in->st.packets);
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
	raw_map(r);
	return r;
}

/* A rawpcap over the source, if its header is one (NULL, source
 * untouched, when not).  On success the source belongs to it, and in->p
 * is libpcap's handle over the header alone; perr is set when libpcap
 * refuses the header (NULL returned, source untouched). */
rawpcap *raw_open(trace_input *in, const source *s, char *perr)
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
	r->lt = pcap_datalink(in->p);
	r->base = s->start + FILE_HDR;
	raw_map(r);
	return r;
}


int raw_set_filter(trace_input *in, struct bpf_program *prog, const char *filter, char *err)
{
	/* Run by raw_next, with pcap_offline_filter. */
	in->raw->prog = *prog;
	in->raw->filtered = true;
	if (in->raw->ng && !(in->raw->filter = strdup(filter))) {
		snprintf(err, TRACE_INPUT_ERRLEN, "%s: out of memory", in->name);
		return -1;
	}
	return 0;
}

/* trace_input_next over a rawpcap.  Flattened: the decoder and the TCP
 * header's parse, each a function of its own elsewhere, are inlined into
 * this loop (4 % fewer instructions a packet, 1 % less time). */
__attribute__((flatten)) int raw_input_next(trace_input *in, trace_pkt *pkt)
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
		int lt = in->raw->lt;
		r = trace_decode(lt, data, h.caplen, h.len, pkt, &why);
		if (file_map_cut(&in->raw->map))
			return raw_cut(in, in->st.packets - 1);
		if (r != TRACE_DEC_TCP) {
			/* a pcapng interface of a link type the decoder does not read */
			if (r == TRACE_DEC_MALFORMED && !trace_decode_linktype_supported(lt))
				r = TRACE_DEC_NOT_TCP;
			input_count(in, r, why);
			continue;
		}
		in->st.tcp++;
		in->st.truncated += pkt->truncated;
		pkt->index = in->st.packets;
		pkt->ts = (uint64_t)h.ts.tv_sec * 1000000000u + (uint64_t)h.ts.tv_usec;
		return 1;
	}
}

