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
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "trace/observer.h"
#include "trace/packet.h"
#include "trace/tconn.h"

typedef struct flow_table flow_table;

/* ---- The table's inside, in the header so that the look-up done for
 * every packet, and the prefetches before it, inline into the observer. */

/* 131,072 entries a chunk: of 144 bytes, nine 2 MB pages exactly, so
 * that no huge page is resident for a sliver of entries. */
#define FLOW_CHUNK_SHIFT 17

typedef struct flow_v6pair {
	uint8_t a[2][16];
	uint32_t next_free;
} flow_v6pair;

/* The index: buckets of one cache line, each holding up to FLOW_WAYS
 * entries by their hash (the tag: a look-up reads an entry only when its
 * whole hash matches, so it reads its own connection's and no other, and
 * the index grows without reading an entry).  A full bucket passes a new
 * entry on to the next, and counts it in `overflow`, so that a look-up
 * knows whether to go on: one line of tags, compared at once, nearly
 * always answers. */
#define FLOW_WAYS 7

typedef struct __attribute__((aligned(64))) flow_bucket {
	/* flow_tag() of each way's entry's hash, 0 free; then, in
	 * tag[FLOW_WAYS], the entries at home here kept in a later bucket
	 * (the overflow: never taken for a tag, whose top bit is set), so
	 * that one compare of eight words looks at every way. */
	uint32_t tag[FLOW_WAYS + 1];
	uint32_t ref[FLOW_WAYS + 1]; /* each way's entry's ref; the last unused */
} flow_bucket;

_Static_assert(sizeof(flow_bucket) == 64, "a bucket is one cache line");

#define FLOW_OVERFLOW(b) ((b)->tag[FLOW_WAYS])

struct flow_table {
	trace_conn **chunks;     /* 1 << FLOW_CHUNK_SHIFT entries each */
	uint8_t **extra;         /* as many extras, extra_size bytes each (none when 0) */
	size_t extra_size;
	uint32_t nchunks, chunks_cap;
	uint32_t free_head;      /* ref of the first free entry */
	uint32_t used;           /* entries ever handed out (the high-water mark) */
	flow_bucket *buckets;
	uint32_t nbuckets;       /* power of two */
	size_t count;
	flow_v6pair *v6;
	uint32_t v6_used, v6_cap, v6_free;
};

static inline trace_conn *flow_entry(const flow_table *t, uint32_t ref)
{
	uint32_t i = ref - 1;
	return &t->chunks[i >> FLOW_CHUNK_SHIFT][i & ((1u << FLOW_CHUNK_SHIFT) - 1)];
}

/* The bytes the table keeps beside an entry, for the caller (flow_new). */
static inline void *flow_extra(const flow_table *t, const trace_conn *c)
{
	uint32_t i = c->ref - 1;
	return t->extra[i >> FLOW_CHUNK_SHIFT] + (size_t)(i & ((1u << FLOW_CHUNK_SHIFT) - 1)) * t->extra_size;
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

/* A hash as the index keeps it: never 0, so that 0 marks a free way. */
static inline uint32_t flow_tag(uint32_t hash)
{
	return hash | 0x80000000u;
}

static inline const flow_bucket *flow_home(const flow_table *t, uint32_t hash)
{
	return &t->buckets[hash & (t->nbuckets - 1)];
}

static inline const flow_bucket *flow_next_bucket(const flow_table *t, const flow_bucket *b)
{
	return ++b == t->buckets + t->nbuckets ? t->buckets : b;
}

/* Which ways of b hold tag, a bit each: the eight words compared at
 * once where the machine can (the loop, which GCC leaves a word at a
 * time, made the bench's normal file 9 % slower). */
static inline unsigned flow_ways(const flow_bucket *b, uint32_t tag)
{
#ifdef __SSE2__
	__m128i t = _mm_set1_epi32((int)tag);
	__m128i lo = _mm_cmpeq_epi32(_mm_load_si128((const __m128i *)b->tag), t);
	__m128i hi = _mm_cmpeq_epi32(_mm_load_si128((const __m128i *)b->tag + 1), t);
	return (unsigned)_mm_movemask_ps(_mm_castsi128_ps(lo)) |
	       (unsigned)_mm_movemask_ps(_mm_castsi128_ps(hi)) << 4;
#else
	unsigned m = 0;
	for (unsigned k = 0; k < FLOW_WAYS + 1; k++)
		m |= (unsigned)(b->tag[k] == tag) << k;
	return m;
#endif
}

/* flow_find with the packet's flow_hash() already known. */
static inline trace_conn *flow_find_hashed(flow_table *t, const trace_pkt *p, uint32_t hash,
					   int *from)
{
	if (p->family != 4)
		return flow_find_other(t, p, hash, from);
	flow_key_v4 k = flow_key_of(p);
	uint32_t tag = flow_tag(hash);
	for (const flow_bucket *b = flow_home(t, hash);; b = flow_next_bucket(t, b)) {
		for (unsigned m = flow_ways(b, tag); m; m &= m - 1) {
			trace_conn *c = flow_entry(t, b->ref[__builtin_ctz(m)]);
			int side = flow_match_v4(c, &k);
			if (side) {
				*from = side == 1 ? TRACE_CLIENT : TRACE_SERVER;
				return c;
			}
		}
		if (!FLOW_OVERFLOW(b))
			return NULL;
	}
}

/* Starts loading what flow_find(p) will read: its bucket, returning
 * flow_hash(p); later (once the bucket is likely in cache), with that
 * hash, its entry.
 *
 * always_inline: GCC 12 takes a static function whose only effect is a
 * prefetch for one without effect, and drops the call. */
#define FLOW_PREFETCH static inline __attribute__((always_inline))

FLOW_PREFETCH uint32_t flow_prefetch_bucket(const flow_table *t, const trace_pkt *p)
{
	uint32_t h = flow_hash(p);
	__builtin_prefetch(flow_home(t, h));
	return h;
}

/* An entry spans three cache lines wherever it starts (144 bytes at a
 * multiple of 16), and its extra a fourth when there is one. */
FLOW_PREFETCH void flow_prefetch_conn(const flow_table *t, const trace_conn *e)
{
	const char *c = (const char *)e;
	__builtin_prefetch(c);
	__builtin_prefetch(c + 64);
	__builtin_prefetch(c + sizeof *e - 1);
	if (t->extra_size)
		__builtin_prefetch(flow_extra(t, e));
}

/* Returns the ref of the likeliest entry (the first way with the
 * hash's tag, in its home bucket or the next when the home one passed
 * entries on), 0 when there is none, for flow_find_likely(). */
FLOW_PREFETCH uint32_t flow_prefetch_entry(const flow_table *t, uint32_t hash)
{
	/* The table may have grown since: any bucket is in range, and this
	 * is only a hint.  Further than the next bucket is left to the
	 * look-up. */
	const flow_bucket *b = flow_home(t, hash);
	uint32_t tag = flow_tag(hash);
	unsigned m = flow_ways(b, tag);
	if (!m && FLOW_OVERFLOW(b)) {
		b = flow_next_bucket(t, b);
		m = flow_ways(b, tag);
	}
	if (!m)
		return 0;
	uint32_t ref = b->ref[__builtin_ctz(m)];
	flow_prefetch_conn(t, flow_entry(t, ref));
	return ref;
}

/* flow_find_hashed, trying first the entry flow_prefetch_entry() named a
 * few packets ago: if it is p's connection, the index need not be read
 * again.  Entries come and go meanwhile, but one in use whose 4-tuple is
 * p's is p's connection, as no two in the table share one. */
static inline trace_conn *flow_find_likely(flow_table *t, const trace_pkt *p, uint32_t hash,
					   uint32_t ref, int *from)
{
	if (ref && ref <= t->used && p->family == 4) {
		flow_key_v4 k = flow_key_of(p);
		trace_conn *c = flow_entry(t, ref);
		int side = flow_match_v4(c, &k);
		if (side) {
			*from = side == 1 ? TRACE_CLIENT : TRACE_SERVER;
			return c;
		}
	}
	return flow_find_hashed(t, p, hash, from);
}

/* A table for about `hint` connections at first, keeping
 * extra_size bytes beside each entry (flow_extra), zeroed when it is
 * handed out. */
flow_table *flow_new(uint32_t hint, size_t extra_size);
void flow_free(flow_table *t);
/* The connection of this packet, and in *from the side that sent it
 * (TRACE_CLIENT or TRACE_SERVER); NULL when there is none. */
static inline trace_conn *flow_find(flow_table *t, const trace_pkt *p, int *from)
{
	return flow_find_hashed(t, p, flow_hash(p), from);
}
/* A new zeroed connection whose client is the packet's sender; NULL when
 * out of memory (the index can grow no more). */
trace_conn *flow_add(flow_table *t, const trace_pkt *p);
void flow_del(flow_table *t, trace_conn *c);
/* Starts loading what the record and flow_del() of a connection not
 * touched for long will read, its entry and its bucket, given its
 * flow_hash() (kept from one of its packets, so that nothing waits
 * here). */
FLOW_PREFETCH void flow_prefetch_del(const flow_table *t, const trace_conn *c, uint32_t hash)
{
	flow_prefetch_conn(t, c);
	__builtin_prefetch(flow_home(t, hash));
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
/* Memory one IPv4 connection costs: entry, extra and its share of the index. */
size_t flow_bytes_per_conn(const flow_table *t);

#endif
