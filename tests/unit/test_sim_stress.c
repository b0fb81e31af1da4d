/* Every scenario over lossy links, many seeds: whatever the link drops,
 * each must still end as expected (RFC 9293 §3.8: retransmission repairs
 * loss; §3.10.7.4: reassembly delivers text in order).  A failure names
 * the scenario, loss and seed: `tcpstate sim --scenario S --loss L
 * --seed N` replays it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "sim/scenario.h"

#define SEEDS 20

static sim_result res;

/* Runs one scenario at one loss rate over SEEDS seeds; reports each
 * failing run and fails once at the end, so one run shows them all. */
static void every_seed(const char *name, double loss)
{
	unsigned failed = 0;
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		sim_options o = { .scenario = name, .loss_pct = loss, .seed = seed };
		if (sim_scenario_run(&o, &res) != 0) {
			print_error("tcpstate sim --scenario %s --loss %g --seed %llu: %s\n", name, loss,
				    (unsigned long long)seed, res.why);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void test_every_scenario_survives_5_percent_loss(void **state)
{
	(void)state;
	for (size_t i = 0; i < sim_scenario_count(); i++)
		every_seed(sim_scenario_name(i), 5);
}

static void test_every_scenario_survives_10_percent_loss(void **state)
{
	(void)state;
	for (size_t i = 0; i < sim_scenario_count(); i++)
		every_seed(sim_scenario_name(i), 10);
}

static void test_every_scenario_survives_20_percent_loss(void **state)
{
	(void)state;
	for (size_t i = 0; i < sim_scenario_count(); i++)
		every_seed(sim_scenario_name(i), 20);
}

/* The lossy scenario's own link also duplicates and reorders. */
static void test_lossy_scenario_default_link_every_seed(void **state)
{
	(void)state;
	every_seed("lossy", -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lossy_scenario_default_link_every_seed),
		cmocka_unit_test(test_every_scenario_survives_5_percent_loss),
		cmocka_unit_test(test_every_scenario_survives_10_percent_loss),
		cmocka_unit_test(test_every_scenario_survives_20_percent_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
