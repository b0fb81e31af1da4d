/* Diagnoses in captures: each of the seed's bugs is named on the capture
 * of its scenario, and a normal capture gets none (a false alarm is a
 * bug too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "trace_capture.h"

static void exchange(tc_capture *cap)
{
	tc_pkt(cap, C, PS | A, 1001, 4001, 499, 502, 1);
	tc_pkt(cap, S, PS | A, 4001, 1500, 499, 506, 1);
}

/* n short connections from different client ports to the server, each
 * closed by the client first: n TIME_WAITs at the client. */
static void short_connections(tc_capture *cap, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		cap->cport = (uint16_t)(40000 + i);
		uint32_t c = 1000 + i * 100000, s = 7000 + i * 100000;
		tc_pkt(cap, C, SY, c, 0, 0, 64240, 1);
		tc_pkt(cap, S, SY | A, s, c + 1, 0, 65160, 0);
		tc_pkt(cap, C, A, c + 1, s + 1, 0, 502, 0);
		tc_pkt(cap, C, FI | A, c + 1, s + 1, 0, 502, 0);
		tc_pkt(cap, S, FI | A, s + 1, c + 2, 0, 506, 0);
		tc_pkt(cap, C, A, c + 2, s + 2, 0, 502, 0);
	}
}

static void assert_no_diagnosis(const tc_capture *cap)
{
	if (cap->ndiag)
		fail_msg("unexpected %s: %s", trace_diag_name(cap->diag[0].code), cap->diag[0].message);
	for (unsigned i = 0; i < cap->nrec; i++)
		assert_int_equal(cap->rec[i].diagnoses, 0);
}

/* ---- each code on its scenario ---- */

static void test_syn_unanswered_retried_syns(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 2000);
	tc_close(&cap);
	assert_int_equal(tc_count(&cap, TRACE_D_SYN_UNANSWERED), 1);
	assert_int_equal(cap.diag[0].endpoint, TRACE_CLIENT);
	assert_int_equal(cap.diag[0].count, 3);
	assert_non_null(strstr(cap.diag[0].message, "3 SYNs"));
	assert_non_null(strstr(cap.diag[0].cause, "firewall"));
	assert_true(cap.rec[0].diagnoses & (1u << TRACE_D_SYN_UNANSWERED));
}

static void test_handshake_incomplete_final_ack_lost(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1000);
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 2000);
	tc_close(&cap);
	assert_int_equal(tc_count(&cap, TRACE_D_HANDSHAKE_INCOMPLETE), 1);
	assert_int_equal(cap.diag[0].endpoint, TRACE_SERVER);
	assert_int_equal(cap.diag[0].count, 3);
	assert_non_null(strstr(cap.diag[0].message, "never arrived"));
	assert_non_null(strstr(cap.diag[0].cause, "MTU"));
}

static void test_connection_refused(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, S, RS | A, 0, 1001, 0, 0, 1);
	tc_close(&cap);
	assert_int_equal(tc_count(&cap, TRACE_D_CONNECTION_REFUSED), 1);
	assert_int_equal(cap.ndiag, 1);
	assert_non_null(strstr(cap.diag[0].message, "10.0.0.2:9000"));
}

static void test_reset_established(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	exchange(&cap);
	tc_pkt(&cap, S, RS | A, 4500, 1500, 0, 0, 10);
	tc_close(&cap);
	assert_int_equal(tc_count(&cap, TRACE_D_RESET_ESTABLISHED), 1);
	assert_int_equal(cap.ndiag, 1);
	assert_int_equal(cap.diag[0].endpoint, TRACE_SERVER);
	assert_non_null(strstr(cap.diag[0].message, "ESTABLISHED"));
}

/* The close's final ACK never reaches the server: it sends its FIN again
 * and again, the client (in TIME_WAIT) answers the first copy only, and
 * the capture ends with the server still in LAST_ACK. */
/* The seed's exchange whose last ACK is lost: the server sends its FIN
 * again and the client, in TIME_WAIT, answers it. */
static void close_with_last_ack_lost(tc_capture *cap)
{
	tc_seed_exchange(cap, 1);
	tc_pkt(cap, S, FI | A, 4500, 1501, 0, 506, 200);
	tc_pkt(cap, C, A, 1501, 4501, 0, 502, 1);
}

static void test_last_ack_held_fin_sent_again_never_acked(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	close_with_last_ack_lost(&cap);
	tc_pkt(&cap, S, FI | A, 4500, 1501, 0, 506, 400);
	tc_close(&cap);
	assert_int_equal(tc_count(&cap, TRACE_D_LAST_ACK_HELD), 1);
	assert_int_equal(cap.ndiag, 1);
	assert_int_equal(cap.diag[0].endpoint, TRACE_SERVER);
	assert_int_equal(cap.diag[0].count, 2); /* the FIN sent again twice */
	assert_non_null(strstr(cap.diag[0].message, "LAST_ACK"));
	assert_string_equal(trace_diag_name(TRACE_D_LAST_ACK_HELD), "last_ack_held");
}

/* One ACK lost and the next one landing is TCP doing its job: the server
 * ends CLOSED, nothing to diagnose. */
static void test_last_ack_lost_once_then_landed_is_no_diagnosis(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	close_with_last_ack_lost(&cap);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 1);
	assert_no_diagnosis(&cap);
}

static void test_close_wait_stuck(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	exchange(&cap);
	tc_pkt(&cap, C, FI | A, 1500, 4500, 0, 502, 1);
	tc_pkt(&cap, S, A, 4500, 1501, 0, 506, 1);
	/* Other traffic goes on for 10 s; the server never closes. */
	cap.cport = 50000;
	tc_pkt(&cap, C, SY, 1, 0, 0, 64240, 10000);
	tc_close(&cap);
	assert_int_equal(tc_count(&cap, TRACE_D_CLOSE_WAIT_STUCK), 1);
	assert_int_equal(cap.diag[0].endpoint, TRACE_SERVER);
	assert_non_null(strstr(cap.diag[0].cause, "close()"));
}

static void test_time_wait_accumulation_names_remote(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	short_connections(&cap, 150);
	tc_close(&cap);
	assert_int_equal(tc_count(&cap, TRACE_D_TIME_WAIT_ACCUMULATION), 1);
	const trace_diag *d = &cap.diag[cap.ndiag - 1];
	assert_int_equal(d->count, 150);
	assert_int_equal(d->peer.port, 9000);
	assert_non_null(strstr(d->message, "10.0.0.2:9000"));
	assert_non_null(strstr(d->cause, "short-lived"));
}

/* ---- normal captures: no diagnosis ---- */

static void test_no_diagnosis_client_closes_first(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	exchange(&cap);
	tc_pkt(&cap, C, FI | A, 1500, 4500, 0, 502, 1);
	tc_pkt(&cap, S, A, 4500, 1501, 0, 506, 1);
	tc_pkt(&cap, S, FI | A, 4500, 1501, 0, 506, 1);
	tc_pkt(&cap, C, A, 1501, 4501, 0, 502, 1);
	tc_close(&cap);
	assert_no_diagnosis(&cap);
}

static void test_no_diagnosis_server_closes_first_and_half_close(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, S, FI | A, 4001, 1001, 0, 506, 1);
	tc_pkt(&cap, C, A, 1001, 4002, 0, 502, 1);
	tc_pkt(&cap, C, PS | A, 1001, 4002, 3000, 502, 1); /* data after the FIN */
	tc_pkt(&cap, S, A, 4002, 4001, 0, 506, 1);
	tc_pkt(&cap, C, FI | A, 4001, 4002, 0, 502, 1);
	tc_pkt(&cap, S, A, 4002, 4002, 0, 506, 1);
	tc_close(&cap);
	assert_no_diagnosis(&cap);
	assert_int_equal(cap.rec[0].closed_by, TRACE_SERVER);
}

static void test_no_diagnosis_lossy_transfer_that_completes(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000); /* the first SYN was lost */
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1);
	tc_pkt(&cap, C, A, 1001, 4001, 0, 502, 1);
	tc_pkt(&cap, C, A, 1001, 4001, 1000, 502, 1);
	tc_pkt(&cap, C, A, 2001, 4001, 1000, 502, 0);
	tc_pkt(&cap, S, A, 4001, 1001, 0, 506, 1);     /* dupack: 1001 lost */
	tc_pkt(&cap, C, A, 1001, 4001, 1000, 502, 200); /* retransmitted */
	tc_pkt(&cap, S, A, 4001, 3001, 0, 506, 1);
	tc_pkt(&cap, C, FI | A, 3001, 4001, 0, 502, 1);
	tc_pkt(&cap, S, FI | A, 4001, 3002, 0, 506, 1);
	tc_pkt(&cap, C, A, 3002, 4002, 0, 502, 1);
	tc_close(&cap);
	assert_no_diagnosis(&cap);
}

static void test_no_diagnosis_syn_just_before_capture_end(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_close(&cap);
	assert_no_diagnosis(&cap);
}

static void test_no_diagnosis_few_time_waits(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	short_connections(&cap, 5);
	tc_close(&cap);
	assert_no_diagnosis(&cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_unanswered_retried_syns),
		cmocka_unit_test(test_handshake_incomplete_final_ack_lost),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_reset_established),
		cmocka_unit_test(test_close_wait_stuck),
		cmocka_unit_test(test_last_ack_held_fin_sent_again_never_acked),
		cmocka_unit_test(test_last_ack_lost_once_then_landed_is_no_diagnosis),
		cmocka_unit_test(test_time_wait_accumulation_names_remote),
		cmocka_unit_test(test_no_diagnosis_client_closes_first),
		cmocka_unit_test(test_no_diagnosis_server_closes_first_and_half_close),
		cmocka_unit_test(test_no_diagnosis_lossy_transfer_that_completes),
		cmocka_unit_test(test_no_diagnosis_syn_just_before_capture_end),
		cmocka_unit_test(test_no_diagnosis_few_time_waits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
