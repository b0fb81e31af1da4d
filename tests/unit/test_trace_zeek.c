/* Zeek's conn.log columns computed from a connection's segments
 * (src/trace/zeek.c): one test per conn_state value, then the history
 * letters of typical exchanges, against what Zeek's documentation of
 * conn.log and its TCP analyzer give for them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "trace/zeek.h"

/* Who sends: the observer's client (the first packet's sender) or server. */
enum { C, S };

/* Ports: the client's is ephemeral; the server's is 9000 (no analyzer
 * claims it) unless a test needs a well-known one. */
static uint16_t client_port = 43236, server_port = 9000;

static zeek_hist fresh(uint16_t server)
{
	zeek_hist h;
	memset(&h, 0, sizeof h);
	server_port = server;
	return h;
}

static void seg(zeek_hist *h, int from, uint8_t flags, uint32_t seq, uint32_t ack,
		uint32_t len, uint16_t wnd)
{
	tcps_segment s;
	memset(&s, 0, sizeof s);
	s.sport = from == C ? client_port : server_port;
	s.dport = from == C ? server_port : client_port;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.len = len;
	s.wnd = wnd;
	zeek_observe(h, from == C, &s, false, wnd == 0);
}

#define SYN TCPS_SYN
#define ACK TCPS_ACK
#define FIN TCPS_FIN
#define RST TCPS_RST
#define PSH TCPS_PSH

/* The seed's handshake: client ISN 1000, server ISN 4000. */
static void handshake(zeek_hist *h)
{
	seg(h, C, SYN, 1000, 0, 0, 64240);
	seg(h, S, SYN | ACK, 4000, 1001, 0, 65160);
	seg(h, C, ACK, 1001, 4001, 0, 502);
}

static void expect(const zeek_hist *h, const char *state, const char *history)
{
	assert_string_equal(zeek_conn_state(h), state);
	assert_string_equal(h->letters, history);
}

/* ---- conn_state, one value each ---- */

static void test_s0_syn_without_reply(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	seg(&h, C, SYN, 1000, 0, 0, 64240);
	seg(&h, C, SYN, 1000, 0, 0, 64240); /* retransmitted: same sequence number */
	expect(&h, "S0", "S");
}

static void test_s1_established_not_closed(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, PSH | ACK, 1001, 4001, 100, 502);
	seg(&h, S, ACK, 4001, 1101, 0, 509);
	expect(&h, "S1", "ShADa");
}

static void test_sf_the_seeds_example(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, PSH | ACK, 1001, 4001, 499, 502);
	seg(&h, S, PSH | ACK, 4001, 1500, 499, 509);
	seg(&h, C, FIN | ACK, 1500, 4500, 0, 502);
	seg(&h, S, ACK, 4500, 1501, 0, 509);
	seg(&h, S, FIN | ACK, 4500, 1501, 0, 509);
	seg(&h, C, ACK, 1501, 4501, 0, 502);
	/* The server's data acknowledges the client's, so its first pure
	 * ACK ('a') comes with the close. */
	expect(&h, "SF", "ShADdFaf");
	assert_false(zeek_orig_is_server(&h));
}

static void test_rej_syn_answered_by_rst(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	seg(&h, C, SYN, 1000, 0, 0, 64240);
	seg(&h, S, RST | ACK, 0, 1001, 0, 0);
	expect(&h, "REJ", "Sr");
}

static void test_s2_originator_closed_no_reply(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, FIN | ACK, 1001, 4001, 0, 502);
	expect(&h, "S2", "ShAF");
}

static void test_s3_responder_closed_no_reply(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, S, FIN | ACK, 4001, 1001, 0, 509);
	expect(&h, "S3", "ShAf");
}

static void test_rsto_originator_aborted(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, PSH | ACK, 1001, 4001, 10, 502);
	seg(&h, C, RST | ACK, 1011, 4001, 0, 0);
	expect(&h, "RSTO", "ShADR");
}

static void test_rstr_responder_aborted(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, S, RST, 4001, 0, 0, 0);
	expect(&h, "RSTR", "ShAr");
}

static void test_rstos0_syn_then_its_own_rst(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	seg(&h, C, SYN, 1000, 0, 0, 64240);
	seg(&h, C, RST, 1001, 0, 0, 0);
	expect(&h, "RSTOS0", "SR");
}

static void test_rstrh_syn_ack_then_rst_no_syn_seen(void **state)
{
	(void)state;
	/* The capture starts with the server's SYN,ACK from port 80: Zeek's
	 * heuristic makes its receiver the originator. */
	zeek_hist h = fresh(80);
	seg(&h, S, SYN | ACK, 4000, 1001, 0, 65160);
	seg(&h, S, RST, 4001, 0, 0, 0);
	expect(&h, "RSTRH", "^hr");
}

static void test_sh_syn_then_fin_no_syn_ack(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	seg(&h, C, SYN, 1000, 0, 0, 64240);
	seg(&h, C, ACK, 1001, 4001, 0, 502);
	seg(&h, C, PSH | ACK, 1001, 4001, 20, 502);
	seg(&h, C, FIN | ACK, 1021, 4001, 0, 502);
	/* Zeek's ssh.client-side-half-duplex.pcap gives this too. */
	expect(&h, "SH", "SADF");
}

static void test_shr_syn_ack_then_fin_no_syn_seen(void **state)
{
	(void)state;
	zeek_hist h = fresh(80);
	seg(&h, S, SYN | ACK, 4000, 1001, 0, 65160);
	seg(&h, S, FIN | ACK, 4001, 1001, 0, 509);
	expect(&h, "SHR", "^hf");
}

static void test_oth_midstream_only(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	seg(&h, C, PSH | ACK, 5000, 7000, 100, 502);
	seg(&h, S, ACK, 7000, 5100, 0, 509);
	seg(&h, C, ACK, 5100, 7000, 0, 502);
	expect(&h, "OTH", "DaA");
}

/* ---- history strings ---- */

static void test_history_flipped_midstream_from_a_server_port(void **state)
{
	(void)state;
	/* The capture starts with data from port 80: Zeek takes the other
	 * side for the originator, whichever side the observer calls client. */
	client_port = 80;
	zeek_hist h = fresh(43236);
	seg(&h, C, PSH | ACK, 7000, 5000, 300, 509);
	client_port = 43236;
	expect(&h, "OTH", "^d");
	assert_true(zeek_orig_is_server(&h));

	h = fresh(80);
	seg(&h, S, PSH | ACK, 7000, 5000, 300, 509);
	expect(&h, "OTH", "^d");
	assert_false(zeek_orig_is_server(&h));
}

static void test_history_missing_syn(void **state)
{
	(void)state;
	/* Zeek's tcp/missing-syn.pcap: "^hADdFaf", SF. */
	zeek_hist h = fresh(80);
	seg(&h, S, SYN | ACK, 4000, 1001, 0, 65160);
	seg(&h, C, ACK, 1001, 4001, 0, 502);
	seg(&h, C, PSH | ACK, 1001, 4001, 100, 502);
	seg(&h, S, PSH | ACK, 4001, 1101, 200, 509);
	seg(&h, C, FIN | ACK, 1101, 4201, 0, 502);
	seg(&h, S, ACK, 4201, 1102, 0, 509);
	seg(&h, S, FIN | ACK, 4201, 1102, 0, 509);
	seg(&h, C, ACK, 1102, 4202, 0, 502);
	expect(&h, "SF", "^hADdFaf");
	/* The observer's server sent the SYN,ACK: it is Zeek's responder. */
	assert_false(zeek_orig_is_server(&h));
}

static void test_history_syn_seen_after_its_syn_ack(void **state)
{
	(void)state;
	/* Neither port is a server's: the SYN,ACK's sender is taken for the
	 * originator until the SYN shows up, and Zeek flips there. */
	client_port = 5000;
	zeek_hist h = fresh(6000);
	seg(&h, C, SYN | ACK, 4000, 1001, 0, 65160);
	seg(&h, S, SYN, 1000, 0, 0, 64240);
	seg(&h, S, ACK, 1001, 4001, 0, 502);
	client_port = 43236;
	expect(&h, "S1", "Hs^A");
	assert_true(zeek_orig_is_server(&h));
}

static void test_history_syn_ack_first_then_ack_flips(void **state)
{
	(void)state;
	/* Zeek's http-on-irc-port-missing-syn.pcapng: a SYN,ACK from port 80
	 * to port 6669, both a server's, so no flip at first; the ACK that
	 * follows shows who the client is, and the history reads as if the
	 * roles had been right from the start. */
	client_port = 80;
	zeek_hist h = fresh(6669);
	seg(&h, C, SYN | ACK, 4000, 1001, 0, 65160);
	seg(&h, S, ACK, 1001, 4001, 0, 502);
	seg(&h, S, PSH | ACK, 1001, 4001, 136, 502);
	seg(&h, C, PSH | ACK, 4001, 1137, 300, 509);
	seg(&h, S, FIN | ACK, 1137, 4301, 0, 502);
	seg(&h, C, FIN | ACK, 4301, 1138, 0, 509);
	seg(&h, S, ACK, 1138, 4302, 0, 502);
	client_port = 43236;
	expect(&h, "SF", "^hADdFf");
	assert_true(zeek_orig_is_server(&h));
}

static void test_history_syn_ack_alone_is_not_flipped(void **state)
{
	(void)state;
	/* A SYN,ACK and nothing else (a stealth scan's answer, say): the
	 * ports decide, and here neither is a server's. */
	client_port = 5000;
	zeek_hist h = fresh(6000);
	seg(&h, C, SYN | ACK, 4000, 1001, 0, 65160);
	seg(&h, C, SYN | ACK, 4000, 1001, 0, 65160);
	client_port = 43236;
	expect(&h, "OTH", "H");
	assert_false(zeek_orig_is_server(&h));
}

static void test_history_retransmissions_logarithmic(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, PSH | ACK, 1001, 4001, 100, 502);
	for (int i = 0; i < 10; i++)
		seg(&h, C, PSH | ACK, 1001, 4001, 100, 502);
	expect(&h, "S1", "ShADTT");
	/* The 11th to 99th add nothing; the 100th adds the third letter. */
	for (int i = 0; i < 90; i++)
		seg(&h, C, PSH | ACK, 1001, 4001, 100, 502);
	assert_string_equal(h.letters, "ShADTTT");
}

static void test_history_zero_window(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, PSH | ACK, 1001, 4001, 1000, 502);
	seg(&h, S, ACK, 4001, 2001, 0, 0);
	expect(&h, "S1", "ShADaw");
}

static void test_history_content_gap(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, PSH | ACK, 1001, 4001, 100, 502);
	/* The server acknowledges 200 bytes more than the capture saw. */
	seg(&h, S, ACK, 4001, 1301, 0, 509);
	expect(&h, "S1", "ShADaG");
	/* From there on the stream is in order again: no second gap. */
	seg(&h, C, PSH | ACK, 1301, 4001, 100, 502);
	seg(&h, S, ACK, 4001, 1401, 0, 509);
	assert_string_equal(h.letters, "ShADaG");
}

static void test_history_reordering_is_no_gap(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, PSH | ACK, 1101, 4001, 100, 502); /* overtook the next one */
	seg(&h, C, PSH | ACK, 1001, 4001, 100, 502); /* fills the hole: Zeek's 'T' */
	seg(&h, S, ACK, 4001, 1201, 0, 509);
	expect(&h, "S1", "ShADTa");
}

static void test_history_ack_of_fin_is_no_gap(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, FIN | PSH | ACK, 1001, 4001, 50, 502);
	seg(&h, S, ACK, 4001, 1052, 0, 509);
	/* A FIN with payload is an 'F', not a 'D'. */
	expect(&h, "S2", "ShAFa");
}

static void test_history_fin_and_rst_together(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, S, FIN | RST | ACK, 4001, 1001, 0, 0);
	seg(&h, S, SYN | FIN, 4001, 1001, 0, 0);
	assert_string_equal(h.letters, "ShAiq");
}

static void test_history_second_fin_at_a_new_place(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	seg(&h, C, FIN | ACK, 1001, 4001, 0, 502);
	seg(&h, C, FIN | ACK, 1001, 4001, 0, 502);       /* the same FIN again */
	seg(&h, C, FIN | PSH | ACK, 1001, 4001, 10, 502); /* a FIN after 10 bytes */
	assert_string_equal(h.letters, "ShAFF");
}

static void test_history_is_cut_not_overrun(void **state)
{
	(void)state;
	zeek_hist h = fresh(9000);
	handshake(&h);
	/* Many distinct RSTs: each adds an 'R' until the buffer is full. */
	for (uint32_t i = 0; i < 40; i++)
		seg(&h, C, RST, 2000 + i, 0, 0, 0);
	assert_int_equal(strlen(h.letters), sizeof h.letters - 1);
	assert_string_equal(zeek_conn_state(&h), "RSTO");
}

static void test_hist_fits_its_budget(void **state)
{
	(void)state;
	/* It lives in every tracked connection. */
	assert_true(sizeof(zeek_hist) <= 48);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_s0_syn_without_reply),
		cmocka_unit_test(test_s1_established_not_closed),
		cmocka_unit_test(test_sf_the_seeds_example),
		cmocka_unit_test(test_rej_syn_answered_by_rst),
		cmocka_unit_test(test_s2_originator_closed_no_reply),
		cmocka_unit_test(test_s3_responder_closed_no_reply),
		cmocka_unit_test(test_rsto_originator_aborted),
		cmocka_unit_test(test_rstr_responder_aborted),
		cmocka_unit_test(test_rstos0_syn_then_its_own_rst),
		cmocka_unit_test(test_rstrh_syn_ack_then_rst_no_syn_seen),
		cmocka_unit_test(test_sh_syn_then_fin_no_syn_ack),
		cmocka_unit_test(test_shr_syn_ack_then_fin_no_syn_seen),
		cmocka_unit_test(test_oth_midstream_only),
		cmocka_unit_test(test_history_flipped_midstream_from_a_server_port),
		cmocka_unit_test(test_history_missing_syn),
		cmocka_unit_test(test_history_syn_seen_after_its_syn_ack),
		cmocka_unit_test(test_history_syn_ack_first_then_ack_flips),
		cmocka_unit_test(test_history_syn_ack_alone_is_not_flipped),
		cmocka_unit_test(test_history_retransmissions_logarithmic),
		cmocka_unit_test(test_history_zero_window),
		cmocka_unit_test(test_history_content_gap),
		cmocka_unit_test(test_history_reordering_is_no_gap),
		cmocka_unit_test(test_history_ack_of_fin_is_no_gap),
		cmocka_unit_test(test_history_fin_and_rst_together),
		cmocka_unit_test(test_history_second_fin_at_a_new_place),
		cmocka_unit_test(test_history_is_cut_not_overrun),
		cmocka_unit_test(test_hist_fits_its_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
