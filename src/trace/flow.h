/* The flow table: connections by 4-tuple, either direction.  Entries
 * live in fixed chunks and are named by index (so a table of a million
 * connections costs no pointer per entry and no allocation per packet);
 * IPv6 address pairs live in a side table, so IPv4 entries stay small. */
#ifndef TCPS_TRACE_FLOW_H
#define TCPS_TRACE_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trace/observer.h"
#include "trace/packet.h"
#include "trace/tconn.h"

typedef struct flow_table flow_table;

/* ---- The table's inside, in the header so that the look-up done for
 * every packet, and the prefetches before it, inline into the observer. */

/* 32,768 entries of 192 bytes: three huge pages exactly. */
#define FLOW_CHUNK_SHIFT 15

typedef struct flow_v6pair {
	uint8_t a[2][16];
	uint32_t next_free;
} flow_v6pair;

struct flow_table {
	trace_conn **chunks;     /* 1 << FLOW_CHUNK_SHIFT entries each */
	uint32_t nchunks, chunks_cap;
	uint32_t free_head;      /* entry index + 1 of the first free entry */
	uint32_t used;           /* entries ever handed out (the high-water mark) */
	uint32_t *buckets;       /* entry index + 1, 0 empty */
	uint32_t nbuckets;       /* power of two */
	size_t count;
	flow_v6pair *v6;
	uint32_t v6_used, v6_cap, v6_free;
};

static inline trace_conn *flow_entry(const flow_table *t, uint32_t i)
{
	return &t->chunks[i >> FLOW_CHUNK_SHIFT][i & ((1u << FLOW_CHUNK_SHIFT) - 1)];
}

static inline uint64_t flow_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static inline uint32_t flow_load32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The bucket hash of an IPv4 4-tuple: the two endpoints as 48-bit
 * numbers, put in order (so both directions agree) and mixed once. */
static inline uint64_t flow_hash_v4(uint32_t a0, uint16_t p0, uint32_t a1, uint16_t p1)
{
	uint64_t e0 = (uint64_t)a0 << 16 | p0, e1 = (uint64_t)a1 << 16 | p1;
	uint64_t lo = e0 < e1 ? e0 : e1, hi = e0 ^ e1 ^ lo;
	return flow_mix(lo * 0x9e3779b97f4a7c15ull ^ hi);
}

/* The same for IPv6 (and anything not IPv4): the slower, out-of-line way. */
uint32_t flow_hash_other(const trace_pkt *p);
trace_conn *flow_find_other(flow_table *t, const trace_pkt *p, uint32_t hash, int *from);

/* The packet's bucket hash, either direction alike. */
static inline uint32_t flow_hash(const trace_pkt *p)
{
	if (p->family == 4)
		return (uint32_t)flow_hash_v4(flow_load32(p->src), p->seg.sport, flow_load32(p->dst),
					      p->seg.dport);
	return flow_hash_other(p);
}

/* An IPv4 packet's 4-tuple, each way round, as an entry holds it. */
typedef struct flow_key_v4 {
	uint64_t fwd_a, rev_a;   /* the two addresses: client first, server first */
	uint32_t fwd_p, rev_p;   /* the two ports, likewise */
} flow_key_v4;

static inline flow_key_v4 flow_key_of(const trace_pkt *p)
{
	uint32_t s = flow_load32(p->src), d = flow_load32(p->dst);
	uint16_t sp = p->seg.sport, dp = p->seg.dport;
	flow_key_v4 k = {
		.fwd_a = (uint64_t)d << 32 | s, .rev_a = (uint64_t)s << 32 | d,
		.fwd_p = (uint32_t)dp << 16 | sp, .rev_p = (uint32_t)sp << 16 | dp,
	};
	return k;
}

/* 0: not this connection; 1: from its client; 2: from its server.  Both
 * addresses in one 64-bit compare, both ports in one 32-bit one; which
 * way round the packet goes is anyone's guess, so it is worked out
 * without a branch on it. */
static inline int flow_match_v4(const trace_conn *c, const flow_key_v4 *k)
{
	uint64_t ca;
	uint32_t cp;
	memcpy(&ca, c->addr, 8);
	memcpy(&cp, c->port, 4);
	bool fwd = (ca == k->fwd_a) & (cp == k->fwd_p), rev = (ca == k->rev_a) & (cp == k->rev_p);
	return ((fwd | rev) & (c->family == 4)) ? 2 - fwd : 0;
}

/* flow_find with the packet's flow_hash() already known. */
static inline trace_conn *flow_find_hashed(flow_table *t, const trace_pkt *p, uint32_t hash,
					   int *from)
{
	if (p->family != 4)
		return flow_find_other(t, p, hash, from);
	flow_key_v4 k = flow_key_of(p);
	uint32_t ref = t->buckets[hash & (t->nbuckets - 1)];
	while (ref) {
		trace_conn *c = flow_entry(t, ref - 1);
		int m = flow_match_v4(c, &k);
		if (m) {
			*from = m == 1 ? TRACE_CLIENT : TRACE_SERVER;
			return c;
		}
		ref = c->next;
	}
	return NULL;
}

/* Starts loading what flow_find(p) will read: its bucket, returning
 * flow_hash(p); later (once the bucket is likely in cache), with that
 * hash, the first entry there.
 *
 * always_inline: GCC 12 takes a static function whose only effect is a
 * prefetch for one without effect, and drops the call. */
#define FLOW_PREFETCH static inline __attribute__((always_inline))

FLOW_PREFETCH uint32_t flow_prefetch_bucket(const flow_table *t, const trace_pkt *p)
{
	uint32_t h = flow_hash(p);
	__builtin_prefetch(&t->buckets[h & (t->nbuckets - 1)]);
	return h;
}

FLOW_PREFETCH void flow_prefetch_conn(const trace_conn *e)
{
	const char *c = (const char *)e;
	__builtin_prefetch(c);
	__builtin_prefetch(c + 64);
	__builtin_prefetch(c + 128);
}

FLOW_PREFETCH void flow_prefetch_entry(const flow_table *t, uint32_t hash)
{
	/* The table may have grown since: any bucket is in range, and this
	 * is only a hint. */
	uint32_t ref = t->buckets[hash & (t->nbuckets - 1)];
	if (ref)
		flow_prefetch_conn(flow_entry(t, ref - 1));
}

/* The third step, once the first entry of the bucket is likely in
 * cache: when it is not p's connection, the one after it in the chain is
 * loaded too.  At one entry per bucket on average, over a third of the
 * look-ups of a full table go past the first entry (the chains are
 * newest first, and a connection's packets keep coming after others
 * were added in front of it), and that second entry would otherwise be
 * a miss in full.  IPv4 only: the other families are rare. */
#define FLOW_CHAIN_PREFETCH_MIN (1u << 17)

FLOW_PREFETCH void flow_prefetch_chain(const flow_table *t, const trace_pkt *p, uint32_t hash)
{
	/* A smaller table stays in the caches (24 MB of entries), where the
	 * step measured as a cost, not a gain. */
	if (t->count < FLOW_CHAIN_PREFETCH_MIN || p->family != 4)
		return;
	uint32_t ref = t->buckets[hash & (t->nbuckets - 1)];
	if (!ref)
		return;
	flow_key_v4 k = flow_key_of(p);
	const trace_conn *c = flow_entry(t, ref - 1);
	if (!flow_match_v4(c, &k) && c->next)
		flow_prefetch_conn(flow_entry(t, c->next - 1));
}

flow_table *flow_new(uint32_t buckets_hint);
void flow_free(flow_table *t);
/* The connection of this packet, and in *from the side that sent it
 * (TRACE_CLIENT or TRACE_SERVER); NULL when there is none. */
static inline trace_conn *flow_find(flow_table *t, const trace_pkt *p, int *from)
{
	return flow_find_hashed(t, p, flow_hash(p), from);
}
/* A new zeroed connection whose client is the packet's sender; NULL when
 * out of memory. */
trace_conn *flow_add(flow_table *t, const trace_pkt *p);
void flow_del(flow_table *t, trace_conn *c);
/* Starts loading what the record and flow_del() of a connection not
 * touched for long will read, its entry and its bucket, given its
 * flow_hash() (kept from one of its packets, so that nothing waits
 * here). */
FLOW_PREFETCH void flow_prefetch_del(const flow_table *t, const trace_conn *c, uint32_t hash)
{
	flow_prefetch_conn(c);
	__builtin_prefetch(&t->buckets[hash & (t->nbuckets - 1)]);
}
/* A 64-bit digest of the 4-tuple, the same in both directions and never
 * 0: for remembering connections after their entries are gone. */
uint64_t flow_packet_key(const trace_pkt *p);
uint64_t flow_conn_key(const flow_table *t, const trace_conn *c);
/* Calls fn for every connection (it must not flow_del it), then forgets
 * them all at once, keeping the memory; one pass over the entries. */
void flow_drain(flow_table *t, void (*fn)(void *user, trace_conn *c), void *user);
void flow_endpoints(const flow_table *t, const trace_conn *c, trace_endpoint ep[2]);
/* Calls fn for every connection (it may flow_del the one it is given). */
void flow_each(flow_table *t, void (*fn)(void *user, trace_conn *c), void *user);
size_t flow_count(const flow_table *t);
/* Memory one IPv4 connection costs: entry plus its share of the buckets. */
size_t flow_bytes_per_conn(const flow_table *t);

#endif
