/* What each live-socket diagnosis says: the message with its evidence,
 * and the hint (the seed's cause, and what to do).  See sockets_diag.h. */
#include <stdio.h>
#include <string.h>

#include "kernel/sockets_diag_int.h"

static void owner_words(const sdiag_group *g, const owner *o, char *buf, size_t n)
{
	if (o && !g->pid_mixed)
		snprintf(buf, n, "%s (pid %d)", o->comm, (int)o->pid);
	else if (g->pid_mixed)
		snprintf(buf, n, "several processes");
	else
		snprintf(buf, n, "a process of uid %u (not visible without root)", (unsigned)(g->k.id & ~(1u << 31)));
}

static void say_close_wait(const sdiag_ctx *r, const sdiag_group *g, sdiag *d)
{
	const kdiag_sock *f = &r->v[g->first];
	const owner *o = r->who ? r->who[g->first] : NULL;
	char who[96], where[KDIAG_EPLEN + 8];
	owner_words(g, o, who, sizeof who);
	/* The endpoint the sockets share: the server's address for a
	 * leaking server, the remote one for a leaking client. */
	where[0] = '\0';
	if (!g->local_mixed)
		snprintf(where, sizeof where, " at %s", kdiag_local_str(f, d->endpoint));
	else if (!g->remote_mixed)
		snprintf(where, sizeof where, " to %s", kdiag_remote_str(f, d->endpoint));
	else
		kdiag_local_str(f, d->endpoint);
	d->unread = g->unread;
	d->eof_unread = g->eof_unread;
	d->rqueue_full = g->full;
	char reading[128];
	if (!g->eof_unread)
		snprintf(reading, sizeof reading, "it read the end of stream on all of them");
	else
		snprintf(reading, sizeof reading, "%llu not even read to the end of stream, %llu with data unread%s",
			 (unsigned long long)g->eof_unread, (unsigned long long)g->unread,
			 g->full ? ", a receive queue full" : "");
	snprintf(d->message, sizeof d->message,
		 "%s holds %llu socket%s in CLOSE_WAIT%s, the oldest for at least %.0f s: the peer sent FIN "
		 "and the application never called close(); %s",
		 who, (unsigned long long)g->count, g->count == 1 ? "" : "s", where, g->oldest, reading);
	d->hint = "the application forgot to close() after the peer sent FIN: find the code path where read() "
		  "returns 0 (end of stream) or an error and the socket is not closed (lsof -p PID shows the "
		  "leaked fds); they stay until the process exits";
}

static void say_time_wait(const sdiag_ctx *r, const sdiag_group *g, sdiag *d)
{
	const kdiag_sock *f = &r->v[g->first];
	d->incoming = g->k.id == 1;
	if (d->incoming) {
		kdiag_local_str(f, d->endpoint);
		snprintf(d->message, sizeof d->message,
			 "%llu connections to this host's %s are in TIME_WAIT: the server side closed them first",
			 (unsigned long long)g->count, d->endpoint);
		d->hint = "reuse connections: keep-alive (HTTP persistent connections) and a client-side "
			  "pool, so fewer connections are opened and closed; let the client close first; "
			  "TIME_WAIT at a server costs memory, not ports";
		return;
	}
	kdiag_remote_str(f, d->endpoint);
	snprintf(d->message, sizeof d->message,
		 "%llu connections to %s are in TIME_WAIT: too many short-lived outgoing connections, "
		 "this host closing each one first",
		 (unsigned long long)g->count, d->endpoint);
	d->hint = "reuse connections: a connection pool, HTTP keep-alive, one long-lived connection "
		  "instead of one per request; each TIME_WAIT holds a local port for 60 s "
		  "(net.ipv4.ip_local_port_range) and a pile of them exhausts the ports to that endpoint";
}

static void say_syn_sent(const sdiag_ctx *r, const sdiag_group *g, sdiag *d)
{
	kdiag_remote_str(&r->v[g->first], d->endpoint);
	snprintf(d->message, sizeof d->message,
		 "%llu connection%s to %s still in SYN_SENT, the oldest for at least %.0f s: the SYN got no "
		 "SYN-ACK (and no RST)",
		 (unsigned long long)g->count, g->count == 1 ? "" : "s", d->endpoint, g->oldest);
	d->hint = "a firewall silently dropping the SYN (or no route): check the firewall rules on the path "
		  "and the server (nft list ruleset); capture there: tcpstate trace -i IFACE port N";
}

static void say_syn_recv(const sdiag_ctx *r, const sdiag_group *g, sdiag *d)
{
	const kdiag_sock *f = &r->v[g->first];
	uint32_t b = r->backlog[f->sport];
	kdiag_local_str(f, d->endpoint);
	/* Half the backlog of handshakes that never finish is more than
	 * lossy paths make: someone is sending SYNs and not completing. */
	d->flood = g->count >= 256 || (b > 1 && g->count * 2 >= b - 1);
	snprintf(d->message, sizeof d->message,
		 "%llu handshakes at %s in SYN_RCVD, the oldest for at least %.0f s: the SYN-ACK was sent and "
		 "the client's final ACK never came%s",
		 (unsigned long long)g->count, d->endpoint, g->oldest,
		 d->flood ? "; that many looks like a SYN flood" : "");
	d->hint = d->flood ? "a SYN flood: check net.ipv4.tcp_syncookies=1 and the sources (ss -tn state "
			     "syn-recv); rate-limit SYNs at the firewall"
			   : "a path MTU or NAT problem between the clients and this host: capture on both "
			     "sides to see where the ACK is lost; check NAT/conntrack and the path MTU";
}

static void say_fin_wait_2(const sdiag_ctx *r, const sdiag_group *g, sdiag *d)
{
	kdiag_remote_str(&r->v[g->first], d->endpoint);
	snprintf(d->message, sizeof d->message,
		 "%llu connection%s to %s held in FIN_WAIT_2 for at least %.0f s: our FIN was acknowledged "
		 "and the peer never closes its side",
		 (unsigned long long)g->count, g->count == 1 ? "" : "s", d->endpoint, g->oldest);
	d->hint = "the peer application does not close() after reading end-of-stream (its side is in "
		  "CLOSE_WAIT: run tcpstate sockets there); orphaned ones go after net.ipv4.tcp_fin_timeout";
}

static void say_last_ack(const sdiag_ctx *r, const sdiag_group *g, sdiag *d)
{
	kdiag_remote_str(&r->v[g->first], d->endpoint);
	snprintf(d->message, sizeof d->message,
		 "%llu connection%s to %s held in LAST_ACK for at least %.1f s: our FIN is being sent again "
		 "and its final ACK does not arrive",
		 (unsigned long long)g->count, g->count == 1 ? "" : "s", d->endpoint, g->oldest);
	d->hint = "the final ACK is lost on the way back (a firewall or NAT that dropped the flow state "
		  "after the peer's FIN), or the peer is gone; capture: tcpstate trace -i IFACE port N";
}

static void say_accept(const sdiag_ctx *r, const sdiag_group *g, sdiag *d)
{
	const kdiag_sock *f = &r->v[g->first];
	kdiag_local_str(f, d->endpoint);
	snprintf(d->message, sizeof d->message,
		 "the accept queue of %s holds %u connections, its backlog of %u: new handshakes are dropped",
		 d->endpoint, (unsigned)f->rqueue, (unsigned)f->wqueue);
	d->hint = "the application does not call accept() fast enough (or is blocked); raise the backlog "
		  "(listen() and net.core.somaxconn) only once it keeps up";
}

void sdiag_report_group(const sdiag_ctx *r, const sdiag_group *g, sdiag_fn *fn, void *user)
{
	sdiag d;
	memset(&d, 0, sizeof d);
	d.code = (sdiag_code)g->k.code;
	d.count = g->count;
	d.since_s = g->oldest;
	d.uid = r->v[g->first].uid;
	d.pid = g->pid_mixed ? -1 : g->pid;
	const owner *o = r->who ? r->who[g->first] : NULL;
	if (d.pid >= 0 && o)
		memcpy(d.comm, o->comm, sizeof d.comm);
	switch (d.code) {
	case SDIAG_CLOSE_WAIT_STUCK: say_close_wait(r, g, &d); break;
	case SDIAG_TIME_WAIT_ACCUMULATION: say_time_wait(r, g, &d); break;
	case SDIAG_SYN_UNANSWERED: say_syn_sent(r, g, &d); break;
	case SDIAG_HANDSHAKE_INCOMPLETE: say_syn_recv(r, g, &d); break;
	case SDIAG_FIN_WAIT_2_HELD: say_fin_wait_2(r, g, &d); break;
	case SDIAG_LAST_ACK_HELD: say_last_ack(r, g, &d); break;
	default: say_accept(r, g, &d); break;
	}
	fn(user, &d);
}

