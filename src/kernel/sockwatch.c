/* Socket ages across samples.  See sockwatch.h. */
#include "kernel/sockwatch.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* What is remembered of a socket from one sample to the next. */
typedef struct seen {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t inode;
	uint8_t family, state;
	uint64_t since;
} seen;

/* One sample: its sockets and an open-addressing index over them
 * (entries are positions + 1, 0 meaning empty). */
typedef struct sample {
	seen *v;
	size_t n;
	uint32_t *idx;
	size_t mask;
} sample;

struct kwatch {
	sample cur;
	uint64_t start;
};

kwatch *kwatch_new(void)
{
	return calloc(1, sizeof(kwatch));
}

static void sample_free(sample *s)
{
	free(s->v);
	free(s->idx);
	memset(s, 0, sizeof *s);
}

void kwatch_free(kwatch *w)
{
	if (w)
		sample_free(&w->cur);
	free(w);
}

uint64_t kwatch_start(const kwatch *w)
{
	return w->start;
}

/* FNV-1a over the identifying fields. */
static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static size_t hash(const seen *k)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t alen = k->family == AF_INET6 ? 16 : 4;
	h = mix(h, k->src, alen);
	h = mix(h, k->dst, alen);
	h = mix(h, &k->sport, sizeof k->sport);
	h = mix(h, &k->dport, sizeof k->dport);
	h = mix(h, &k->inode, sizeof k->inode);
	return (size_t)(h ^ (h >> 29));
}

static bool same(const seen *a, const seen *b)
{
	return a->family == b->family && a->sport == b->sport && a->dport == b->dport &&
	       a->inode == b->inode && !memcmp(a->src, b->src, sizeof a->src) &&
	       !memcmp(a->dst, b->dst, sizeof a->dst);
}

static const seen *find(const sample *s, const seen *k)
{
	if (!s->idx)
		return NULL;
	for (size_t i = hash(k) & s->mask; s->idx[i]; i = (i + 1) & s->mask)
		if (same(&s->v[s->idx[i] - 1], k))
			return &s->v[s->idx[i] - 1];
	return NULL;
}

static void insert(sample *s, size_t pos)
{
	size_t i = hash(&s->v[pos]) & s->mask;
	while (s->idx[i])
		i = (i + 1) & s->mask;
	s->idx[i] = (uint32_t)(pos + 1);
}

static void key_of(seen *k, const kdiag_sock *s)
{
	memset(k, 0, sizeof *k);
	memcpy(k->src, s->src, sizeof k->src);
	memcpy(k->dst, s->dst, sizeof k->dst);
	k->sport = s->sport;
	k->dport = s->dport;
	k->inode = s->inode;
	k->family = s->family;
	k->state = s->state;
}

int kwatch_update(kwatch *w, const kdiag_sock *v, size_t n, uint64_t now_ns, uint64_t *since_ns)
{
	if (n >= UINT32_MAX)
		return -1;
	sample next = { 0 };
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	next.v = malloc((n ? n : 1) * sizeof *next.v);
	next.idx = calloc(cap, sizeof *next.idx);
	if (!next.v || !next.idx) {
		sample_free(&next);
		return -1;
	}
	next.mask = cap - 1;
	if (!w->start)
		w->start = now_ns ? now_ns : 1;
	for (size_t i = 0; i < n; i++) {
		seen *k = &next.v[next.n];
		key_of(k, &v[i]);
		const seen *old = find(&w->cur, k);
		k->since = old && old->state == k->state ? old->since : now_ns;
		since_ns[i] = k->since;
		/* The same socket twice in one dump (it moved between the
		 * IPv4 and IPv6 passes, or the dump raced a state change)
		 * keeps its first entry. */
		if (!find(&next, k))
			insert(&next, next.n++);
	}
	sample_free(&w->cur);
	w->cur = next;
	return 0;
}
