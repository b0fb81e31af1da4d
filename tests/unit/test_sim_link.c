/* The simulator's parts: the seeded PRNG, the link (ordering, loss,
 * duplication, reordering, its payload pool) and the event loop's bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/link.h"
#include "sim/rng.h"
#include "sim/sim.h"

#define MS TCPS_NS_PER_MS

static const sim_path clean = { .delay = MS };

/* Sends a segment whose payload is `len` bytes of `fill`, from `from`. */
static sim_fate send_one(sim_link *l, int from, uint32_t seq, uint32_t len, uint8_t fill,
			 uint64_t now)
{
	uint32_t slot;
	uint8_t *buf = sim_link_slot_get(l, &slot);
	assert_non_null(buf);
	memset(buf, fill, len);
	sim_flight f = { .from = (uint8_t)from, .slot = slot, .id = seq };
	f.seg.seq = seq;
	f.seg.len = len;
	f.seg.flags = TCPS_ACK;
	sim_fate fate;
	assert_int_equal(sim_link_send(l, &f, now, &fate), 0);
	return fate;
}

static sim_flight pop(sim_link *l)
{
	sim_flight f;
	assert_true(sim_link_pop(l, &f));
	return f;
}

/* ---- PRNG ---- */

static void test_rng_same_seed_same_sequence(void **state)
{
	(void)state;
	sim_rng a, b, c;
	sim_rng_seed(&a, 7);
	sim_rng_seed(&b, 7);
	sim_rng_seed(&c, 8);
	bool differs = false;
	for (int i = 0; i < 100; i++) {
		uint64_t x = sim_rng_next(&a);
		assert_int_equal(x, sim_rng_next(&b));
		differs |= x != sim_rng_next(&c);
	}
	assert_true(differs);
}

static void test_rng_seed_zero_is_usable(void **state)
{
	(void)state;
	sim_rng r;
	sim_rng_seed(&r, 0);
	uint64_t or_all = 0;
	for (int i = 0; i < 8; i++)
		or_all |= sim_rng_next(&r);
	assert_true(or_all != 0);
}

static void test_rng_below_and_chance_stay_in_range(void **state)
{
	(void)state;
	sim_rng r;
	sim_rng_seed(&r, 1);
	unsigned hits = 0;
	for (int i = 0; i < 10000; i++) {
		assert_true(sim_rng_below(&r, 10) < 10);
		assert_false(sim_rng_chance(&r, 0));
		assert_true(sim_rng_chance(&r, 100));
		hits += sim_rng_chance(&r, 25);
	}
	assert_int_equal(sim_rng_below(&r, 0), 0);
	/* 25% of 10000, give or take five standard deviations (~217). */
	assert_in_range(hits, 2500 - 217, 2500 + 217);
}

/* ---- Link ---- */

static void test_link_delivers_after_delay_in_send_order(void **state)
{
	(void)state;
	sim_link l;
	assert_int_equal(sim_link_init(&l, &clean, &clean, 1, 64, 4), 0);
	assert_int_equal(sim_link_next(&l), UINT64_MAX);
	for (uint32_t i = 0; i < 3; i++)
		send_one(&l, SIM_CLIENT, 100 + i, 10, (uint8_t)i, 5 * MS);
	send_one(&l, SIM_SERVER, 900, 0, 0, 5 * MS);
	assert_int_equal(sim_link_in_flight(&l), 4);
	assert_int_equal(sim_link_next(&l), 6 * MS);
	/* Same delivery time: first sent, first delivered. */
	for (uint32_t i = 0; i < 3; i++) {
		sim_flight f = pop(&l);
		assert_int_equal(f.at, 6 * MS);
		assert_int_equal(f.sent_at, 5 * MS);
		assert_int_equal(f.seg.seq, 100 + i);
		assert_int_equal(f.seg.data[0], i);
		sim_link_slot_put(&l, f.slot);
	}
	sim_flight f = pop(&l);
	assert_int_equal(f.from, SIM_SERVER);
	assert_null(f.seg.data); /* no payload, no pointer */
	sim_link_slot_put(&l, f.slot);
	assert_false(sim_link_pop(&l, &f));
	sim_link_free(&l);
}

static void test_link_total_loss_drops_everything(void **state)
{
	(void)state;
	sim_path lossy = clean;
	lossy.loss_pct = 100;
	sim_link l;
	assert_int_equal(sim_link_init(&l, &lossy, &clean, 1, 64, 2), 0);
	for (int i = 0; i < 10; i++)
		assert_true(send_one(&l, SIM_CLIENT, (uint32_t)i, 10, 1, 0).lost);
	assert_false(send_one(&l, SIM_SERVER, 1, 10, 1, 0).lost);
	assert_int_equal(sim_link_in_flight(&l), 1);
	assert_int_equal(l.stats.lost[SIM_CLIENT], 10);
	/* Lost segments gave their slots back: the pool never grew. */
	assert_int_equal(l.nslots, 2);
	sim_link_free(&l);
}

static void test_link_duplicate_carries_the_same_payload(void **state)
{
	(void)state;
	sim_path dup = clean;
	dup.dup_pct = 100;
	sim_link l;
	assert_int_equal(sim_link_init(&l, &dup, &clean, 1, 64, 1), 0);
	assert_true(send_one(&l, SIM_CLIENT, 5, 40, 0xab, 0).duplicated);
	assert_int_equal(sim_link_in_flight(&l), 2);
	sim_flight a = pop(&l), b = pop(&l);
	assert_false(a.dup);
	assert_true(b.dup);
	assert_int_equal(a.id, b.id);
	assert_int_not_equal(a.slot, b.slot);
	for (int i = 0; i < 40; i++) {
		assert_int_equal(a.seg.data[i], 0xab);
		assert_int_equal(b.seg.data[i], 0xab);
	}
	sim_link_free(&l);
}

/* Every slot in flight: the pool doubles, and what was in flight keeps
 * its bytes (segments hold slot numbers, not pointers). */
static void test_link_pool_grows_by_doubling_keeping_payloads(void **state)
{
	(void)state;
	sim_link l;
	assert_int_equal(sim_link_init(&l, &clean, &clean, 1, 100, 1), 0);
	for (uint32_t i = 0; i < 9; i++)
		send_one(&l, SIM_CLIENT, i, 100, (uint8_t)(i + 1), 0);
	assert_int_equal(l.nslots, 16);
	for (uint32_t i = 0; i < 9; i++) {
		sim_flight f = pop(&l);
		assert_int_equal(f.seg.seq, i);
		for (int k = 0; k < 100; k++)
			assert_int_equal(f.seg.data[k], i + 1);
		sim_link_slot_put(&l, f.slot);
	}
	/* In the steady state the freed slots are reused: no growth. */
	for (int round = 0; round < 100; round++) {
		send_one(&l, SIM_CLIENT, 0, 100, 1, 0);
		sim_flight f = pop(&l);
		sim_link_slot_put(&l, f.slot);
	}
	assert_int_equal(l.nslots, 16);
	sim_link_free(&l);
}

static void test_link_jitter_alone_keeps_order(void **state)
{
	(void)state;
	sim_path jittery = clean;
	jittery.jitter = 50 * MS;
	sim_link l;
	assert_int_equal(sim_link_init(&l, &jittery, &clean, 3, 16, 8), 0);
	for (uint32_t i = 0; i < 200; i++)
		send_one(&l, SIM_CLIENT, i, 1, 0, i * 100000ull);
	uint64_t last = 0;
	for (uint32_t i = 0; i < 200; i++) {
		sim_flight f = pop(&l);
		assert_int_equal(f.seg.seq, i);
		assert_true(f.at >= last);
		assert_true(f.at >= f.sent_at + MS && f.at <= f.sent_at + 51 * MS + 200 * 100000ull);
		last = f.at;
		sim_link_slot_put(&l, f.slot);
	}
	sim_link_free(&l);
}

static void test_link_reordering_lets_later_segments_overtake(void **state)
{
	(void)state;
	sim_path reorder = clean;
	reorder.reorder_pct = 20;
	reorder.reorder_delay = 10 * MS;
	sim_link l;
	assert_int_equal(sim_link_init(&l, &reorder, &clean, 5, 16, 8), 0);
	for (uint32_t i = 0; i < 200; i++)
		send_one(&l, SIM_CLIENT, i, 1, 0, i * MS);
	unsigned overtaken = 0;
	uint32_t prev = 0;
	for (uint32_t i = 0; i < 200; i++) {
		sim_flight f = pop(&l);
		if (i && f.seg.seq < prev)
			overtaken++;
		prev = f.seg.seq;
		sim_link_slot_put(&l, f.slot);
	}
	assert_true(overtaken > 0);
	sim_link_free(&l);
}

/* ---- Event loop bounds ---- */

/* A hook that always wants to run again 1 s later: a run that never settles. */
static void restless(sim *s, void *user)
{
	(void)user;
	sim_wake_at(s, s->now + TCPS_NS_PER_S);
}

static void test_sim_run_stops_at_virtual_time_limit(void **state)
{
	(void)state;
	sim s;
	assert_int_equal(sim_init(&s, &clean, &clean, 1, 64), 0);
	s.hook = restless;
	s.max_time = 100 * TCPS_NS_PER_S;
	assert_int_equal(sim_run(&s), SIM_ERR_TIME);
	assert_true(s.now <= s.max_time);
	sim_free(&s);
}

static void test_sim_run_stops_at_step_limit(void **state)
{
	(void)state;
	sim s;
	assert_int_equal(sim_init(&s, &clean, &clean, 1, 64), 0);
	s.hook = restless;
	s.max_steps = 50;
	assert_int_equal(sim_run(&s), SIM_ERR_EVENTS);
	assert_int_equal(s.steps, 51);
	assert_non_null(strstr(sim_strerror(SIM_ERR_EVENTS), "never settled"));
	sim_free(&s);
}

static void test_sim_run_with_nothing_to_do_returns_at_once(void **state)
{
	(void)state;
	sim s;
	assert_int_equal(sim_init(&s, &clean, &clean, 1, 64), 0);
	assert_int_equal(sim_run(&s), 0);
	assert_int_equal(s.now, 0);
	assert_int_equal(s.steps, 0);
	sim_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_same_seed_same_sequence),
		cmocka_unit_test(test_rng_seed_zero_is_usable),
		cmocka_unit_test(test_rng_below_and_chance_stay_in_range),
		cmocka_unit_test(test_link_delivers_after_delay_in_send_order),
		cmocka_unit_test(test_link_total_loss_drops_everything),
		cmocka_unit_test(test_link_duplicate_carries_the_same_payload),
		cmocka_unit_test(test_link_pool_grows_by_doubling_keeping_payloads),
		cmocka_unit_test(test_link_jitter_alone_keeps_order),
		cmocka_unit_test(test_link_reordering_lets_later_segments_overtake),
		cmocka_unit_test(test_sim_run_stops_at_virtual_time_limit),
		cmocka_unit_test(test_sim_run_stops_at_step_limit),
		cmocka_unit_test(test_sim_run_with_nothing_to_do_returns_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
