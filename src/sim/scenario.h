/* Named scenarios: two engines, a simulated link and two small
 * "applications" that open, write, read and close at chosen moments.
 * Each run reports what happened (states, errors, whether the bytes
 * arrived intact) and whether that is what the scenario expects. */
#ifndef TCPS_SIM_SCENARIO_H
#define TCPS_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/record.h"
#include "sim/render.h"
#include "tcpstate/tcpstate.h"

#define SIM_DEFAULT_SCENARIO "seed"
#define SIM_MAX_LOG 256   /* segments kept in a result; more are counted */

typedef struct sim_options {
	const char *scenario;   /* NULL: SIM_DEFAULT_SCENARIO */
	double loss_pct;        /* both directions; < 0: the scenario's own */
	uint64_t seed;          /* the link's PRNG seed */
	FILE *out;              /* NULL: no output */
	sim_format format;
} sim_options;

/* One segment as the link delivered (or lost) it. */
typedef struct sim_seg_record {
	unsigned conn;
	uint64_t t;
	int from;                /* SIM_CLIENT, SIM_SERVER */
	uint8_t flags;
	uint32_t seq, ack, len;
	uint16_t wnd;
	bool lost, dup, rexmit;
	tcps_state state[2];     /* after it */
	const char *label;
} sim_seg_record;

typedef struct sim_side_result {
	tcps_state final_state;
	int error;               /* the engine's error at the end: tcps_get_error() */
	int call_error;          /* the first error a user call returned (not AGAIN) */
	uint64_t sent;           /* bytes the application wrote (all connections) */
	uint64_t received;       /* bytes it read */
	bool intact;             /* every byte read was the peer's, in order */
	bool eof;                /* it read the end of the stream */
	tcps_state history[SIM_MAX_HISTORY]; /* every state, in order */
	unsigned nhistory;
	uint64_t retransmits;
} sim_side_result;

typedef struct sim_result {
	const char *scenario;
	bool ok;                 /* ended as the scenario expects */
	char why[256];           /* what went wrong, when not ok */
	int run_error;           /* sim_run()'s SIM_ERR_*, 0 if it settled */
	sim_side_result side[2];
	unsigned conns;
	uint64_t end_time, steps;
	uint64_t segments, lost, duplicated, rexmits;
	unsigned diagnoses;      /* bit (1 << sim_diag_code) per diagnosis made */
	sim_seg_record log[SIM_MAX_LOG];
	unsigned nlog;
} sim_result;

size_t sim_scenario_count(void);
const char *sim_scenario_name(size_t i);
const char *sim_scenario_summary(size_t i);
bool sim_scenario_exists(const char *name);

/* Runs a scenario, rendering to o->out.  Returns 0 when it ended as
 * expected, 1 when not (res->why says how), -1 for an unknown scenario. */
int sim_scenario_run(const sim_options *o, sim_result *res);

/* True when states[0..n) occur in this order in side's history, each
 * right after the previous one when adjacent. */
bool sim_result_passed(const sim_result *res, int side, const tcps_state *states, unsigned n,
		       bool adjacent);

#endif
