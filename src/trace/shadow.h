/* Shadow endpoints: each side of a connection runs the state table of
 * src/core on what the capture shows.  A side's own segments are certain
 * (a SYN,ACK means it received a SYN; a FIN means its user closed; an ACK
 * of the peer's FIN means it received it); its receipt of the peer's
 * segments is inferred when they pass, confirmed by its acknowledgment and
 * taken back when contradicted (observer.h). */
#ifndef TCPS_TRACE_SHADOW_H
#define TCPS_TRACE_SHADOW_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/observer.h"
#include "trace/packet.h"
#include "trace/tconn.h"

typedef struct shadow_out {
	bool revised[2];   /* an earlier inference about this side was taken back */
	bool new_state[2]; /* the side's state changed */
} shadow_out;

/* Before any other call (thread-safe, idempotent). */
void shadow_init(void);
/* A connection's first packet, from its client (side 0). */
void shadow_start(trace_conn *c, const trace_pkt *p);
/* One segment from side `from`. */
void shadow_segment(trace_conn *c, int from, const trace_pkt *p, shadow_out *out);

/* An MSL after the connection's last packet a RST taken by a side that
 * stayed silent since is certain (a side that missed it would have sent
 * again well within that: a retransmission, its own close); 2*MSL after
 * it TIME_WAIT ends. */
bool shadow_expire(trace_conn *c, uint64_t now, uint64_t msl);
/* Whether a SYN from `from` starts a new connection on this 4-tuple. */
bool shadow_is_new_connection(const trace_conn *c, int from, const trace_pkt *p);
/* The connection is over: both sides CLOSED (a refused attempt: CLOSED
 * and LISTEN), or its close complete with a side left in TIME_WAIT, where
 * nothing but 2*MSL running out can happen any more.  A side closed by a
 * RST it may not have received is not over until an MSL of its silence
 * (shadow_expire) says it was: until then a segment from it can still
 * show that the RST was lost. */
static inline bool shadow_over(const trace_conn *c)
{
	for (int i = 0; i < 2; i++)
		if ((c->side[i].state != TCPS_CLOSED && c->side[i].state != TCPS_LISTEN &&
		     c->side[i].state != TCPS_TIME_WAIT) ||
		    c->side[i].tent == TENT_RCV_RST)
			return false;
	return true;
}
/* The side's states, oldest first; returns how many. */
unsigned shadow_states(const trace_side *s, tcps_state out[16]);

#endif
