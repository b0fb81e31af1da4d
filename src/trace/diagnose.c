/* Diagnoses from the shadow endpoints.  See diagnose.h; the codes and
 * their meaning are DESIGN.md's, the causes are the seed's words. */
#include "trace/diagnose.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const side_name[2] = { "client", "server" };

static void ep_str(const trace_endpoint *e, char *buf, size_t n, bool with_port)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(e->family == 6 ? AF_INET6 : AF_INET, e->addr, a, sizeof a);
	if (!with_port)
		snprintf(buf, n, "%s", a);
	else if (e->family == 6)
		snprintf(buf, n, "[%s]:%u", a, e->port);
	else
		snprintf(buf, n, "%s:%u", a, e->port);
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static tcps_state last_state(const trace_conn_record *r, int side)
{
	return r->nstates[side] ? r->states[side][r->nstates[side] - 1] : TCPS_CLOSED;
}

static bool passed(const trace_conn_record *r, int side, tcps_state st)
{
	for (unsigned i = 0; i < r->nstates[side]; i++)
		if (r->states[side][i] == st)
			return true;
	return false;
}

static void report(const trace_obs_config *cfg, trace_conn_record *r, trace_diag *d)
{
	r->diagnoses |= 1u << d->code;
	if (cfg->on_diag)
		cfg->on_diag(cfg->user, d);
}

static void start(trace_diag *d, trace_diag_code code, const trace_conn_record *r, int endpoint)
{
	memset(d, 0, sizeof *d);
	d->code = code;
	d->conn = r->conn;
	d->endpoint = endpoint;
	d->where = r->ep[endpoint];
	d->peer = r->ep[!endpoint];
}

/* The client's SYN got no answer at all (no SYN,ACK, no RST), and it
 * either tried again or waited long enough for that to be telling. */
static void syn_unanswered(const trace_obs_config *cfg, trace_conn_record *r, uint64_t now)
{
	if (r->midstream || r->packets[TRACE_SERVER] || last_state(r, TRACE_CLIENT) != TCPS_SYN_SENT)
		return;
	if (r->packets[TRACE_CLIENT] < 2 && now - r->first_ts < cfg->syn_wait)
		return;
	trace_diag d;
	start(&d, TRACE_D_SYN_UNANSWERED, r, TRACE_CLIENT);
	char cl[56], sv[56];
	ep_str(&r->ep[0], cl, sizeof cl, true);
	ep_str(&r->ep[1], sv, sizeof sv, true);
	d.count = r->packets[TRACE_CLIENT];
	d.duration_ns = r->last_ts - r->first_ts;
	snprintf(d.message, sizeof d.message, "%s sent %llu SYN%s to %s over %.1f s and got no SYN-ACK", cl,
		 (unsigned long long)d.count, d.count == 1 ? "" : "s", sv, secs(d.duration_ns));
	d.cause = "a firewall silently dropping the SYN (or no route to the server)";
	d.hint = "check the firewall rules on the path and on the server (nft list ruleset); "
		 "capture on the server: tcpstate trace -i IFACE port N";
	report(cfg, r, &d);
}

/* The server answered with SYN,ACK but its handshake never completed:
 * it sent the SYN,ACK again, or sat in SYN_RCVD at the end. */
static void handshake_incomplete(const trace_obs_config *cfg, trace_conn_record *r, uint64_t now)
{
	if (last_state(r, TRACE_SERVER) != TCPS_SYN_RCVD || !r->packets[TRACE_SERVER])
		return;
	if (r->packets[TRACE_SERVER] < 2 && now - r->last_ts < cfg->syn_wait)
		return;
	trace_diag d;
	start(&d, TRACE_D_HANDSHAKE_INCOMPLETE, r, TRACE_SERVER);
	char sv[56];
	ep_str(&r->ep[1], sv, sizeof sv, true);
	d.count = r->packets[TRACE_SERVER];
	d.duration_ns = r->last_ts - r->first_ts;
	bool acked = passed(r, TRACE_CLIENT, TCPS_ESTABLISHED);
	snprintf(d.message, sizeof d.message, "%s sent %llu SYN-ACK%s over %.1f s; %s", sv,
		 (unsigned long long)d.count, d.count == 1 ? "" : "s", secs(d.duration_ns),
		 acked ? "the client's final ACK was sent but never arrived"
		       : "no final ACK from the client");
	d.cause = "a path MTU or NAT problem between the client and the server";
	d.hint = "ss -tan state syn-recv on the server; capture on both sides to see where the ACK is lost; "
		 "check NAT/conntrack and the path MTU (ping -M do -s 1472 HOST)";
	report(cfg, r, &d);
}

static void close_wait_stuck(const trace_obs_config *cfg, trace_conn_record *r, uint64_t now)
{
	for (int side = 0; side < 2; side++) {
		if (last_state(r, side) != TCPS_CLOSE_WAIT || now - r->last_ts < cfg->close_wait_after)
			continue;
		trace_diag d;
		start(&d, TRACE_D_CLOSE_WAIT_STUCK, r, side);
		char me[56], peer[56];
		ep_str(&r->ep[side], me, sizeof me, true);
		ep_str(&r->ep[!side], peer, sizeof peer, true);
		d.count = 1;
		d.duration_ns = now - r->last_ts;
		snprintf(d.message, sizeof d.message,
			 "%s (%s) got the FIN from %s and had not closed %.1f s later, when the capture ended", me,
			 side_name[side], peer, secs(d.duration_ns));
		d.cause = "the application forgot to close() after the peer sent FIN";
		d.hint = "tcpstate sockets state close-wait (or ss -tanp state close-wait) names the process; "
			 "find the code path that reads end-of-stream and never closes";
		report(cfg, r, &d);
	}
}

/* The state a side left for CLOSED at the end, if it ended so. */
static tcps_state left_for_closed(const trace_conn_record *r, int side)
{
	unsigned n = r->nstates[side];
	if (n < 2 || r->states[side][n - 1] != TCPS_CLOSED)
		return TCPS_CLOSED;
	return r->states[side][n - 2];
}

/* A RST in the middle of an ESTABLISHED connection: sent by a side that
 * was ESTABLISHED, or taking its peer out of ESTABLISHED.  A RST once
 * both have started closing (say from CLOSE_WAIT with unread data, the
 * peer already in FIN_WAIT_2) loses nothing either still wanted. */
static void reset_established(const trace_obs_config *cfg, trace_conn_record *r)
{
	if (!r->reset)
		return;
	int by = r->reset_by;
	if (left_for_closed(r, by) != TCPS_ESTABLISHED && left_for_closed(r, !by) != TCPS_ESTABLISHED)
		return;
	trace_diag d;
	start(&d, TRACE_D_RESET_ESTABLISHED, r, by);
	char me[56];
	ep_str(&r->ep[by], me, sizeof me, true);
	d.count = r->bytes[0] + r->bytes[1];
	d.duration_ns = r->last_ts - r->first_ts;
	snprintf(d.message, sizeof d.message, "%s (%s) reset the ESTABLISHED connection after %.3f s and %llu bytes",
		 me, side_name[by], secs(d.duration_ns), (unsigned long long)d.count);
	d.cause = "an abrupt close: the application aborted (SO_LINGER 0, a crash, close() with unread data) "
		  "or a middlebox killed the flow; the peer sees ECONNRESET";
	d.hint = "tcpstate transitions shows which process closed; look at that side's logs at that moment";
	report(cfg, r, &d);
}

static void connection_refused(const trace_obs_config *cfg, trace_conn_record *r)
{
	if (!r->reset || r->reset_by != TRACE_SERVER || r->nstates[TRACE_SERVER] != 1 ||
	    r->states[TRACE_SERVER][0] != TCPS_CLOSED || !passed(r, TRACE_CLIENT, TCPS_SYN_SENT))
		return;
	trace_diag d;
	start(&d, TRACE_D_CONNECTION_REFUSED, r, TRACE_SERVER);
	char sv[56];
	ep_str(&r->ep[1], sv, sizeof sv, true);
	d.count = 1;
	snprintf(d.message, sizeof d.message, "%s answered the SYN with RST: nothing listens there", sv);
	d.cause = "no process listening on that port (or a firewall rule rejecting with RST)";
	d.hint = "on the server: ss -tlnp 'sport = :PORT'; check that the service is up";
	report(cfg, r, &d);
}

/* ---- TIME_WAIT counts per (TIME_WAIT side's address, remote ip:port) ----
 *
 * A capture of a million connections can hold a million distinct pairs, of
 * which only the heavy ones matter.  The counts live in a set-associative
 * table that grows to a fixed cap and then replaces the smallest count of
 * a full set, the newcomer inheriting it as its possible error (the
 * Space-Saving scheme): a pair seen more often than its share is never
 * lost, and what is reported is a lower bound, count - err. */

typedef struct tw_entry {
	trace_endpoint local, remote; /* local.port unused */
	uint64_t count, err;
	uint64_t first, last;
} tw_entry;

#define TW_WAYS 4
#define TW_MAX_SETS (1u << 13) /* 32768 pairs, 3 MB at most */

struct diag_tw {
	tw_entry *e;           /* nsets * TW_WAYS */
	size_t nsets, n;
};

diag_tw *diag_tw_new(void)
{
	return calloc(1, sizeof(diag_tw));
}

void diag_tw_free(diag_tw *t)
{
	if (t)
		free(t->e);
	free(t);
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static uint64_t tw_hash(const trace_endpoint *l, const trace_endpoint *r)
{
	uint64_t w[4];
	memcpy(w, l->addr, 16);
	memcpy(w + 2, r->addr, 16);
	return mix64(w[0] ^ mix64(w[1] ^ mix64(w[2] ^ mix64(w[3] ^ r->port))));
}

static bool tw_same(const tw_entry *e, const trace_endpoint *l, const trace_endpoint *r)
{
	return e->count && e->remote.port == r->port && e->local.family == l->family &&
	       !memcmp(e->local.addr, l->addr, 16) && !memcmp(e->remote.addr, r->addr, 16);
}

static bool tw_grow(diag_tw *t)
{
	size_t nsets = t->nsets ? t->nsets * 2 : 64;
	tw_entry *e = calloc(nsets * TW_WAYS, sizeof *e);
	if (!e)
		return false;
	tw_entry *old = t->e;
	size_t old_n = t->nsets * TW_WAYS;
	t->e = e;
	t->nsets = nsets;
	for (size_t i = 0; i < old_n; i++) {
		if (!old[i].count)
			continue;
		tw_entry *set = &t->e[(tw_hash(&old[i].local, &old[i].remote) & (nsets - 1)) * TW_WAYS];
		for (int w = 0; w < TW_WAYS; w++)
			if (!set[w].count) {
				set[w] = old[i];
				break;
			} /* a set already full keeps its four: the rest were the smallest */
	}
	free(old);
	return true;
}

static void tw_count(diag_tw *t, const trace_conn_record *r, int side)
{
	trace_endpoint local = r->ep[side], remote = r->ep[!side];
	local.port = 0;
	if (!t->nsets && !tw_grow(t))
		return;
	if (t->n * 4 > t->nsets * TW_WAYS * 3 && t->nsets < TW_MAX_SETS)
		tw_grow(t);
	tw_entry *set = &t->e[(tw_hash(&local, &remote) & (t->nsets - 1)) * TW_WAYS], *slot = NULL;
	for (int w = 0; w < TW_WAYS; w++) {
		if (tw_same(&set[w], &local, &remote)) {
			set[w].count++;
			set[w].last = r->last_ts;
			return;
		}
		if (!slot || set[w].count < slot->count)
			slot = &set[w];
	}
	uint64_t inherited = slot->count;
	if (!inherited)
		t->n++;
	*slot = (tw_entry){ local, remote, inherited + 1, inherited, r->first_ts, r->last_ts };
}

void diag_conn(const trace_obs_config *cfg, diag_tw *tw, const trace_conn *c, trace_conn_record *r,
	       uint64_t now)
{
	(void)c;
	syn_unanswered(cfg, r, now);
	handshake_incomplete(cfg, r, now);
	connection_refused(cfg, r);
	reset_established(cfg, r);
	close_wait_stuck(cfg, r, now);
	for (int side = 0; side < 2; side++)
		if (tw && passed(r, side, TCPS_TIME_WAIT))
			tw_count(tw, r, side);
}

void diag_finish(const trace_obs_config *cfg, diag_tw *tw)
{
	if (!tw || !cfg->on_diag)
		return;
	for (size_t i = 0; i < tw->nsets * TW_WAYS; i++) {
		const tw_entry *e = &tw->e[i];
		uint64_t sure = e->count - e->err;
		if (!e->count || sure < cfg->time_wait_threshold)
			continue;
		trace_diag d;
		memset(&d, 0, sizeof d);
		d.code = TRACE_D_TIME_WAIT_ACCUMULATION;
		d.endpoint = -1;
		d.where = e->local;
		d.peer = e->remote;
		d.count = sure;
		d.duration_ns = e->last - e->first;
		char me[56], peer[56];
		ep_str(&e->local, me, sizeof me, false);
		ep_str(&e->remote, peer, sizeof peer, true);
		snprintf(d.message, sizeof d.message,
			 "%s closed %s%llu connections to %s first (each then waits in TIME_WAIT) within %.1f s",
			 me, e->err ? "at least " : "", (unsigned long long)sure, peer, secs(d.duration_ns));
		d.cause = "too many short-lived outgoing connections";
		d.hint = "reuse connections (a connection pool, HTTP keep-alive); "
			 "count them live with: tcpstate sockets state time-wait";
		cfg->on_diag(cfg->user, &d);
	}
}
