/* Between the scenario runner and the scenarios. */
#ifndef TCPS_SIM_SCENARIO_INT_H
#define TCPS_SIM_SCENARIO_INT_H

#include "sim/record.h"
#include "sim/render.h"
#include "sim/scenario.h"
#include "sim/sim.h"

/* One side's application: what it writes, what it has read. */
typedef struct sc_app {
	uint64_t to_send;        /* bytes to write in the current connection */
	uint64_t sent;           /* written so far in it */
	uint64_t received;       /* read so far in it */
	uint64_t total_sent, total_received;
	bool eof;                /* read the end of the stream */
	bool corrupt;            /* a byte read was not the peer's */
	bool closed;             /* called CLOSE or ABORT */
	bool connected;          /* connect() or accept() has returned */
	int error;               /* first error a user call returned */
} sc_app;

typedef struct sc_ctx {
	sim sim;
	sim_rec rec;
	sim_render render;
	tcps_conn *conn[2];
	tcps_config cfg[2];
	tcps_tuple tuple[2];     /* each side's own view: local is itself */
	sim_path path[2];
	sc_app app[2];
	const sim_options *opt;
	sim_result *res;
	bool clean;              /* no loss, duplication or reordering */
	int phase;               /* the scenario's progress */
	uint64_t mark;           /* a time the scenario waits for */
	unsigned count;          /* the scenario's counter */
	char *why;               /* the verdict's message: res->why */
} sc_ctx;

typedef struct sc_def {
	const char *name;
	const char *summary;
	void (*setup)(sc_ctx *x);     /* adjusts configs and link; engines not made yet */
	sim_hook_fn *hook;            /* user is the sc_ctx */
	bool (*verdict)(sc_ctx *x);   /* false with a message in x->why */
} sc_def;

extern const sc_def sc_seed, sc_simultaneous_open, sc_simultaneous_close, sc_half_close,
	sc_refused, sc_reset, sc_lossy, sc_time_wait;

/* ---- sc_app.c: the applications' moves ---- */

/* Seed's Concrete Example: no options, so the segments are the seed's. */
void sc_options_off(sc_ctx *x);
void sc_open_passive(sc_ctx *x, int side);
void sc_open_active(sc_ctx *x, int side);
/* The usual start: the server listens and the client connects, once (phase
 * 0 -> 1).  True when it did so now: the hook has nothing else to do yet. */
bool sc_open_once(sc_ctx *x);
/* Writes as much of to_send as the send buffer takes. */
void sc_write(sc_ctx *x, int side);
/* Reads everything ready, checking each byte against the peer's stream. */
void sc_read(sc_ctx *x, int side);
void sc_close(sc_ctx *x, int side);
void sc_abort(sc_ctx *x, int side);
/* A new stream in each direction (a new connection). */
void sc_app_restart(sc_ctx *x);
tcps_state sc_state(const sc_ctx *x, int side);
/* ESTABLISHED or CLOSE_WAIT: connected, and the application may write. */
bool sc_established(const sc_ctx *x, int side);

/* ---- scenario.c: verdict helpers, each false with a message ---- */

bool sc_expect_final(sc_ctx *x, tcps_state client, tcps_state server);
bool sc_expect_no_errors(sc_ctx *x);
/* Each side read exactly what the other wrote. */
bool sc_expect_intact(sc_ctx *x, uint64_t client_bytes, uint64_t server_bytes);
bool sc_expect_path(sc_ctx *x, int side, const tcps_state *states, unsigned n);
bool sc_fail(sc_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
