/* A simulated link between two engines: segments in flight, ordered by
 * delivery time, with loss, duplication, reordering, delay and jitter
 * drawn from a seeded PRNG so that a run replays exactly.
 *
 * Payloads live in link-owned slots of one pool.  The pool is allocated
 * up front and only grows (by doubling) when every slot is in flight, so a
 * run in its steady state allocates nothing per segment.  Segments in
 * flight refer to their slot by index, never by pointer, because growing
 * the pool moves it. */
#ifndef TCPS_SIM_LINK_H
#define TCPS_SIM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/rng.h"
#include "tcpstate/segment.h"

/* The two directions of the link, named by their sender. */
enum { SIM_CLIENT = 0, SIM_SERVER = 1 };

/* What one direction does to the segments sent into it. */
typedef struct sim_path {
	double loss_pct;        /* segments dropped */
	double dup_pct;         /* segments delivered twice */
	double reorder_pct;     /* segments held back so later ones overtake them */
	uint64_t delay;         /* base one-way delay, ns */
	uint64_t jitter;        /* extra delay, uniform in [0, jitter] ns */
	uint64_t reorder_delay; /* a held-back segment waits up to this much more */
} sim_path;

/* One segment in flight. */
typedef struct sim_flight {
	uint64_t at;        /* delivery time */
	uint64_t order;     /* FIFO among equal times, for replayable runs */
	uint64_t sent_at;
	uint64_t id;        /* transmission number, shared by a duplicate */
	uint32_t slot;      /* payload slot */
	uint8_t from;       /* SIM_CLIENT or SIM_SERVER */
	bool rexmit;        /* the sender had sent this sequence space before */
	bool dup;           /* the link's extra copy */
	uint8_t note;       /* the sender's, carried untouched to delivery */
	uint8_t tag;        /* the observer's, likewise */
	tcps_segment seg;   /* data is NULL in flight; set by sim_link_pop() */
} sim_flight;

/* What became of a segment given to sim_link_send(). */
typedef struct sim_fate {
	bool lost;
	bool duplicated;
	uint64_t at;        /* delivery time, when not lost */
} sim_fate;

typedef struct sim_link_stats {
	uint64_t sent[2], lost[2], duplicated[2], delivered[2];
} sim_link_stats;

typedef struct sim_link {
	sim_path path[2];   /* indexed by sender */
	sim_rng rng;
	sim_flight *heap;   /* min-heap on (at, order) */
	size_t nheap, heap_cap;
	uint8_t *pool;
	size_t slot_size;
	uint32_t nslots;
	uint32_t *free_slots;
	uint32_t nfree;
	uint64_t last_at[2]; /* latest delivery time per direction: jitter alone never reorders */
	uint64_t order;
	sim_link_stats stats;
} sim_link;

/* slot_size: the largest payload a segment may carry.  nslots: slots to
 * preallocate (rounded up to 1).  Returns 0, or -1 when out of memory. */
int sim_link_init(sim_link *l, const sim_path *c2s, const sim_path *s2c, uint64_t seed,
		  size_t slot_size, uint32_t nslots);
void sim_link_free(sim_link *l);

/* A free payload slot's index in *slot; NULL when out of memory.  The
 * pointer is valid until the next sim_link_slot_get() or sim_link_send(). */
uint8_t *sim_link_slot_get(sim_link *l, uint32_t *slot);
void sim_link_slot_put(sim_link *l, uint32_t slot);
uint8_t *sim_link_slot_data(sim_link *l, uint32_t slot);

/* Puts f->seg (its payload already in f->slot, which the link now owns)
 * on the wire at `now`, from f->from.  f's id, rexmit, note and tag are carried
 * to delivery; the link sets the rest.  Returns 0, or -1 when out of
 * memory (the slot is then released). */
int sim_link_send(sim_link *l, const sim_flight *f, uint64_t now, sim_fate *fate);

/* The earliest delivery time, TCPS_NEVER-like UINT64_MAX when none. */
uint64_t sim_link_next(const sim_link *l);
size_t sim_link_in_flight(const sim_link *l);
/* Takes the earliest segment off the link; f->seg.data points into its
 * slot, which the caller returns with sim_link_slot_put() once done. */
bool sim_link_pop(sim_link *l, sim_flight *f);

#endif
