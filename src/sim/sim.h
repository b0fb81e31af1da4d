/* The simulator: two engines joined by a simulated link, driven by a
 * virtual clock.  Each step takes the earliest of the next delivery, each
 * engine's timer and the scenario's wake-up, advances the clock to it,
 * delivers the segment or fires the timer, sends what the engines want to
 * send, and lets the scenario (the "applications") act.
 *
 * Within a step the engines' output is drained before the hook runs and
 * again after it, because that is how a real stack and its application
 * interleave: the kernel answers a segment (an ACK, say) before the
 * application, woken by it, gets to write its reply. */
#ifndef TCPS_SIM_SIM_H
#define TCPS_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/link.h"
#include "tcpstate/tcpstate.h"

/* sim_run()'s failures. */
enum {
	SIM_ERR_NOMEM = -1,   /* the link could not grow */
	SIM_ERR_EVENTS = -2,  /* more steps than max_events: a run that never settles */
	SIM_ERR_TIME = -3,    /* virtual time passed max_time */
	SIM_ERR_RUNAWAY = -4, /* an engine kept producing segments without end */
};

typedef enum sim_seg_kind {
	SIM_SEG_SENT,      /* put on the link (every transmission, lost or not) */
	SIM_SEG_DELIVERED, /* arrived at the other end and was processed */
	SIM_SEG_LOST,      /* dropped by the link */
} sim_seg_kind;

/* What the observer is told about a segment. */
typedef struct sim_seg_event {
	sim_seg_kind kind;
	uint64_t t;            /* now: delivery time, or send time when sent/lost */
	uint64_t sent_at;
	uint64_t id;           /* transmission number */
	int from;              /* SIM_CLIENT or SIM_SERVER: the sender */
	const tcps_segment *seg;  /* its payload is gone (data NULL) once LOST */
	bool rexmit;           /* the sender had sent this sequence space before */
	bool dup;              /* the link's extra copy */
	bool by_host;          /* a host's RST for a segment that found no connection */
	int result;            /* on delivery: tcps_segment_arrives()'s return */
	uint8_t tag;           /* the observer's: set when SENT, reported with the
				* same segment when DELIVERED or LOST */
	tcps_state state[2];   /* after the segment: the sender's when it sent it,
				* the receiver's once it has processed it */
} sim_seg_event;

typedef struct sim sim;
typedef void sim_hook_fn(sim *s, void *user);
typedef void sim_observer_fn(void *user, sim_seg_event *ev);

struct sim {
	sim_link link;
	tcps_conn *conn[2];       /* client, server; NULL: a host with no connection */
	uint64_t now;
	uint64_t wake_at;         /* the hook's next wake-up, TCPS_NEVER if none */
	uint64_t steps, max_steps;
	uint64_t max_time;
	sim_hook_fn *hook;
	void *hook_user;
	sim_observer_fn *observer;
	void *observer_user;
	bool stopped;
	int last_error[2];        /* latest error an engine returned (arrives, expiry) */
	uint64_t next_id;
	/* For marking retransmissions: */
	bool sent_any[2];
	uint32_t snd_end[2];      /* highest sequence number + 1 each side has sent */
	uint8_t syn_flags[2];     /* SYN or SYN|ACK: the last SYN each side sent */
	uint32_t syn_seq[2];      /* and its sequence number */
};

/* slot_size must cover the largest payload either engine sends (its MSS).
 * Limits default to 10 million steps and one virtual hour. */
int sim_init(sim *s, const sim_path *c2s, const sim_path *s2c, uint64_t seed, size_t slot_size);
void sim_free(sim *s);

/* The hook asks to be called again at time t (the earliest request wins). */
void sim_wake_at(sim *s, uint64_t t);
/* Ends sim_run() after the current step. */
void sim_stop(sim *s);
/* A new connection begins (same engines, reused): forget what each side
 * had sent, so its new ISS is not taken for a retransmission. */
void sim_new_connection(sim *s);

/* Runs until nothing is left to happen (no segment in flight, no timer,
 * no wake-up), or sim_stop().  The hook runs once at the start, before
 * anything else, so it can open the connections.  Returns 0 or SIM_ERR_*. */
int sim_run(sim *s);

/* "ran out of steps", ... */
const char *sim_strerror(int err);

#endif
