/* Zeek's view of a connection: its history letters and its conn_state,
 * computed the way Zeek's TCP analyzer computes conn.log's `history` and
 * `conn_state` columns (docs/trace-vs-zeek.md says where they differ).
 *
 * Zeek keeps its own little state machine per endpoint (INACTIVE,
 * SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET), its own
 * idea of which side originated the connection (the first sender, unless
 * a port heuristic says the first packet came from a server), and a
 * reassembly point per side, from which content gaps follow.  zeek_hist
 * holds exactly that, in 48 bytes, inside every tracked connection. */
#ifndef TCPS_TRACE_ZEEK_H
#define TCPS_TRACE_ZEEK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpstate/segment.h"

/* One endpoint as Zeek follows it.  Sequence numbers are absolute. */
typedef struct zeek_end {
	uint32_t last_seq;   /* one past the highest sequence number it sent */
	uint32_t deliv;      /* its reassembly point: its bytes are in order up to here */
	uint16_t ctl_seq;    /* low bits of its last SYN's, FIN's or RST's sequence number */
	uint8_t state : 3;   /* zeek.c's ZS_* */
	uint8_t prev : 3;    /* the state before */
	uint8_t fin : 1;     /* it sent a FIN */
	uint8_t known : 1;   /* last_seq and deliv are set */
	uint8_t seen;        /* once-only letters already recorded (by role, see zeek.c) */
} zeek_end;

/* Per connection: kept inside the observer's flow entry, so small. */
typedef struct zeek_hist {
	zeek_end end[2];     /* [0] Zeek's originator, [1] its responder */
	uint8_t count[9];    /* retransmission, gap, zero-window counters: 12 bits each */
	uint8_t flags;       /* zeek.c's ZF_* */
	char letters[14];    /* the history, NUL-terminated (13 letters at most) */
} zeek_hist;

/* Records one segment.  from_client: it was sent by the observer's
 * client (side 0 of the connection; zeek.c works out which side Zeek
 * calls the originator).  rexmit is the observer's judgement and is not
 * used: Zeek's own rule (payload that does not advance the highest
 * sequence number sent) decides the 't' letters.  zero_window: the
 * segment advertises a window of 0. */
void zeek_observe(zeek_hist *h, bool from_client, const tcps_segment *seg, bool rexmit,
		  bool zero_window);

/* conn_state: "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR",
 * "RSTOS0", "RSTRH", "SH", "SHR" or "OTH". */
const char *zeek_conn_state(const zeek_hist *h);

/* Whether Zeek's originator is the observer's server (Zeek's port
 * heuristic flipped the connection, or a SYN,ACK was seen before its SYN):
 * conn.log's id.orig_h is then the server's address. */
bool zeek_orig_is_server(const zeek_hist *h);

#endif
