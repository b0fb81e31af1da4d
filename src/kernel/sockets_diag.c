/* Live-socket diagnoses: sockets are grouped (by process, by remote or
 * local endpoint), each group is judged against its threshold, and the
 * groups over it are reported.  See sockets_diag.h. */
#include "kernel/sockets_diag.h"
#include "kernel/sockets_diag_int.h"

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

static size_t ghash(const sdiag_gkey *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < sizeof *k; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 31));
}

static int gtable_init(sdiag_gtable *t, size_t cap)
{
	t->g = calloc(cap, sizeof *t->g);
	t->mask = cap - 1;
	t->n = 0;
	return t->g ? 0 : -1;
}

static sdiag_group *gslot(sdiag_gtable *t, const sdiag_gkey *k)
{
	size_t i = ghash(k) & t->mask;
	while (t->g[i].used && memcmp(&t->g[i].k, k, sizeof *k))
		i = (i + 1) & t->mask;
	return &t->g[i];
}

static int gtable_grow(sdiag_gtable *t)
{
	sdiag_gtable bigger;
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
static sdiag_group *gget(sdiag_gtable *t, const sdiag_gkey *k)
{
	if (2 * (t->n + 1) > t->mask + 1 && gtable_grow(t) < 0)
		return NULL;
	sdiag_group *g = gslot(t, k);
	if (!g->used) {
		memset(g, 0, sizeof *g);
		g->k = *k;
		g->used = true;
		g->pid = -1;
		t->n++;
	}
	return g;
}

static void key_ep(sdiag_gkey *k, sdiag_code code, int family, const uint8_t addr[16], uint16_t port)
{
	memset(k, 0, sizeof *k);
	k->code = (uint8_t)code;
	k->family = (uint8_t)family;
	k->port = port;
	memcpy(k->addr, addr, family == AF_INET6 ? 16 : 4);
}

/* ---- per socket: which group, if any ---- */

static bool same_addr(int family, const uint8_t *a, const uint8_t *b)
{
	return !memcmp(a, b, family == AF_INET6 ? 16 : 4);
}

static void add(sdiag_ctx *r, const sdiag_gkey *k, size_t i, double age, bool *oom)
{
	sdiag_group *g = gget(&r->t, k);
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

static void classify(sdiag_ctx *r, size_t i, double watched, bool *oom)
{
	const sdiag_config *c = r->cfg;
	const kdiag_sock *s = &r->v[i];
	double est = sdiag_age_estimate(s), age = watched > est ? watched : est;
	sdiag_gkey k;
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

static bool over_threshold(const sdiag_config *c, const sdiag_group *g)
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

/* ---- the reports (the words are in sockets_diag_report.c) ---- */

/* Ordered by code, then the largest groups first, then by endpoint
 * bytes: the same table always reads the same. */
static int by_code_count(const void *pa, const void *pb)
{
	const sdiag_group *a = *(const sdiag_group *const *)pa, *b = *(const sdiag_group *const *)pb;
	if (a->k.code != b->k.code)
		return a->k.code < b->k.code ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return memcmp(&a->k, &b->k, sizeof a->k);
}

static long report_all(sdiag_ctx *r, sdiag_fn *fn, void *user)
{
	sdiag_group **over = malloc((r->t.n ? r->t.n : 1) * sizeof *over);
	if (!over)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i <= r->t.mask; i++)
		if (r->t.g[i].used && over_threshold(r->cfg, &r->t.g[i]))
			over[n++] = &r->t.g[i];
	qsort(over, n, sizeof *over, by_code_count);
	for (size_t i = 0; i < n; i++)
		sdiag_report_group(r, over[i], fn, user);
	free(over);
	return (long)n;
}

long sdiag_run(const sdiag_config *cfg, const sdiag_input *in, sdiag_fn *fn, void *user)
{
	sdiag_ctx r = { .cfg = cfg, .v = in->v, .who = in->who, .n = in->n };
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
