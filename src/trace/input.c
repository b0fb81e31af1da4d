/* Capture input through libpcap.  See input.h.
 *
 * libpcap does live capture, BPF and the rarer file kinds, and judges
 * every file's header; the records of classic pcap and pcapng files (by
 * far the commonest) are read by input_raw.c, faster, by libpcap's rules.
 * This file opens the input and adds what a user of tcpstate needs on
 * top: messages that say what to do, the byte offset of a bad record, and
 * counters for what was not TCP or was broken. */
#include "trace/input.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/input_int.h"

enum {
	LIVE_SNAPLEN = 262144, /* tcpdump's default: whole packets */
	LIVE_TIMEOUT_MS = 100, /* how long a stop request, or time passing, may wait */
};

/* ---- The source (input_int.h) ---- */

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

void source_close(source *s)
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

/* ---- Opening ---- */

const char *input_dlt_name(int dlt)
{
	const char *n = pcap_datalink_val_to_name(dlt);

	return n ? n : "unknown";
}


static trace_input *input_new(const char *name, char *err)
{
	trace_input *in = calloc(1, sizeof *in);

	if (in) {
		in->name = strdup(name);
		in->live_fd = -1;
	}
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
			 in->name, input_dlt_name(in->linktype), in->linktype);
		return -1;
	}
	if (!filter || !*filter)
		return 0;
	if (pcap_compile(in->p, &prog, filter, 1, netmask) != 0) {
		snprintf(err, TRACE_INPUT_ERRLEN, "bad filter expression \"%s\": %s",
			 filter, pcap_geterr(in->p));
		return -1;
	}
	if (in->raw)
		return raw_set_filter(in, &prog, filter, err);
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
	/* libpcap's own timeout does not hold in immediate mode (TPACKET_V3
	 * blocks until a packet comes): the wait is ours, a poll of its
	 * descriptor, so that time can pass for the observer meanwhile.
	 * Where that is refused, reads block as before. */
	if (pcap_setnonblock(in->p, 1, perr) == 0)
		in->live_fd = pcap_get_selectable_fd(in->p);
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

void input_count(trace_input *in, trace_decode_result r, const char *why)
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

int trace_input_next(trace_input *in, trace_pkt *pkt)
{
	int rc;
	while ((rc = trace_input_next_or_idle(in, pkt)) == TRACE_INPUT_IDLE)
		;
	return rc;
}

int trace_input_next_or_idle(trace_input *in, trace_pkt *pkt)
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
		if (rc == 0) { /* live: nothing yet */
			if (in->live_fd < 0)
				return TRACE_INPUT_IDLE;
			struct pollfd pfd = { .fd = in->live_fd, .events = POLLIN };
			int n = poll(&pfd, 1, LIVE_TIMEOUT_MS);
			if (n == 0)
				return TRACE_INPUT_IDLE;
			if (n < 0 && errno != EINTR) {
				/* Cannot wait this way: blocking reads, as libpcap has them. */
				char perr[PCAP_ERRBUF_SIZE];
				(void)pcap_setnonblock(in->p, 0, perr);
				in->live_fd = -1;
			}
			continue; /* something came, or a signal */
		}
		if (rc == PCAP_ERROR_BREAK)
			return 0; /* end of file, or trace_input_breakloop */
		if (rc != 1) {
			read_error(in);
			return -1;
		}
		in->st.packets++;
		r = trace_decode(in->linktype, data, h->caplen, h->len, pkt, &why);
		if (r != TRACE_DEC_TCP) {
			input_count(in, r, why);
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
	return input_dlt_name(in->linktype);
}
