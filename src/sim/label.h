/* Names a segment's role in its connection: "handshake 1/3", "data",
 * "close 2/4", "retransmission", "reset", "ack".  Segments are labelled
 * as they are sent, in the order they are sent, and the simulator knows
 * which ones repeat sequence space; so the rules can stay simple: a SYN
 * opens the handshake, the first FIN opens the close, and an ACK is named
 * after the SYN or FIN it is the first to cover. */
#ifndef TCPS_SIM_LABEL_H
#define TCPS_SIM_LABEL_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpstate/segment.h"

typedef struct sim_labeler {
	bool syn_seen[2];
	uint32_t isn[2];        /* each side's SYN's sequence number */
	bool syn_acked[2];      /* its SYN was covered by an ACK already labelled */
	int nfins;
	int fin_side[2];        /* the side of the first and second FIN */
	uint32_t fin_end[2];    /* sequence number just past each FIN */
	bool fin_acked[2];
} sim_labeler;

typedef enum sim_label_kind {
	SIM_LABEL_NONE,
	SIM_LABEL_HANDSHAKE_1, SIM_LABEL_HANDSHAKE_2, SIM_LABEL_HANDSHAKE_3,
	SIM_LABEL_DATA, SIM_LABEL_ACK,
	SIM_LABEL_CLOSE_1, SIM_LABEL_CLOSE_2, SIM_LABEL_CLOSE_3, SIM_LABEL_CLOSE_4,
	SIM_LABEL_RETRANSMISSION, SIM_LABEL_RESET,
	SIM_NLABELS
} sim_label_kind;

void sim_labeler_init(sim_labeler *lb);
/* The label of a segment `from` sends now; rexmit says it repeats
 * sequence space that side already sent. */
sim_label_kind sim_label(sim_labeler *lb, int from, const tcps_segment *seg, bool rexmit);
/* "handshake 1/3", ...; "" for SIM_LABEL_NONE or out of range. */
const char *sim_label_name(unsigned kind);

#endif
