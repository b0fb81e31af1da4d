/* The simulator's record of each connection: the states each side passed
 * through, packets and bytes, who closed, labels and diagnoses.  It sits
 * between the simulator (segment events, the engines' state changes) and
 * the renderer, and keeps what a scenario's verdict needs. */
#ifndef TCPS_SIM_RECORD_H
#define TCPS_SIM_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/label.h"
#include "sim/sim.h"
#include "tcpstate/tcpstate.h"

#define SIM_MAX_STATES 32   /* per side per connection; a close takes at most 7 */
#define SIM_MAX_HISTORY 64  /* per side across a whole run */
#define SIM_MAX_DIAG 4

/* The DESIGN.md diagnosis codes the simulator can produce. */
typedef enum sim_diag_code {
	SIM_DIAG_CONNECTION_REFUSED, /* SYN answered by RST */
	SIM_DIAG_RESET_ESTABLISHED,  /* RST in the middle of an established connection */
} sim_diag_code;

typedef struct sim_diag {
	sim_diag_code code;
	int endpoint;               /* the side that sent the RST */
} sim_diag;

typedef struct sim_conn_rec {
	unsigned id;                /* 1, 2, ...: JSON "conn" */
	tcps_tuple tuple;           /* the client's view: local is the client */
	tcps_state states[2][SIM_MAX_STATES];
	unsigned nstates[2];
	tcps_state last[2];         /* each side's latest state */
	uint64_t last_change;       /* when a state last changed */
	uint64_t packets[2];        /* segments sent, lost ones included */
	uint64_t bytes[2];          /* distinct payload bytes sent */
	bool data_seen[2];
	uint32_t data_end[2];       /* just past the highest payload byte sent */
	int closed_by;              /* side of the first FIN or RST, -1 if none */
	sim_labeler labels;
	sim_diag diag[SIM_MAX_DIAG];
	unsigned ndiag;
} sim_conn_rec;

struct sim_render;
struct sim_rec;

/* cfg->user for one side's engine (see sim_rec_attach). */
typedef struct sim_rec_side {
	struct sim_rec *rec;
	int side;
} sim_rec_side;

typedef struct sim_rec {
	sim_conn_rec conn;          /* the connection in progress */
	bool open;
	unsigned nconns;
	const uint64_t *now;        /* the simulator's clock */
	struct sim_render *render;  /* NULL: record without output */
	sim_rec_side sides[2];
	tcps_state history[2][SIM_MAX_HISTORY]; /* every state, every connection */
	unsigned nhistory[2];
	uint64_t segments, lost, rexmits, dups;
	const char *last_label;     /* the latest delivered or lost segment's */
	unsigned diag_mask;         /* 1 << sim_diag_code for every diagnosis made */
} sim_rec;

void sim_rec_init(sim_rec *r, const tcps_tuple *client_view, const uint64_t *now,
		  struct sim_render *render);
/* Points an engine's configuration at the recorder (on_state, user). */
void sim_rec_attach(sim_rec *r, int side, tcps_config *cfg);
/* Ends the connection in progress, if any, and starts the next one. */
void sim_rec_begin(sim_rec *r);
/* Ends the connection in progress: its summary is rendered. */
void sim_rec_end(sim_rec *r);
/* A sim_observer_fn; user is the sim_rec. */
void sim_rec_observe(void *user, sim_seg_event *ev);

const char *sim_side_name(int side);
const char *sim_diag_name(sim_diag_code code);

#endif
