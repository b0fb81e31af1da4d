/* The state table: RFC 9293 Figure 5 as data.  See tcpstate/state.h. */
#include "tcpstate/state.h"

#include <ctype.h>
#include <string.h>

#define ROW(f, e, o, t, s, fig, r) \
	{ TCPS_##f, TCPS_EV_##e, TCPS_ORIGIN_##o, TCPS_##t, s, fig, r }

/* Every row of Figure 5 first, then the transitions §3.10 adds in prose
 * (abort, reset and timeouts from each state, a new SYN reopening
 * TIME_WAIT).  A FIN that also acknowledges our FIN in FIN_WAIT_1 needs no
 * row of its own: its ACK is processed first (§3.10.7.4 step five) and
 * moves to FIN_WAIT_2, then its FIN to TIME_WAIT, as Linux does. */
const tcps_transition tcps_transitions[] = {
	ROW(CLOSED, OPEN_PASSIVE, ANY, LISTEN, "", true, "3.10.1"),
	ROW(CLOSED, OPEN_ACTIVE, ANY, SYN_SENT, "SYN", true, "3.10.1"),
	ROW(LISTEN, CLOSE, ANY, CLOSED, "", true, "3.10.4"),
	ROW(LISTEN, RCV_SYN, ANY, SYN_RCVD, "SYN,ACK", true, "3.10.7.2"),
	ROW(LISTEN, SEND, ANY, SYN_SENT, "SYN", true, "3.10.2"),
	ROW(SYN_SENT, CLOSE, ANY, CLOSED, "", true, "3.10.4"),
	ROW(SYN_SENT, RCV_SYN, ANY, SYN_RCVD, "SYN,ACK", true, "3.10.7.3 (simultaneous open)"),
	ROW(SYN_SENT, RCV_SYN_ACK, ANY, ESTABLISHED, "ACK", true, "3.10.7.3"),
	ROW(SYN_RCVD, RCV_ACK_OF_SYN, ANY, ESTABLISHED, "", true, "3.10.7.4"),
	ROW(SYN_RCVD, CLOSE, ANY, FIN_WAIT_1, "FIN", true, "3.10.4"),
	ROW(SYN_RCVD, RCV_RST, PASSIVE, LISTEN, "", true, "3.10.7.4"),
	ROW(ESTABLISHED, CLOSE, ANY, FIN_WAIT_1, "FIN", true, "3.10.4"),
	ROW(ESTABLISHED, RCV_FIN, ANY, CLOSE_WAIT, "ACK", true, "3.10.7.4"),
	ROW(FIN_WAIT_1, RCV_ACK_OF_FIN, ANY, FIN_WAIT_2, "", true, "3.10.7.4"),
	ROW(FIN_WAIT_1, RCV_FIN, ANY, CLOSING, "ACK", true, "3.10.7.4 (simultaneous close)"),
	ROW(FIN_WAIT_2, RCV_FIN, ANY, TIME_WAIT, "ACK", true, "3.10.7.4"),
	ROW(CLOSE_WAIT, CLOSE, ANY, LAST_ACK, "FIN", true, "3.10.4"),
	ROW(CLOSING, RCV_ACK_OF_FIN, ANY, TIME_WAIT, "", true, "3.10.7.4"),
	ROW(LAST_ACK, RCV_ACK_OF_FIN, ANY, CLOSED, "", true, "3.10.7.4"),
	ROW(TIME_WAIT, TIMEOUT_2MSL, ANY, CLOSED, "", true, "3.10.8"),

	ROW(SYN_RCVD, RCV_RST, ACTIVE, CLOSED, "", false, "3.10.7.4"),
	ROW(SYN_SENT, RCV_RST, ANY, CLOSED, "", false, "3.10.7.3"),
	ROW(ESTABLISHED, RCV_RST, ANY, CLOSED, "", false, "3.10.7.4"),
	ROW(FIN_WAIT_1, RCV_RST, ANY, CLOSED, "", false, "3.10.7.4"),
	ROW(FIN_WAIT_2, RCV_RST, ANY, CLOSED, "", false, "3.10.7.4"),
	ROW(CLOSE_WAIT, RCV_RST, ANY, CLOSED, "", false, "3.10.7.4"),
	ROW(CLOSING, RCV_RST, ANY, CLOSED, "", false, "3.10.7.4"),
	ROW(LAST_ACK, RCV_RST, ANY, CLOSED, "", false, "3.10.7.4"),
	ROW(TIME_WAIT, RCV_RST, ANY, CLOSED, "", false, "3.10.7.4"),
	ROW(TIME_WAIT, RCV_SYN, ANY, SYN_RCVD, "SYN,ACK", false, "RFC 6191, RFC 1122 4.2.2.13"),
	ROW(LISTEN, ABORT, ANY, CLOSED, "", false, "3.10.5"),
	ROW(SYN_SENT, ABORT, ANY, CLOSED, "", false, "3.10.5"),
	ROW(SYN_RCVD, ABORT, ANY, CLOSED, "RST", false, "3.10.5"),
	ROW(ESTABLISHED, ABORT, ANY, CLOSED, "RST", false, "3.10.5"),
	ROW(FIN_WAIT_1, ABORT, ANY, CLOSED, "RST", false, "3.10.5"),
	ROW(FIN_WAIT_2, ABORT, ANY, CLOSED, "RST", false, "3.10.5"),
	ROW(CLOSE_WAIT, ABORT, ANY, CLOSED, "RST", false, "3.10.5"),
	ROW(CLOSING, ABORT, ANY, CLOSED, "", false, "3.10.5"),
	ROW(LAST_ACK, ABORT, ANY, CLOSED, "", false, "3.10.5"),
	ROW(TIME_WAIT, ABORT, ANY, CLOSED, "", false, "3.10.5"),
	ROW(SYN_SENT, TIMEOUT_USER, ANY, CLOSED, "", false, "3.10.8"),
	ROW(SYN_RCVD, TIMEOUT_USER, ANY, CLOSED, "", false, "3.10.8"),
	ROW(ESTABLISHED, TIMEOUT_USER, ANY, CLOSED, "", false, "3.10.8"),
	ROW(FIN_WAIT_1, TIMEOUT_USER, ANY, CLOSED, "", false, "3.10.8"),
	ROW(FIN_WAIT_2, TIMEOUT_USER, ANY, CLOSED, "", false, "3.10.8"),
	ROW(CLOSE_WAIT, TIMEOUT_USER, ANY, CLOSED, "", false, "3.10.8"),
	ROW(CLOSING, TIMEOUT_USER, ANY, CLOSED, "", false, "3.10.8"),
	ROW(LAST_ACK, TIMEOUT_USER, ANY, CLOSED, "", false, "3.10.8"),
};

const size_t tcps_ntransitions = sizeof tcps_transitions / sizeof tcps_transitions[0];

const tcps_transition *tcps_transition_find(tcps_state from, tcps_event event, tcps_origin origin)
{
	for (size_t i = 0; i < tcps_ntransitions; i++) {
		const tcps_transition *t = &tcps_transitions[i];
		if (t->from == from && t->event == event &&
		    (t->origin == TCPS_ORIGIN_ANY || origin == TCPS_ORIGIN_ANY || t->origin == origin))
			return t;
	}
	return NULL;
}

static const char *const state_names[TCPS_NSTATES] = {
	"CLOSED",      "LISTEN",     "SYN_SENT",   "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
	"FIN_WAIT_2",  "CLOSE_WAIT", "CLOSING",    "LAST_ACK", "TIME_WAIT",
};

const char *tcps_state_name(tcps_state s)
{
	return (unsigned)s < TCPS_NSTATES ? state_names[s] : "?";
}

/* Compares ignoring case and treating '-' as '_' so that the RFC's
 * SYN-SENT, the seed's SYN_SENT and ss's syn-sent all match. */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : (char)toupper((unsigned char)*a);
		char y = *b == '-' ? '_' : (char)toupper((unsigned char)*b);
		if (x != y)
			return false;
	}
	return *a == *b;
}

int tcps_state_parse(const char *name)
{
	static const struct { const char *alias; tcps_state s; } aliases[] = {
		{ "SYN_RECV", TCPS_SYN_RCVD },
		{ "SYN_RECEIVED", TCPS_SYN_RCVD },
		{ "ESTAB", TCPS_ESTABLISHED },
		{ "FIN_WAIT1", TCPS_FIN_WAIT_1 },
		{ "FIN_WAIT2", TCPS_FIN_WAIT_2 },
		{ "UNCONN", TCPS_CLOSED },
		{ "LISTENING", TCPS_LISTEN },
	};
	if (!name)
		return -1;
	for (int s = 0; s < TCPS_NSTATES; s++)
		if (name_eq(name, state_names[s]))
			return s;
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (name_eq(name, aliases[i].alias))
			return (int)aliases[i].s;
	return -1;
}

static const struct {
	const char *name;
	tcps_cause cause;
} events[TCPS_NEVENTS] = {
	[TCPS_EV_OPEN_PASSIVE] = { "passive OPEN", TCPS_CAUSE_USER },
	[TCPS_EV_OPEN_ACTIVE] = { "active OPEN", TCPS_CAUSE_USER },
	[TCPS_EV_SEND] = { "SEND", TCPS_CAUSE_USER },
	[TCPS_EV_CLOSE] = { "CLOSE", TCPS_CAUSE_USER },
	[TCPS_EV_ABORT] = { "ABORT", TCPS_CAUSE_USER },
	[TCPS_EV_RCV_SYN] = { "rcv SYN", TCPS_CAUSE_SEGMENT },
	[TCPS_EV_RCV_SYN_ACK] = { "rcv SYN,ACK", TCPS_CAUSE_SEGMENT },
	[TCPS_EV_RCV_ACK_OF_SYN] = { "rcv ACK of SYN", TCPS_CAUSE_SEGMENT },
	[TCPS_EV_RCV_FIN] = { "rcv FIN", TCPS_CAUSE_SEGMENT },
	[TCPS_EV_RCV_ACK_OF_FIN] = { "rcv ACK of FIN", TCPS_CAUSE_SEGMENT },
	[TCPS_EV_RCV_RST] = { "rcv RST", TCPS_CAUSE_SEGMENT },
	[TCPS_EV_TIMEOUT_2MSL] = { "timeout 2*MSL", TCPS_CAUSE_TIMEOUT },
	[TCPS_EV_TIMEOUT_USER] = { "user timeout", TCPS_CAUSE_TIMEOUT },
};

const char *tcps_event_name(tcps_event e)
{
	return (unsigned)e < TCPS_NEVENTS ? events[e].name : "?";
}

tcps_cause tcps_event_cause(tcps_event e)
{
	return (unsigned)e < TCPS_NEVENTS ? events[e].cause : TCPS_CAUSE_USER;
}
