/* Flow table: chained hashing over entry indexes.  See flow.h. */
#include "trace/flow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CHUNK_SHIFT FLOW_CHUNK_SHIFT
#define CHUNK (1u << CHUNK_SHIFT)

typedef flow_v6pair v6pair;

static trace_conn *entry(const flow_table *t, uint32_t i)
{
	return flow_entry(t, i);
}

/* Memory for the big arrays (entry chunks, buckets), in 2 MB huge pages
 * where the kernel has them.  With a million connections open, every
 * packet goes to a random place in some 200 MB: in 4 KB pages nearly
 * each of those is a TLB miss, and a prefetch that misses the TLB waits
 * for the page walk before the instructions after it can retire, so the
 * prefetches stop hiding anything.  A few hundred huge pages fit in the
 * TLB.  Only a hint (madvise fails harmlessly without transparent huge
 * pages), and only for arrays of 2 MB or more, so a small capture keeps
 * small pages and a small resident size.  Not zeroed. */
#define HUGE_PAGE ((size_t)2 << 20)

static void *alloc_big(size_t size)
{
	if (size < HUGE_PAGE)
		return aligned_alloc(64, (size + 63) & ~(size_t)63);
	size = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	void *p = aligned_alloc(HUGE_PAGE, size);
#ifdef MADV_HUGEPAGE
	if (p)
		(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

static uint32_t *alloc_buckets(uint32_t n)
{
	uint32_t *b = alloc_big((size_t)n * sizeof *b);
	if (b)
		memset(b, 0, (size_t)n * sizeof *b);
	return b;
}

flow_table *flow_new(uint32_t hint)
{
	flow_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->nbuckets = 1024;
	while (t->nbuckets < hint && t->nbuckets < (1u << 30))
		t->nbuckets <<= 1;
	t->buckets = alloc_buckets(t->nbuckets);
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	return t;
}

void flow_free(flow_table *t)
{
	if (!t)
		return;
	for (uint32_t k = 0; k < t->nchunks; k++)
		free(t->chunks[k]);
	free(t->chunks);
	free(t->buckets);
	free(t->v6);
	free(t);
}

/* Both directions of a connection hash alike: the two endpoints' mixes
 * are added, which does not depend on their order. */
static uint64_t mix(uint64_t x)
{
	return flow_mix(x);
}

static uint64_t endpoint_hash(uint8_t family, const uint8_t *addr, uint16_t port)
{
	uint64_t a, b = 0;
	memcpy(&a, addr, 8);
	if (family == 6)
		memcpy(&b, addr + 8, 8);
	else
		a &= 0xffffffffull;
	return mix(a ^ mix(b) ^ ((uint64_t)port << 32));
}

static inline uint32_t load32(const void *p)
{
	return flow_load32(p);
}

static inline uint64_t hash_v4(uint32_t a0, uint16_t p0, uint32_t a1, uint16_t p1)
{
	return flow_hash_v4(a0, p0, a1, p1);
}

static inline uint64_t tuple_hash(uint8_t family, const uint8_t *a0, uint16_t p0, const uint8_t *a1,
			   uint16_t p1)
{
	if (family != 6)
		return hash_v4(load32(a0), p0, load32(a1), p1);
	return mix(endpoint_hash(family, a0, p0) + endpoint_hash(family, a1, p1));
}

static inline uint32_t bucket_of(const flow_table *t, uint8_t family, const uint8_t *a0, uint16_t p0,
			  const uint8_t *a1, uint16_t p1)
{
	return (uint32_t)tuple_hash(family, a0, p0, a1, p1) & (t->nbuckets - 1);
}

uint64_t flow_packet_key(const trace_pkt *p)
{
	return mix(endpoint_hash(p->family, p->src, p->seg.sport) + endpoint_hash(p->family, p->dst, p->seg.dport)) | 1;
}

static const uint8_t *addr_of(const flow_table *t, const trace_conn *c, int side)
{
	if (c->family == 6)
		return t->v6[c->addr[0]].a[side];
	return (const uint8_t *)&c->addr[side];
}

uint64_t flow_conn_key(const flow_table *t, const trace_conn *c)
{
	return mix(endpoint_hash(c->family, addr_of(t, c, 0), c->port[0]) +
		   endpoint_hash(c->family, addr_of(t, c, 1), c->port[1])) | 1;
}

static bool same_addr(uint8_t family, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, family == 6 ? 16 : 4) == 0;
}

uint32_t flow_hash_other(const trace_pkt *p)
{
	return (uint32_t)tuple_hash(p->family, p->src, p->seg.sport, p->dst, p->seg.dport);
}

trace_conn *flow_find_other(flow_table *t, const trace_pkt *p, uint32_t hash, int *from)
{
	uint16_t sp = p->seg.sport, dp = p->seg.dport;
	uint32_t ref = t->buckets[hash & (t->nbuckets - 1)];
	while (ref) {
		trace_conn *c = entry(t, ref - 1);
		if (c->family == p->family) {
			const uint8_t *a0 = addr_of(t, c, 0), *a1 = addr_of(t, c, 1);
			if (c->port[0] == sp && c->port[1] == dp && same_addr(c->family, a0, p->src) &&
			    same_addr(c->family, a1, p->dst)) {
				*from = TRACE_CLIENT;
				return c;
			}
			if (c->port[0] == dp && c->port[1] == sp && same_addr(c->family, a0, p->dst) &&
			    same_addr(c->family, a1, p->src)) {
				*from = TRACE_SERVER;
				return c;
			}
		}
		ref = c->next;
	}
	return NULL;
}

static void link_in(flow_table *t, trace_conn *c, uint32_t ref)
{
	uint32_t b = bucket_of(t, c->family, addr_of(t, c, 0), c->port[0], addr_of(t, c, 1), c->port[1]);
	c->next = t->buckets[b];
	t->buckets[b] = ref;
}

/* Doubles the buckets when the chains average more than one entry. */
static void maybe_grow(flow_table *t)
{
	if (t->count < t->nbuckets || t->nbuckets >= (1u << 30))
		return;
	uint32_t *nb = alloc_buckets(t->nbuckets * 2);
	if (!nb)
		return; /* longer chains, still correct */
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets *= 2;
	for (uint32_t i = 0; i < t->used; i++) {
		trace_conn *c = entry(t, i);
		if (c->family)
			link_in(t, c, i + 1);
	}
}

static trace_conn *take_entry(flow_table *t, uint32_t *ref)
{
	if (t->free_head) {
		*ref = t->free_head;
		trace_conn *c = entry(t, *ref - 1);
		t->free_head = c->next;
		return c;
	}
	if (t->used == t->nchunks * CHUNK) {
		if (t->nchunks == t->chunks_cap) {
			uint32_t cap = t->chunks_cap ? t->chunks_cap * 2 : 16;
			trace_conn **nc = realloc(t->chunks, cap * sizeof *nc);
			if (!nc)
				return NULL;
			t->chunks = nc;
			t->chunks_cap = cap;
		}
		/* On cache-line boundaries, so that an entry spans three lines
		 * rather than four; not zeroed (flow_add clears each entry it
		 * hands out), so untouched entries cost no resident memory.
		 * The first chunk in small pages: most captures need no more. */
		size_t size = (size_t)CHUNK * sizeof(trace_conn);
		void *chunk = t->nchunks ? alloc_big(size) : aligned_alloc(64, size);
		if (!(t->chunks[t->nchunks] = chunk))
			return NULL;
		t->nchunks++;
	}
	*ref = ++t->used;
	return entry(t, *ref - 1);
}

static bool take_v6(flow_table *t, uint32_t *idx)
{
	if (t->v6_free) {
		*idx = t->v6_free - 1;
		t->v6_free = t->v6[*idx].next_free;
		return true;
	}
	if (t->v6_used == t->v6_cap) {
		uint32_t cap = t->v6_cap ? t->v6_cap * 2 : 64;
		v6pair *n = realloc(t->v6, cap * sizeof *n);
		if (!n)
			return false;
		t->v6 = n;
		t->v6_cap = cap;
	}
	*idx = t->v6_used++;
	return true;
}

trace_conn *flow_add(flow_table *t, const trace_pkt *p)
{
	uint32_t ref, v6 = 0;
	if (p->family == 6 && !take_v6(t, &v6))
		return NULL;
	trace_conn *c = take_entry(t, &ref);
	if (!c)
		return NULL;
	memset(c, 0, sizeof *c);
	c->family = p->family;
	if (p->family == 6) {
		c->addr[0] = v6;
		memcpy(t->v6[v6].a[0], p->src, 16);
		memcpy(t->v6[v6].a[1], p->dst, 16);
	} else {
		memcpy(&c->addr[0], p->src, 4);
		memcpy(&c->addr[1], p->dst, 4);
	}
	c->port[0] = p->seg.sport;
	c->port[1] = p->seg.dport;
	link_in(t, c, ref);
	t->count++;
	maybe_grow(t);
	return c;
}

void flow_del(flow_table *t, trace_conn *c)
{
	/* The chain walk finds the entry's own index on the way. */
	uint32_t b = bucket_of(t, c->family, addr_of(t, c, 0), c->port[0], addr_of(t, c, 1), c->port[1]);
	uint32_t *link = &t->buckets[b], ref = 0;
	while (*link) {
		trace_conn *e = entry(t, *link - 1);
		if (e == c) {
			ref = *link;
			*link = c->next;
			break;
		}
		link = &e->next;
	}
	if (!ref)
		return; /* not in the table: nothing to free */
	if (c->family == 6) {
		t->v6[c->addr[0]].next_free = t->v6_free;
		t->v6_free = c->addr[0] + 1;
	}
	c->family = 0;
	c->next = t->free_head;
	t->free_head = ref;
	t->count--;
}

void flow_drain(flow_table *t, void (*fn)(void *user, trace_conn *c), void *user)
{
	/* One pass: each entry is forgotten as it is handed over, rather
	 * than in a second pass over what may be hundreds of megabytes. */
	for (uint32_t i = 0; i < t->used; i++) {
		trace_conn *c = entry(t, i);
		if (c->family) {
			fn(user, c);
			c->family = 0;
		}
	}
	memset(t->buckets, 0, (size_t)t->nbuckets * sizeof *t->buckets);
	t->used = t->free_head = 0;
	t->count = 0;
	t->v6_used = t->v6_free = 0;
}

void flow_endpoints(const flow_table *t, const trace_conn *c, trace_endpoint ep[2])
{
	for (int i = 0; i < 2; i++) {
		memset(&ep[i], 0, sizeof ep[i]);
		ep[i].family = c->family;
		memcpy(ep[i].addr, addr_of(t, c, i), c->family == 6 ? 16 : 4);
		ep[i].port = c->port[i];
	}
}

void flow_each(flow_table *t, void (*fn)(void *user, trace_conn *c), void *user)
{
	for (uint32_t i = 0; i < t->used; i++) {
		trace_conn *c = entry(t, i);
		if (c->family)
			fn(user, c);
	}
}

size_t flow_count(const flow_table *t)
{
	return t->count;
}

size_t flow_bytes_per_conn(const flow_table *t)
{
	size_t per = sizeof(trace_conn);
	if (t->count)
		per += t->nbuckets * sizeof(uint32_t) / t->count;
	return per;
}
