/* Between the renderer's files: one per output format, and the line
 * builder they share (render.c). */
#ifndef TCPS_TRACE_RENDER_INT_H
#define TCPS_TRACE_RENDER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trace/render.h"

/* A line built in place and written with one fwrite.  Appends past the
 * end are cut, never overrun. */
#define TRACE_LINE_MAX 1024

typedef struct trace_line {
	size_t n;
	char buf[TRACE_LINE_MAX];
} trace_line;

/* s[0..len), cut at the end of the line. */
static inline void trace_line_mem(trace_line *l, const char *s, size_t len)
{
	size_t room = TRACE_LINE_MAX - l->n;
	if (__builtin_expect(len <= room, 1)) {
		/* A literal's length is known here: a few moves, no loop. */
		memcpy(l->buf + l->n, s, len);
		l->n += len;
		return;
	}
	memcpy(l->buf + l->n, s, room);
	l->n += room;
}

/* Inline, so that a literal's length is known where it is appended. */
static inline void trace_line_str(trace_line *l, const char *s)
{
	trace_line_mem(l, s, strlen(s));
}

/* Formatting at p, which must have room for TRACE_FMT_MAX bytes: each
 * returns where its text ends (no terminating '\0').  For a line whose
 * most is known to fit, so that no append checks the room; the
 * trace_line_ functions below are these, cut at the end of the line. */
#define TRACE_FMT_MAX 64 /* "[" INET6_ADDRSTRLEN "]:" port, or 20 digits + 7 */
char *trace_fmt_u64(char *p, uint64_t v);
/* v right-aligned in width columns; room for width + 20 bytes. */
char *trace_fmt_u64_right(char *p, uint64_t v, size_t width);
/* Nanoseconds as seconds with six decimals, "12.000345" (integer
 * arithmetic: the same digits everywhere). */
char *trace_fmt_secs(char *p, uint64_t ns);
char *trace_fmt_addr(char *p, const trace_endpoint *ep);
char *trace_fmt_endpoint(char *p, const trace_endpoint *ep);
/* A state's name: its 16-byte slot is copied whole (trace_render_init()
 * makes the slots first). */
char *trace_fmt_state(char *p, tcps_state s);
/* A literal's characters at p. */
#define TRACE_FMT_LIT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

void trace_line_chars(trace_line *l, char c, size_t count);
void trace_line_u64(trace_line *l, uint64_t v);
/* v right-aligned in width columns. */
void trace_line_u64_right(trace_line *l, uint64_t v, size_t width);
void trace_line_secs(trace_line *l, uint64_t ns);
void trace_line_secs_right(trace_line *l, uint64_t ns, size_t width);
/* Spaces up to column col (nothing when already past it). */
void trace_line_pad(trace_line *l, size_t col);
/* The address alone ("10.0.0.1", "2001:db8::1"), or with the port
 * ("10.0.0.1:443", "[2001:db8::1]:443"). */
void trace_line_addr(trace_line *l, const trace_endpoint *ep);
void trace_line_endpoint(trace_line *l, const trace_endpoint *ep);
/* Writes the line (or gathers it: batch) and empties it. */
void trace_line_flush(trace_render *r, trace_line *l);

/* "client" or "server". */
const char *trace_side_name(int side);

void trace_ladder_segment(trace_render *r, const trace_seg_event *ev);
void trace_ladder_conn(trace_render *r, const trace_conn_record *rec);
void trace_json_segment(trace_render *r, const trace_seg_event *ev);
void trace_json_conn(trace_render *r, const trace_conn_record *rec);
void trace_summary_conn(trace_render *r, const trace_conn_record *rec);
void trace_summary_finish(trace_render *r);
void trace_zeek_conn(trace_render *r, const trace_conn_record *rec);
void trace_zeek_finish(trace_render *r);
void trace_diag_summary_finish(trace_render *r);

/* How the connection ended, in words ("closed by the client", "reset by
 * the server", "SYN unanswered", "still open"). */
const char *trace_conn_ending(const trace_conn_record *rec);
/* The same at p: its 32-byte slot is copied whole. */
char *trace_fmt_ending(char *p, const trace_conn_record *rec);

#endif
