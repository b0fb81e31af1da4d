/* Diagnoses from the shadow endpoints.  See diagnose.h; the codes and
 * their meaning are DESIGN.md's, the causes are the seed's words. */
#include "trace/diagnose.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

static void report(const trace_obs_config *cfg, diag_tw *tw, trace_conn_record *r, trace_diag *d);

/* Whether the next diagnosis gets its message: past cfg->diag_text_limit
 * the renderer only counts them, and the sentence (several snprintf and
 * inet_ntop calls) would be written for nothing. */
static bool with_text(const trace_obs_config *cfg, const diag_tw *tw);

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
static void syn_unanswered(const trace_obs_config *cfg, diag_tw *tw, trace_conn_record *r, uint64_t now)
{
	if (r->midstream || r->packets[TRACE_SERVER] || last_state(r, TRACE_CLIENT) != TCPS_SYN_SENT)
		return;
	if (r->packets[TRACE_CLIENT] < 2 && now - r->first_ts < cfg->syn_wait)
		return;
	trace_diag d;
	start(&d, TRACE_D_SYN_UNANSWERED, r, TRACE_CLIENT);
	d.count = r->packets[TRACE_CLIENT];
	d.duration_ns = r->last_ts - r->first_ts;
	if (with_text(cfg, tw)) {
		char cl[56], sv[56];
		ep_str(&r->ep[0], cl, sizeof cl, true);
		ep_str(&r->ep[1], sv, sizeof sv, true);
		snprintf(d.message, sizeof d.message, "%s sent %llu SYN%s to %s over %.1f s and got no SYN-ACK",
			 cl, (unsigned long long)d.count, d.count == 1 ? "" : "s", sv, secs(d.duration_ns));
	}
	d.cause = "a firewall silently dropping the SYN (or no route to the server)";
	d.hint = "check the firewall rules on the path and on the server (nft list ruleset); "
		 "capture on the server: tcpstate trace -i IFACE port N";
	report(cfg, tw, r, &d);
}

/* The server answered with SYN,ACK but its handshake never completed:
 * it sent the SYN,ACK again, or sat in SYN_RCVD at the end. */
static void handshake_incomplete(const trace_obs_config *cfg, diag_tw *tw, trace_conn_record *r, uint64_t now)
{
	if (last_state(r, TRACE_SERVER) != TCPS_SYN_RCVD || !r->packets[TRACE_SERVER])
		return;
	if (r->packets[TRACE_SERVER] < 2 && now - r->last_ts < cfg->syn_wait)
		return;
	trace_diag d;
	start(&d, TRACE_D_HANDSHAKE_INCOMPLETE, r, TRACE_SERVER);
	d.count = r->packets[TRACE_SERVER];
	d.duration_ns = r->last_ts - r->first_ts;
	if (with_text(cfg, tw)) {
		char sv[56];
		ep_str(&r->ep[1], sv, sizeof sv, true);
		bool acked = passed(r, TRACE_CLIENT, TCPS_ESTABLISHED);
		snprintf(d.message, sizeof d.message, "%s sent %llu SYN-ACK%s over %.1f s; %s", sv,
			 (unsigned long long)d.count, d.count == 1 ? "" : "s", secs(d.duration_ns),
			 acked ? "the client's final ACK was sent but never arrived"
			       : "no final ACK from the client");
	}
	d.cause = "a path MTU or NAT problem between the client and the server";
	d.hint = "ss -tan state syn-recv on the server; capture on both sides to see where the ACK is lost; "
		 "check NAT/conntrack and the path MTU (ping -M do -s 1472 HOST)";
	report(cfg, tw, r, &d);
}

static void close_wait_stuck(const trace_obs_config *cfg, diag_tw *tw, trace_conn_record *r, uint64_t now)
{
	for (int side = 0; side < 2; side++) {
		if (last_state(r, side) != TCPS_CLOSE_WAIT || now - r->last_ts < cfg->close_wait_after)
			continue;
		trace_diag d;
		start(&d, TRACE_D_CLOSE_WAIT_STUCK, r, side);
		d.count = 1;
		d.duration_ns = now - r->last_ts;
		if (with_text(cfg, tw)) {
			char me[56], peer[56];
			ep_str(&r->ep[side], me, sizeof me, true);
			ep_str(&r->ep[!side], peer, sizeof peer, true);
			snprintf(d.message, sizeof d.message,
				 "%s (%s) got the FIN from %s and had not closed %.1f s later, when the capture ended",
				 me, side_name[side], peer, secs(d.duration_ns));
		}
		d.cause = "the application forgot to close() after the peer sent FIN";
		d.hint = "tcpstate sockets state close-wait (or ss -tanp state close-wait) names the process; "
			 "find the code path that reads end-of-stream and never closes";
		report(cfg, tw, r, &d);
	}
}

/* A side still in LAST_ACK at the end that had sent segments again: its
 * FIN went unacknowledged (a side in LAST_ACK has nothing else to send
 * again but data its peer never acknowledged either).  The other way round
 * from handshake_incomplete: the close's final ACK is what never came, and
 * the socket is held until its retries run out. */
static void last_ack_held(const trace_obs_config *cfg, diag_tw *tw, trace_conn_record *r)
{
	for (int side = 0; side < 2; side++) {
		if (last_state(r, side) != TCPS_LAST_ACK || !r->retransmits[side])
			continue;
		trace_diag d;
		start(&d, TRACE_D_LAST_ACK_HELD, r, side);
		d.count = r->retransmits[side];
		d.duration_ns = r->last_ts - r->first_ts;
		if (with_text(cfg, tw)) {
			char me[56], peer[56];
			ep_str(&r->ep[side], me, sizeof me, true);
			ep_str(&r->ep[!side], peer, sizeof peer, true);
			snprintf(d.message, sizeof d.message,
				 "%s (%s) was still in LAST_ACK at the end after %llu retransmission%s: the final "
				 "ACK of its FIN from %s never arrived",
				 me, side_name[side], (unsigned long long)d.count, d.count == 1 ? "" : "s", peer);
		}
		d.cause = "the final ACK is lost on the way back (a firewall or NAT that dropped the flow state "
			  "after the FIN), or the peer is gone";
		d.hint = "tcpstate sockets state last-ack on that host; capture on both sides to see where the "
			 "ACK is lost: tcpstate trace -i IFACE port N";
		report(cfg, tw, r, &d);
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
static void reset_established(const trace_obs_config *cfg, diag_tw *tw, trace_conn_record *r)
{
	if (!r->reset)
		return;
	int by = r->reset_by;
	if (left_for_closed(r, by) != TCPS_ESTABLISHED && left_for_closed(r, !by) != TCPS_ESTABLISHED)
		return;
	trace_diag d;
	start(&d, TRACE_D_RESET_ESTABLISHED, r, by);
	d.count = r->bytes[0] + r->bytes[1];
	d.duration_ns = r->last_ts - r->first_ts;
	if (with_text(cfg, tw)) {
		char me[56];
		ep_str(&r->ep[by], me, sizeof me, true);
		snprintf(d.message, sizeof d.message,
			 "%s (%s) reset the ESTABLISHED connection after %.3f s and %llu bytes", me,
			 side_name[by], secs(d.duration_ns), (unsigned long long)d.count);
	}
	d.cause = "an abrupt close: the application aborted (SO_LINGER 0, a crash, close() with unread data) "
		  "or a middlebox killed the flow; the peer sees ECONNRESET";
	d.hint = "tcpstate transitions shows which process closed; look at that side's logs at that moment";
	report(cfg, tw, r, &d);
}

static void connection_refused(const trace_obs_config *cfg, diag_tw *tw, trace_conn_record *r)
{
	if (!r->reset || r->reset_by != TRACE_SERVER || r->nstates[TRACE_SERVER] != 1 ||
	    r->states[TRACE_SERVER][0] != TCPS_CLOSED || !passed(r, TRACE_CLIENT, TCPS_SYN_SENT))
		return;
	trace_diag d;
	start(&d, TRACE_D_CONNECTION_REFUSED, r, TRACE_SERVER);
	d.count = 1;
	if (with_text(cfg, tw)) {
		char sv[56];
		ep_str(&r->ep[1], sv, sizeof sv, true);
		snprintf(d.message, sizeof d.message, "%s answered the SYN with RST: nothing listens there", sv);
	}
	d.cause = "no process listening on that port (or a firewall rule rejecting with RST)";
	d.hint = "on the server: ss -tlnp 'sport = :PORT'; check that the service is up";
	report(cfg, tw, r, &d);
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

/* What a look-up reads first: a set's tags (32 bits of the pair's hash)
 * and counts, together in half a cache line, so that a pair not in the
 * table (nearly every connection of a busy client) costs one cache miss
 * rather than one per way; the entry itself is read only when its tag
 * matches.  The counts here stop at UINT32_MAX (they only choose which
 * way to replace); the entries hold the exact ones. */
#define TW_WAYS 4 /* tw_tags_match() compares the four at once */
typedef struct tw_set {
	uint32_t tag[TW_WAYS];
	uint32_t count[TW_WAYS]; /* 0: the way is empty */
} tw_set;

#define TW_MAX_SETS (1u << 11) /* 8192 pairs, 0.7 MB at most: heavy hitters need few */

struct diag_tw {
	tw_set *sets;          /* nsets */
	tw_entry *e;           /* nsets * TW_WAYS */
	size_t nsets, n;
	uint64_t reported;     /* diagnoses reported so far */
};

static void report(const trace_obs_config *cfg, diag_tw *tw, trace_conn_record *r, trace_diag *d)
{
	r->diagnoses |= 1u << d->code;
	if (tw)
		tw->reported++;
	if (cfg->on_diag)
		cfg->on_diag(cfg->user, d);
}

static bool with_text(const trace_obs_config *cfg, const diag_tw *tw)
{
	return !cfg->diag_text_limit || !tw || tw->reported < cfg->diag_text_limit;
}

diag_tw *diag_tw_new(void)
{
	return calloc(1, sizeof(diag_tw));
}

void diag_tw_free(diag_tw *t)
{
	if (t) {
		free(t->e);
		free(t->sets);
	}
	free(t);
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Runs once per TIME_WAIT: four products side by side, then one mix,
 * rather than four mixes one after the other. */
static uint64_t tw_hash(const trace_endpoint *l, const trace_endpoint *r)
{
	uint64_t w[4];
	memcpy(w, l->addr, 16);
	memcpy(w + 2, r->addr, 16);
	return mix64((w[0] * 0x9e3779b97f4a7c15ull) ^ (w[1] * 0xc2b2ae3d27d4eb4full) ^
		     (w[2] * 0x165667b19e3779f9ull) ^ ((w[3] ^ r->port) * 0xd6e8feb86659fd93ull));
}

static uint32_t tw_tag(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

/* The ways whose tag is tag, a bit each. */
static unsigned tw_tags_match(const tw_set *set, uint32_t tag)
{
#ifdef __SSE2__
	__m128i eq = _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)set->tag), _mm_set1_epi32((int)tag));
	return (unsigned)_mm_movemask_ps(_mm_castsi128_ps(eq));
#else
	unsigned m = 0;
	for (int w = 0; w < TW_WAYS; w++)
		m |= (unsigned)(set->tag[w] == tag) << w;
	return m;
#endif
}

static bool tw_same(const tw_entry *e, const trace_endpoint *l, const trace_endpoint *r)
{
	return e->count && e->remote.port == r->port && e->local.family == l->family &&
	       !memcmp(e->local.addr, l->addr, 16) && !memcmp(e->remote.addr, r->addr, 16);
}

static uint32_t count32(uint64_t c)
{
	return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

static bool tw_grow(diag_tw *t)
{
	size_t nsets = t->nsets ? t->nsets * 2 : 64;
	tw_entry *e = calloc(nsets * TW_WAYS, sizeof *e);
	tw_set *sets = calloc(nsets, sizeof *sets);
	if (!e || !sets) {
		free(e);
		free(sets);
		return false;
	}
	tw_entry *old = t->e;
	size_t old_n = t->nsets * TW_WAYS;
	free(t->sets);
	t->e = e;
	t->sets = sets;
	t->nsets = nsets;
	for (size_t i = 0; i < old_n; i++) {
		if (!old[i].count)
			continue;
		uint64_t h = tw_hash(&old[i].local, &old[i].remote);
		size_t k = h & (nsets - 1);
		for (int w = 0; w < TW_WAYS; w++)
			if (!sets[k].count[w]) {
				e[k * TW_WAYS + w] = old[i];
				sets[k].tag[w] = tw_tag(h);
				sets[k].count[w] = count32(old[i].count);
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
	uint64_t h = tw_hash(&local, &remote);
	size_t k = h & (t->nsets - 1);
	uint32_t tag = tw_tag(h);
	tw_set *set = &t->sets[k];
	tw_entry *ways = &t->e[k * TW_WAYS];
	/* A pair's tag rarely matches (most TIME_WAITs of a busy client go
	 * to a pair of their own): only the ways whose tags do are read. */
	for (unsigned m = tw_tags_match(set, tag); m; m &= m - 1) {
		int w = __builtin_ctz(m);
		if (set->count[w] && tw_same(&ways[w], &local, &remote)) {
			ways[w].count++;
			ways[w].last = r->last_ts;
			set->count[w] = count32(ways[w].count);
			return;
		}
	}
	int slot = 0;
	for (int w = 1; w < TW_WAYS; w++)
		slot = set->count[w] < set->count[slot] ? w : slot;
	/* The entry is only written (no cache miss to wait for) unless its
	 * count outgrew the set's copy. */
	uint64_t inherited = set->count[slot] < UINT32_MAX ? set->count[slot] : ways[slot].count;
	if (!inherited)
		t->n++;
	ways[slot] = (tw_entry){ local, remote, inherited + 1, inherited, r->first_ts, r->last_ts };
	set->tag[slot] = tag;
	set->count[slot] = count32(inherited + 1);
}

void diag_conn(const trace_obs_config *cfg, diag_tw *tw, const trace_conn *c, trace_conn_record *r,
	       uint64_t now)
{
	(void)c;
	syn_unanswered(cfg, tw, r, now);
	handshake_incomplete(cfg, tw, r, now);
	connection_refused(cfg, tw, r);
	reset_established(cfg, tw, r);
	close_wait_stuck(cfg, tw, r, now);
	last_ack_held(cfg, tw, r);
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
		if (with_text(cfg, tw)) {
			char me[56], peer[56];
			ep_str(&e->local, me, sizeof me, false);
			ep_str(&e->remote, peer, sizeof peer, true);
			snprintf(d.message, sizeof d.message,
				 "%s closed %s%llu connections to %s first (each then waits in TIME_WAIT) within %.1f s",
				 me, e->err ? "at least " : "", (unsigned long long)sure, peer, secs(d.duration_ns));
		}
		d.cause = "too many short-lived outgoing connections";
		d.hint = "reuse connections (a connection pool, HTTP keep-alive); "
			 "count them live with: tcpstate sockets state time-wait";
		tw->reported++;
		cfg->on_diag(cfg->user, &d);
	}
}
