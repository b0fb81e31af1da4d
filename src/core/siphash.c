/* SipHash-2-4, from the description in the SipHash paper (§2): two
 * compression rounds per 8-byte word, four finalization rounds.  See
 * siphash.h. */
#include "siphash.h"

/* The paper reads key and message as little-endian 64-bit words. */
static uint64_t get64le(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline uint64_t rotl(uint64_t x, unsigned b)
{
	return x << b | x >> (64 - b);
}

typedef struct sip_state {
	uint64_t v0, v1, v2, v3;
} sip_state;

static void sip_round(sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl(s->v1, 13) ^ s->v0;
	s->v0 = rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl(s->v3, 16) ^ s->v2;
	s->v0 += s->v3;
	s->v3 = rotl(s->v3, 21) ^ s->v0;
	s->v2 += s->v1;
	s->v1 = rotl(s->v1, 17) ^ s->v2;
	s->v2 = rotl(s->v2, 32);
}

static void sip_compress(sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

/* The last word: the 0-7 remaining bytes, with len mod 256 in the top
 * byte so that messages differing only in trailing zeros hash apart. */
static uint64_t last_word(const uint8_t *tail, size_t len)
{
	uint64_t b = (uint64_t)(len & 0xff) << 56;

	for (size_t i = 0; i < (len & 7); i++)
		b |= (uint64_t)tail[i] << (8 * i);
	return b;
}

uint64_t tcps_siphash24(const uint8_t key[16], const void *msg, size_t len)
{
	const uint8_t *p = msg;
	uint64_t k0 = get64le(key), k1 = get64le(key + 8);
	/* "somepseudorandomlygeneratedbytes": constants with no structure the
	 * key could cancel. */
	sip_state s = {
		k0 ^ 0x736f6d6570736575ull,
		k1 ^ 0x646f72616e646f6dull,
		k0 ^ 0x6c7967656e657261ull,
		k1 ^ 0x7465646279746573ull,
	};
	size_t words = len / 8;

	for (size_t i = 0; i < words; i++)
		sip_compress(&s, get64le(p + 8 * i));
	sip_compress(&s, last_word(p + 8 * words, len));
	s.v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
