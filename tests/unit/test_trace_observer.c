/* The observer: both endpoints' states named from the segments alone, and
 * revised when later behaviour contradicts an inference.  Each test plays
 * one exchange as a capture would show it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "trace/observer.h"
#include "trace/zeek.h"
#include "trace_capture.h"

/* The seed's Concrete Example: each side's state after each segment,
 * as its diagram draws them, and each segment's label. */
static void test_seed_concrete_example_states_per_segment(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_seed_exchange(&cap, 1);
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
	tc_close(&cap);
	assert_int_equal(cap.nrec, 1);
	const trace_conn_record *r = &cap.rec[0];
	TC_EXPECT(r, 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT);
	TC_EXPECT(r, 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK, TCPS_CLOSED);
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
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000);
	assert_int_equal(cap.labels[1], TRACE_L_RETRANSMISSION);
	assert_true(cap.revised[1][1]);
	assert_int_equal(cap.states[1][1], TCPS_LISTEN);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 2000);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN);
}

/* "SYN-ACK with no final ACK": the server sending its SYN,ACK again after
 * the client's ACK means that ACK never arrived. */
static void test_handshake_final_ack_lost_server_stays_syn_rcvd(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1);
	tc_pkt(&cap, C, A, 1001, 4001, 0, 502, 1);
	assert_int_equal(cap.states[2][1], TCPS_ESTABLISHED);
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1000);
	assert_int_equal(cap.states[3][1], TCPS_SYN_RCVD);
	assert_true(cap.revised[3][1]);
	assert_int_equal(cap.labels[3], TRACE_L_RETRANSMISSION);
	tc_pkt(&cap, C, A, 1001, 4001, 0, 502, 1); /* dropped again */
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 2000);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD);
}

/* A SYN answered by RST: refused; nothing was listening. */
static void test_rfc9293_3_10_7_3_refused_client_closed_server_never_listened(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, S, RS | A, 0, 1001, 0, 0, 1);
	assert_int_equal(cap.labels[1], TRACE_L_RESET);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 1);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_CLOSED);
	TC_EXPECT(&cap.rec[0], 1, TCPS_CLOSED);
	assert_true(cap.rec[0].reset);
}

/* RFC 5961 §3.2: only a RST at the expected sequence number resets. */
static void test_rfc5961_rst_out_of_window_ignored_exact_resets(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, S, RS, 900000, 0, 0, 0, 1); /* blind, far outside */
	assert_int_equal(cap.states[3][0], TCPS_ESTABLISHED);
	assert_int_equal(cap.states[3][1], TCPS_CLOSED); /* the sender aborted, as far as it says */
	tc_close(&cap);
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, S, RS | A, 4001, 1001, 0, 0, 1);
	assert_int_equal(cap.states[3][0], TCPS_CLOSED);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_CLOSED);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSED);
}

/* Both FINs cross: both sides pass CLOSING into TIME_WAIT (§3.6). */
static void test_rfc9293_3_6_simultaneous_close_both_closing(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	tc_pkt(&cap, S, FI | A, 4001, 1001, 0, 506, 0);
	assert_int_equal(cap.labels[4], TRACE_L_CLOSE_SIMULTANEOUS);
	tc_pkt(&cap, C, A, 1002, 4002, 0, 502, 1);
	tc_pkt(&cap, S, A, 4002, 1002, 0, 506, 0);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_CLOSING,
	       TCPS_TIME_WAIT);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_CLOSING,
	       TCPS_TIME_WAIT);
	assert_int_equal(cap.rec[0].closed_by, 2);
}

/* Simultaneous open (MUST-10): both SYNs, then both SYN,ACKs. */
static void test_must_10_simultaneous_open(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, S, SY, 4000, 0, 0, 64240, 0);
	tc_pkt(&cap, C, SY | A, 1000, 4001, 0, 64240, 1);
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 64240, 0);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
	TC_EXPECT(&cap.rec[0], 1, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
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
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, S, SY, 4000, 0, 0, 64240, 0);
	tc_pkt(&cap, S, SY, 4000, 0, 0, 64240, 1000);  /* both were lost */
	tc_pkt(&cap, C, SY | A, 1000, 4001, 0, 64240, 0);
	tc_pkt(&cap, S, A, 4001, 1001, 0, 502, 0);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
	TC_EXPECT(&cap.rec[0], 1, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);
}

/* The same, but the two SYNs sent again cross as well (RFC 9293
 * Figure 8 after a loss): both ends pass SYN_RCVD, and each SYN,ACK
 * crosses the other's. */
static void test_must_10_simultaneous_open_resent_syns_cross(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, S, SY, 4000, 0, 0, 64240, 0);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000); /* both were lost */
	tc_pkt(&cap, S, SY, 4000, 0, 0, 64240, 0);    /* these two cross */
	tc_pkt(&cap, C, SY | A, 1000, 4001, 0, 64240, 0);
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 64240, 0);
	tc_pkt(&cap, C, A, 1001, 4001, 0, 502, 0);
	tc_pkt(&cap, S, A, 4001, 1001, 0, 502, 0);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
	TC_EXPECT(&cap.rec[0], 1, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
}

/* RFC 9293 §3.10.7.3: the client's SYN sent again a second after the
 * server's SYN,ACK passed says that SYN,ACK was lost: the client is back
 * in SYN_SENT until the next one.  Sent as the SYN,ACK passed, the two
 * crossed, and the client's receipt of it stands. */
static void test_rfc9293_3_10_7_3_syn_again_after_syn_ack_lost_or_crossing(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1);   /* lost on the way */
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000);
	assert_int_equal(cap.states[2][0], TCPS_SYN_SENT);
	tc_pkt(&cap, S, SY | A, 4000, 1001, 0, 65160, 1);
	tc_pkt(&cap, C, A, 1001, 4001, 0, 502, 1);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);

	tc_capture x;
	tc_open(&x, 4, NULL);
	tc_pkt(&x, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&x, S, SY | A, 4000, 1001, 0, 65160, 1000);
	tc_pkt(&x, C, SY, 1000, 0, 0, 64240, 0);           /* crossed it */
	assert_int_equal(x.states[2][0], TCPS_ESTABLISHED);
	tc_pkt(&x, C, A, 1001, 4001, 0, 502, 0);
	tc_close(&x);
	TC_EXPECT(&x.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);
}

/* A capture that starts mid-stream: the first sender is the client. */
static void test_midstream_start(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, S, PS | A, 7000, 3000, 100, 500, 0);
	tc_pkt(&cap, C, A, 3000, 7100, 0, 500, 1);
	tc_close(&cap);
	assert_true(cap.rec[0].midstream);
	assert_int_equal(cap.rec[0].ep[0].port, 9000); /* the first sender */
	TC_EXPECT(&cap.rec[0], 0, TCPS_ESTABLISHED);
	TC_EXPECT(&cap.rec[0], 1, TCPS_ESTABLISHED);
}

/* A new SYN on the same 4-tuple after the old connection reached
 * TIME_WAIT starts a new connection (RFC 6191). */
static void test_rfc6191_four_tuple_reuse_new_connection(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_seed_exchange(&cap, 1);
	tc_pkt(&cap, C, SY, 900000, 0, 0, 64240, 1000);
	tc_pkt(&cap, S, SY | A, 700000, 900001, 0, 65160, 1);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 2);
	assert_int_equal(cap.rec[0].conn, 1);
	assert_int_equal(cap.rec[1].conn, 2);
	TC_EXPECT(&cap.rec[1], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED);
}

/* The client's FIN is lost after the capture point and sent again: the
 * first copy's receipt is taken back, the server's ACK of the second
 * proves it. */
static void test_fin_retransmitted_receipt_revised_then_proved(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	assert_int_equal(cap.states[3][1], TCPS_CLOSE_WAIT);
	tc_pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 300);
	assert_int_equal(cap.states[4][1], TCPS_ESTABLISHED);
	assert_true(cap.revised[4][1]);
	tc_pkt(&cap, S, A, 4001, 1002, 0, 506, 1);
	assert_int_equal(cap.states[5][1], TCPS_CLOSE_WAIT);
	assert_int_equal(cap.states[5][0], TCPS_FIN_WAIT_2);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT);
}

/* Half-close: the server goes on sending after the client's FIN. */
static void test_rfc9293_3_6_half_close_data_after_fin(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	tc_pkt(&cap, S, A, 4001, 1002, 0, 506, 1);
	tc_pkt(&cap, S, PS | A, 4001, 1002, 1000, 506, 1);
	assert_int_equal(cap.labels[5], TRACE_L_DATA);
	tc_pkt(&cap, C, A, 1002, 5001, 0, 502, 1);
	tc_pkt(&cap, S, FI | A, 5001, 1002, 0, 506, 1);
	tc_pkt(&cap, C, A, 1002, 5002, 0, 502, 1);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
	       TCPS_TIME_WAIT);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK,
	       TCPS_CLOSED);
	assert_int_equal(cap.rec[0].bytes[1], 1000);
}

/* Sequence numbers wrap (RFC 9293 §3.4): an ISN just below 2^32. */
static void test_rfc9293_3_4_sequence_wraparound(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	uint32_t isn = 0xfffffff0u;
	tc_pkt(&cap, C, SY, isn, 0, 0, 64240, 0);
	tc_pkt(&cap, S, SY | A, 4000, isn + 1, 0, 65160, 1);
	tc_pkt(&cap, C, A, isn + 1, 4001, 0, 502, 1);
	tc_pkt(&cap, C, PS | A, isn + 1, 4001, 100, 502, 1);
	tc_pkt(&cap, S, A, 4001, isn + 101, 0, 506, 1);
	tc_pkt(&cap, C, PS | A, isn + 1, 4001, 100, 502, 300);
	assert_int_equal(cap.labels[3], TRACE_L_DATA);
	assert_int_equal(cap.labels[5], TRACE_L_RETRANSMISSION);
	tc_close(&cap);
	assert_int_equal(cap.rec[0].bytes[0], 100);
}

static void test_ipv6_endpoints(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 6, NULL);
	tc_seed_exchange(&cap, 1);
	tc_close(&cap);
	assert_int_equal(cap.rec[0].ep[0].family, 6);
	assert_int_equal(cap.rec[0].ep[0].addr[0], 0xfd);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK,
	       TCPS_CLOSED);
}

/* A half-duplex capture shows only the client's segments: its ACK from
 * SYN_SENT proves a SYN,ACK it received, so both sides move on. */
static void test_half_duplex_capture_client_side_only(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000);
	tc_pkt(&cap, C, A, 1001, 4001, 0, 502, 30);
	tc_pkt(&cap, C, PS | A, 1001, 4001, 100, 502, 1);
	tc_pkt(&cap, C, FI | A, 1101, 4001, 0, 502, 1);
	tc_pkt(&cap, C, FI | A, 1101, 4001, 0, 502, 300);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 1);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
}

/* Segments still in flight when a RST ends the connection belong to it:
 * the 4-tuple is remembered for 2*MSL, no new connection starts. */
static void test_segments_after_rst_stay_with_their_connection(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, S, RS | A, 4001, 1001, 0, 0, 1);
	tc_pkt(&cap, C, PS | A, 1001, 4001, 100, 502, 1);
	tc_pkt(&cap, S, RS, 4001, 0, 0, 0, 1);
	tc_close(&cap);
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
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, RS | A, 1001, 4001, 0, 502, 1);
	assert_int_equal(cap.states[3][1], TCPS_CLOSED);
	assert_int_equal(cap.nrec, 0); /* the RST may not have arrived */
	tc_pkt(&cap, S, FI | A, 4001, 1001, 0, 506, 2000);
	assert_true(cap.revised[4][1]);
	assert_int_equal(cap.states[4][1], TCPS_FIN_WAIT_1);
	tc_pkt(&cap, C, RS, 1001, 0, 0, 0, 1);
	assert_int_equal(cap.states[5][1], TCPS_CLOSED);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 1);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_CLOSED);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_CLOSED);
}

/* What the server sent before the RST reached it (within a round trip of
 * the RST) proves nothing; and silence makes the receipt sure, at the
 * first sweep (once an MSL) 10 s or more after it. */
static void test_rfc9293_3_10_7_4_rst_crossing_data_keeps_receipt(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, RS | A, 1001, 4001, 0, 502, 1);
	tc_pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 0);
	assert_false(cap.revised[4][1]);
	assert_int_equal(cap.states[4][1], TCPS_CLOSED);
	assert_int_equal(cap.nrec, 0);
	cap.cport++; /* another connection's packets move the clock */
	tc_pkt(&cap, C, SY, 5000, 0, 0, 64240, 29000); /* no sweep yet: still waiting */
	assert_int_equal(cap.nrec, 0);
	tc_pkt(&cap, C, SY, 5000, 0, 0, 64240, 2000); /* the sweep: 31 s of silence */
	assert_int_equal(cap.nrec, 1);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSED);
	tc_close(&cap);
}

/* A refused SYN whose RST is lost: the client's SYN again, a second later,
 * belongs to the same attempt (one connection, not two). */
static void test_rfc9293_3_10_7_3_refused_rst_lost_syn_again_same_connection(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 0);
	tc_pkt(&cap, S, RS | A, 0, 1001, 0, 0, 1);
	tc_pkt(&cap, C, SY, 1000, 0, 0, 64240, 1000);
	assert_true(cap.revised[2][0]);
	assert_int_equal(cap.states[2][0], TCPS_SYN_SENT);
	tc_pkt(&cap, S, RS | A, 0, 1001, 0, 0, 1);
	tc_close(&cap);
	assert_int_equal(cap.nrec, 1);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_CLOSED);
}

/* §3.10.7.4 takes segments in sequence order: a FIN that arrives behind a
 * hole is held, as the receiver's SACK of it shows, and processed only
 * when the retransmission fills the hole. */
static void test_rfc9293_3_10_7_4_fin_behind_hole_waits_for_it(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 1);  /* lost after the capture point */
	tc_pkt(&cap, S, FI | A, 4101, 1001, 0, 506, 1);
	assert_int_equal(cap.states[4][0], TCPS_CLOSE_WAIT);
	tc_pkt_sack(&cap, C, A, 1001, 4001, 0, 502, 1, 4101, 4102);
	assert_true(cap.revised[5][0]);
	assert_int_equal(cap.states[5][0], TCPS_ESTABLISHED);
	tc_pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 200);
	tc_pkt(&cap, C, A, 1001, 4102, 0, 502, 1);
	assert_int_equal(cap.states[7][0], TCPS_CLOSE_WAIT);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT);
}

/* The client's FIN is lost after the capture point.  The server's data
 * sent as the FIN went by (its ACK short of the FIN) proves nothing; its
 * data sent again later, with an ACK still short of the FIN, proves that
 * the FIN never arrived: once processed, every ACK would cover it. */
static void test_rfc9293_3_10_7_4_ack_short_of_fin_sent_later_revises_it(void **state)
{
	(void)state;
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	assert_int_equal(cap.states[3][1], TCPS_CLOSE_WAIT);
	tc_pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 0);
	assert_false(cap.revised[4][1]);
	assert_int_equal(cap.states[4][1], TCPS_CLOSE_WAIT);
	tc_pkt(&cap, S, PS | A, 4001, 1001, 100, 506, 200);
	assert_true(cap.revised[5][1]);
	assert_int_equal(cap.states[5][1], TCPS_ESTABLISHED);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
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
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, PS | A, 1001, 4001, 100, 502, 1);
	tc_pkt(&cap, C, FI | A, 1101, 4001, 0, 502, 1);
	tc_pkt(&cap, S, A, 4001, 1001, 100, 506, 200);     /* queued: acknowledges 1001 */
	assert_false(cap.revised[5][1]);
	assert_int_equal(cap.states[5][1], TCPS_CLOSE_WAIT);
	tc_pkt(&cap, S, FI | A, 4101, 1001, 0, 506, 1);
	tc_pkt(&cap, C, A, 1102, 4102, 0, 502, 0);
	tc_pkt(&cap, S, A, 4102, 1102, 0, 506, 1);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 1, TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_CLOSING,
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
	tc_capture cap;
	tc_open(&cap, 4, NULL);
	tc_establish(&cap);
	tc_pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 1);
	tc_pkt(&cap, S, FI | A, 4001, 1002, 0, 506, 1);
	tc_pkt(&cap, S, FI | A, 4001, 1002, 0, 506, 200);
	tc_pkt(&cap, C, FI | A, 1001, 4001, 0, 502, 0);
	tc_pkt(&cap, C, A, 1002, 4002, 0, 502, 0);
	tc_close(&cap);
	TC_EXPECT(&cap.rec[0], 0, TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
	       TCPS_TIME_WAIT);
}

/* bytes_per_conn with n (at most 64,000) connections open at once. */
static uint64_t bytes_per_conn(const trace_obs_config *cfg, uint32_t n)
{
	tc_capture cap;
	tc_open(&cap, 4, cfg);
	for (uint32_t i = 0; i < n; i++) {
		cap.cport = (uint16_t)(1024 + i);
		tc_pkt(&cap, C, SY, i * 7919u, 0, 0, 64240, 0);
	}
	trace_obs_stats st;
	trace_obs_get_stats(cap.obs, &st);
	assert_int_equal(st.active, n);
	tc_close(&cap);
	return st.bytes_per_conn;
}

/* The budget: at most 200 bytes per tracked connection, for
 * `trace --summary`, whatever the index's fill (it doubles as it
 * passes five eighths: just after, it costs the most).  Records that
 * show Zeek's view keep it beside each entry: 48 bytes more. */
static void test_memory_per_connection_within_budget(void **state)
{
	(void)state;
	trace_obs_config cfg;
	trace_obs_config_default(&cfg);
	cfg.skip_zeek = true;
	static const uint32_t n[] = { 17900, 18000, 35800, 36000 }; /* the index doubles at 17,921, 35,841 */
	for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
		assert_true(bytes_per_conn(&cfg, n[i]) <= 200);
	assert_true(bytes_per_conn(NULL, 20000) <= 200 + sizeof(zeek_hist));
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
		cmocka_unit_test(test_fin_retransmitted_receipt_revised_then_proved),
		cmocka_unit_test(test_rfc9293_3_6_half_close_data_after_fin),
		cmocka_unit_test(test_rfc9293_3_4_sequence_wraparound),
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
