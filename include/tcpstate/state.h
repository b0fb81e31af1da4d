/* tcpstate — the TCP state machine of RFC 9293, as one table.
 *
 * Every transition of RFC 9293 Figure 5 (simultaneous open and close
 * included) is a row of tcps_transitions[]: the state it leaves, the event
 * that causes it, the state it enters and what is sent.  The engine, the
 * observer, `explain` and any drawing of the diagram all read this table;
 * there is no second copy of the diagram anywhere.
 */
#ifndef TCPSTATE_STATE_H
#define TCPSTATE_STATE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The eleven states, spelled as the seed spells them. */
typedef enum tcps_state {
	TCPS_CLOSED,
	TCPS_LISTEN,
	TCPS_SYN_SENT,
	TCPS_SYN_RCVD,
	TCPS_ESTABLISHED,
	TCPS_FIN_WAIT_1,
	TCPS_FIN_WAIT_2,
	TCPS_CLOSE_WAIT,
	TCPS_CLOSING,
	TCPS_LAST_ACK,
	TCPS_TIME_WAIT,
	TCPS_NSTATES
} tcps_state;

/* What makes a connection change state. */
typedef enum tcps_event {
	TCPS_EV_OPEN_PASSIVE,     /* user: passive OPEN */
	TCPS_EV_OPEN_ACTIVE,      /* user: active OPEN */
	TCPS_EV_SEND,             /* user: SEND on a listening connection */
	TCPS_EV_CLOSE,            /* user: CLOSE ("no more data to send") */
	TCPS_EV_ABORT,            /* user: ABORT */
	TCPS_EV_RCV_SYN,          /* segment: SYN without ACK */
	TCPS_EV_RCV_SYN_ACK,      /* segment: SYN,ACK acknowledging our SYN */
	TCPS_EV_RCV_ACK_OF_SYN,   /* segment: ACK that covers our SYN */
	TCPS_EV_RCV_FIN,          /* segment: FIN (in sequence) */
	TCPS_EV_RCV_ACK_OF_FIN,   /* segment: ACK that covers our FIN */
	TCPS_EV_RCV_RST,          /* segment: acceptable RST */
	TCPS_EV_TIMEOUT_2MSL,     /* timeout: TIME_WAIT's 2*MSL elapsed */
	TCPS_EV_TIMEOUT_USER,     /* timeout: retransmission gave up / user timeout */
	TCPS_NEVENTS
} tcps_event;

/* Where an event comes from, for drawing and explaining. */
typedef enum tcps_cause { TCPS_CAUSE_USER, TCPS_CAUSE_SEGMENT, TCPS_CAUSE_TIMEOUT } tcps_cause;

/* A row that only applies to connections opened one way (RFC 9293
 * §3.10.7.4: a RST in SYN_RCVD returns a passively opened connection to
 * LISTEN, an actively opened one to CLOSED). */
typedef enum tcps_origin { TCPS_ORIGIN_ANY, TCPS_ORIGIN_PASSIVE, TCPS_ORIGIN_ACTIVE } tcps_origin;

typedef struct tcps_transition {
	tcps_state from;
	tcps_event event;
	tcps_origin origin;
	tcps_state to;
	const char *send;  /* what is sent: "SYN", "SYN,ACK", "ACK", "FIN", "RST" or "" */
	bool in_figure;    /* drawn in RFC 9293 Figure 5 (else from §3.10 text) */
	const char *rfc;   /* where the RFC says so */
} tcps_transition;

extern const tcps_transition tcps_transitions[];
extern const size_t tcps_ntransitions;

/* The row for (from, event) for a connection opened as `origin`
 * (TCPS_ORIGIN_ANY when it does not matter), or NULL when the event does
 * not change the state from `from`. */
const tcps_transition *tcps_transition_find(tcps_state from, tcps_event event, tcps_origin origin);

/* "ESTABLISHED", "SYN_SENT", ...; "?" for an out-of-range value. */
const char *tcps_state_name(tcps_state s);
/* Parses a state name: seed spelling, RFC spelling (SYN-SENT), ss spelling
 * (syn-sent, close-wait, time-wait, syn-recv), any case.  -1 if unknown. */
int tcps_state_parse(const char *name);
/* "rcv SYN", "CLOSE", "timeout 2*MSL", ... */
const char *tcps_event_name(tcps_event e);
tcps_cause tcps_event_cause(tcps_event e);

/* True in the states where both sequence spaces are synchronized
 * (ESTABLISHED and every state after it). */
static inline bool tcps_state_synchronized(tcps_state s)
{
	return s >= TCPS_ESTABLISHED && s < TCPS_NSTATES;
}

#ifdef __cplusplus
}
#endif
#endif
