/* Live-socket diagnoses: sockets are grouped (by process, by remote or
 * local endpoint), each group is judged against its threshold, and the
 * groups over it are reported.  See sockets_diag.h. */
#include "kernel/sockets_diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char *const names[SDIAG_NCODES] = {
	[SDIAG_CLOSE_WAIT_STUCK] = "close_wait_stuck",
	[SDIAG_TIME_WAIT_ACCUMULATION] = "time_wait_accumulation",
	[SDIAG_SYN_UNANSWERED] = "syn_unanswered",
	[SDIAG_HANDSHAKE_INCOMPLETE] = "handshake_incomplete",
	[SDIAG_FIN_WAIT_2_HELD] = "fin_wait_2_held",
	[SDIAG_LAST_ACK_HELD] = "last_ack_held",
	[SDIAG_ACCEPT_QUEUE_FULL] = "accept_queue_full",
};

const char *sdiag_name(sdiag_code c)
{
	return (unsigned)c < SDIAG_NCODES ? names[c] : "?";
}

void sdiag_config_default(sdiag_config *c)
{
	/* A handful of TIME_WAITs is every client's normal; a hundred to one
	 * endpoint (over 1.6 connections a second for the 60 s they last)
	 * is the pattern the seed names. */
	c->time_wait_threshold = 100;
	/* One leaked CLOSE_WAIT is already a leak, once it is old enough
	 * not to be a close() about to happen: a server that reads to the
	 * end of a request and then works on it stays in CLOSE_WAIT that
	 * long legitimately, so the age is generous. */
	c->close_wait_min = 1;
	c->close_wait_age = 10;
	/* 3 s without an answer: the SYN (or SYN,ACK) sent three or four
	 * times, more than one unlucky loss. */
	c->syn_sent_age = 3;
	c->syn_recv_age = 3;
	/* Stray SYN_RCVDs from scanners are part of any public server's
	 * life; ten stuck at one listener is a pattern. */
	c->syn_recv_min = 10;
	/* The kernel itself gives an orphaned FIN_WAIT_2 60 s
	 * (net.ipv4.tcp_fin_timeout): held longer is held too long. */
	c->fin_wait_2_age = 60;
	/* LAST_ACK normally lasts one round trip. */
	c->last_ack_age = 5;
}

/* ---- ages ---- */

/* A SYN,ACK's retransmissions: the first timeout is 1 s
 * (TCP_TIMEOUT_INIT) and each one doubles, so r of them took 2^r - 1 s. */
static double synack_backoff_s(unsigned r)
{
	return (double)((1ull << (r > 20 ? 20 : r)) - 1);
}

/* A SYN's: since Linux 6.10 the first few timeouts stay at 1 s
 * (net.ipv4.tcp_syn_linear_timeouts, 4 by default) before doubling, so
 * only r * 1 s is sure; the current timeout's elapsed part (its length,
 * the RTO, less what is left of it) comes on top. */
static double syn_backoff_s(const kdiag_sock *s)
{
	double t = s->retrans;
	if (s->timer == KDIAG_TIMER_RETRANS && s->rto_us / 1000 > s->expires_ms)
		t += (s->rto_us / 1000 - s->expires_ms) / 1000.0;
	return t;
}

double sdiag_age_estimate(const kdiag_sock *s)
{
	switch (kdiag_tcps_state(s->state)) {
	case TCPS_CLOSE_WAIT:
	case TCPS_FIN_WAIT_2:
		/* Entered on the peer's last segment (its FIN, the ACK of
		 * ours); anything it sent later only makes this shorter. */
		return s->idle_ms == KDIAG_IDLE_UNKNOWN ? 0 : s->idle_ms / 1000.0;
	case TCPS_SYN_SENT:
		return syn_backoff_s(s);
	case TCPS_SYN_RCVD:
		return synack_backoff_s(s->retrans);
	case TCPS_FIN_WAIT_1:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
		/* The RTO doubled at each retransmission: the current one is
		 * base * 2^r, so base * (2^r - 1) has passed. */
		if (s->timer != KDIAG_TIMER_RETRANS || !s->retrans || !s->rto_us)
			return 0;
		return s->rto_us / 1e6 * (1.0 - 1.0 / (double)(1ull << (s->retrans > 20 ? 20 : s->retrans)));
	default:
		return 0;
	}
}

bool sdiag_rqueue_full(const kdiag_sock *s)
{
	/* The kernel stops opening the window when what the queue holds
	 * (payload plus per-packet overhead) nears the buffer's limit; with
	 * the default tcp_adv_win_scale half the buffer is overhead, so
	 * three quarters held means the advertised window is (nearly) 0. */
	return s->rqueue && s->rcvbuf && (uint64_t)s->rmem * 4 >= (uint64_t)s->rcvbuf * 3;
}

/* ---- groups ---- */

typedef struct gkey {
	uint8_t code, family;
	uint16_t port;
	uint32_t id; /* close_wait: pid + 1, or uid | 1 << 31 when the owner is unknown */
	uint8_t addr[16];
} gkey;

typedef struct group {
	gkey k;
	bool used;
	bool pid_mixed, local_mixed, remote_mixed, full;
	uint64_t count, unread, eof_unread;
	double oldest;
	size_t first; /* a socket of the group, for endpoints and the owner */
	int32_t pid;
} group;

typedef struct gtable {
	group *g;
	size_t mask, n;
} gtable;

static size_t ghash(const gkey *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < sizeof *k; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 31));
}

static int gtable_init(gtable *t, size_t cap)
{
	t->g = calloc(cap, sizeof *t->g);
	t->mask = cap - 1;
	t->n = 0;
	return t->g ? 0 : -1;
}

static group *gslot(gtable *t, const gkey *k)
{
	size_t i = ghash(k) & t->mask;
	while (t->g[i].used && memcmp(&t->g[i].k, k, sizeof *k))
		i = (i + 1) & t->mask;
	return &t->g[i];
}

static int gtable_grow(gtable *t)
{
	gtable bigger;
	if (gtable_init(&bigger, 2 * (t->mask + 1)) < 0)
		return -1;
	for (size_t i = 0; i <= t->mask; i++)
		if (t->g[i].used)
			*gslot(&bigger, &t->g[i].k) = t->g[i];
	bigger.n = t->n;
	free(t->g);
	*t = bigger;
	return 0;
}

/* The group for k, created empty if new; NULL when out of memory. */
static group *gget(gtable *t, const gkey *k)
{
	if (2 * (t->n + 1) > t->mask + 1 && gtable_grow(t) < 0)
		return NULL;
	group *g = gslot(t, k);
	if (!g->used) {
		memset(g, 0, sizeof *g);
		g->k = *k;
		g->used = true;
		g->pid = -1;
		t->n++;
	}
	return g;
}

static void key_ep(gkey *k, sdiag_code code, int family, const uint8_t addr[16], uint16_t port)
{
	memset(k, 0, sizeof *k);
	k->code = (uint8_t)code;
	k->family = (uint8_t)family;
	k->port = port;
	memcpy(k->addr, addr, family == AF_INET6 ? 16 : 4);
}

/* ---- per socket: which group, if any ---- */

typedef struct run {
	const sdiag_config *cfg;
	const kdiag_sock *v;
	const owner *const *who;
	size_t n;
	gtable t;
	uint32_t *backlog; /* by local port: a listener's backlog + 1, 0 none */
} run;

static bool same_addr(int family, const uint8_t *a, const uint8_t *b)
{
	return !memcmp(a, b, family == AF_INET6 ? 16 : 4);
}

static void add(run *r, const gkey *k, size_t i, double age, bool *oom)
{
	group *g = gget(&r->t, k);
	if (!g) {
		*oom = true;
		return;
	}
	const kdiag_sock *s = &r->v[i], *f;
	const owner *o = r->who ? r->who[i] : NULL;
	if (!g->count) {
		g->first = i;
		g->pid = o ? o->pid : -1;
	}
	f = &r->v[g->first];
	g->count++;
	if (age > g->oldest)
		g->oldest = age;
	if ((o ? o->pid : -1) != g->pid)
		g->pid_mixed = true;
	if (s->sport != f->sport || !same_addr(s->family, s->src, f->src) || s->family != f->family)
		g->local_mixed = true;
	if (s->dport != f->dport || !same_addr(s->family, s->dst, f->dst) || s->family != f->family)
		g->remote_mixed = true;
	/* The receive queue counts the FIN as one byte until the
	 * application reads the end of stream: in CLOSE_WAIT, 1 means it has
	 * not read since the FIN, more means data is waiting too. */
	if (s->rqueue >= 1)
		g->eof_unread++;
	if (s->rqueue > 1)
		g->unread++;
	if (sdiag_rqueue_full(s))
		g->full = true;
}

static void classify(run *r, size_t i, double watched, bool *oom)
{
	const sdiag_config *c = r->cfg;
	const kdiag_sock *s = &r->v[i];
	double est = sdiag_age_estimate(s), age = watched > est ? watched : est;
	gkey k;
	switch (kdiag_tcps_state(s->state)) {
	case TCPS_CLOSE_WAIT: {
		if (age < c->close_wait_age)
			return;
		const owner *o = r->who ? r->who[i] : NULL;
		memset(&k, 0, sizeof k);
		k.code = SDIAG_CLOSE_WAIT_STUCK;
		k.id = o ? (uint32_t)o->pid + 1 : (s->uid | 1u << 31);
		break;
	}
	case TCPS_TIME_WAIT:
		/* At a port something listens on, this host closed first as
		 * the server: count it at the listener.  Otherwise it is an
		 * outgoing connection: count it at the remote endpoint. */
		if (r->backlog[s->sport])
			key_ep(&k, SDIAG_TIME_WAIT_ACCUMULATION, s->family, s->src, s->sport);
		else
			key_ep(&k, SDIAG_TIME_WAIT_ACCUMULATION, s->family, s->dst, s->dport);
		k.id = r->backlog[s->sport] ? 1 : 0;
		break;
	case TCPS_SYN_SENT:
		if (age < c->syn_sent_age)
			return;
		key_ep(&k, SDIAG_SYN_UNANSWERED, s->family, s->dst, s->dport);
		break;
	case TCPS_SYN_RCVD:
		if (age < c->syn_recv_age)
			return;
		key_ep(&k, SDIAG_HANDSHAKE_INCOMPLETE, s->family, s->src, s->sport);
		break;
	case TCPS_FIN_WAIT_2:
		if (age < c->fin_wait_2_age)
			return;
		key_ep(&k, SDIAG_FIN_WAIT_2_HELD, s->family, s->dst, s->dport);
		break;
	case TCPS_LAST_ACK:
		if (age < c->last_ack_age)
			return;
		key_ep(&k, SDIAG_LAST_ACK_HELD, s->family, s->dst, s->dport);
		break;
	case TCPS_LISTEN:
		/* The kernel reports the accept queue and the backlog in the
		 * queue fields: full when it holds what listen() allowed. */
		if (!s->rqueue || s->rqueue < s->wqueue)
			return;
		key_ep(&k, SDIAG_ACCEPT_QUEUE_FULL, s->family, s->src, s->sport);
		k.id = s->inode;
		break;
	default:
		return;
	}
	add(r, &k, i, age, oom);
}

static bool over_threshold(const sdiag_config *c, const group *g)
{
	switch (g->k.code) {
	case SDIAG_TIME_WAIT_ACCUMULATION:
		return g->count >= c->time_wait_threshold;
	case SDIAG_CLOSE_WAIT_STUCK:
		return g->count >= c->close_wait_min;
	case SDIAG_HANDSHAKE_INCOMPLETE:
		return g->count >= c->syn_recv_min;
	default:
		return true;
	}
}

/* ---- the reports ---- */

static void owner_words(const group *g, const owner *o, char *buf, size_t n)
{
	if (o && !g->pid_mixed)
		snprintf(buf, n, "%s (pid %d)", o->comm, (int)o->pid);
	else if (g->pid_mixed)
		snprintf(buf, n, "several processes");
	else
		snprintf(buf, n, "a process of uid %u (not visible without root)", (unsigned)(g->k.id & ~(1u << 31)));
}

static void say_close_wait(const run *r, const group *g, sdiag *d)
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

static void say_time_wait(const run *r, const group *g, sdiag *d)
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

static void say_syn_sent(const run *r, const group *g, sdiag *d)
{
	kdiag_remote_str(&r->v[g->first], d->endpoint);
	snprintf(d->message, sizeof d->message,
		 "%llu connection%s to %s still in SYN_SENT, the oldest for at least %.0f s: the SYN got no "
		 "SYN-ACK (and no RST)",
		 (unsigned long long)g->count, g->count == 1 ? "" : "s", d->endpoint, g->oldest);
	d->hint = "a firewall silently dropping the SYN (or no route): check the firewall rules on the path "
		  "and the server (nft list ruleset); capture there: tcpstate trace -i IFACE port N";
}

static void say_syn_recv(const run *r, const group *g, sdiag *d)
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

static void say_fin_wait_2(const run *r, const group *g, sdiag *d)
{
	kdiag_remote_str(&r->v[g->first], d->endpoint);
	snprintf(d->message, sizeof d->message,
		 "%llu connection%s to %s held in FIN_WAIT_2 for at least %.0f s: our FIN was acknowledged "
		 "and the peer never closes its side",
		 (unsigned long long)g->count, g->count == 1 ? "" : "s", d->endpoint, g->oldest);
	d->hint = "the peer application does not close() after reading end-of-stream (its side is in "
		  "CLOSE_WAIT: run tcpstate sockets there); orphaned ones go after net.ipv4.tcp_fin_timeout";
}

static void say_last_ack(const run *r, const group *g, sdiag *d)
{
	kdiag_remote_str(&r->v[g->first], d->endpoint);
	snprintf(d->message, sizeof d->message,
		 "%llu connection%s to %s held in LAST_ACK for at least %.1f s: our FIN is being sent again "
		 "and its final ACK does not arrive",
		 (unsigned long long)g->count, g->count == 1 ? "" : "s", d->endpoint, g->oldest);
	d->hint = "the final ACK is lost on the way back (a firewall or NAT that dropped the flow state "
		  "after the peer's FIN), or the peer is gone; capture: tcpstate trace -i IFACE port N";
}

static void say_accept(const run *r, const group *g, sdiag *d)
{
	const kdiag_sock *f = &r->v[g->first];
	kdiag_local_str(f, d->endpoint);
	snprintf(d->message, sizeof d->message,
		 "the accept queue of %s holds %u connections, its backlog of %u: new handshakes are dropped",
		 d->endpoint, (unsigned)f->rqueue, (unsigned)f->wqueue);
	d->hint = "the application does not call accept() fast enough (or is blocked); raise the backlog "
		  "(listen() and net.core.somaxconn) only once it keeps up";
}

static void report(const run *r, const group *g, sdiag_fn *fn, void *user)
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

/* Ordered by code, then the largest groups first, then by endpoint
 * bytes: the same table always reads the same. */
static int by_code_count(const void *pa, const void *pb)
{
	const group *a = *(const group *const *)pa, *b = *(const group *const *)pb;
	if (a->k.code != b->k.code)
		return a->k.code < b->k.code ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return memcmp(&a->k, &b->k, sizeof a->k);
}

static long report_all(run *r, sdiag_fn *fn, void *user)
{
	group **over = malloc((r->t.n ? r->t.n : 1) * sizeof *over);
	if (!over)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i <= r->t.mask; i++)
		if (r->t.g[i].used && over_threshold(r->cfg, &r->t.g[i]))
			over[n++] = &r->t.g[i];
	qsort(over, n, sizeof *over, by_code_count);
	for (size_t i = 0; i < n; i++)
		report(r, over[i], fn, user);
	free(over);
	return (long)n;
}

long sdiag_run(const sdiag_config *cfg, const sdiag_input *in, sdiag_fn *fn, void *user)
{
	run r = { .cfg = cfg, .v = in->v, .who = in->who, .n = in->n };
	r.backlog = calloc(65536, sizeof *r.backlog);
	if (!r.backlog || gtable_init(&r.t, 256) < 0) {
		free(r.backlog);
		return -1;
	}
	for (size_t i = 0; i < in->n; i++)
		if (kdiag_tcps_state(in->v[i].state) == TCPS_LISTEN)
			r.backlog[in->v[i].sport] = in->v[i].wqueue + 1;
	bool oom = false;
	for (size_t i = 0; i < in->n && !oom; i++)
		if (!in->keep || in->keep[i])
			classify(&r, i, in->age_s ? in->age_s[i] : 0, &oom);
	long rc = oom ? -1 : report_all(&r, fn, user);
	free(r.t.g);
	free(r.backlog);
	return rc;
}
