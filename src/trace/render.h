/* The outputs of `tcpstate trace`: the ladder of the seed's Concrete
 * Example for every connection (interleaved in capture order), one
 * summary line per connection, the JSON Lines records of DESIGN.md, or a
 * Zeek conn.log.
 *
 * A trace_render is the observer's `user`: trace_render_segment and
 * trace_render_conn are its callbacks.  Rendering sits on the
 * per-packet path, so a line is built in a stack buffer and written with
 * one fwrite (or gathered with others: batch); nothing is allocated per
 * packet (the ladder keeps one byte per connection, in an array grown by
 * doubling). */
#ifndef TCPS_TRACE_RENDER_H
#define TCPS_TRACE_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "trace/observer.h"

/* Diagnoses the summary lists in full; the rest are counted. */
#define TRACE_SUMMARY_DIAGS 1000

typedef enum trace_format {
	TRACE_FORMAT_LADDER,
	TRACE_FORMAT_SUMMARY,
	TRACE_FORMAT_JSON,
	TRACE_FORMAT_ZEEK,
} trace_format;

typedef struct trace_render {
	FILE *out;
	trace_format format;
	bool absolute_seq;     /* -S: sequence numbers as on the wire */

	/* Lines go out one fwrite each, as they are made; with batch set
	 * (a file read as fast as it goes), they gather here and go out a
	 * block at a time, up to trace_render_finish(): an fwrite of its
	 * own was a quarter of a summary line's cost. */
	bool batch;
	size_t nbatched;
	char batched[1 << 14];

	/* The ladder: the states it last showed, per connection number
	 * (client in the low nibble, server in the high one; 0xf: none). */
	uint8_t *shown;
	uint64_t nshown;
	uint64_t open;         /* connections begun and not yet ended */
	bool printed;          /* anything written yet (a blank line separates) */

	/* The Zeek log. */
	bool zeek_header;
	time_t opened;

	/* Diagnoses kept for --summary's closing section. */
	trace_diag *diags;
	size_t ndiags, diags_cap;
	uint64_t diags_more;   /* past the first TRACE_SUMMARY_DIAGS: counted only */

	/* Totals, for --summary's last line. */
	uint64_t conns, packets, bytes, closed, reset, unfinished;
} trace_render;

/* Returns 0. */
int trace_render_init(trace_render *r, trace_format format, FILE *out, bool absolute_seq);
void trace_render_free(trace_render *r);

/* Whether the format draws segments (else pass no segment callback to
 * the observer, which then skips building the events). */
bool trace_render_wants_segments(const trace_render *r);

/* The observer's callbacks; user is the trace_render. */
void trace_render_segment(void *user, const trace_seg_event *ev);
void trace_render_conn(void *user, const trace_conn_record *rec);
/* Diagnoses: a JSON "diagnosis" record, lines under the connection in the
 * ladder, a section at the end of the summary. */
void trace_render_diag(void *user, const trace_diag *d);

/* The end of the output: the Zeek log's #close, the summary's totals. */
void trace_render_finish(trace_render *r);

#endif
