/* The renderer's entry points, and what its formats share: the line
 * builder and the words for how a connection ended. */
#include "trace/render.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/render_int.h"

/* The state names, each in a slot of its own with its length (so that
 * a line copies a slot whole), made once from the state table's. */
typedef struct state_text {
	char text[15];
	uint8_t len;
} state_text;
static state_text state_texts[TCPS_NSTATES + 1]; /* the last: out of range */
static pthread_once_t state_texts_once = PTHREAD_ONCE_INIT;

static void state_texts_init(void)
{
	for (int s = 0; s <= TCPS_NSTATES; s++) {
		const char *name = tcps_state_name((tcps_state)s);
		size_t n = strlen(name);
		if (n >= sizeof state_texts[s].text)
			n = sizeof state_texts[s].text - 1;
		memcpy(state_texts[s].text, name, n);
		state_texts[s].len = (uint8_t)n;
	}
}

int trace_render_init(trace_render *r, trace_format format, FILE *out, bool absolute_seq)
{
	memset(r, 0, sizeof *r);
	r->out = out;
	r->format = format;
	r->absolute_seq = absolute_seq;
	r->opened = time(NULL);
	pthread_once(&state_texts_once, state_texts_init);
	return 0;
}

void trace_render_free(trace_render *r)
{
	free(r->shown);
	free(r->diags);
	r->shown = NULL;
	r->nshown = 0;
}

bool trace_render_wants_segments(const trace_render *r)
{
	return r->format == TRACE_FORMAT_LADDER || r->format == TRACE_FORMAT_JSON;
}

void trace_render_segment(void *user, const trace_seg_event *ev)
{
	trace_render *r = user;
	if (r->format == TRACE_FORMAT_JSON)
		trace_json_segment(r, ev);
	else if (r->format == TRACE_FORMAT_LADDER)
		trace_ladder_segment(r, ev);
}

void trace_render_conn(void *user, const trace_conn_record *rec)
{
	trace_render *r = user;
	r->conns++;
	r->packets += rec->packets[0] + rec->packets[1];
	r->bytes += rec->bytes[0] + rec->bytes[1];
	if (rec->reset)
		r->reset++;
	else if (rec->closed_by >= 0)
		r->closed++;
	else
		r->unfinished++;
	switch (r->format) {
	case TRACE_FORMAT_LADDER:
		trace_ladder_conn(r, rec);
		break;
	case TRACE_FORMAT_SUMMARY:
		trace_summary_conn(r, rec);
		break;
	case TRACE_FORMAT_JSON:
		trace_json_conn(r, rec);
		break;
	case TRACE_FORMAT_ZEEK:
		trace_zeek_conn(r, rec);
		break;
	}
}

/* One thread writes: the stream's lock is cost without use on a path
 * taken once per packet. */
static void drain(trace_render *r)
{
	fwrite_unlocked(r->batched, 1, r->nbatched, r->out);
	r->nbatched = 0;
}

void trace_render_finish(trace_render *r)
{
	if (r->format == TRACE_FORMAT_SUMMARY) {
		trace_diag_summary_finish(r);
		trace_summary_finish(r);
	}
	else if (r->format == TRACE_FORMAT_ZEEK)
		trace_zeek_finish(r);
	drain(r);
	fflush(r->out);
}

const char *trace_side_name(int side)
{
	return side == TRACE_CLIENT ? "client" : "server";
}

/* Whether the side ever got past opening (SYN_RCVD or any later state). */
static bool side_answered(const trace_conn_record *rec, int side)
{
	for (unsigned i = 0; i < rec->nstates[side]; i++)
		if (rec->states[side][i] >= TCPS_SYN_RCVD)
			return true;
	return false;
}

/* The words for how a connection ended, each in a slot of its own with
 * its length, so that the summary copies a slot whole. */
typedef struct ending {
	char text[31];
	uint8_t len;
} ending;
#define ENDING(s) { s, sizeof s - 1 }
static const ending endings[] = {
	ENDING("refused (RST to the SYN)"), ENDING("reset by the client"),
	ENDING("reset by the server"),      ENDING("closed by the client"),
	ENDING("closed by the server"),     ENDING("closed by both at once"),
	ENDING("SYN unanswered"),           ENDING("still open"),
};

static const ending *ending_of(const trace_conn_record *rec)
{
	if (rec->reset && rec->reset_by == TRACE_SERVER && !side_answered(rec, TRACE_SERVER))
		return &endings[0];
	if (rec->reset)
		return &endings[rec->reset_by == TRACE_CLIENT ? 1 : 2];
	switch (rec->closed_by) {
	case TRACE_CLIENT:
		return &endings[3];
	case TRACE_SERVER:
		return &endings[4];
	case 2:
		return &endings[5];
	}
	bool client_only_tried = rec->nstates[TRACE_CLIENT] &&
				 rec->states[TRACE_CLIENT][rec->nstates[TRACE_CLIENT] - 1] == TCPS_SYN_SENT;
	return &endings[client_only_tried && !rec->packets[TRACE_SERVER] ? 6 : 7];
}

const char *trace_conn_ending(const trace_conn_record *rec)
{
	return ending_of(rec)->text;
}

char *trace_fmt_ending(char *p, const trace_conn_record *rec)
{
	const ending *e = ending_of(rec);
	memcpy(p, e->text, sizeof e->text);
	return p + e->len;
}

char *trace_fmt_state(char *p, tcps_state s)
{
	const state_text *t = &state_texts[(unsigned)s < TCPS_NSTATES ? s : TCPS_NSTATES];
	memcpy(p, t->text, sizeof t->text);
	return p + t->len;
}

/* ---- the line builder ---- */

void trace_line_chars(trace_line *l, char c, size_t count)
{
	size_t room = TRACE_LINE_MAX - l->n;
	if (count > room)
		count = room;
	memset(l->buf + l->n, c, count);
	l->n += count;
}

/* The number of decimal digits of v, without a loop: from its bit
 * length, as log10(2) ~ 1233/4096, then one compare. */
static size_t digits_of(uint64_t v)
{
	static const uint64_t pow10[20] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
		10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
		100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
	};
	unsigned bits = 64 - (unsigned)__builtin_clzll(v | 1);
	size_t t = (bits * 1233) >> 12; /* the number of digits less one, or the number */
	return t + 1 - (v < pow10[t]) + (v == 0);
}

/* v < 10^8 as eight ASCII digits, leading zeros included, the first in
 * the lowest byte (the first in memory once stored).  All eight at once,
 * in the lanes of one 64-bit word: v splits into two halves below 10^4
 * (32-bit lanes), each into two below 100 (16-bit lanes), each into two
 * digits (bytes); the divisions by 100 and 10 are multiplications by
 * 10486 / 2^20 and 103 / 2^10, exact below 10^4 and 10^2, and no lane's
 * product reaches the next.  A number costs no loop and no branch on
 * its length, which varies from one line to the next. */
static inline uint64_t eight_digits(uint32_t v)
{
	uint64_t x = v / 10000 | (uint64_t)(v % 10000) << 32;
	uint64_t q = ((x * 10486) >> 20) & 0x0000007f0000007full;
	x = q | (x - q * 100) << 16;
	q = ((x * 103) >> 10) & 0x000f000f000f000full;
	x = q | (x - q * 10) << 8;
	return x + 0x3030303030303030ull;
}

/* x's lowest byte first, whatever the machine's byte order. */
static inline void store8(char *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	memcpy(p, &x, 8);
}

/* ---- formatting where there is room (the callers make sure) ----
 *
 * A number is stored eight bytes at a time, so up to seven bytes past
 * its end are written over: TRACE_FMT_MAX leaves room for that. */

/* v < 10^8, in exactly n digits (1 to 8). */
static inline char *put_digits(char *p, uint32_t v, size_t n)
{
	store8(p, eight_digits(v) >> (8 * (8 - n)));
	return p + n;
}

char *trace_fmt_u64(char *p, uint64_t v)
{
	size_t n = digits_of(v);
	if (__builtin_expect(n <= 8, 1))
		return put_digits(p, (uint32_t)v, n);
	/* Eight digits at a time from the right; the leftmost group short. */
	uint64_t top = v / 100000000u;
	if (n > 16) {
		p = put_digits(p, (uint32_t)(top / 100000000u), n - 16);
		p = put_digits(p, (uint32_t)(top % 100000000u), 8);
	} else {
		p = put_digits(p, (uint32_t)top, n - 8);
	}
	return put_digits(p, (uint32_t)(v % 100000000u), 8);
}

char *trace_fmt_u64_right(char *p, uint64_t v, size_t width)
{
	size_t digits = digits_of(v);
	if (digits < width) {
		memset(p, ' ', width - digits);
		p += width - digits;
	}
	return trace_fmt_u64(p, v);
}

char *trace_fmt_secs(char *p, uint64_t ns)
{
	p = trace_fmt_u64(p, ns / 1000000000u);
	*p = '.';
	/* The microseconds: the last six of eight digits. */
	store8(p + 1, eight_digits((uint32_t)(ns % 1000000000u / 1000u)) >> 16);
	return p + 7;
}

/* Each octet's digits and a dot, from a table made by the compiler:
 * "7.", "42.", "255.", '\0' past the dot. */
#define DIGIT(x) ((char)('0' + (x) % 10))
#define OCTET(v)                                                                           \
	{ (v) >= 100 ? DIGIT((v) / 100) : (v) >= 10 ? DIGIT((v) / 10) : DIGIT(v),           \
	  (v) >= 100 ? DIGIT((v) / 10) : (v) >= 10 ? DIGIT(v) : '.',                        \
	  (v) >= 100 ? DIGIT(v) : (v) >= 10 ? '.' : '\0', (v) >= 100 ? '.' : '\0' }
#define OCTETS4(v) OCTET(v), OCTET((v) + 1), OCTET((v) + 2), OCTET((v) + 3)
#define OCTETS16(v) OCTETS4(v), OCTETS4((v) + 4), OCTETS4((v) + 8), OCTETS4((v) + 12)
#define OCTETS64(v) OCTETS16(v), OCTETS16((v) + 16), OCTETS16((v) + 32), OCTETS16((v) + 48)

static const char octet_text[256][4] = { OCTETS64(0), OCTETS64(64), OCTETS64(128), OCTETS64(192) };

char *trace_fmt_addr(char *p, const trace_endpoint *ep)
{
	if (ep->family == 6) {
		/* inet_ntop formats with sprintf: fine for the rarer family. */
		if (!inet_ntop(AF_INET6, ep->addr, p, INET6_ADDRSTRLEN))
			strcpy(p, "?");
		return p + strlen(p);
	}
	/* Dotted decimal, as inet_ntop writes it: each octet's four bytes
	 * stored whole and counted by its length, with no branch on the
	 * number of digits, which is anyone's guess. */
	for (int i = 0; i < 4; i++) {
		memcpy(p, octet_text[ep->addr[i]], 4);
		p += 2 + (ep->addr[i] >= 10) + (ep->addr[i] >= 100);
	}
	return p - 1; /* not the last dot */
}

char *trace_fmt_endpoint(char *p, const trace_endpoint *ep)
{
	if (ep->family == 6)
		*p++ = '[';
	p = trace_fmt_addr(p, ep);
	if (ep->family == 6)
		*p++ = ']';
	*p++ = ':';
	return trace_fmt_u64(p, ep->port);
}

/* ---- the same, cut at the end of the line ---- */

/* Where a trace_fmt_ call may write into l: in place when the line has
 * room for its most, else a scratch buffer that line_done() appends
 * cut. */
static char *line_at(trace_line *l, char scratch[TRACE_FMT_MAX])
{
	return TRACE_LINE_MAX - l->n >= TRACE_FMT_MAX ? l->buf + l->n : scratch;
}

static void line_done(trace_line *l, const char *scratch, const char *start, const char *end)
{
	if (start == scratch)
		trace_line_mem(l, scratch, (size_t)(end - scratch));
	else
		l->n = (size_t)(end - l->buf);
}

void trace_line_u64(trace_line *l, uint64_t v)
{
	char scratch[TRACE_FMT_MAX], *p = line_at(l, scratch);
	line_done(l, scratch, p, trace_fmt_u64(p, v));
}

void trace_line_u64_right(trace_line *l, uint64_t v, size_t width)
{
	size_t digits = digits_of(v);
	if (digits < width)
		trace_line_chars(l, ' ', width - digits);
	trace_line_u64(l, v);
}

void trace_line_secs(trace_line *l, uint64_t ns)
{
	char scratch[TRACE_FMT_MAX], *p = line_at(l, scratch);
	line_done(l, scratch, p, trace_fmt_secs(p, ns));
}

void trace_line_secs_right(trace_line *l, uint64_t ns, size_t width)
{
	size_t len = digits_of(ns / 1000000000u) + 7; /* "0.000000" */
	if (len < width)
		trace_line_chars(l, ' ', width - len);
	trace_line_secs(l, ns);
}

void trace_line_pad(trace_line *l, size_t col)
{
	if (l->n < col)
		trace_line_chars(l, ' ', col - l->n);
}

void trace_line_addr(trace_line *l, const trace_endpoint *ep)
{
	char scratch[TRACE_FMT_MAX], *p = line_at(l, scratch);
	line_done(l, scratch, p, trace_fmt_addr(p, ep));
}

void trace_line_endpoint(trace_line *l, const trace_endpoint *ep)
{
	char scratch[TRACE_FMT_MAX], *p = line_at(l, scratch);
	line_done(l, scratch, p, trace_fmt_endpoint(p, ep));
}

void trace_line_flush(trace_render *r, trace_line *l)
{
	_Static_assert(sizeof r->batched >= TRACE_LINE_MAX, "a line fits in the batch");
	if (!r->batch) {
		fwrite_unlocked(l->buf, 1, l->n, r->out);
	} else {
		if (sizeof r->batched - r->nbatched < l->n)
			drain(r);
		memcpy(r->batched + r->nbatched, l->buf, l->n);
		r->nbatched += l->n;
	}
	l->n = 0;
}
