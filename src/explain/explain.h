/* explain: what each TCP state means, and the state diagram.
 *
 * The transitions (how a state is entered, how it is left, what is sent)
 * are never written here: they are read from tcps_transitions[], the one
 * state table.  What the table cannot say (what a state is for, who sits
 * in it, which production bug it usually signals) is the prose of
 * prose.c, one entry per state. */
#ifndef TCPS_EXPLAIN_H
#define TCPS_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

#include "tcpstate/state.h"

/* Is being in this state by itself a problem? */
typedef enum explain_verdict {
	EXPLAIN_NORMAL,          /* where connections are meant to sit */
	EXPLAIN_NORMAL_IF_BRIEF, /* a round trip or so; held, it means trouble */
	EXPLAIN_USUALLY_BUG,     /* visible at all, it is almost always a bug */
} explain_verdict;

/* A production bug that shows up as this state. */
typedef struct explain_bug {
	const char *code;    /* diagnosis code (DESIGN.md, tcpstate sockets), or NULL if none */
	const char *symptom; /* what one sees */
	const char *cause;   /* what it usually is */
	const char *fix;
} explain_bug;

/* A command that confirms the state or the bug, and what to read in it. */
typedef struct explain_check {
	const char *command;
	const char *shows;
} explain_check;

#define EXPLAIN_MAX_BUGS 3
#define EXPLAIN_MAX_CHECKS 4

typedef struct explain_prose {
	const char *summary;  /* one line, for the list of states */
	const char *meaning;
	const char *side;     /* which side is in it, in a few words */
	const char *side_why; /* and how it got here */
	const char *waiting;  /* what it waits for, in words */
	explain_verdict verdict;
	const char *verdict_why;
	explain_bug bugs[EXPLAIN_MAX_BUGS];       /* unused entries have symptom NULL */
	explain_check checks[EXPLAIN_MAX_CHECKS]; /* unused entries have command NULL */
} explain_prose;

/* The prose for s (an out-of-range value gets CLOSED's rather than a crash). */
const explain_prose *explain_prose_of(tcps_state s);
/* "normal", "normal if brief", "usually a bug". */
const char *explain_verdict_name(explain_verdict v);

/* `tcpstate explain STATE`: every section, as text or as one JSON object
 * on one line. */
void explain_state(FILE *out, tcps_state s);
void explain_state_json(FILE *out, tcps_state s);

/* `tcpstate explain`: the main paths drawn from the table, every
 * transition grouped by state, the states one line each, then the
 * questions.  The JSON form holds the same in one object. */
void explain_diagram(FILE *out);
void explain_diagram_json(FILE *out);

/* `tcpstate explain --questions`: the seed's "Check Yourself" answers and
 * CLOSE_WAIT versus TIME_WAIT. */
void explain_questions(FILE *out);
void explain_questions_json(FILE *out);

/* A path through the diagram: from `start`, the events that usually
 * follow one another.  The states on it are looked up in the table. */
#define EXPLAIN_PATH_MAX 8

typedef struct explain_path {
	const char *title;
	tcps_state start;
	tcps_origin origin;
	tcps_event events[EXPLAIN_PATH_MAX];
	size_t nevents;
} explain_path;

size_t explain_path_count(void);
const explain_path *explain_path_at(size_t i);
/* The rows the path takes, in order; stops early at an event the table
 * has no row for.  Returns how many were stored. */
size_t explain_path_walk(const explain_path *p, const tcps_transition **rows, size_t cap);

/* A "Check Yourself" question, its answer and the rows of the table that
 * back the answer up. */
#define EXPLAIN_QUESTION_ROWS 4

typedef struct explain_question {
	const char *question;
	const char *answer;
	struct {
		tcps_state from;
		tcps_event event;
	} rows[EXPLAIN_QUESTION_ROWS];
	size_t nrows;
} explain_question;

size_t explain_question_count(void);
const explain_question *explain_question_at(size_t i);

/* "FROM --event / send--> TO", as every listing prints a row; returns buf. */
char *explain_arrow(const tcps_transition *t, char *buf, size_t cap);

#endif
