/* Flow table: entries by index, found through an index of their hashes
 * in cache-line buckets.  See flow.h. */
#include "trace/flow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CHUNK_SHIFT FLOW_CHUNK_SHIFT
#define CHUNK (1u << CHUNK_SHIFT)

typedef flow_v6pair v6pair;

static trace_conn *entry(const flow_table *t, uint32_t ref)
{
	return flow_entry(t, ref);
}

/* Memory for the big arrays (entry chunks, the index), in 2 MB huge pages
 * where the kernel has them.  With a million connections open, every
 * packet goes to a random place in some 200 MB: in 4 KB pages nearly
 * each of those is a TLB miss, and a prefetch that misses the TLB waits
 * for the page walk before the instructions after it can retire, so the
 * prefetches stop hiding anything.  A few hundred huge pages fit in the
 * TLB.  Only a hint (madvise fails harmlessly without transparent huge
 * pages), and only for arrays of 2 MB or more.  Not zeroed. */
#define HUGE_PAGE ((size_t)2 << 20)
_Static_assert(sizeof(trace_conn) << FLOW_CHUNK_SHIFT == 9 * HUGE_PAGE, "a chunk fills its huge pages");

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

static flow_bucket *alloc_buckets(uint32_t n)
{
	flow_bucket *b = alloc_big((size_t)n * sizeof *b);
	if (b)
		memset(b, 0, (size_t)n * sizeof *b);
	return b;
}

/* The index doubles past five eighths full (4.4 entries a bucket of 7
 * on average), where few buckets have passed entries on: fuller (three
 * quarters) took 3 to 4 % more time on the bench's normal file, whose
 * look-ups then often went on to the next bucket; emptier (half) was no
 * faster there and 4 % slower on the many file (a million connections),
 * whose index then outgrew 16 MB.  9 to 15 bytes of index a connection at
 * its fullest, 29 just after it doubled. */
#define BUCKETS_MAX (1u << 28)

static bool over_full(uint32_t nbuckets, size_t count)
{
	return count > (size_t)nbuckets * FLOW_WAYS / 8 * 5;
}

flow_table *flow_new(uint32_t hint, size_t extra_size)
{
	flow_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->extra_size = extra_size;
	t->nbuckets = 256;
	while (over_full(t->nbuckets, hint) && t->nbuckets < BUCKETS_MAX)
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
	for (uint32_t k = 0; k < t->nchunks; k++) {
		free(t->chunks[k]);
		if (t->extra)
			free(t->extra[k]);
	}
	free(t->chunks);
	free(t->extra);
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

/* The flow_hash() of the entry's packets. */
static uint32_t conn_hash(const flow_table *t, const trace_conn *c)
{
	return (uint32_t)tuple_hash(c->family, addr_of(t, c, 0), c->port[0], addr_of(t, c, 1), c->port[1]);
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
	for (const flow_bucket *b = flow_home(t, hash);; b = flow_next_bucket(t, b)) {
		for (unsigned m = flow_ways(b, flow_tag(hash)); m; m &= m - 1) {
			trace_conn *c = entry(t, b->ref[__builtin_ctz(m)]);
			if (c->family != p->family)
				continue;
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
		if (!FLOW_OVERFLOW(b))
			return NULL;
	}
}

/* Into the first bucket with a free way from the tag's home on, each
 * full one passed counting it as its overflow. */
static void index_in(flow_bucket *buckets, uint32_t nbuckets, uint32_t tag, uint32_t ref)
{
	for (uint32_t i = tag & (nbuckets - 1);; i = (i + 1) & (nbuckets - 1)) {
		flow_bucket *b = &buckets[i];
		for (unsigned k = 0; k < FLOW_WAYS; k++)
			if (!b->tag[k]) {
				b->tag[k] = tag;
				b->ref[k] = ref;
				return;
			}
		FLOW_OVERFLOW(b)++;
	}
}

/* Out of the index: the way freed, and the overflow counts of the
 * buckets passed on the way to it taken back. */
static bool index_out(flow_table *t, uint32_t tag, uint32_t ref)
{
	uint32_t mask = t->nbuckets - 1, home = tag & mask;
	for (uint32_t i = home;; i = (i + 1) & mask) {
		flow_bucket *b = &t->buckets[i];
		for (unsigned m = flow_ways(b, tag); m; m &= m - 1) {
			unsigned k = (unsigned)__builtin_ctz(m);
			if (b->ref[k] != ref)
				continue;
			b->tag[k] = 0;
			for (uint32_t j = home; j != i; j = (j + 1) & mask)
				FLOW_OVERFLOW(&t->buckets[j])--;
			return true;
		}
		if (!FLOW_OVERFLOW(b))
			return false;
	}
}

/* Doubles the index, from the tags alone.  false when there is no memory
 * for it. */
static bool grow(flow_table *t)
{
	if (t->nbuckets >= BUCKETS_MAX)
		return false;
	flow_bucket *nb = alloc_buckets(t->nbuckets * 2);
	if (!nb)
		return false;
	for (uint32_t i = 0; i < t->nbuckets; i++)
		for (unsigned k = 0; k < FLOW_WAYS; k++)
			if (t->buckets[i].tag[k])
				index_in(nb, t->nbuckets * 2, t->buckets[i].tag[k], t->buckets[i].ref[k]);
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets *= 2;
	return true;
}

/* Fresh memory for entries (and their extras) up to the next chunk. */
static bool add_chunk(flow_table *t)
{
	if (t->nchunks == t->chunks_cap) {
		uint32_t cap = t->chunks_cap ? t->chunks_cap * 2 : 16;
		trace_conn **nc = realloc(t->chunks, cap * sizeof *nc);
		if (!nc)
			return false;
		t->chunks = nc;
		if (t->extra_size) {
			uint8_t **ne = realloc(t->extra, cap * sizeof *ne);
			if (!ne)
				return false;
			t->extra = ne;
		}
		t->chunks_cap = cap;
	}
	/* On cache-line boundaries, so that an entry spans three lines
	 * rather than four; not zeroed (flow_add clears each entry it hands
	 * out), so untouched entries cost no resident memory.  The first
	 * chunk in huge pages too: with 80,000 connections tracked (the
	 * normal bench file) its 12 MB in small pages took 1.5 % more time,
	 * in TLB misses; a small capture pays one 2 MB page for it. */
	size_t size = (size_t)CHUNK * sizeof(trace_conn), xsize = (size_t)CHUNK * t->extra_size;
	void *chunk = alloc_big(size);
	if (!chunk)
		return false;
	if (t->extra_size) {
		void *x = alloc_big(xsize);
		if (!x) {
			free(chunk);
			return false;
		}
		t->extra[t->nchunks] = x;
	}
	t->chunks[t->nchunks++] = chunk;
	return true;
}

static trace_conn *take_entry(flow_table *t)
{
	uint32_t ref;
	if (t->free_head) {
		ref = t->free_head;
		t->free_head = entry(t, ref)->ref;
	} else {
		if (t->used == t->nchunks * CHUNK && !add_chunk(t))
			return NULL;
		ref = ++t->used;
	}
	trace_conn *c = entry(t, ref);
	memset(c, 0, sizeof *c);
	c->ref = ref;
	if (t->extra_size)
		memset(flow_extra(t, c), 0, t->extra_size);
	return c;
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
	uint32_t v6 = 0;
	/* Room in the index first: failing later would leave a taken entry. */
	if (over_full(t->nbuckets, t->count + 1) && !grow(t) &&
	    t->count + 1 > (size_t)t->nbuckets * FLOW_WAYS / 16 * 15)
		return NULL; /* no memory to grow: the look-ups would get too long */
	if (p->family == 6 && !take_v6(t, &v6))
		return NULL;
	trace_conn *c = take_entry(t);
	if (!c) {
		if (p->family == 6) {
			t->v6[v6].next_free = t->v6_free;
			t->v6_free = v6 + 1;
		}
		return NULL;
	}
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
	index_in(t->buckets, t->nbuckets, flow_tag(conn_hash(t, c)), c->ref);
	t->count++;
	return c;
}

void flow_del(flow_table *t, trace_conn *c)
{
	if (!index_out(t, flow_tag(conn_hash(t, c)), c->ref))
		return; /* not in the table: nothing to free */
	if (c->family == 6) {
		t->v6[c->addr[0]].next_free = t->v6_free;
		t->v6_free = c->addr[0] + 1;
	}
	uint32_t ref = c->ref;
	c->family = 0;
	c->ref = t->free_head;
	t->free_head = ref;
	t->count--;
}

void flow_drain(flow_table *t, void (*fn)(void *user, trace_conn *c), void *user)
{
	/* One pass: each entry is forgotten as it is handed over, rather
	 * than in a second pass over what may be hundreds of megabytes. */
	for (uint32_t ref = 1; ref <= t->used; ref++) {
		trace_conn *c = entry(t, ref);
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
	for (uint32_t ref = 1; ref <= t->used; ref++) {
		trace_conn *c = entry(t, ref);
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
	size_t per = sizeof(trace_conn) + t->extra_size;
	if (t->count)
		per += t->nbuckets * sizeof *t->buckets / t->count;
	return per;
}
