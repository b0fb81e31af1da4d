/* Initial sequence numbers: RFC 6528 (ISN = M + F(tuple, key)) and the
 * SipHash-2-4 that F is made of. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "siphash.h"
#include "tcpstate/tcpstate.h"

#define TICK_NS 4000u /* RFC 6528's 4 µs */

static void key_0_to_15(uint8_t key[16])
{
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
}

static tcps_tuple v4_tuple(void)
{
	tcps_tuple t;

	memset(&t, 0, sizeof t);
	t.family = 4;
	memcpy(t.local_addr, (const uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(t.remote_addr, (const uint8_t[]){ 10, 0, 0, 2 }, 4);
	t.local_port = 40000;
	t.remote_port = 9000;
	return t;
}

static tcps_tuple v6_tuple(void)
{
	tcps_tuple t;

	memset(&t, 0, sizeof t);
	t.family = 6;
	t.local_addr[0] = 0xfd, t.local_addr[15] = 1;
	t.remote_addr[0] = 0xfd, t.remote_addr[15] = 2;
	t.local_port = 40000;
	t.remote_port = 443;
	return t;
}

/* ================= SipHash-2-4 ================= */

/* The SipHash paper, Appendix A: key 00..0f, message 00..0e (15 bytes). */
static void test_siphash24_paper_appendix_vector(void **state)
{
	uint8_t key[16], msg[15];

	(void)state;
	key_0_to_15(key);
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	assert_int_equal(tcps_siphash24(key, msg, sizeof msg), 0xa129ca6149be45e5ull);
}

/* The reference implementation's first vector: same key, empty message. */
static void test_siphash24_empty_message(void **state)
{
	uint8_t key[16];

	(void)state;
	key_0_to_15(key);
	assert_int_equal(tcps_siphash24(key, "", 0), 0x726fdb47dd0e0e31ull);
}

/* The length byte in the last word keeps a message and the same message
 * with a zero appended apart. */
static void test_siphash24_length_is_hashed(void **state)
{
	uint8_t key[16], msg[16] = { 0 };

	(void)state;
	key_0_to_15(key);
	for (size_t len = 0; len < sizeof msg; len++)
		assert_int_not_equal(tcps_siphash24(key, msg, len), tcps_siphash24(key, msg, len + 1));
}

/* ================= RFC 6528 §3 ================= */

static void test_rfc6528_3_same_inputs_same_isn(void **state)
{
	tcps_tuple t = v4_tuple();
	uint8_t key[16];

	(void)state;
	key_0_to_15(key);
	assert_int_equal(tcps_isn(&t, key, 123456789), tcps_isn(&t, key, 123456789));
}

/* M: one step every 4 µs, none in between. */
static void test_rfc6528_3_isn_advances_with_4us_clock(void **state)
{
	tcps_tuple t = v4_tuple();
	uint8_t key[16];
	uint32_t base;

	(void)state;
	key_0_to_15(key);
	base = tcps_isn(&t, key, 0);
	assert_int_equal(tcps_isn(&t, key, TICK_NS - 1), base);
	assert_int_equal(tcps_isn(&t, key, TICK_NS), (uint32_t)(base + 1));
	assert_int_equal(tcps_isn(&t, key, 1000 * TICK_NS + 17), (uint32_t)(base + 1000));
	/* One second is 250000 ticks. */
	assert_int_equal(tcps_isn(&t, key, 1000000000ull), (uint32_t)(base + 250000));
}

/* M wraps with sequence space, about every 4.77 hours. */
static void test_rfc6528_3_clock_wraps_mod_2_32(void **state)
{
	tcps_tuple t = v4_tuple();
	uint8_t key[16];

	(void)state;
	key_0_to_15(key);
	assert_int_equal(tcps_isn(&t, key, (uint64_t)TICK_NS << 32), tcps_isn(&t, key, 0));
	assert_int_equal(tcps_isn(&t, key, ((uint64_t)TICK_NS << 32) - TICK_NS),
			 (uint32_t)(tcps_isn(&t, key, 0) - 1));
}

/* F is SipHash-2-4 of local address, local port, remote address, remote
 * port (ports big-endian), truncated to 32 bits. */
static void test_rfc6528_3_f_is_siphash_of_tuple(void **state)
{
	static const uint8_t v4_msg[12] = { 10, 0, 0, 1, 0x9c, 0x40, 10, 0, 0, 2, 0x23, 0x28 };
	tcps_tuple t4 = v4_tuple(), t6 = v6_tuple();
	uint8_t key[16], v6_msg[36] = { 0 };

	(void)state;
	key_0_to_15(key);
	assert_int_equal(tcps_isn(&t4, key, 0), (uint32_t)tcps_siphash24(key, v4_msg, sizeof v4_msg));

	v6_msg[0] = 0xfd, v6_msg[15] = 1, v6_msg[16] = 0x9c, v6_msg[17] = 0x40;
	v6_msg[18] = 0xfd, v6_msg[33] = 2, v6_msg[34] = 0x01, v6_msg[35] = 0xbb;
	assert_int_equal(tcps_isn(&t6, key, 0), (uint32_t)tcps_siphash24(key, v6_msg, sizeof v6_msg));
}

static void assert_isn_differs(const tcps_tuple *a, const tcps_tuple *b, const uint8_t key[16])
{
	assert_int_not_equal(tcps_isn(a, key, 5 * TICK_NS), tcps_isn(b, key, 5 * TICK_NS));
}

static void test_rfc6528_3_different_tuples_different_isns(void **state)
{
	tcps_tuple base = v4_tuple(), t;
	uint8_t key[16];

	(void)state;
	key_0_to_15(key);
	t = base, t.local_port++;
	assert_isn_differs(&base, &t, key);
	t = base, t.remote_port++;
	assert_isn_differs(&base, &t, key);
	t = base, t.local_addr[3]++;
	assert_isn_differs(&base, &t, key);
	t = base, t.remote_addr[0]++;
	assert_isn_differs(&base, &t, key);
	/* The two ends swapped: each direction has its own ISN. */
	t = base;
	memcpy(t.local_addr, base.remote_addr, 16);
	memcpy(t.remote_addr, base.local_addr, 16);
	t.local_port = base.remote_port, t.remote_port = base.local_port;
	assert_isn_differs(&base, &t, key);
}

static void test_rfc6528_3_different_keys_different_isns(void **state)
{
	tcps_tuple t = v4_tuple();
	uint8_t k1[16], k2[16];

	(void)state;
	key_0_to_15(k1);
	key_0_to_15(k2);
	k2[15] ^= 0x80;
	assert_int_not_equal(tcps_isn(&t, k1, 0), tcps_isn(&t, k2, 0));
}

/* An IPv4 tuple hashes only 4 bytes of each address: stale bytes after
 * them must not change the ISN. */
static void test_rfc6528_3_ipv4_ignores_unused_address_bytes(void **state)
{
	tcps_tuple a = v4_tuple(), b = v4_tuple();
	uint8_t key[16];

	(void)state;
	key_0_to_15(key);
	memset(b.local_addr + 4, 0xee, 12);
	memset(b.remote_addr + 4, 0x11, 12);
	assert_int_equal(tcps_isn(&a, key, 42 * TICK_NS), tcps_isn(&b, key, 42 * TICK_NS));
}

static void test_rfc6528_3_ipv6_uses_every_address_byte(void **state)
{
	tcps_tuple base = v6_tuple();
	uint8_t key[16];

	(void)state;
	key_0_to_15(key);
	for (int i = 0; i < 16; i++) {
		tcps_tuple l = base, r = base;

		l.local_addr[i] ^= 0x40;
		r.remote_addr[i] ^= 0x40;
		assert_isn_differs(&base, &l, key);
		assert_isn_differs(&base, &r, key);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash24_paper_appendix_vector),
		cmocka_unit_test(test_siphash24_empty_message),
		cmocka_unit_test(test_siphash24_length_is_hashed),
		cmocka_unit_test(test_rfc6528_3_same_inputs_same_isn),
		cmocka_unit_test(test_rfc6528_3_isn_advances_with_4us_clock),
		cmocka_unit_test(test_rfc6528_3_clock_wraps_mod_2_32),
		cmocka_unit_test(test_rfc6528_3_f_is_siphash_of_tuple),
		cmocka_unit_test(test_rfc6528_3_different_tuples_different_isns),
		cmocka_unit_test(test_rfc6528_3_different_keys_different_isns),
		cmocka_unit_test(test_rfc6528_3_ipv4_ignores_unused_address_bytes),
		cmocka_unit_test(test_rfc6528_3_ipv6_uses_every_address_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
