/* The prose of `tcpstate explain`, one entry per state: what the state
 * table cannot say by itself.  The transitions are deliberately absent:
 * explain.c lists them from tcps_transitions[], so the words here must not
 * contradict the table (test_explain.c reads both). */
#include "explain/explain.h"

static const explain_prose prose[TCPS_NSTATES] = {
	[TCPS_CLOSED] = {
		.summary = "no connection at all: where every path starts and ends",
		.meaning = "There is no connection and nothing is remembered about one. CLOSED is "
			   "the diagram's name for a connection that does not exist yet or any "
			   "more. ss shows a TCP socket that was created but never connected or "
			   "listening (or is done) as UNCONN.",
		.side = "either",
		.side_why = "Both ends start here, and both end here: the side that closed "
			    "second once its FIN is acknowledged, the side that closed first "
			    "after TIME_WAIT, and either side at once on a RST, an ABORT or a "
			    "user timeout.",
		.waiting = "A call from the application: an active OPEN (connect()) sends a "
			   "SYN, a passive OPEN (listen()) starts waiting for one. A segment "
			   "that arrives for a connection in CLOSED is answered with a RST "
			   "(RFC 9293 3.10.7.1): that RST is what the other side reports as "
			   "\"connection refused\".",
		.verdict = EXPLAIN_NORMAL,
		.verdict_why = "Every connection begins and ends here.",
		.bugs = {
			{ "connection_refused",
			  "A client's SYN reaches a port that is CLOSED and a RST comes straight "
			  "back; connect() fails with ECONNREFUSED.",
			  "The service is down or not started yet, listens on another address or "
			  "port (127.0.0.1 instead of 0.0.0.0), or a firewall rejects with a "
			  "reset.",
			  "Start the service or correct the address it binds to." },
		},
		.checks = {
			{ "ss -ltn", "nothing listed on the port: a SYN to it meets CLOSED and a RST" },
			{ "tcpstate trace -i IFACE port N",
			  "a SYN answered by [R.] is flagged connection_refused" },
			{ "tcpstate transitions state closed",
			  "the kernel's changes into CLOSED, live, and the state each came from" },
		},
	},
	[TCPS_LISTEN] = {
		.summary = "a server waiting for a SYN (passive OPEN, listen())",
		.meaning = "The application called listen(): the endpoint waits for a SYN from "
			   "any remote address and port. In the diagram the listening connection "
			   "itself moves on to SYN_RCVD; real stacks copy it instead, so the "
			   "listening socket stays in LISTEN and each new connection starts its "
			   "life in SYN_RCVD.",
		.side = "server",
		.side_why = "Only the passive opener listens. It got here from CLOSED with a "
			    "passive OPEN, or back from SYN_RCVD when a RST ended a handshake it "
			    "had answered.",
		.waiting = "A SYN from a client, answered with a SYN,ACK. (The diagram also lets "
			   "a SEND turn a listener into an active opener; the sockets API has no "
			   "such call.)",
		.verdict = EXPLAIN_NORMAL,
		.verdict_why = "A server's listening sockets stay here for as long as the service "
			       "runs.",
		.bugs = {
			{ "connection_refused",
			  "Clients get \"connection refused\".",
			  "No socket is in LISTEN on that address and port.",
			  "Check what listens where (ss -ltn) and what the service binds to." },
			{ "accept_queue_full",
			  "Clients' SYNs or final ACKs go unanswered although the port is in "
			  "LISTEN.",
			  "The accept queue is full: the application does not call accept() fast "
			  "enough, and the kernel drops the new handshakes.",
			  "Accept faster, or raise the backlog (the listen() argument and "
			  "net.core.somaxconn)." },
		},
		.checks = {
			{ "tcpstate sockets state listening",
			  "which addresses and ports listen; a full accept queue is flagged "
			  "accept_queue_full" },
			{ "ss -ltn",
			  "for a listener Recv-Q is the accept queue and Send-Q its limit: equal "
			  "means full" },
			{ "nstat -az TcpExtListenOverflows TcpExtListenDrops",
			  "handshakes dropped because the accept queue was full" },
		},
	},
	[TCPS_SYN_SENT] = {
		.summary = "a client sent its SYN and waits for the SYN,ACK",
		.meaning = "The application called connect(): the endpoint sent a SYN carrying "
			   "its initial sequence number and waits for the other side's SYN and "
			   "the acknowledgment of its own. It sends the SYN again, waiting twice "
			   "as long each time, until an answer comes or it gives up (on Linux "
			   "after net.ipv4.tcp_syn_retries, about two minutes).",
		.side = "client",
		.side_why = "The active opener. It got here from CLOSED with an active OPEN, or "
			    "from LISTEN when a listener was told to send.",
		.waiting = "The SYN,ACK: it then sends the last ACK of the handshake and is "
			   "ESTABLISHED. A bare SYN instead means the other side is opening at the "
			   "same moment (simultaneous open). A RST acknowledging its SYN means "
			   "nothing listens there.",
		.verdict = EXPLAIN_NORMAL_IF_BRIEF,
		.verdict_why = "For one round trip. A socket that stays here, or many of them, "
			       "means the SYNs are not being answered.",
		.bugs = {
			{ "syn_unanswered",
			  "The socket stays in SYN_SENT, the SYN is sent again and again, and no "
			  "SYN,ACK ever comes back.",
			  "A firewall on the path or on the server silently dropping the SYN, or "
			  "no route to the server.",
			  "Capture on the server: if the SYN never arrives it is dropped on the "
			  "way; if it arrives, look at the server's own firewall." },
			{ "connection_refused",
			  "The SYN is answered at once by a RST; connect() fails with "
			  "ECONNREFUSED.",
			  "Nothing listens on that address and port.",
			  "Start the service or correct the address." },
		},
		.checks = {
			{ "tcpstate sockets state syn-sent", "which process waits, and for which destination" },
			{ "ss -tanp state syn-sent", "the same, from ss" },
			{ "tcpstate trace -i IFACE port N",
			  "SYNs with no [S.] back are flagged syn_unanswered; a [R.] back, "
			  "connection_refused" },
			{ "tcpstate transitions state syn-sent",
			  "the kernel's changes into and out of SYN_SENT, live: entered and never left" },
		},
	},
	[TCPS_SYN_RCVD] = {
		.summary = "a server got a SYN, sent its SYN,ACK and waits for the final ACK",
		.meaning = "Half of the handshake is done: this endpoint received the other "
			   "side's SYN and answered with its own SYN and the acknowledgment of "
			   "theirs. It waits for the ACK of its SYN, sending the SYN,ACK again if "
			   "none comes. ss spells it SYN-RECV.",
		.side = "server",
		.side_why = "Usually the passive opener, from LISTEN on a SYN. Both sides pass "
			    "through it in a simultaneous open (from SYN_SENT on a bare SYN), and "
			    "a new SYN may take a connection from TIME_WAIT straight here.",
		.waiting = "The ACK of its SYN, the third segment of the handshake: the "
			   "connection is then ESTABLISHED. A RST sends a passively opened "
			   "connection back to LISTEN and an actively opened one to CLOSED.",
		.verdict = EXPLAIN_NORMAL_IF_BRIEF,
		.verdict_why = "For one round trip. Many at once are a SYN flood or clients "
			       "whose handshakes cannot complete.",
		.bugs = {
			{ "handshake_incomplete",
			  "The server sends its SYN,ACK again and again and the final ACK never "
			  "arrives, while the client may already believe it is ESTABLISHED.",
			  "A path MTU or NAT problem between the two: the SYN,ACK or the last "
			  "ACK is lost on the way.",
			  "Capture on both sides to see where it disappears; check the NAT's "
			  "connection tracking and the path MTU." },
			{ "handshake_incomplete",
			  "Hundreds or thousands of SYN_RCVD sockets, from many addresses.",
			  "A SYN flood: forged SYNs whose SYN,ACKs go nowhere.",
			  "Keep SYN cookies on (net.ipv4.tcp_syncookies) and filter upstream." },
		},
		.checks = {
			{ "tcpstate sockets state syn-recv",
			  "how many, from which peers: one peer again and again is a path "
			  "problem, thousands of peers a flood" },
			{ "ss -tan state syn-recv", "the same, from ss" },
			{ "tcpstate trace -i IFACE port N",
			  "an [S.] sent again with no ACK after it is flagged "
			  "handshake_incomplete" },
			{ "nstat -az TcpExtSyncookiesSent", "non-zero: the SYN queue overflowed" },
		},
	},
	[TCPS_ESTABLISHED] = {
		.summary = "the connection is open: data flows both ways",
		.meaning = "The handshake is complete: each side knows the other's initial "
			   "sequence number and window, and data flows in both directions. A "
			   "connection spends its useful life here.",
		.side = "either",
		.side_why = "Both sides. The client arrives from SYN_SENT when the SYN,ACK "
			    "arrives, the server from SYN_RCVD when the client's final ACK "
			    "arrives.",
		.waiting = "Nothing in particular: data, for as long as the applications like. "
			   "It ends gracefully when this side closes (its FIN goes out) or the "
			   "peer's FIN arrives, abruptly on a RST, an ABORT or a user timeout.",
		.verdict = EXPLAIN_NORMAL,
		.verdict_why = "This is where connections are meant to be.",
		.bugs = {
			{ "reset_established",
			  "The connection ends with a RST instead of two FINs; the application "
			  "sees ECONNRESET (or EPIPE when writing).",
			  "The peer's process crashed or closed its socket with unread data in "
			  "it, the peer set SO_LINGER to 0, the peer's host restarted and no "
			  "longer knows the connection, or a firewall, NAT or load balancer "
			  "forgot the idle flow and reset it.",
			  "Find which side sent the RST and what it received just before." },
			{ NULL,
			  "ESTABLISHED connections grow in number without bound, most of them "
			  "idle.",
			  "A connection leak: a client or pool that opens connections and never "
			  "reuses or closes them.",
			  "Bound the pool and give idle connections a timeout." },
		},
		.checks = {
			{ "tcpstate sockets state established",
			  "who holds them; a large Send-Q means the peer is not reading" },
			{ "ss -tanp state established", "the same, from ss" },
			{ "tcpstate trace -i IFACE port N",
			  "a RST in the middle is flagged reset_established, with the side that "
			  "sent it" },
		},
	},
	[TCPS_FIN_WAIT_1] = {
		.summary = "this side closed and sent FIN; it waits for the ACK of that FIN",
		.meaning = "The application closed (close() or shutdown(SHUT_WR)): this side "
			   "will send no more data, and a FIN follows whatever is still in the "
			   "send buffer. Until that FIN is acknowledged the connection is in "
			   "FIN_WAIT_1. After shutdown(SHUT_WR) the peer may go on sending, and "
			   "this side reading.",
		.side = "the side that closes first",
		.side_why = "The active closer, the client in the seed's example: from "
			    "ESTABLISHED when its application closed, or from SYN_RCVD when it "
			    "closed before the handshake was over.",
		.waiting = "The ACK of its FIN. If the peer's FIN comes first, both closed at "
			   "once (simultaneous close). A FIN that also acknowledges ours passes "
			   "through FIN_WAIT_2 straight to TIME_WAIT.",
		.verdict = EXPLAIN_NORMAL_IF_BRIEF,
		.verdict_why = "For one round trip, or as long as sending the data queued ahead "
			       "of the FIN takes.",
		.bugs = {
			{ NULL,
			  "Sockets held in FIN_WAIT_1, the FIN sent again and again.",
			  "The peer is gone or unreachable, so the FIN is never acknowledged; or "
			  "the peer stopped reading and advertises a zero window, so the data "
			  "ahead of the FIN cannot leave.",
			  "A non-zero Send-Q means data stuck behind a zero window; otherwise "
			  "look at the path to the peer. Linux gives up after "
			  "net.ipv4.tcp_orphan_retries." },
		},
		.checks = {
			{ "tcpstate sockets state fin-wait-1", "who holds them, and to which peer" },
			{ "ss -tano state fin-wait-1",
			  "Send-Q and the retransmission timer: is it the data or the FIN that is "
			  "stuck" },
			{ "tcpstate trace -i IFACE port N", "the [F.] sent again with no ACK of it" },
		},
	},
	[TCPS_FIN_WAIT_2] = {
		.summary = "this side's FIN is acknowledged; it waits for the peer's FIN",
		.meaning = "Half closed: this side has finished sending and the peer has "
			   "acknowledged its FIN, but the peer has not closed its own direction. "
			   "The peer may still send data. Nothing is retransmitted here: this "
			   "side waits on the peer's application.",
		.side = "the side that closes first",
		.side_why = "The active closer, from FIN_WAIT_1 when the ACK of its FIN "
			    "arrived. Meanwhile its peer is in CLOSE_WAIT.",
		.waiting = "The peer's FIN, which comes only when the peer's application "
			   "closes. It acknowledges that FIN and enters TIME_WAIT.",
		.verdict = EXPLAIN_NORMAL_IF_BRIEF,
		.verdict_why = "For as long as the peer takes to finish; after a half close "
			       "(shutdown(SHUT_WR)) that can be a whole response.",
		.bugs = {
			{ "fin_wait_2_held",
			  "Sockets held in FIN_WAIT_2 for a long time.",
			  "The peer never closes: its side is stuck in CLOSE_WAIT, a bug in the "
			  "peer's application, diagnosed as close_wait_stuck on the peer.",
			  "Fix the peer. Linux drops a FIN_WAIT_2 socket whose application has "
			  "fully closed after net.ipv4.tcp_fin_timeout (60 s)." },
		},
		.checks = {
			{ "tcpstate sockets state fin-wait-2",
			  "which peer never closes; held past tcp_fin_timeout it is flagged "
			  "fin_wait_2_held" },
			{ "ss -tano state fin-wait-2", "the timer: how long an orphaned socket has left" },
			{ "tcpstate sockets state close-wait", "on the peer: the process that never closed" },
		},
	},
	[TCPS_CLOSE_WAIT] = {
		.summary = "the peer sent FIN; this side's application has not closed yet",
		.meaning = "The peer sent FIN: it will send nothing more, and this side "
			   "acknowledged it. The application reads end of stream (read() returns "
			   "0) and is expected to finish and call close(). Until it does the "
			   "connection waits here: TCP cannot close this side's direction for it.",
		.side = "the side that closes second",
		.side_why = "The passive closer, the one that received the first FIN (the server "
			    "in the seed's example): from ESTABLISHED when the peer's FIN arrived.",
		.waiting = "Its own application's close(), and nothing from the network. There "
			   "is no timer: a socket can stay in CLOSE_WAIT until its process exits. "
			   "On close() its FIN goes out.",
		.verdict = EXPLAIN_USUALLY_BUG,
		.verdict_why = "A moment here, between the peer's FIN and close(), is normal. A "
			       "socket you can see here, let alone a growing number, is an "
			       "application bug 99% of the time.",
		.bugs = {
			{ "close_wait_stuck",
			  "Sockets stuck in CLOSE_WAIT, more and more of them, sometimes until "
			  "the process runs out of file descriptors.",
			  "The application forgot to close() after the peer sent FIN: a code path "
			  "that sees end of stream or an error and returns without closing, or a "
			  "pool that never notices its connections were closed by the peer.",
			  "Find the process, then the code that handles read() returning 0 or "
			  "an error; close there (finally, defer, a destructor)." },
		},
		.checks = {
			{ "tcpstate sockets state close-wait", "which process holds them, and to which peer" },
			{ "ss -tanp state close-wait", "the same, from ss" },
			{ "tcpstate trace -i IFACE port N",
			  "a FIN acknowledged and never answered by a FIN is flagged "
			  "close_wait_stuck" },
			{ "tcpstate transitions state close-wait",
			  "the kernel's changes into and out of CLOSE_WAIT, live: entered and never left" },
		},
	},
	[TCPS_CLOSING] = {
		.summary = "both sides closed at once; waiting for the ACK of this side's FIN",
		.meaning = "A simultaneous close: this side sent its FIN and, before the FIN "
			   "was acknowledged, received the peer's. It acknowledged the peer's FIN "
			   "and waits for the acknowledgment of its own.",
		.side = "either",
		.side_why = "A side that closed first and got the peer's FIN before the ACK of "
			    "its own: from FIN_WAIT_1. In a simultaneous close both sides pass "
			    "through it.",
		.waiting = "The ACK of its FIN; then TIME_WAIT, like any side that closed first.",
		.verdict = EXPLAIN_NORMAL_IF_BRIEF,
		.verdict_why = "Rare, and over in one round trip.",
		.bugs = {
			{ NULL,
			  "Sockets held in CLOSING.",
			  "The ACK of this side's FIN is lost, or the peer vanished right after "
			  "sending its own FIN.",
			  "Capture to see whether the peer acknowledges the FIN; the FIN is sent "
			  "again until it is acknowledged or the stack gives up." },
		},
		.checks = {
			{ "tcpstate sockets state closing", "who holds them" },
			{ "tcpstate trace -i IFACE port N", "the two FINs crossing, and which ACK is missing" },
			{ "tcpstate sim --scenario simultaneous-close", "what it looks like when it works" },
		},
	},
	[TCPS_LAST_ACK] = {
		.summary = "this side closed second and waits for the ACK of its FIN",
		.meaning = "The peer closed first; this side's application has now closed too "
			   "and sent its FIN. It waits for the acknowledgment of that FIN, the "
			   "very last segment, and then the connection is gone: no TIME_WAIT for "
			   "this side.",
		.side = "the side that closes second",
		.side_why = "The passive closer, from CLOSE_WAIT when its application called "
			    "close().",
		.waiting = "The ACK of its FIN. If it does not come the FIN is sent again, and "
			   "the peer, in TIME_WAIT, is still there to acknowledge it.",
		.verdict = EXPLAIN_NORMAL_IF_BRIEF,
		.verdict_why = "For one round trip.",
		.bugs = {
			{ "last_ack_held",
			  "Sockets held in LAST_ACK, the FIN sent again and again.",
			  "The final ACK is lost: dropped on the path (a firewall or NAT that "
			  "forgot the flow after the first FIN), or the peer is gone and no "
			  "longer answers.",
			  "Capture on both sides to see where the final ACK disappears." },
		},
		.checks = {
			{ "tcpstate sockets state last-ack",
			  "who holds them, and to which peer; held, they are flagged "
			  "last_ack_held" },
			{ "ss -tano state last-ack", "the retransmission timer of the FIN" },
			{ "tcpstate trace -i IFACE port N", "the [F.] sent again with no ACK after it" },
		},
	},
	[TCPS_TIME_WAIT] = {
		.summary = "this side closed first; it waits 2*MSL before the 4-tuple is free",
		.meaning = "The connection is over: both FINs were sent and acknowledged. This "
			   "side waits twice the maximum segment lifetime (2*MSL; Linux uses a "
			   "fixed 60 s) so that a late copy of a segment of this connection cannot "
			   "be taken for part of a new one on the same 4-tuple, and so that it can "
			   "acknowledge the peer's FIN again if its last ACK was lost.",
		.side = "the side that closes first",
		.side_why = "The active closer: from FIN_WAIT_2 on the peer's FIN, or from "
			    "CLOSING on the ACK of its own FIN (in a simultaneous close both sides "
			    "end up here). The side that closes second never enters it.",
		.waiting = "Only the clock. A FIN sent again by the peer is acknowledged again; "
			   "a new SYN on the same 4-tuple may start a new connection at once "
			   "(RFC 6191).",
		.verdict = EXPLAIN_NORMAL,
		.verdict_why = "Every connection this side closed first passes through it; many "
			       "of them on a busy client are expected.",
		.bugs = {
			{ "time_wait_accumulation",
			  "Thousands of sockets in TIME_WAIT, mostly to one destination; new "
			  "connections fail with EADDRNOTAVAIL (\"cannot assign requested "
			  "address\") once the local ports run out.",
			  "Too many short-lived outgoing connections: each connect() and close() "
			  "holds its 4-tuple for 60 s afterwards.",
			  "Reuse connections: HTTP keep-alive, a connection pool. "
			  "net.ipv4.tcp_tw_reuse helps outgoing connections." },
		},
		.checks = {
			{ "tcpstate sockets state time-wait", "how many, and to which peers" },
			{ "ss -tan state time-wait | awk '{print $4}' | sort | uniq -c | sort -rn | head",
			  "the peers that most TIME_WAIT sockets point to" },
			{ "tcpstate trace -i IFACE --summary port N",
			  "many short connections to one server are flagged "
			  "time_wait_accumulation" },
		},
	},
};

const explain_prose *explain_prose_of(tcps_state s)
{
	return (unsigned)s < TCPS_NSTATES ? &prose[s] : &prose[TCPS_CLOSED];
}

const char *explain_verdict_name(explain_verdict v)
{
	switch (v) {
	case EXPLAIN_NORMAL:
		return "normal";
	case EXPLAIN_NORMAL_IF_BRIEF:
		return "normal if brief";
	case EXPLAIN_USUALLY_BUG:
		return "usually a bug";
	}
	return "?";
}
