/* The drill's live capture, read with a deadline.
 *
 * trace_input_next() on a live interface waits until a packet comes, and
 * the drill must go on with its next step when none does (a delayed ACK
 * that never shows, a step that sends nothing).  So a thread reads the
 * capture and queues the packets; the drill takes them with a deadline.
 * Should trace_input grow a read with a timeout, this file can go. */
#ifndef TCPS_KERNEL_DRILL_CAPTURE_H
#define TCPS_KERNEL_DRILL_CAPTURE_H

#include <stdint.h>

#include "trace/input.h"

typedef struct drill_cap drill_cap;

/* Starts reading `in` (which stays the caller's, to close after
 * drill_cap_stop).  NULL when the thread cannot be started. */
drill_cap *drill_cap_start(trace_input *in);

/* The next packet, waiting until deadline (CLOCK_MONOTONIC, ns): 1 with
 * *pkt filled (its payload pointer NULL: nothing here reads payload), 0
 * when the deadline passed first, -1 when the capture failed or ended
 * (drill_cap_error says why). */
int drill_cap_next(drill_cap *c, trace_pkt *pkt, uint64_t deadline);

/* "" while the capture is well. */
const char *drill_cap_error(drill_cap *c);

/* Stops the reader and frees the queue. */
void drill_cap_stop(drill_cap *c);

/* CLOCK_MONOTONIC now, in ns. */
uint64_t drill_now(void);

#endif
