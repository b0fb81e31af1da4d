/* "No allocation in the engine's per-segment path": every malloc, calloc
 * and realloc the engine makes goes through the wrappers below (the test
 * links with -Wl,--wrap=...), and none may happen between tcps_conn_new()
 * and tcps_conn_free(), through a handshake, a 1 MiB transfer each way with
 * reordering, and the four-way close. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc_count.h"
#include "tcpstate/tcpstate.h"

#define BYTES (1u << 20)
#define HELD 8

/* Segments in flight one way; every third is held back and delivered
 * after the next ones, so reassembly runs too. */
typedef struct wire {
	tcps_segment seg[HELD];
	uint8_t data[HELD][2048];
	unsigned n;
} wire;

static void carry(tcps_conn *from, tcps_conn *to, wire *w, uint64_t now)
{
	for (;;) {
		w->n = 0;
		while (w->n < HELD && tcps_output(from, &w->seg[w->n], w->data[w->n], sizeof w->data[0], now) > 0)
			w->n++;
		if (!w->n)
			return;
		for (unsigned i = 0; i < w->n; i++) {
			unsigned k = (i % 3 == 0 && i + 1 < w->n) ? i + 1 : (i % 3 == 1 && i > 0) ? i - 1 : i;
			tcps_segment_arrives(to, &w->seg[k], now);
		}
	}
}

static void test_engine_no_allocation_per_segment(void **state)
{
	(void)state;
	static wire ab, ba;
	static uint8_t chunk[16384], sink[16384];
	tcps_config cfg;
	tcps_config_default(&cfg);
	tcps_conn *c = tcps_conn_new(&cfg), *s = tcps_conn_new(&cfg);
	assert_non_null(c);
	assert_non_null(s);
	tcps_tuple tc = { 4, { 10, 0, 0, 1 }, { 10, 0, 0, 2 }, 40000, 80 };
	tcps_tuple ts = { 4, { 10, 0, 0, 2 }, { 10, 0, 0, 1 }, 80, 40000 };
	memset(chunk, 'x', sizeof chunk);
	uint64_t now = TCPS_NS_PER_S;

	assert_true(tcpt_allocations >= 2); /* the wrappers see tcps_conn_new() */
	tcpt_allocations = 0;
	tcps_open_passive(s, &ts, now);
	tcps_open_active(c, &tc, now);
	uint64_t sent[2] = { 0, 0 }, got[2] = { 0, 0 };
	tcps_conn *ends[2] = { c, s };
	for (int round = 0; round < 100000 && (got[0] < BYTES || got[1] < BYTES); round++) {
		for (int i = 0; i < 2; i++) {
			if (sent[i] < BYTES && tcps_get_state(ends[i]) == TCPS_ESTABLISHED) {
				long w = tcps_send(ends[i], chunk, sizeof chunk, now);
				if (w > 0)
					sent[i] += (uint64_t)w;
			}
			long r;
			while ((r = tcps_recv(ends[i], sink, sizeof sink, now)) > 0)
				got[i] += (uint64_t)r;
		}
		carry(c, s, &ab, now);
		carry(s, c, &ba, now);
		now += TCPS_NS_PER_MS;
		for (int i = 0; i < 2; i++)
			if (tcps_get_expiry(ends[i]) <= now)
				tcps_handle_expiry(ends[i], now);
	}
	assert_true(got[0] >= BYTES && got[1] >= BYTES);
	tcps_close(c, now);
	carry(c, s, &ab, now);
	carry(s, c, &ba, now);
	tcps_close(s, now);
	carry(s, c, &ba, now);
	carry(c, s, &ab, now);
	assert_int_equal(tcps_get_state(c), TCPS_TIME_WAIT);
	assert_int_equal(tcps_get_state(s), TCPS_CLOSED);
	assert_int_equal(tcpt_allocations, 0);

	tcps_conn_free(c);
	tcps_conn_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_no_allocation_per_segment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
