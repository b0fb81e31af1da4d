/* The simulated link: a min-heap of segments in flight and a payload
 * pool.  See link.h. */
#include "sim/link.h"

#include <stdlib.h>
#include <string.h>

int sim_link_init(sim_link *l, const sim_path *c2s, const sim_path *s2c, uint64_t seed,
		  size_t slot_size, uint32_t nslots)
{
	memset(l, 0, sizeof *l);
	l->path[SIM_CLIENT] = *c2s;
	l->path[SIM_SERVER] = *s2c;
	sim_rng_seed(&l->rng, seed);
	l->slot_size = slot_size ? slot_size : 1;
	l->nslots = nslots ? nslots : 1;
	l->pool = malloc(l->slot_size * l->nslots);
	l->free_slots = malloc(sizeof *l->free_slots * l->nslots);
	/* One heap entry per slot in flight: the heap doubles with the pool. */
	l->heap_cap = (size_t)l->nslots;
	l->heap = malloc(sizeof *l->heap * l->heap_cap);
	if (!l->pool || !l->free_slots || !l->heap) {
		sim_link_free(l);
		return -1;
	}
	/* Hand out low slots first: a short run touches little memory. */
	for (uint32_t i = 0; i < l->nslots; i++)
		l->free_slots[i] = l->nslots - 1 - i;
	l->nfree = l->nslots;
	return 0;
}

void sim_link_free(sim_link *l)
{
	free(l->pool);
	free(l->free_slots);
	free(l->heap);
	l->pool = NULL;
	l->free_slots = NULL;
	l->heap = NULL;
	l->nheap = l->heap_cap = 0;
	l->nslots = l->nfree = 0;
}

/* Doubles the pool when every slot is taken: the only allocation after
 * init, and it happens O(log n) times in a run. */
static int pool_grow(sim_link *l)
{
	if (l->nslots > UINT32_MAX / 2)
		return -1;
	uint32_t n = l->nslots * 2;
	uint8_t *pool = realloc(l->pool, l->slot_size * n);
	if (!pool)
		return -1;
	l->pool = pool;
	uint32_t *fs = realloc(l->free_slots, sizeof *fs * n);
	if (!fs)
		return -1;
	l->free_slots = fs;
	for (uint32_t i = n; i > l->nslots; i--)
		l->free_slots[l->nfree++] = i - 1;
	l->nslots = n;
	return 0;
}

uint8_t *sim_link_slot_get(sim_link *l, uint32_t *slot)
{
	if (!l->nfree && pool_grow(l) < 0)
		return NULL;
	*slot = l->free_slots[--l->nfree];
	return sim_link_slot_data(l, *slot);
}

void sim_link_slot_put(sim_link *l, uint32_t slot)
{
	l->free_slots[l->nfree++] = slot;
}

uint8_t *sim_link_slot_data(sim_link *l, uint32_t slot)
{
	return l->pool + (size_t)slot * l->slot_size;
}

static bool earlier(const sim_flight *a, const sim_flight *b)
{
	return a->at != b->at ? a->at < b->at : a->order < b->order;
}

static int heap_push(sim_link *l, const sim_flight *f)
{
	if (l->nheap == l->heap_cap) {
		size_t n = l->heap_cap * 2;
		sim_flight *h = realloc(l->heap, sizeof *h * n);
		if (!h)
			return -1;
		l->heap = h;
		l->heap_cap = n;
	}
	size_t i = l->nheap++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!earlier(f, &l->heap[parent]))
			break;
		l->heap[i] = l->heap[parent];
		i = parent;
	}
	l->heap[i] = *f;
	return 0;
}

static void heap_pop(sim_link *l, sim_flight *out)
{
	*out = l->heap[0];
	sim_flight last = l->heap[--l->nheap];
	size_t i = 0, n = l->nheap;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= n)
			break;
		if (child + 1 < n && earlier(&l->heap[child + 1], &l->heap[child]))
			child++;
		if (!earlier(&l->heap[child], &last))
			break;
		l->heap[i] = l->heap[child];
		i = child;
	}
	if (n)
		l->heap[i] = last;
}

/* The delivery time of one copy.  A copy that is not held back never
 * arrives before an earlier one in the same direction, as on a real path
 * where jitter comes from queues, which keep order. */
static uint64_t delivery_time(sim_link *l, int from, uint64_t now)
{
	const sim_path *p = &l->path[from];
	uint64_t at = now + p->delay + sim_rng_below(&l->rng, p->jitter + 1);
	if (sim_rng_chance(&l->rng, p->reorder_pct))
		return at + 1 + sim_rng_below(&l->rng, p->reorder_delay + 1);
	if (at < l->last_at[from])
		at = l->last_at[from];
	l->last_at[from] = at;
	return at;
}

int sim_link_send(sim_link *l, const sim_flight *in, uint64_t now, sim_fate *fate)
{
	int from = in->from;
	const sim_path *p = &l->path[from];
	memset(fate, 0, sizeof *fate);
	l->stats.sent[from]++;
	/* Draw loss first, then duplication: the same seed gives the same
	 * fate to the same segment whatever the other knobs say. */
	if (sim_rng_chance(&l->rng, p->loss_pct)) {
		fate->lost = true;
		l->stats.lost[from]++;
		sim_link_slot_put(l, in->slot);
		return 0;
	}
	sim_flight f = *in;
	f.sent_at = now;
	f.dup = false;
	f.seg.data = NULL;
	f.at = fate->at = delivery_time(l, from, now);
	f.order = l->order++;
	if (heap_push(l, &f) < 0) {
		sim_link_slot_put(l, in->slot);
		return -1;
	}
	if (!sim_rng_chance(&l->rng, p->dup_pct))
		return 0;
	uint32_t copy;
	if (!sim_link_slot_get(l, &copy))
		return -1;
	/* Both pointers are taken after any growth of the pool. */
	if (f.seg.len)
		memcpy(sim_link_slot_data(l, copy), sim_link_slot_data(l, in->slot), f.seg.len);
	f.slot = copy;
	f.dup = true;
	f.at = delivery_time(l, from, now);
	f.order = l->order++;
	if (heap_push(l, &f) < 0) {
		sim_link_slot_put(l, copy);
		return -1;
	}
	fate->duplicated = true;
	l->stats.duplicated[from]++;
	return 0;
}

uint64_t sim_link_next(const sim_link *l)
{
	return l->nheap ? l->heap[0].at : UINT64_MAX;
}

size_t sim_link_in_flight(const sim_link *l)
{
	return l->nheap;
}

bool sim_link_pop(sim_link *l, sim_flight *f)
{
	if (!l->nheap)
		return false;
	heap_pop(l, f);
	f->seg.data = f->seg.len ? sim_link_slot_data(l, f->slot) : NULL;
	l->stats.delivered[f->from]++;
	return true;
}
