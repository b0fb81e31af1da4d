/* How long each socket stayed in the state it leaves (tracepoint.h).
 *
 * An open-addressing table, allocated once, keyed by the socket pointer
 * when the line has it and by 4-tuple otherwise.  Memory is bounded: a
 * socket is forgotten when it reaches CLOSED (the kernel frees it, and the
 * slab may hand its address to the next socket), and when the table is
 * full the oldest entry near the new one makes room, so a stream of
 * sockets that are never seen to close (CLOSE_WAIT leaks, sockets already
 * open when tracing began) costs a lost "time in state", never memory. */
#include "kernel/tracepoint.h"

#include <stdlib.h>
#include <string.h>

#include "tcpstate/state.h"

typedef struct key {
	uint64_t sk;             /* 0: the tuple is the key */
	uint8_t family;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
} key;

typedef struct slot {
	key k;
	uint64_t entered_ns;
	int8_t state;
	bool used;
} slot;

struct ktp_tracker {
	slot *slots;
	size_t mask;             /* slots - 1, a power of two minus one */
	size_t count, max;
};

/* How far to look for the oldest entry when the table is full. */
#define EVICT_WINDOW 8

ktp_tracker *ktp_tracker_new(size_t max_sockets)
{
	if (max_sockets < 1)
		max_sockets = 1;
	/* At most half full: probe runs stay short. */
	size_t n = 16;
	while (n < max_sockets * 2)
		n *= 2;
	ktp_tracker *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->slots = calloc(n, sizeof *t->slots);
	if (!t->slots) {
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	t->max = max_sockets;
	return t;
}

void ktp_tracker_free(ktp_tracker *t)
{
	if (t) {
		free(t->slots);
		free(t);
	}
}

size_t ktp_tracker_count(const ktp_tracker *t)
{
	return t->count;
}

static key key_of(const ktp_event *ev)
{
	key k;
	memset(&k, 0, sizeof k);
	if (ev->skaddr) {
		k.sk = ev->skaddr;
		return k;
	}
	k.family = ev->tuple.family;
	memcpy(k.src, ev->tuple.src, 16);
	memcpy(k.dst, ev->tuple.dst, 16);
	k.sport = ev->tuple.sport;
	k.dport = ev->tuple.dport;
	return k;
}

static bool key_eq(const key *a, const key *b)
{
	return a->sk == b->sk && a->family == b->family && a->sport == b->sport &&
	       a->dport == b->dport && !memcmp(a->src, b->src, 16) && !memcmp(a->dst, b->dst, 16);
}

/* FNV-1a, field by field (the struct has padding). */
static size_t key_hash(const key *k)
{
	uint64_t h = 0xcbf29ce484222325ull;
#define MIX(byte) (h = (h ^ (uint8_t)(byte)) * 0x100000001b3ull)
	for (int i = 0; i < 8; i++)
		MIX(k->sk >> (8 * i));
	MIX(k->family);
	for (int i = 0; i < 16; i++) {
		MIX(k->src[i]);
		MIX(k->dst[i]);
	}
	MIX(k->sport);
	MIX(k->sport >> 8);
	MIX(k->dport);
	MIX(k->dport >> 8);
#undef MIX
	return (size_t)(h ^ (h >> 32));
}

static slot *find(ktp_tracker *t, const key *k)
{
	for (size_t i = key_hash(k) & t->mask;; i = (i + 1) & t->mask) {
		if (!t->slots[i].used)
			return NULL;
		if (key_eq(&t->slots[i].k, k))
			return &t->slots[i];
	}
}

/* Backward-shift deletion: later members of the probe run move up so that
 * lookups never stop at the hole too early (no tombstones to pile up). */
static void remove_slot(ktp_tracker *t, slot *s)
{
	size_t hole = (size_t)(s - t->slots);
	for (size_t i = (hole + 1) & t->mask; t->slots[i].used; i = (i + 1) & t->mask) {
		size_t home = key_hash(&t->slots[i].k) & t->mask;
		/* May slot i move into the hole?  Only if its home is not
		 * cyclically inside (hole, i]. */
		bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
		if (stays)
			continue;
		t->slots[hole] = t->slots[i];
		hole = i;
	}
	t->slots[hole].used = false;
	t->count--;
}

static void evict_one(ktp_tracker *t, const key *k)
{
	slot *oldest = NULL;
	size_t seen = 0, i = key_hash(k) & t->mask;
	for (size_t step = 0; step <= t->mask && seen < EVICT_WINDOW; step++, i = (i + 1) & t->mask) {
		slot *s = &t->slots[i];
		if (!s->used)
			continue;
		seen++;
		if (!oldest || s->entered_ns < oldest->entered_ns)
			oldest = s;
	}
	remove_slot(t, oldest);
}

static slot *insert(ktp_tracker *t, const key *k)
{
	if (t->count >= t->max)
		evict_one(t, k);
	size_t i = key_hash(k) & t->mask;
	while (t->slots[i].used)
		i = (i + 1) & t->mask;
	t->slots[i].k = *k;
	t->slots[i].used = true;
	t->count++;
	return &t->slots[i];
}

static int64_t since(uint64_t now, uint64_t then)
{
	return now >= then ? (int64_t)(now - then) : 0;
}

int64_t ktp_tracker_update(ktp_tracker *t, const ktp_event *ev)
{
	key k = key_of(ev);
	slot *s = find(t, &k);
	int64_t in_state = -1;
	if (s) {
		/* A state that does not match means an event was missed (ring
		 * buffer overflow, or tracing began in between). */
		if (s->state == ev->from)
			in_state = since(ev->ts_ns, s->entered_ns);
	} else if (!ev->skaddr && ev->from == TCPS_SYN_SENT && ev->tuple.sport != 0) {
		/* The connect() that began it was traced before the port was
		 * chosen. */
		key k0 = k;
		k0.sport = 0;
		slot *p = find(t, &k0);
		if (p && p->state == TCPS_SYN_SENT) {
			in_state = since(ev->ts_ns, p->entered_ns);
			remove_slot(t, p);
		}
	}
	if (ev->to == TCPS_CLOSED) {
		if (s)
			remove_slot(t, s);
		return in_state;
	}
	if (!s)
		s = insert(t, &k);
	s->state = (int8_t)ev->to;
	s->entered_ns = ev->ts_ns;
	return in_state;
}
