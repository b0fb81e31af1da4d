/* An engine already in a given state, facing a scripted peer: the
 * smoltcp way of testing a TCP.  Each test feeds one exact segment and
 * asserts the exact segment sent back and the new state.
 *
 * The engine is built into its state through real transitions only (no
 * poking at the TCB), with options off so that segments are plain:
 *   our ISS  TCPT_LOCAL_ISS, port TCPT_LOCAL_PORT
 *   peer ISS TCPT_REMOTE_ISS, port TCPT_REMOTE_PORT, window 64000
 */
#ifndef TCPS_TEST_FIXTURE_H
#define TCPS_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpstate/tcpstate.h"

#define TCPT_LOCAL_ISS 10000u
#define TCPT_REMOTE_ISS 20000u
#define TCPT_LOCAL_PORT 9000
#define TCPT_REMOTE_PORT 43236
#define TCPT_PEER_WND 64000
#define TCPT_T0 (1000 * TCPS_NS_PER_S)

typedef struct tcpt_fx {
	tcps_conn *c;
	tcps_config cfg;
	uint64_t now;
	/* The peer's view: the next sequence number it sends, and what it
	 * acknowledges (our next expected). */
	uint32_t peer_seq;
	uint32_t peer_ack;
	int last_err;  /* what the last tcps_segment_arrives returned */
	tcps_segment out; /* the last segment tcpt_next() produced */
	uint8_t out_buf[65536];
} tcpt_fx;

/* Default fixture config: pinned ISS, no timestamps/SACK/window scale. */
void tcpt_config(tcps_config *cfg);
/* Builds an engine in `st` (opened actively for SYN_SENT, passively for
 * the rest unless `active`), with cfg (NULL: tcpt_config's).  Aborts the
 * test if the state cannot be reached. */
void tcpt_setup(tcpt_fx *fx, tcps_state st, bool active, const tcps_config *cfg);
void tcpt_teardown(tcpt_fx *fx);

/* The peer sends a segment: delivered at fx->now. */
int tcpt_arrive(tcpt_fx *fx, uint8_t flags, uint32_t seq, uint32_t ack, const void *data,
		uint32_t len);
/* Same with a given window. */
int tcpt_arrive_wnd(tcpt_fx *fx, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
		    const void *data, uint32_t len);
int tcpt_arrive_seg(tcpt_fx *fx, const tcps_segment *seg);

/* The next segment the engine sends, or NULL. */
const tcps_segment *tcpt_next(tcpt_fx *fx);
/* Asserts the next segment's flags, seq, ack (when ACK set) and length. */
void tcpt_expect(tcpt_fx *fx, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len);
/* Asserts the engine has nothing to send. */
void tcpt_expect_nothing(tcpt_fx *fx);
/* Drains all output, returns how many segments. */
int tcpt_drain(tcpt_fx *fx);
/* Advances time to `t` and runs timers due. */
void tcpt_advance(tcpt_fx *fx, uint64_t dt);
/* Advances straight to the engine's next deadline; returns false if none. */
bool tcpt_to_expiry(tcpt_fx *fx);

void tcpt_expect_state(tcpt_fx *fx, tcps_state st);
/* The fixture's tuple, with the peer known or left open (any_remote). */
tcps_tuple tcpt_tuple(bool any_remote);
/* The last segment sent went to the peer, from our port. */
void tcpt_expect_to_peer(const tcpt_fx *fx);
tcps_status tcpt_status(const tcpt_fx *fx);

#endif
