/* Between explain's files: the small printing helpers they share. */
#ifndef TCPS_EXPLAIN_INT_H
#define TCPS_EXPLAIN_INT_H

#include <stdio.h>

#include "explain/explain.h"

/* Prose is written as one long line; this breaks it at spaces to fit the
 * terminal.  `first` starts the first line (its margin and any label such
 * as "  Fix: "); the lines after it are indented by `hang` columns. */
void explain_wrap(FILE *out, const char *first, int hang, const char *text);

/* One row of the table as a listing line: a mark for where the RFC has
 * it (Figure 5 or the text), the arrow, the section, and the kind of
 * opening the row is limited to. */
void explain_row_line(FILE *out, int indent, const tcps_transition *t);

/* JSON: a string with escapes (NULL as null), and one row as an object,
 * with or without its "from" and "to" keys. */
void explain_json_str(FILE *out, const char *s);
void explain_json_row(FILE *out, const tcps_transition *t, bool with_from, bool with_to);

/* The questions and the CLOSE_WAIT/TIME_WAIT comparison as JSON keys
 * ("questions":...,"close_wait_vs_time_wait":...), for both the
 * --questions object and the diagram's. */
void explain_questions_keys(FILE *out);

#endif
