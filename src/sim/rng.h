/* A small seeded PRNG for the simulator: xoshiro256** (Blackman and
 * Vigna), seeded through splitmix64.  The simulator must replay a run
 * exactly from its seed, on every platform, so it cannot use rand(). */
#ifndef TCPS_SIM_RNG_H
#define TCPS_SIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sim_rng {
	uint64_t s[4];
} sim_rng;

/* Any seed, including 0, gives a usable (non-zero) state. */
void sim_rng_seed(sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(sim_rng *r);
/* Uniform in [0, n); 0 when n is 0. */
uint64_t sim_rng_below(sim_rng *r, uint64_t n);
/* True with probability pct/100 (pct <= 0: never, pct >= 100: always). */
bool sim_rng_chance(sim_rng *r, double pct);

#endif
