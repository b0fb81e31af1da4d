/* xoshiro256** seeded by splitmix64; see rng.h. */
#include "sim/rng.h"

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* splitmix64 spreads a possibly tiny seed (1, 2, 3...) over the whole
 * 256-bit state; xoshiro needs a state that is not all zero, which
 * splitmix64's outputs never are four times in a row. */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void sim_rng_seed(sim_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t sim_rng_next(sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t sim_rng_below(sim_rng *r, uint64_t n)
{
	if (n == 0)
		return 0;
	/* Rejection keeps the draw unbiased; the loop ends quickly because
	 * more than half of all values are accepted. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = sim_rng_next(r);
	while (x >= limit);
	return x % n;
}

bool sim_rng_chance(sim_rng *r, double pct)
{
	if (pct <= 0)
		return false;
	if (pct >= 100)
		return true;
	/* 53 random bits make an exact double in [0, 1). */
	double u = (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
	return u * 100.0 < pct;
}
