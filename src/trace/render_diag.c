/* Diagnoses in each output: the JSON "diagnosis" record of DESIGN.md,
 * lines under the connection in the ladder, a closing section in the
 * summary.  The Zeek log has no column for them and leaves them out. */
#include <stdlib.h>
#include <string.h>

#include "trace/render_int.h"

/* Our sentences hold addresses and commands; a quote or backslash in
 * them must still not break the JSON. */
static void json_str(trace_line *l, const char *s)
{
	trace_line_str(l, "\"");
	for (; s && *s; s++) {
		char esc[3] = { '\\', *s, '\0' };
		if (*s == '"' || *s == '\\')
			trace_line_str(l, esc);
		else
			trace_line_chars(l, *s, 1);
	}
	trace_line_str(l, "\"");
}

static void json_diag(trace_render *r, const trace_diag *d)
{
	trace_line l;
	l.n = 0;
	trace_line_str(&l, "{\"type\":\"diagnosis\",\"code\":\"");
	trace_line_str(&l, trace_diag_name(d->code));
	trace_line_str(&l, "\",\"conn\":");
	if (d->conn)
		trace_line_u64(&l, d->conn);
	else
		trace_line_str(&l, "null");
	trace_line_str(&l, ",\"endpoint\":");
	if (d->endpoint == TRACE_CLIENT || d->endpoint == TRACE_SERVER) {
		trace_line_str(&l, "\"");
		trace_line_str(&l, trace_side_name(d->endpoint));
		trace_line_str(&l, "\"");
	} else {
		trace_line_str(&l, "null");
	}
	trace_line_str(&l, ",\"message\":");
	json_str(&l, d->message);
	trace_line_str(&l, ",\"hint\":");
	json_str(&l, d->hint);
	/* Extra keys: the evidence in fields, and the cause. */
	trace_line_str(&l, ",\"cause\":");
	json_str(&l, d->cause);
	trace_line_str(&l, ",\"local\":\"");
	if (d->conn)
		trace_line_endpoint(&l, &d->where);
	else
		trace_line_addr(&l, &d->where);
	trace_line_str(&l, "\",\"remote\":\"");
	trace_line_endpoint(&l, &d->peer);
	trace_line_str(&l, "\",\"count\":");
	trace_line_u64(&l, d->count);
	trace_line_str(&l, ",\"duration_s\":");
	trace_line_secs(&l, d->duration_ns);
	trace_line_str(&l, "}\n");
	trace_line_flush(r, &l);
}

static void text_diag(trace_render *r, const trace_diag *d, const char *indent)
{
	trace_line l;
	l.n = 0;
	trace_line_str(&l, indent);
	trace_line_str(&l, "diagnosis ");
	trace_line_str(&l, trace_diag_name(d->code));
	if (d->conn) {
		trace_line_str(&l, " (connection ");
		trace_line_u64(&l, d->conn);
		trace_line_str(&l, ")");
	}
	trace_line_str(&l, ": ");
	trace_line_str(&l, d->message);
	trace_line_str(&l, "\n");
	trace_line_str(&l, indent);
	trace_line_str(&l, "  likely: ");
	trace_line_str(&l, d->cause);
	trace_line_str(&l, "\n");
	trace_line_str(&l, indent);
	trace_line_str(&l, "  next:   ");
	trace_line_str(&l, d->hint);
	trace_line_str(&l, "\n");
	trace_line_flush(r, &l);
}

static void keep(trace_render *r, const trace_diag *d)
{
	if (r->ndiags >= TRACE_SUMMARY_DIAGS) {
		r->diags_more++;
		return;
	}
	if (r->ndiags == r->diags_cap) {
		size_t cap = r->diags_cap ? r->diags_cap * 2 : 16;
		trace_diag *n = realloc(r->diags, cap * sizeof *n);
		if (!n)
			return; /* the summary's section loses this one; the rest stands */
		r->diags = n;
		r->diags_cap = cap;
	}
	r->diags[r->ndiags++] = *d;
}

void trace_render_diag(void *user, const trace_diag *d)
{
	trace_render *r = user;
	switch (r->format) {
	case TRACE_FORMAT_JSON:
		json_diag(r, d);
		break;
	case TRACE_FORMAT_LADDER:
		text_diag(r, d, "  ");
		break;
	case TRACE_FORMAT_SUMMARY:
		keep(r, d);
		break;
	case TRACE_FORMAT_ZEEK:
		break;
	}
}

void trace_diag_summary_finish(trace_render *r)
{
	trace_line l;
	l.n = 0;
	if (!r->ndiags)
		return; /* a clean capture: the totals say it all */
	trace_line_str(&l, "\ndiagnoses (");
	trace_line_u64(&l, r->ndiags + r->diags_more);
	trace_line_str(&l, "):\n");
	trace_line_flush(r, &l);
	for (size_t i = 0; i < r->ndiags; i++)
		text_diag(r, &r->diags[i], "  ");
	if (r->diags_more) {
		l.n = 0;
		trace_line_str(&l, "  ... and ");
		trace_line_u64(&l, r->diags_more);
		trace_line_str(&l, " more (every one is in --json)\n");
		trace_line_flush(r, &l);
	}
}
