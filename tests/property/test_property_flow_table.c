/* Property: the flow table (src/trace/flow.c) finds every connection it
 * holds, from either direction, and nothing else, whatever the order of
 * additions and removals, against a plain list of what it should hold.
 *
 * Its index keeps up to seven entries a cache-line bucket and passes the
 * rest on to the buckets after, counting them there; removals take those
 * counts back.  Those paths only run when buckets fill, so a quarter of
 * the 4-tuples here are drawn to share their home bucket in any table of
 * up to 4,096 buckets (the low 12 bits of their hash are 0), and a run of
 * them overflows bucket after bucket.  The table starts small and grows
 * past 1,344 connections.  IPv6 4-tuples go the table's other look-up.
 * Every few steps, every tuple's look-ups, the count, and that every
 * entry is visited once are checked.
 *
 * TCPS_PROPERTY_SEEDS sets the number of steps (default 20000). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/rng.h"
#include "support.h"
#include "trace/flow.h"

enum { TUPLES = 2400, COLLIDING_MASK = 0xfff };

typedef struct tuple {
	trace_pkt pkt;       /* as sent by the client */
	trace_conn *conn;    /* the entry while held, NULL while not */
} tuple;

static void draw_tuple(sim_rng *r, trace_pkt *p, bool v6)
{
	memset(p, 0, sizeof *p);
	p->family = v6 ? 6 : 4;
	for (size_t i = 0; i < (v6 ? 16u : 4u); i++) {
		p->src[i] = (uint8_t)sim_rng_next(r);
		p->dst[i] = (uint8_t)sim_rng_next(r);
	}
	p->seg.sport = (uint16_t)sim_rng_next(r);
	p->seg.dport = (uint16_t)sim_rng_next(r);
}

static trace_pkt reversed(const trace_pkt *p)
{
	trace_pkt r = *p;
	memcpy(r.src, p->dst, 16);
	memcpy(r.dst, p->src, 16);
	r.seg.sport = p->seg.dport;
	r.seg.dport = p->seg.sport;
	return r;
}

static bool same_tuple(const trace_pkt *a, const trace_pkt *b)
{
	trace_pkt rb = reversed(b);
	return a->family == b->family &&
	       ((!memcmp(a->src, b->src, 16) && !memcmp(a->dst, b->dst, 16) &&
		 a->seg.sport == b->seg.sport && a->seg.dport == b->seg.dport) ||
		(!memcmp(a->src, rb.src, 16) && !memcmp(a->dst, rb.dst, 16) &&
		 a->seg.sport == rb.seg.sport && a->seg.dport == rb.seg.dport));
}

/* Distinct 4-tuples; every other IPv4 one with a hash whose low bits are
 * all 0, so that they pile into one bucket. */
static void draw_tuples(sim_rng *r, tuple *t)
{
	for (size_t i = 0; i < TUPLES; i++) {
		bool v6 = i % 10 == 9, colliding = !v6 && i % 4 == 0;
		for (;;) {
			draw_tuple(r, &t[i].pkt, v6);
			if (colliding && (flow_hash(&t[i].pkt) & COLLIDING_MASK))
				continue;
			bool dup = false;
			for (size_t j = 0; j < i && !dup; j++)
				dup = same_tuple(&t[i].pkt, &t[j].pkt);
			if (!dup)
				break;
		}
		t[i].conn = NULL;
	}
}

static size_t visits;
static bool visited[TUPLES];

/* Entries carry their tuple's number in `id`, which the table does not
 * use. */
static void count_visit(void *user, trace_conn *c)
{
	tuple *t = user;
	assert_true(c->id < TUPLES);
	assert_ptr_equal(t[c->id].conn, c);
	assert_false(visited[c->id]);
	visited[c->id] = true;
	visits++;
}

/* Every tuple is found from both ends exactly when it is held, as the
 * entry it was given and from the right side; and so it is when the
 * look-up is told to try some other entry first (flow_find_likely, whose
 * hint may name an entry since freed or handed to another). */
static void check_table(flow_table *ft, tuple *t, size_t held, sim_rng *r)
{
	for (size_t i = 0; i < TUPLES; i++) {
		trace_pkt back = reversed(&t[i].pkt);
		int from = -1;
		assert_ptr_equal(flow_find(ft, &t[i].pkt, &from), t[i].conn);
		if (t[i].conn)
			assert_int_equal(from, TRACE_CLIENT);
		assert_ptr_equal(flow_find(ft, &back, &from), t[i].conn);
		if (t[i].conn)
			assert_int_equal(from, TRACE_SERVER);
		uint32_t likely = sim_rng_chance(r, 10) ? (uint32_t)sim_rng_next(r)
						       : (uint32_t)sim_rng_below(r, ft->used + 2);
		assert_ptr_equal(flow_find_likely(ft, &back, flow_hash(&back), likely, &from), t[i].conn);
		if (t[i].conn)
			assert_int_equal(from, TRACE_SERVER);
	}
	assert_int_equal(flow_count(ft), held);
	visits = 0;
	memset(visited, 0, sizeof visited);
	flow_each(ft, count_visit, t);
	assert_int_equal(visits, held);
}

static void test_flow_table_finds_what_it_holds_from_either_end(void **state)
{
	(void)state;
	const char *env = getenv("TCPS_PROPERTY_SEEDS");
	unsigned long steps = env ? strtoul(env, NULL, 10) : 20000;
	static tuple t[TUPLES];
	sim_rng r;
	sim_rng_seed(&r, 0x666c6f77);
	draw_tuples(&r, t);
	/* A small table at first, so that it grows under the load. */
	flow_table *ft = flow_new(16, 0);
	assert_non_null(ft);
	size_t held = 0;
	for (unsigned long s = 0; s < steps; s++) {
		/* Phases that fill and drain the table, so that the buckets run
		 * full and empty again. */
		bool filling = (s / 4000) % 2 == 0;
		tuple *x = &t[sim_rng_below(&r, TUPLES)];
		if (!x->conn && sim_rng_chance(&r, filling ? 80 : 20)) {
			x->conn = flow_add(ft, &x->pkt);
			assert_non_null(x->conn);
			x->conn->id = (uint32_t)(x - t);
			held++;
		} else if (x->conn && sim_rng_chance(&r, filling ? 20 : 80)) {
			flow_del(ft, x->conn);
			x->conn = NULL;
			held--;
		}
		if (s % 197 == 0)
			check_table(ft, t, held, &r);
	}
	check_table(ft, t, held, &r);
	flow_free(ft);
}

/* A removed connection's entry is handed out again, and what it held
 * does not leak into its next connection. */
static void test_flow_table_reuses_entries_cleared(void **state)
{
	(void)state;
	sim_rng r;
	sim_rng_seed(&r, 7);
	trace_pkt a, b;
	draw_tuple(&r, &a, false);
	draw_tuple(&r, &b, false);
	flow_table *ft = flow_new(16, 8);
	trace_conn *c = flow_add(ft, &a);
	assert_non_null(c);
	c->side[0].packets = 9;
	memset(flow_extra(ft, c), 0xab, 8);
	flow_del(ft, c);
	int from;
	assert_null(flow_find(ft, &a, &from));
	trace_conn *d = flow_add(ft, &b);
	assert_ptr_equal(d, c);
	assert_int_equal(d->side[0].packets, 0);
	static const uint8_t zero[8];
	assert_memory_equal(flow_extra(ft, d), zero, 8);
	assert_ptr_equal(flow_find(ft, &b, &from), d);
	flow_free(ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow_table_finds_what_it_holds_from_either_end),
		cmocka_unit_test(test_flow_table_reuses_entries_cleared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
