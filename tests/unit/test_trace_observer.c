/* The observer: both endpoints' states named from the segments alone, and
 * revised when later behaviour contradicts an inference.  Each test plays
 * one exchange as a capture would show it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "trace/observer.h"
#include "trace_capture.h"

#define C TC_C
#define S TC_S

typedef tc_capture capture;

static void open_capture(capture *cap, uint8_t family)
{
	tc_open(cap, family, NULL);
}

static void pkt(capture *cap, int from, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint16_t wnd,
		uint64_t dt_ms)
{
	tc_pkt(cap, from, flags, seq, ack, len, wnd, dt_ms);
}

static void close_capture(capture *cap)
{
	tc_close(cap);
}

static void expect_states(const trace_conn_record *r, int side, const tcps_state *want, unsigned n)
{
	char got[256] = "", exp[256] = "";
	for (unsigned i = 0; i < r->nstates[side]; i++)
		strcat(strcat(got, " "), tcps_state_name(r->states[side][i]));
	for (unsigned i = 0; i < n; i++)
		strcat(strcat(exp, " "), tcps_state_name(want[i]));
	if (strcmp(got, exp))
		fail_msg("%s states:%s, want%s", side ? "server" : "client", got, exp);
}

#define EXPECT(rec, side, ...)                                                                 \
	do {                                                                                   \
		static const tcps_state want_[] = { __VA_ARGS__ };                             \
		expect_states(rec, side, want_, sizeof want_ / sizeof want_[0]);               \
	} while (0)

#define A TCPS_ACK
#define SY TCPS_SYN
#define FI TCPS_FIN
#define RS TCPS_RST
#define PS TCPS_PSH

/* The seed's Concrete Example, as a capture shows it, dt_ms between
 * segments. */
static void seed_exchange_every(capture *cap, uint64_t dt_ms)
{
	pkt(cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(cap, S, SY | A, 4000, 1001, 0, 65160, dt_ms);
	pkt(cap, C, A, 1001, 4001, 0, 502, dt_ms);
	pkt(cap, C, PS | A, 1001, 4001, 499, 502, dt_ms);
	pkt(cap, S, PS | A, 4001, 1500, 499, 506, dt_ms);
	pkt(cap, C, FI | A, 1500, 4500, 0, 502, dt_ms);
	pkt(cap, S, A, 4500, 1501, 0, 506, dt_ms);
	pkt(cap, S, FI | A, 4500, 1501, 0, 506, dt_ms);
	pkt(cap, C, A, 1501, 4501, 0, 502, dt_ms);
}

static void seed_exchange(capture *cap)
{
	seed_exchange_every(cap, 1);
}

static void test_seed_concrete_example_states_per_segment(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	seed_exchange(&cap);
	static const tcps_state want[9][2] = {
		{ TCPS_SYN_SENT, TCPS_SYN_RCVD },      { TCPS_ESTABLISHED, TCPS_SYN_RCVD },
		{ TCPS_ESTABLISHED, TCPS_ESTABLISHED }, { TCPS_ESTABLISHED, TCPS_ESTABLISHED },
		{ TCPS_ESTABLISHED, TCPS_ESTABLISHED }, { TCPS_FIN_WAIT_1, TCPS_CLOSE_WAIT },
		{ TCPS_FIN_WAIT_2, TCPS_CLOSE_WAIT },   { TCPS_TIME_WAIT, TCPS_LAST_ACK },
		{ TCPS_TIME_WAIT, TCPS_CLOSED },
	};
	static const trace_label labels[9] = {
		TRACE_L_HANDSHAKE_1, TRACE_L_HANDSHAKE_2, TRACE_L_HANDSHAKE_3, TRACE_L_DATA, TRACE_L_DATA,
		TRACE_L_CLOSE_1,     TRACE_L_CLOSE_2,     TRACE_L_CLOSE_3,     TRACE_L_CLOSE_4,
	};
	assert_int_equal(cap.nev, 9);
	for (unsigned i = 0; i < 9; i++) {
		assert_int_equal(cap.states[i][0], want[i][0]);
		assert_int_equal(cap.states[i][1], want[i][1]);
		assert_string_equal(trace_label_name(cap.labels[i]), trace_label_name(labels[i]));
	}
	close_capture(&cap);
	assert_int_equal(cap.nrec, 1);
	const trace_conn_record *r = &cap.rec[0];
	EXPECT(r, 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT);
	EXPECT(r, 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK, TCPS_CLOSED);
	assert_int_equal(r->closed_by, TRACE_CLIENT);
	assert_int_equal(r->packets[0], 5);
	assert_int_equal(r->packets[1], 4);
	assert_int_equal(r->bytes[0], 499);
	assert_int_equal(r->bytes[1], 499);
	assert_false(r->midstream);
}

/* "SYN with no SYN-ACK": the SYN sent again with nothing in between never
 * arrived, so the server never left LISTEN. */
static void test_syn_unanswered_server_stays_listen(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000);
	assert_int_equal(cap.labels[1], TRACE_L_RETRANSMISSION);
	assert_true(cap.revised[1][1]);
	assert_int_equal(cap.states[1][1], TCPS_LISTEN);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 2000);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN);
}

/* "SYN-ACK with no final ACK": the server sending its SYN,ACK again after
 * the client's ACK means that ACK never arrived. */
static void test_handshake_final_ack_lost_server_stays_syn_rcvd(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1);
	pkt(&cap, C, A, 1001, 4001, 0, 502, 1);
	assert_int_equal(cap.states[2][1], TCPS_ESTABLISHED);
	pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1000);
	assert_int_equal(cap.states[3][1], TCPS_SYN_RCVD);
	assert_true(cap.revised[3][1]);
	assert_int_equal(cap.labels[3], TRACE_L_RETRANSMISSION);
	pkt(&cap, C, A, 1001, 4001, 0, 502, 1); /* dropped again */
	pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 2000);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD);
}

/* A SYN answered by RST: refused; nothing was listening. */
static void test_rfc9293_3_10_7_3_refused_client_closed_server_never_listened(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, S, RS | A, 0, 1001, 0, 0, 1);
	assert_int_equal(cap.labels[1], TRACE_L_RESET);
	close_capture(&cap);
	assert_int_equal(cap.nrec, 1);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_CLOSED);
	EXPECT(&cap.rec[0], 1, TCPS_CLOSED);
	assert_true(cap.rec[0].reset);
}

static void establish(capture *cap)
{
	pkt(cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(cap, S, SY | A, 4000, 1001, 0, 65160, 1);
	pkt(cap, C, A, 1001, 4001, 0, 502, 1);
}

/* RFC 5961 §3.2: only a RST at the expected sequence number resets. */
static void test_rfc5961_rst_out_of_window_ignored_exact_resets(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, S, RS, 900000, 0, 0, 0, 1); /* blind, far outside */
	assert_int_equal(cap.states[3][0], TCPS_ESTABLISHED);
	assert_int_equal(cap.states[3][1], TCPS_CLOSED); /* the sender aborted, as far as it says */
	close_capture(&cap);
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, S, RS | A, 4001, 1001, 0, 0, 1);
	assert_int_equal(cap.states[3][0], TCPS_CLOSED);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_CLOSED);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSED);
}

/* Both FINs cross: both sides pass CLOSING into TIME_WAIT (§3.6). */
static void test_rfc9293_3_6_simultaneous_close_both_closing(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	pkt(&cap, S, FI | A, 4001, 1001, 0, 506, 0);
	assert_int_equal(cap.labels[4], TRACE_L_CLOSE_SIMULTANEOUS);
	pkt(&cap, C, A, 1002, 4002, 0, 502, 1);
	pkt(&cap, S, A, 4002, 1002, 0, 506, 0);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_CLOSING,
	       TCPS_TIME_WAIT);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_CLOSING,
	       TCPS_TIME_WAIT);
	assert_int_equal(cap.rec[0].closed_by, 2);
}

/* Simultaneous open (MUST-10): both SYNs, then both SYN,ACKs. */
static void test_must_10_simultaneous_open(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, S, SY, 4000, 0, 0, 64240, 0);
	pkt(&cap, C, SY | A, 1000, 4001, 0, 64240, 1);
	pkt(&cap, S, SY | A, 4000, 1001, 0, 64240, 0);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
	EXPECT(&cap.rec[0], 1, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
	assert_int_equal(cap.nrec, 1);
}

/* Both first SYNs of a simultaneous open lost (as the kernel oracle
 * test_simultaneous_open.sh makes them): the server's bare SYN sent again
 * a second later says it never took the client's SYN, so it is in
 * SYN_SENT, not SYN_RCVD; the client takes that SYN (SYN_SENT ->
 * SYN_RCVD) and its SYN,ACK completes the server's open as a client's. */
static void test_must_10_simultaneous_open_first_syns_lost(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, S, SY, 4000, 0, 0, 64240, 0);
	pkt(&cap, S, SY, 4000, 0, 0, 64240, 1000);  /* both were lost */
	pkt(&cap, C, SY | A, 1000, 4001, 0, 64240, 0);
	pkt(&cap, S, A, 4001, 1001, 0, 502, 0);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
	EXPECT(&cap.rec[0], 1, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);
}

/* The same, but the two SYNs sent again cross as well (RFC 9293
 * Figure 8 after a loss): both ends pass SYN_RCVD, and each SYN,ACK
 * crosses the other's. */
static void test_must_10_simultaneous_open_resent_syns_cross(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, S, SY, 4000, 0, 0, 64240, 0);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000); /* both were lost */
	pkt(&cap, S, SY, 4000, 0, 0, 64240, 0);    /* these two cross */
	pkt(&cap, C, SY | A, 1000, 4001, 0, 64240, 0);
	pkt(&cap, S, SY | A, 4000, 1001, 0, 64240, 0);
	pkt(&cap, C, A, 1001, 4001, 0, 502, 0);
	pkt(&cap, S, A, 4001, 1001, 0, 502, 0);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
	EXPECT(&cap.rec[0], 1, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
}

/* RFC 9293 §3.10.7.3: the client's SYN sent again a second after the
 * server's SYN,ACK passed says that SYN,ACK was lost: the client is back
 * in SYN_SENT until the next one.  Sent as the SYN,ACK passed, the two
 * crossed, and the client's receipt of it stands. */
static void test_rfc9293_3_10_7_3_syn_again_after_syn_ack_lost_or_crossing(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1);   /* lost on the way */
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000);
	assert_int_equal(cap.states[2][0], TCPS_SYN_SENT);
	pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1);
	pkt(&cap, C, A, 1001, 4001, 0, 502, 1);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);

	capture x;
	open_capture(&x, 4);
	pkt(&x, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&x, S, SY | A, 4000, 1001, 0, 65160, 1000);
	pkt(&x, C, SY, 1000, 0, 0, 64240, 0);           /* crossed it */
	assert_int_equal(x.states[2][0], TCPS_ESTABLISHED);
	pkt(&x, C, A, 1001, 4001, 0, 502, 0);
	close_capture(&x);
	EXPECT(&x.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);
}

/* A capture that starts mid-stream: the first sender is the client. */
static void test_midstream_start(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, S, PS | A, 7000, 3000, 100, 500, 0);
	pkt(&cap, C, A, 3000, 7100, 0, 500, 1);
	close_capture(&cap);
	assert_true(cap.rec[0].midstream);
	assert_int_equal(cap.rec[0].ep[0].port, 9000); /* the first sender */
	EXPECT(&cap.rec[0], 0, TCPS_ESTABLISHED);
	EXPECT(&cap.rec[0], 1, TCPS_ESTABLISHED);
}

/* A new SYN on the same 4-tuple after the old connection reached
 * TIME_WAIT starts a new connection (RFC 6191). */
static void test_rfc6191_four_tuple_reuse_new_connection(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	seed_exchange(&cap);
	pkt(&cap, C, SY, 900000, 0, 0, 64240, 1000);
	pkt(&cap, S, SY | A, 700000, 900001, 0, 65160, 1);
	close_capture(&cap);
	assert_int_equal(cap.nrec, 2);
	assert_int_equal(cap.rec[0].conn, 1);
	assert_int_equal(cap.rec[1].conn, 2);
	EXPECT(&cap.rec[1], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);
}

/* TIME_WAIT ends 2*MSL (60 s by default) of capture time later: seen
 * when the peer's close never completes (its last ACK never shows), so
 * the connection is still tracked when the time runs out. */
static void test_rfc9293_3_10_8_time_wait_ends_after_2msl_of_capture_time(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	pkt(&cap, S, FI | A, 4001, 1002, 0, 506, 1); /* client: TIME_WAIT; its ACK never shows */
	cap.cport = 50000; /* unrelated traffic 61 s later */
	pkt(&cap, C, SY, 1, 0, 0, 64240, 61000);
	tc_close(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
	       TCPS_TIME_WAIT, TCPS_CLOSED);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK);
}

/* RFC 9293 §3.6: the close's last ACK lost on its way.  The server's
 * CLOSED rests on it, so the record waits: the server sends its FIN again
 * (at its retransmission timeout), which takes the ACK back (LAST_ACK
 * again, revised), and the client answers from TIME_WAIT; the record comes
 * out once the server has been silent for the hold (3 s of capture time),
 * with every segment inside it. */
static void test_rfc9293_3_6_last_ack_lost_fin_again_server_back_in_last_ack(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	seed_exchange(&cap);
	assert_int_equal(cap.states[8][1], TCPS_CLOSED);
	assert_int_equal(cap.nrec, 0); /* held: the server may not have the ACK */
	pkt(&cap, S, FI | A, 4500, 1501, 0, 506, 200);
	assert_int_equal(cap.labels[9], TRACE_L_RETRANSMISSION);
	assert_int_equal(cap.states[9][1], TCPS_LAST_ACK);
	assert_true(cap.revised[9][1]);
	assert_int_equal(cap.states[9][0], TCPS_TIME_WAIT);
	pkt(&cap, C, A, 1501, 4501, 0, 502, 0);
	assert_int_equal(cap.states[10][1], TCPS_CLOSED);
	pkt(&cap, S, FI | A, 4500, 1501, 0, 506, 2900); /* within the hold of the last ACK: still its */
	assert_int_equal(cap.states[11][1], TCPS_LAST_ACK);
	pkt(&cap, C, A, 1501, 4501, 0, 502, 0);
	assert_int_equal(cap.nrec, 0);
	cap.cport = 50000; /* unrelated traffic once the server was silent for the hold */
	pkt(&cap, C, SY, 1, 0, 0, 64240, 3001);
	assert_int_equal(cap.nrec, 1);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK,
	       TCPS_CLOSED);
	assert_int_equal(cap.rec[0].packets[TC_S], 6);
	assert_int_equal(cap.rec[0].retransmits[TC_S], 2);
	trace_obs_stats st;
	trace_obs_get_stats(cap.obs, &st);
	assert_int_equal(st.late, 0);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 2);
}

/* Once its record is out, a segment still in flight is a stray of that
 * connection (counted), not a new one. */
static void test_connection_ends_after_the_hold_strays_ignored(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	seed_exchange(&cap);
	cap.cport = 50000;
	pkt(&cap, C, SY, 1, 0, 0, 64240, 3001);
	assert_int_equal(cap.nrec, 1);
	cap.cport = 43236; /* back to the seed's connection */
	pkt(&cap, S, FI | A, 4500, 1501, 0, 506, 200); /* the FIN again, after the hold */
	pkt(&cap, C, A, 1501, 4501, 0, 502, 0);
	trace_obs_stats st;
	trace_obs_get_stats(cap.obs, &st);
	assert_int_equal(st.late, 2);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 2);
	assert_int_equal(cap.nev, 10);
}

/* A live capture with nothing more to show: time passes all the same
 * (trace_obs_idle), and records held out come out when they are due, not
 * at the next packet: a close's last ACK after 3 s, a RST's receipt once
 * the sweep finds its receiver silent for 10 s. */
static void test_idle_live_capture_records_come_out_on_time(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	seed_exchange(&cap);
	cap.cport = 50000;
	establish(&cap);
	pkt(&cap, C, RS | A, 1001, 4001, 0, 0, 1);
	cap.cport = 43236;
	const uint64_t s = 1000000000ull;
	trace_obs_idle(cap.obs, cap.ts + 2 * s);
	assert_int_equal(cap.nrec, 0);
	trace_obs_idle(cap.obs, cap.ts + 3 * s + 1);
	assert_int_equal(cap.nrec, 1);
	assert_int_equal(cap.rec[0].ep[TC_C].port, 43236);
	trace_obs_idle(cap.obs, cap.ts + 41 * s);
	assert_int_equal(cap.nrec, 2);
	assert_true(cap.rec[1].reset);
	trace_obs_idle(cap.obs, cap.ts); /* time never runs back */
	tc_close(&cap);
	assert_int_equal(cap.nrec, 2);
}

/* Memory stays bounded: past 16,384 closes waiting at once, the oldest
 * record comes out at once. */
static void test_held_records_are_bounded(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	for (unsigned i = 0; i < 16384; i++) {
		cap.cport = (uint16_t)(1024 + i);
		seed_exchange_every(&cap, 0);
	}
	assert_int_equal(cap.nrec, 0);
	cap.cport = 60000;
	seed_exchange_every(&cap, 0);
	assert_int_equal(cap.nrec, 1);
	assert_int_equal(cap.rec[0].ep[TC_C].port, 1024);
	tc_close(&cap);
}

/* The client's FIN is lost after the capture point and sent again: the
 * first copy's receipt is taken back, the server's ACK of the second
 * proves it. */
static void test_fin_retransmitted_receipt_revised_then_proved(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	assert_int_equal(cap.states[3][1], TCPS_CLOSE_WAIT);
	pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 300);
	assert_int_equal(cap.states[4][1], TCPS_ESTABLISHED);
	assert_true(cap.revised[4][1]);
	pkt(&cap, S, A, 4001, 1002, 0, 506, 1);
	assert_int_equal(cap.states[5][1], TCPS_CLOSE_WAIT);
	assert_int_equal(cap.states[5][0], TCPS_FIN_WAIT_2);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT);
}

/* Half-close: the server goes on sending after the client's FIN. */
static void test_rfc9293_3_6_half_close_data_after_fin(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	pkt(&cap, S, A, 4001, 1002, 0, 506, 1);
	pkt(&cap, S, PS | A, 4001, 1002, 1000, 506, 1);
	assert_int_equal(cap.labels[5], TRACE_L_DATA);
	pkt(&cap, C, A, 1002, 5001, 0, 502, 1);
	pkt(&cap, S, FI | A, 5001, 1002, 0, 506, 1);
	pkt(&cap, C, A, 1002, 5002, 0, 502, 1);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
	       TCPS_TIME_WAIT);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK,
	       TCPS_CLOSED);
	assert_int_equal(cap.rec[0].bytes[1], 1000);
}

/* Sequence numbers wrap (RFC 9293 §3.4): an ISN just below 2^32. */
static void test_rfc9293_3_4_sequence_wraparound(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	uint32_t isn = 0xfffffff0u;
	pkt(&cap, C, SY, isn, 0, 0, 64240, 0);
	pkt(&cap, S, SY | A, 4000, isn + 1, 0, 65160, 1);
	pkt(&cap, C, A, isn + 1, 4001, 0, 502, 1);
	pkt(&cap, C, PS | A, isn + 1, 4001, 100, 502, 1);
	pkt(&cap, S, A, 4001, isn + 101, 0, 506, 1);
	pkt(&cap, C, PS | A, isn + 1, 4001, 100, 502, 300);
	assert_int_equal(cap.labels[3], TRACE_L_DATA);
	assert_int_equal(cap.labels[5], TRACE_L_RETRANSMISSION);
	close_capture(&cap);
	assert_int_equal(cap.rec[0].bytes[0], 100);
}

/* Labels for the window and liveness segments, as Wireshark names them. */
static void test_labels_keepalive_zero_window_update_probe(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, A, 1000, 4001, 0, 502, 5000);      /* SEG.SEQ = SND.NXT - 1 */
	assert_int_equal(cap.labels[3], TRACE_L_KEEPALIVE);
	pkt(&cap, S, A, 4001, 1001, 0, 0, 1);           /* shuts its window */
	assert_int_equal(cap.labels[4], TRACE_L_ZERO_WINDOW);
	pkt(&cap, C, A, 1001, 4001, 1, 502, 200);       /* one byte into it */
	assert_int_equal(cap.labels[5], TRACE_L_WINDOW_PROBE);
	pkt(&cap, S, A, 4001, 1001, 0, 300, 100);       /* opens it */
	assert_int_equal(cap.labels[6], TRACE_L_WINDOW_UPDATE);
	close_capture(&cap);
}

/* A segment that fills a fresh gap is out of order; long after, it is a
 * retransmission. */
static void test_labels_out_of_order_versus_retransmission(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, A, 1101, 4001, 100, 502, 1);  /* 1001..1100 missing */
	pkt(&cap, C, A, 1001, 4001, 100, 502, 0);  /* arrives just after */
	assert_int_equal(cap.labels[4], TRACE_L_OUT_OF_ORDER);
	pkt(&cap, C, A, 1301, 4001, 100, 502, 1);  /* 1201..1300 missing */
	pkt(&cap, C, A, 1201, 4001, 100, 502, 400);
	assert_int_equal(cap.labels[6], TRACE_L_RETRANSMISSION);
	close_capture(&cap);
}

/* Out of order means first sight of the bytes: once the hole is filled,
 * the segment that jumped it, sent again at once, is a retransmission.
 * A hole filled from below leaves its upper part open.  Bytes the
 * receiver has acknowledged reached it before: a copy of them is a
 * retransmission however soon it comes, even when the capture missed
 * the first (Wireshark's spurious retransmission). */
static void test_labels_out_of_order_is_first_sight_only(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, A, 1101, 4001, 100, 502, 1);  /* jumps 1001..1100 */
	pkt(&cap, C, A, 1001, 4001, 100, 502, 0);  /* fills it: overtaken */
	assert_int_equal(cap.labels[4], TRACE_L_OUT_OF_ORDER);
	pkt(&cap, C, A, 1101, 4001, 100, 502, 0);  /* the jumper again */
	assert_int_equal(cap.labels[5], TRACE_L_RETRANSMISSION);
	pkt(&cap, C, A, 1001, 4001, 100, 502, 0);  /* the filler again */
	assert_int_equal(cap.labels[6], TRACE_L_RETRANSMISSION);

	pkt(&cap, C, A, 1501, 4001, 100, 502, 1);  /* jumps 1201..1500 */
	pkt(&cap, C, A, 1201, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[8], TRACE_L_OUT_OF_ORDER);
	pkt(&cap, C, A, 1301, 4001, 100, 502, 0);  /* more of the hole */
	assert_int_equal(cap.labels[9], TRACE_L_OUT_OF_ORDER);
	pkt(&cap, C, A, 1501, 4001, 100, 502, 0);  /* above it: the jumper again */
	assert_int_equal(cap.labels[10], TRACE_L_RETRANSMISSION);
	pkt(&cap, C, A, 1401, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[11], TRACE_L_OUT_OF_ORDER);

	pkt(&cap, C, A, 1701, 4001, 100, 502, 1);  /* jumps 1601..1700 */
	pkt(&cap, S, A, 4001, 1801, 0, 506, 0);    /* which the receiver had */
	pkt(&cap, C, A, 1601, 4001, 100, 502, 0);  /* the capture's first copy */
	assert_int_equal(cap.labels[14], TRACE_L_RETRANSMISSION);
	close_capture(&cap);
}

/* Microseconds later (a LAN's round trip is tens of them). */
static void after_us(capture *cap, uint64_t us)
{
	cap->ts += us * 1000;
}

/* The out-of-order window is the handshake's round trip to the
 * microsecond, as Wireshark has it (not 3 ms at least): on a LAN a hole
 * filled five round trips later is a retransmission.  Two holes opened
 * within it are one span, both filled out of order. */
static void test_labels_out_of_order_window_is_the_lan_round_trip(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	after_us(&cap, 50);
	pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 0);
	after_us(&cap, 50);
	pkt(&cap, C, A, 1001, 4001, 0, 502, 0);    /* irtt 100 µs */
	after_us(&cap, 10);
	pkt(&cap, C, A, 1101, 4001, 100, 502, 0);  /* jumps 1001..1100 */
	after_us(&cap, 20);
	pkt(&cap, C, A, 1001, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[4], TRACE_L_OUT_OF_ORDER);
	pkt(&cap, C, A, 1301, 4001, 100, 502, 0);  /* jumps 1201..1300 */
	after_us(&cap, 500);
	pkt(&cap, C, A, 1201, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[6], TRACE_L_RETRANSMISSION);

	pkt(&cap, C, A, 1501, 4001, 100, 502, 0);  /* jumps 1401..1500 */
	after_us(&cap, 10);
	pkt(&cap, C, A, 1701, 4001, 100, 502, 0);  /* and 1601..1700 */
	after_us(&cap, 10);
	pkt(&cap, C, A, 1401, 4001, 100, 502, 0);
	pkt(&cap, C, A, 1601, 4001, 100, 502, 0);
	assert_int_equal(cap.labels[9], TRACE_L_OUT_OF_ORDER);
	assert_int_equal(cap.labels[10], TRACE_L_OUT_OF_ORDER);
	close_capture(&cap);
}

/* The round trip counts from the client's latest SYN (Wireshark's iRTT):
 * after a SYN lost and sent again a second later, a hole filled 50 ms
 * after it opened, on a 2 ms path, is a retransmission, not a segment
 * overtaken. */
static void test_labels_round_trip_from_the_latest_syn(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000); /* the first was lost */
	pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1);
	pkt(&cap, C, A, 1001, 4001, 0, 502, 1);
	pkt(&cap, C, A, 1101, 4001, 100, 502, 1);  /* jumps 1001..1100 */
	pkt(&cap, C, A, 1001, 4001, 100, 502, 50);
	assert_int_equal(cap.labels[5], TRACE_L_RETRANSMISSION);
	pkt(&cap, C, A, 1301, 4001, 100, 502, 1);  /* jumps 1201..1300 */
	pkt(&cap, C, A, 1201, 4001, 100, 502, 1);
	assert_int_equal(cap.labels[7], TRACE_L_OUT_OF_ORDER);
	close_capture(&cap);
}

/* RFC 9293 §3.10.7.4: a window comes with the newest acknowledgment
 * (SND.WL2 =< SEG.ACK); an older ACK overtaken on the way carries one its
 * receiver ignores, so the ACK after it with the newest acknowledgment
 * and the same window as before is no window update. */
static void test_rfc9293_3_10_7_4_overtaken_ack_window_ignored(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, A, 1001, 4001, 200, 502, 1);
	pkt(&cap, S, A, 4001, 1201, 0, 500, 0);    /* the newest ACK */
	pkt(&cap, S, A, 4001, 1101, 0, 501, 0);    /* an older one, overtaken */
	pkt(&cap, S, A, 4001, 1201, 0, 500, 0);    /* same ACK, same window */
	assert_int_equal(cap.labels[6], TRACE_L_ACK);
	pkt(&cap, S, A, 4001, 1201, 0, 600, 0);    /* the window opens */
	assert_int_equal(cap.labels[7], TRACE_L_WINDOW_UPDATE);
	close_capture(&cap);
}

static void test_ipv6_endpoints(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 6);
	seed_exchange(&cap);
	close_capture(&cap);
	assert_int_equal(cap.rec[0].ep[0].family, 6);
	assert_int_equal(cap.rec[0].ep[0].addr[0], 0xfd);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK,
	       TCPS_CLOSED);
}

/* A half-duplex capture shows only the client's segments: its ACK from
 * SYN_SENT proves a SYN,ACK it received, so both sides move on. */
static void test_half_duplex_capture_client_side_only(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000);
	pkt(&cap, C, A, 1001, 4001, 0, 502, 30);
	pkt(&cap, C, PS | A, 1001, 4001, 100, 502, 1);
	pkt(&cap, C, FI | A, 1101, 4001, 0, 502, 1);
	pkt(&cap, C, FI | A, 1101, 4001, 0, 502, 300);
	close_capture(&cap);
	assert_int_equal(cap.nrec, 1);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
}

/* Segments still in flight when a RST ends the connection belong to it:
 * the 4-tuple is remembered for 2*MSL, no new connection starts. */
static void test_segments_after_rst_stay_with_their_connection(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, S, RS | A, 4001, 1001, 0, 0, 1);
	pkt(&cap, C, PS | A, 1001, 4001, 100, 502, 1);
	pkt(&cap, S, RS, 4001, 0, 0, 0, 1);
	close_capture(&cap);
	assert_int_equal(cap.nrec, 1);
	assert_true(cap.rec[0].reset);
}

/* RFC 9293 §3.10.7.4 (RST in a synchronized state): the client's RST
 * never reaches the server, which closes two seconds later.  Its FIN
 * proves it never left ESTABLISHED; the client, with no socket left,
 * answers the FIN with a RST (§3.10.7.1), and that one lands.  The record
 * waits for that, rather than coming out at the first RST. */
static void test_rfc9293_3_10_7_4_rst_lost_receipt_revised_by_later_fin(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, RS | A, 1001, 4001, 0, 502, 1);
	assert_int_equal(cap.states[3][1], TCPS_CLOSED);
	assert_int_equal(cap.nrec, 0); /* the RST may not have arrived */
	pkt(&cap, S, FI | A, 4001, 1001, 0, 506, 2000);
	assert_true(cap.revised[4][1]);
	assert_int_equal(cap.states[4][1], TCPS_FIN_WAIT_1);
	pkt(&cap, C, RS, 1001, 0, 0, 0, 1);
	assert_int_equal(cap.states[5][1], TCPS_CLOSED);
	close_capture(&cap);
	assert_int_equal(cap.nrec, 1);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_CLOSED);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_CLOSED);
}

/* What the server sent before the RST reached it (within a round trip of
 * the RST) proves nothing; and silence makes the receipt sure, at the
 * first sweep (once an MSL) 10 s or more after it. */
static void test_rfc9293_3_10_7_4_rst_crossing_data_keeps_receipt(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, RS | A, 1001, 4001, 0, 502, 1);
	pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 0);
	assert_false(cap.revised[4][1]);
	assert_int_equal(cap.states[4][1], TCPS_CLOSED);
	assert_int_equal(cap.nrec, 0);
	cap.cport++; /* another connection's packets move the clock */
	pkt(&cap, C, SY, 5000, 0, 0, 64240, 29000); /* no sweep yet: still waiting */
	assert_int_equal(cap.nrec, 0);
	pkt(&cap, C, SY, 5000, 0, 0, 64240, 2000); /* the sweep: 31 s of silence */
	assert_int_equal(cap.nrec, 1);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSED);
	close_capture(&cap);
}

/* A refused SYN whose RST is lost: the client's SYN again, a second later,
 * belongs to the same attempt (one connection, not two). */
static void test_rfc9293_3_10_7_3_refused_rst_lost_syn_again_same_connection(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	pkt(&cap, S, RS | A, 0, 1001, 0, 0, 1);
	pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000);
	assert_true(cap.revised[2][0]);
	assert_int_equal(cap.states[2][0], TCPS_SYN_SENT);
	pkt(&cap, S, RS | A, 0, 1001, 0, 0, 1);
	close_capture(&cap);
	assert_int_equal(cap.nrec, 1);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_CLOSED);
}

/* §3.10.7.4 takes segments in sequence order: a FIN that arrives behind a
 * hole is held, as the receiver's SACK of it shows, and processed only
 * when the retransmission fills the hole. */
static void test_rfc9293_3_10_7_4_fin_behind_hole_waits_for_it(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 1);  /* lost after the capture point */
	pkt(&cap, S, FI | A, 4101, 1001, 0, 506, 1);
	assert_int_equal(cap.states[4][0], TCPS_CLOSE_WAIT);
	tc_pkt_sack(&cap, C, A, 1001, 4001, 0, 502, 1, 4101, 4102);
	assert_true(cap.revised[5][0]);
	assert_int_equal(cap.states[5][0], TCPS_ESTABLISHED);
	pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 200);
	pkt(&cap, C, A, 1001, 4102, 0, 502, 1);
	assert_int_equal(cap.states[7][0], TCPS_CLOSE_WAIT);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT);
}

/* The client's FIN is lost after the capture point.  The server's data
 * sent as the FIN went by (its ACK short of the FIN) proves nothing; its
 * data sent again later, with an ACK still short of the FIN, proves that
 * the FIN never arrived: once processed, every ACK would cover it. */
static void test_rfc9293_3_10_7_4_ack_short_of_fin_sent_later_revises_it(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	assert_int_equal(cap.states[3][1], TCPS_CLOSE_WAIT);
	pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 0);
	assert_false(cap.revised[4][1]);
	assert_int_equal(cap.states[4][1], TCPS_CLOSE_WAIT);
	pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 200);
	assert_true(cap.revised[5][1]);
	assert_int_equal(cap.states[5][1], TCPS_ESTABLISHED);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
}

/* A segment held in the server's queue (tc tbf in
 * tests/oracle/test_simultaneous_close.sh) leaves after the client's FIN
 * passed, acknowledging less than the data before that FIN: it was built
 * before that data came and says nothing of the FIN, so the server keeps
 * its CLOSE_WAIT; and its own FIN, short of the client's, is then the
 * simultaneous close's crossing (FIN_WAIT_1 -> CLOSING). */
static void test_rfc9293_3_10_7_4_queued_ack_short_of_data_keeps_fin(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, PS | A, 1001, 4001, 100, 502, 1);
	pkt(&cap, C, FI | A, 1101, 4001, 0, 502, 1);
	pkt(&cap, S, A, 4001, 1001, 100, 506, 200);     /* queued: acknowledges 1001 */
	assert_false(cap.revised[5][1]);
	assert_int_equal(cap.states[5][1], TCPS_CLOSE_WAIT);
	pkt(&cap, S, FI | A, 4101, 1001, 0, 506, 1);
	pkt(&cap, C, A, 1102, 4102, 0, 502, 0);
	pkt(&cap, S, A, 4102, 1102, 0, 506, 1);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_CLOSING,
	       TCPS_TIME_WAIT);
}

/* The client's FIN is answered by the server's FIN,ACK, lost before the
 * client; the client sends its FIN again and the server its FIN,ACK: the
 * client's ACK of that FIN shows it took the ACK of its own FIN with it,
 * so FIN_WAIT_2 then TIME_WAIT (§3.10.7.4 fifth and eighth steps), not
 * CLOSING. */
static void test_rfc9293_3_10_7_4_fin_ack_retransmitted_fin_wait_2_then_time_wait(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	establish(&cap);
	pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	pkt(&cap, S, FI | A, 4001, 1002, 0, 506, 1);
	pkt(&cap, S, FI | A, 4001, 1002, 0, 506, 200);
	pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 0);
	pkt(&cap, C, A, 1002, 4002, 0, 502, 0);
	close_capture(&cap);
	EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
	       TCPS_TIME_WAIT);
}

/* The budget: at most 200 bytes per tracked connection. */
static void test_memory_per_connection_within_budget(void **state)
{
	(void)state;
	capture cap;
	open_capture(&cap, 4);
	for (uint32_t i = 0; i < 20000; i++) {
		cap.cport = (uint16_t)(1024 + (i % 60000));
		cap.family = 4;
		pkt(&cap, C, SY, i * 7919u, 0, 0, 64240, 0);
	}
	trace_obs_stats st;
	trace_obs_get_stats(cap.obs, &st);
	assert_true(st.active == 20000);
	assert_true(st.bytes_per_conn <= 200);
	tc_close(&cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_concrete_example_states_per_segment),
		cmocka_unit_test(test_syn_unanswered_server_stays_listen),
		cmocka_unit_test(test_handshake_final_ack_lost_server_stays_syn_rcvd),
		cmocka_unit_test(test_rfc9293_3_10_7_3_refused_client_closed_server_never_listened),
		cmocka_unit_test(test_rfc5961_rst_out_of_window_ignored_exact_resets),
		cmocka_unit_test(test_rfc9293_3_6_simultaneous_close_both_closing),
		cmocka_unit_test(test_must_10_simultaneous_open),
		cmocka_unit_test(test_must_10_simultaneous_open_first_syns_lost),
		cmocka_unit_test(test_must_10_simultaneous_open_resent_syns_cross),
		cmocka_unit_test(test_rfc9293_3_10_7_3_syn_again_after_syn_ack_lost_or_crossing),
		cmocka_unit_test(test_midstream_start),
		cmocka_unit_test(test_rfc6191_four_tuple_reuse_new_connection),
		cmocka_unit_test(test_rfc9293_3_10_8_time_wait_ends_after_2msl_of_capture_time),
		cmocka_unit_test(test_rfc9293_3_6_last_ack_lost_fin_again_server_back_in_last_ack),
		cmocka_unit_test(test_connection_ends_after_the_hold_strays_ignored),
		cmocka_unit_test(test_idle_live_capture_records_come_out_on_time),
		cmocka_unit_test(test_held_records_are_bounded),
		cmocka_unit_test(test_fin_retransmitted_receipt_revised_then_proved),
		cmocka_unit_test(test_rfc9293_3_6_half_close_data_after_fin),
		cmocka_unit_test(test_rfc9293_3_4_sequence_wraparound),
		cmocka_unit_test(test_labels_keepalive_zero_window_update_probe),
		cmocka_unit_test(test_labels_out_of_order_versus_retransmission),
		cmocka_unit_test(test_labels_out_of_order_is_first_sight_only),
		cmocka_unit_test(test_labels_out_of_order_window_is_the_lan_round_trip),
		cmocka_unit_test(test_labels_round_trip_from_the_latest_syn),
		cmocka_unit_test(test_rfc9293_3_10_7_4_overtaken_ack_window_ignored),
		cmocka_unit_test(test_ipv6_endpoints),
		cmocka_unit_test(test_half_duplex_capture_client_side_only),
		cmocka_unit_test(test_segments_after_rst_stay_with_their_connection),
		cmocka_unit_test(test_rfc9293_3_10_7_4_rst_lost_receipt_revised_by_later_fin),
		cmocka_unit_test(test_rfc9293_3_10_7_4_rst_crossing_data_keeps_receipt),
		cmocka_unit_test(test_rfc9293_3_10_7_3_refused_rst_lost_syn_again_same_connection),
		cmocka_unit_test(test_rfc9293_3_10_7_4_fin_behind_hole_waits_for_it),
		cmocka_unit_test(test_rfc9293_3_10_7_4_ack_short_of_fin_sent_later_revises_it),
		cmocka_unit_test(test_rfc9293_3_10_7_4_queued_ack_short_of_data_keeps_fin),
		cmocka_unit_test(test_rfc9293_3_10_7_4_fin_ack_retransmitted_fin_wait_2_then_time_wait),
		cmocka_unit_test(test_memory_per_connection_within_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
