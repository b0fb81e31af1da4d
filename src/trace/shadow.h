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

/* TIME_WAIT ends 2*MSL after the connection's last packet. */
bool shadow_expire(trace_conn *c, uint64_t now, uint64_t two_msl);
/* The RST's receiver stayed silent: it did receive it. */
void shadow_settle_rst(trace_conn *c);
/* Whether a SYN from `from` starts a new connection on this 4-tuple. */
bool shadow_is_new_connection(const trace_conn *c, int from, const trace_pkt *p);
/* Whether the connection is over: both sides CLOSED (a refused attempt:
 * CLOSED and LISTEN), or its close complete with a side left in TIME_WAIT,
 * where nothing but 2*MSL running out can happen any more.
 * SHADOW_OVER_BUT_RST: so, but a side's CLOSED rests on a RST it may not
 * have received, which only its silence will show (shadow_settle_rst):
 * until then a segment from it can still take the RST back. */
enum { SHADOW_OPEN, SHADOW_OVER, SHADOW_OVER_BUT_RST };
static inline int shadow_end(const trace_conn *c)
{
	bool rst = false;
	for (int i = 0; i < 2; i++) {
		if (c->side[i].state != TCPS_CLOSED && c->side[i].state != TCPS_LISTEN &&
		    c->side[i].state != TCPS_TIME_WAIT)
			return SHADOW_OPEN;
		rst |= c->side[i].tent == TENT_RCV_RST;
	}
	return rst ? SHADOW_OVER_BUT_RST : SHADOW_OVER;
}
static inline bool shadow_over(const trace_conn *c)
{
	return shadow_end(c) == SHADOW_OVER;
}
/* The side's states, oldest first; returns how many. */
unsigned shadow_states(const trace_side *s, tcps_state out[16]);

#endif
