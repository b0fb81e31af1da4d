/* `tcpstate transitions` without a kernel: trace_pipe lines of
 * sock:inet_sock_set_state as Linux 6.18 prints them (both the event's own
 * print format and the options/fields form), the kernel's state names in
 * tcpstate's spelling, the time each socket spent in the state it leaves
 * (src/kernel/tracepoint*.c), and ss-style filters (src/kernel/filter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "kernel/filter.h"
#include "kernel/tracepoint.h"
#include "tcpstate/state.h"

/* Copied from this machine's trace_pipe (addresses and ports kept). */
static const char v4_listen_to_syn_recv[] =
	"         python3-5029    [001] .Ns2.  9952.391336: inet_sock_set_state: family=AF_INET "
	"protocol=IPPROTO_TCP sport=9911 dport=57064 saddr=127.0.0.1 daddr=127.0.0.1 "
	"saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1 oldstate=TCP_LISTEN newstate=TCP_SYN_RECV\n";
static const char v6_established_to_close[] =
	"         python3-5029    [001] .....  9952.341089: inet_sock_set_state: family=AF_INET6 "
	"protocol=IPPROTO_TCP sport=47516 dport=9911 saddr=0.0.0.0 daddr=0.0.0.0 saddrv6=::1 "
	"daddrv6=::1 oldstate=TCP_ESTABLISHED newstate=TCP_CLOSE";
static const char fields_syn_sent[] =
	"         python3-21530   [001] .....  9828.801925: inet_sock_set_state: "
	"skaddr=0xffff8881084c65c0 (-131387205327424) oldstate=0x7 (7) newstate=0x2 (2) sport=0x0 (0) "
	"dport=0x26b7 (9911) family=0x2 (2) protocol=0x6 (6) saddr=0x100007f (16777343) "
	"daddr=0x100007f (16777343) saddr_v6=<INVALID-SIZE> daddr_v6=<INVALID-SIZE>";
static const char fields_v6[] =
	"         python3-21530   [001] ..s2.  9828.902445: inet_sock_set_state: "
	"skaddr=0xffff888138240000 (-131386402668544) oldstate=0xa (10) newstate=0x3 (3) "
	"sport=0x26b7 (9911) dport=0x9610 (38416) family=0xa (10) protocol=0x6 (6) "
	"saddr=0x600007f (100663423) daddr=0x600007f (100663423) saddr_v6=<INVALID-SIZE> "
	"daddr_v6=<INVALID-SIZE>";

static ktp_event parse_ok(const char *line)
{
	ktp_event ev;
	assert_int_equal(ktp_parse_line(line, &ev, NULL), KTP_EVENT);
	return ev;
}

static void assert_addr(int family, const uint8_t *got, const char *want)
{
	uint8_t a[16] = { 0 };
	assert_int_equal(inet_pton(family, want, a), 1);
	assert_memory_equal(got, a, family == AF_INET ? 4 : 16);
}

/* ---- Lines in the event's print format --------------------------------- */

static void test_print_form_ipv4(void **state)
{
	(void)state;
	ktp_event ev = parse_ok(v4_listen_to_syn_recv);
	assert_string_equal(ev.comm, "python3");
	assert_int_equal(ev.pid, 5029);
	assert_int_equal(ev.cpu, 1);
	assert_int_equal(ev.ts_ns, 9952391336000ull);
	assert_int_equal(ev.tuple.family, AF_INET);
	assert_int_equal(ev.tuple.sport, 9911);
	assert_int_equal(ev.tuple.dport, 57064);
	assert_true(ev.addr_known);
	assert_addr(AF_INET, ev.tuple.src, "127.0.0.1");
	assert_addr(AF_INET, ev.tuple.dst, "127.0.0.1");
	assert_int_equal(ev.from, TCPS_LISTEN);
	assert_int_equal(ev.to, TCPS_SYN_RCVD);
	assert_int_equal(ev.from_linux, 10);
	assert_int_equal(ev.to_linux, 3);
	assert_int_equal(ev.skaddr, 0);
}

/* The IPv4 fields of an IPv6 socket hold junk (127.0.0.6 here): the
 * addresses come from saddrv6/daddrv6. */
static void test_print_form_ipv6(void **state)
{
	(void)state;
	ktp_event ev = parse_ok(v6_established_to_close);
	assert_int_equal(ev.tuple.family, AF_INET6);
	assert_true(ev.addr_known);
	assert_addr(AF_INET6, ev.tuple.src, "::1");
	assert_addr(AF_INET6, ev.tuple.dst, "::1");
	assert_int_equal(ev.tuple.sport, 47516);
	assert_int_equal(ev.from, TCPS_ESTABLISHED);
	assert_int_equal(ev.to, TCPS_CLOSED);
	assert_true(ktp_is_reset(ev.from, ev.to));
}

/* comm may hold spaces and dashes; the pid follows the last dash; the
 * task of a softirq on an idle CPU is <idle>-0; record-tgid adds "(tgid)";
 * some options drop the flags column. */
static void test_header_variants(void **state)
{
	(void)state;
	const char *body = ": inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=1 dport=2 "
			   "saddr=10.0.0.1 daddr=10.0.0.2 oldstate=TCP_SYN_SENT newstate=TCP_ESTABLISHED";
	char line[512];

	snprintf(line, sizeof line, "  Web Content-kid-77 [003] d.s3. 12.5%s", body);
	ktp_event ev = parse_ok(line);
	assert_string_equal(ev.comm, "Web Content-kid");
	assert_int_equal(ev.pid, 77);
	assert_int_equal(ev.cpu, 3);
	assert_int_equal(ev.ts_ns, 12500000000ull);

	snprintf(line, sizeof line, "          <idle>-0       [000] ..s1.   100.000001%s", body);
	ev = parse_ok(line);
	assert_string_equal(ev.comm, "<idle>");
	assert_int_equal(ev.pid, 0);
	assert_int_equal(ev.ts_ns, 100000001000ull);

	snprintf(line, sizeof line, "  nc-1234   (   1200) [002] .....  7.000000%s", body);
	ev = parse_ok(line);
	assert_string_equal(ev.comm, "nc");
	assert_int_equal(ev.pid, 1234);

	snprintf(line, sizeof line, "nc-1234 [002] 7.123456789%s", body);
	ev = parse_ok(line);
	assert_int_equal(ev.ts_ns, 7123456789ull);
}

/* ---- Lines in the fields form (options/fields, Linux 6.3+) ------------- */

static void test_fields_form_has_skaddr(void **state)
{
	(void)state;
	ktp_event ev = parse_ok(fields_syn_sent);
	assert_int_equal(ev.skaddr, 0xffff8881084c65c0ull);
	assert_int_equal(ev.from, TCPS_CLOSED);
	assert_int_equal(ev.to, TCPS_SYN_SENT);
	assert_int_equal(ev.tuple.sport, 0); /* connect() before the port is chosen */
	assert_int_equal(ev.tuple.dport, 9911);
	assert_true(ev.addr_known);
	assert_addr(AF_INET, ev.tuple.src, "127.0.0.1");
	assert_addr(AF_INET, ev.tuple.dst, "127.0.0.1");
}

/* The fields form cannot print 16-byte arrays: an IPv6 socket keeps its
 * ports and skaddr, and says its addresses are unknown. */
static void test_fields_form_ipv6_has_no_addresses(void **state)
{
	(void)state;
	ktp_event ev = parse_ok(fields_v6);
	assert_int_equal(ev.tuple.family, AF_INET6);
	assert_false(ev.addr_known);
	assert_int_equal(ev.skaddr, 0xffff888138240000ull);
	assert_int_equal(ev.from, TCPS_LISTEN);
	assert_int_equal(ev.to, TCPS_SYN_RCVD);
	assert_int_equal(ev.tuple.dport, 38416);
}

/* ---- Kernel states in tcpstate's names ------------------------------- */

static void test_state_names(void **state)
{
	(void)state;
	assert_int_equal(kfilter_state_from_linux(3), TCPS_SYN_RCVD);   /* TCP_SYN_RECV */
	assert_int_equal(kfilter_state_from_linux(12), TCPS_SYN_RCVD);  /* TCP_NEW_SYN_RECV */
	assert_int_equal(kfilter_state_from_linux(4), TCPS_FIN_WAIT_1);
	assert_int_equal(kfilter_state_from_linux(5), TCPS_FIN_WAIT_2);
	assert_int_equal(kfilter_state_from_linux(7), TCPS_CLOSED);
	assert_int_equal(kfilter_state_from_linux(6), TCPS_TIME_WAIT);
	assert_int_equal(kfilter_state_from_linux(11), TCPS_CLOSING);
	assert_int_equal(kfilter_state_from_linux(13), -1);             /* TCP_BOUND_INACTIVE */
	assert_int_equal(kfilter_state_from_linux(0), -1);

	char buf[24];
	assert_string_equal(ktp_state_name(TCPS_FIN_WAIT_1, 4, buf, sizeof buf), "FIN_WAIT_1");
	assert_string_equal(ktp_state_name(-1, 13, buf, sizeof buf), "TCP_STATE_13");
	assert_string_equal(ktp_state_name(-1, -1, buf, sizeof buf), "UNKNOWN");
}

/* A state this version has no name for still parses, as unknown. */
static void test_unknown_states(void **state)
{
	(void)state;
	ktp_event ev = parse_ok("x-1 [000] ..... 1.000000: inet_sock_set_state: family=AF_INET "
				"protocol=IPPROTO_TCP sport=1 dport=2 saddr=1.2.3.4 daddr=5.6.7.8 "
				"oldstate=TCP_ESTABLISHED newstate=TCP_SOMETHING_NEW");
	assert_int_equal(ev.from, TCPS_ESTABLISHED);
	assert_int_equal(ev.to, -1);
	assert_int_equal(ev.to_linux, -1);
	ev = parse_ok("x-1 [000] ..... 1.000000: inet_sock_set_state: family=AF_INET "
		      "protocol=IPPROTO_TCP sport=1 dport=2 saddr=1.2.3.4 daddr=5.6.7.8 "
		      "oldstate=0x1 (1) newstate=0xd (13)");
	assert_int_equal(ev.to, -1);
	assert_int_equal(ev.to_linux, 13);
}

static void test_truncated_and_foreign_lines(void **state)
{
	(void)state;
	ktp_event ev;
	uint64_t lost = 0;
	/* Cut before newstate. */
	char cut[200];
	memcpy(cut, v4_listen_to_syn_recv, 150);
	cut[150] = '\0';
	assert_int_equal(ktp_parse_line(cut, &ev, NULL), KTP_BAD);
	/* Cut inside the header. */
	assert_int_equal(ktp_parse_line("  python3-5029    [0: inet_sock_set_state: family=AF_INET", &ev, NULL),
			 KTP_BAD);
	assert_int_equal(ktp_parse_line("", &ev, NULL), KTP_NOT_EVENT);
	assert_int_equal(ktp_parse_line("# tracer: nop", &ev, NULL), KTP_NOT_EVENT);
	assert_int_equal(ktp_parse_line("  bash-1 [000] ..... 1.0: sched_switch: prev_comm=bash", &ev, NULL),
			 KTP_NOT_EVENT);
	/* SCTP and MPTCP share the tracepoint. */
	assert_int_equal(ktp_parse_line("x-1 [000] ..... 1.0: inet_sock_set_state: family=AF_INET "
					"protocol=IPPROTO_SCTP sport=1 dport=2 oldstate=TCP_CLOSE "
					"newstate=TCP_LISTEN", &ev, NULL),
			 KTP_NOT_EVENT);
	assert_int_equal(ktp_parse_line("CPU:1 [LOST 23 EVENTS]\n", &ev, &lost), KTP_LOST);
	assert_int_equal(lost, 23);
}

/* ---- Time in state ---------------------------------------------------- */

static ktp_event mk(uint64_t ts_us, int family, const char *src, unsigned sport, const char *dst,
		    unsigned dport, int from, int to)
{
	ktp_event ev;
	memset(&ev, 0, sizeof ev);
	ev.ts_ns = ts_us * 1000;
	ev.tuple.family = (uint8_t)family;
	inet_pton(family, src, ev.tuple.src);
	inet_pton(family, dst, ev.tuple.dst);
	ev.tuple.sport = (uint16_t)sport;
	ev.tuple.dport = (uint16_t)dport;
	ev.addr_known = true;
	ev.from = from;
	ev.to = to;
	return ev;
}

/* The kernel's events for a client that connects, closes first, and whose
 * FIN_WAIT_2 ends in the (untraced) TIME_WAIT: the first event's time is
 * unknown, the sport-0 connect event joins the next one, and the socket
 * is forgotten at CLOSED. */
static void test_time_in_state_client(void **state)
{
	(void)state;
	ktp_tracker *t = ktp_tracker_new(16);
	const char *c = "127.0.0.1", *s = "127.0.0.1";
	ktp_event ev = mk(1000, AF_INET, c, 0, s, 9000, TCPS_CLOSED, TCPS_SYN_SENT);
	assert_int_equal(ktp_tracker_update(t, &ev), -1);
	ev = mk(1050, AF_INET, c, 43236, s, 9000, TCPS_SYN_SENT, TCPS_ESTABLISHED);
	assert_int_equal(ktp_tracker_update(t, &ev), 50000);
	assert_int_equal(ktp_tracker_count(t), 1);
	ev = mk(1001050, AF_INET, c, 43236, s, 9000, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1);
	assert_int_equal(ktp_tracker_update(t, &ev), 1000000000);
	ev = mk(1001060, AF_INET, c, 43236, s, 9000, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2);
	assert_int_equal(ktp_tracker_update(t, &ev), 10000);
	ev = mk(1041060, AF_INET, c, 43236, s, 9000, TCPS_FIN_WAIT_2, TCPS_CLOSED);
	assert_int_equal(ktp_tracker_update(t, &ev), 40000000);
	assert_int_equal(ktp_tracker_count(t), 0);
	/* The same 4-tuple again is a new socket. */
	ev = mk(2000000, AF_INET, c, 43236, s, 9000, TCPS_SYN_SENT, TCPS_ESTABLISHED);
	assert_int_equal(ktp_tracker_update(t, &ev), -1);
	ktp_tracker_free(t);
}

/* A missed event (the ring buffer overflowed) makes the next time
 * unknown rather than wrong; skaddr tells apart sockets whose 4-tuples
 * are equal (two network namespaces). */
static void test_time_in_state_missed_and_skaddr(void **state)
{
	(void)state;
	ktp_tracker *t = ktp_tracker_new(16);
	ktp_event ev = mk(0, AF_INET6, "::1", 9000, "::1", 5000, TCPS_LISTEN, TCPS_SYN_RCVD);
	assert_int_equal(ktp_tracker_update(t, &ev), -1);
	ev = mk(10, AF_INET6, "::1", 9000, "::1", 5000, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT);
	assert_int_equal(ktp_tracker_update(t, &ev), -1);
	ev = mk(30, AF_INET6, "::1", 9000, "::1", 5000, TCPS_CLOSE_WAIT, TCPS_LAST_ACK);
	assert_int_equal(ktp_tracker_update(t, &ev), 20000);

	ktp_event a = mk(100, AF_INET, "10.0.0.1", 1, "10.0.0.2", 2, TCPS_SYN_SENT, TCPS_ESTABLISHED);
	ktp_event b = a;
	a.skaddr = 0xa000;
	b.skaddr = 0xb000;
	b.ts_ns = 200000;
	ktp_tracker_update(t, &a);
	ktp_tracker_update(t, &b);
	a.from = TCPS_ESTABLISHED;
	a.to = TCPS_FIN_WAIT_1;
	a.ts_ns = 400000;
	assert_int_equal(ktp_tracker_update(t, &a), 300000);
	ktp_tracker_free(t);
}

/* Full: the oldest nearby socket makes room; the table never grows. */
static void test_tracker_is_bounded(void **state)
{
	(void)state;
	ktp_tracker *t = ktp_tracker_new(4);
	for (unsigned i = 0; i < 1000; i++) {
		ktp_event ev = mk(i, AF_INET, "10.0.0.1", 1000 + i, "10.0.0.2", 80, TCPS_SYN_SENT,
				  TCPS_ESTABLISHED);
		ktp_tracker_update(t, &ev);
		assert_true(ktp_tracker_count(t) <= 4);
	}
	/* The newest is still there. */
	ktp_event ev = mk(2000, AF_INET, "10.0.0.1", 1999, "10.0.0.2", 80, TCPS_ESTABLISHED,
			  TCPS_CLOSE_WAIT);
	assert_int_equal(ktp_tracker_update(t, &ev), (2000 - 999) * 1000);
	/* Closing them all empties it (backward-shift deletion keeps every
	 * remaining entry findable). */
	for (unsigned i = 0; i < 1000; i++) {
		ev = mk(3000, AF_INET, "10.0.0.1", 1000 + i, "10.0.0.2", 80, TCPS_ESTABLISHED, TCPS_CLOSED);
		ktp_tracker_update(t, &ev);
	}
	ev = mk(3000, AF_INET, "10.0.0.1", 1999, "10.0.0.2", 80, TCPS_CLOSE_WAIT, TCPS_CLOSED);
	ktp_tracker_update(t, &ev);
	assert_int_equal(ktp_tracker_count(t), 0);
	ktp_tracker_free(t);
}

static void test_reset(void **state)
{
	(void)state;
	assert_true(ktp_is_reset(TCPS_ESTABLISHED, TCPS_CLOSED));
	assert_true(ktp_is_reset(TCPS_CLOSE_WAIT, TCPS_CLOSED));
	assert_true(ktp_is_reset(TCPS_FIN_WAIT_1, TCPS_CLOSED));
	assert_false(ktp_is_reset(TCPS_FIN_WAIT_2, TCPS_CLOSED)); /* into TIME_WAIT */
	assert_false(ktp_is_reset(TCPS_LAST_ACK, TCPS_CLOSED));
	assert_false(ktp_is_reset(TCPS_CLOSING, TCPS_CLOSED));
	assert_false(ktp_is_reset(TCPS_LISTEN, TCPS_CLOSED));
	assert_false(ktp_is_reset(TCPS_ESTABLISHED, TCPS_FIN_WAIT_1));
}

/* ---- Filters ------------------------------------------------------------ */

static int parse_words(kfilter *f, const char *s, char *err)
{
	static char buf[256];
	char *words[16];
	int n = 0;
	snprintf(buf, sizeof buf, "%s", s);
	for (char *w = strtok(buf, " "); w && n < 16; w = strtok(NULL, " "))
		words[n++] = w;
	return kfilter_parse(f, n, words, err);
}

static kfilter_tuple tup(int family, const char *src, unsigned sport, const char *dst, unsigned dport)
{
	kfilter_tuple t;
	memset(&t, 0, sizeof t);
	t.family = (uint8_t)family;
	inet_pton(family, src, t.src);
	inet_pton(family, dst, t.dst);
	t.sport = (uint16_t)sport;
	t.dport = (uint16_t)dport;
	return t;
}

static void test_filter_ports(void **state)
{
	(void)state;
	kfilter f;
	char err[KFILTER_ERRLEN], kf[KTP_FILTERLEN];
	kfilter_tuple t = tup(AF_INET, "127.0.0.1", 43236, "127.0.0.1", 9000);

	assert_int_equal(parse_words(&f, ":9000", err), 0);
	assert_true(kfilter_match_tuple(&f, &t));
	kfilter_tuple back = tup(AF_INET, "127.0.0.1", 9000, "127.0.0.1", 43236);
	assert_true(kfilter_match_tuple(&f, &back));
	assert_int_equal(ktp_kernel_filter(&f, kf, sizeof kf), 0);
	assert_string_equal(kf, "protocol == 6 && (sport == 9000 || dport == 9000)");

	assert_int_equal(parse_words(&f, "dport = :9000 and sport 43236", err), 0);
	assert_true(kfilter_match_tuple(&f, &t));
	assert_false(kfilter_match_tuple(&f, &back));
	assert_int_equal(ktp_kernel_filter(&f, kf, sizeof kf), 0);
	assert_string_equal(kf, "protocol == 6 && sport == 43236 && dport == 9000");

	/* One quoted argument, as `ss -tan 'dport = :9000'` takes it. */
	char *one[] = { "dport = :9000" };
	assert_int_equal(kfilter_parse(&f, 1, one, err), 0);
	assert_int_equal(f.dport, 9000);

	assert_int_equal(parse_words(&f, "", err), 0);
	assert_int_equal(ktp_kernel_filter(&f, kf, sizeof kf), 0);
	assert_string_equal(kf, "protocol == 6");
	assert_true(kfilter_match_tuple(&f, &t));
	assert_false(kfilter_has_userspace_terms(&f));
}

static void test_filter_addresses(void **state)
{
	(void)state;
	kfilter f;
	char err[KFILTER_ERRLEN];
	kfilter_tuple t = tup(AF_INET, "10.1.2.3", 43236, "192.168.7.9", 443);

	assert_int_equal(parse_words(&f, "dst 192.168.0.0/16", err), 0);
	assert_true(kfilter_match_tuple(&f, &t));
	assert_true(kfilter_has_userspace_terms(&f));
	assert_int_equal(parse_words(&f, "dst 192.168.8.0/24", err), 0);
	assert_false(kfilter_match_tuple(&f, &t));
	assert_int_equal(parse_words(&f, "src 10.1.2.3:43236 dst 192.168.7.9:443", err), 0);
	assert_true(kfilter_match_tuple(&f, &t));
	assert_int_equal(f.sport, 43236);
	assert_int_equal(f.dport, 443);
	assert_int_equal(parse_words(&f, "dst *:443", err), 0);
	assert_false(f.dst.set);
	assert_true(kfilter_match_tuple(&f, &t));

	/* IPv6, bracketed with a port or bare with a prefix. */
	kfilter_tuple t6 = tup(AF_INET6, "fd77:1::1", 50000, "fd77:1::2", 443);
	assert_int_equal(parse_words(&f, "dst [fd77:1::2]:443", err), 0);
	assert_true(kfilter_match_tuple(&f, &t6));
	assert_int_equal(parse_words(&f, "src fd77::/16", err), 0);
	assert_true(kfilter_match_tuple(&f, &t6));
	assert_false(kfilter_match_tuple(&f, &t));
	assert_int_equal(parse_words(&f, "dst [fd77:2::]/32", err), 0);
	assert_false(kfilter_match_tuple(&f, &t6));

	/* An IPv4 filter matches a dual-stack socket's IPv4-mapped peer. */
	kfilter_tuple mapped = tup(AF_INET6, "::ffff:10.1.2.3", 80, "::ffff:192.168.7.9", 5555);
	assert_int_equal(parse_words(&f, "dst 192.168.7.9", err), 0);
	assert_true(kfilter_match_tuple(&f, &mapped));
}

static void test_filter_states(void **state)
{
	(void)state;
	kfilter f;
	char err[KFILTER_ERRLEN];
	assert_int_equal(parse_words(&f, "state fin-wait-1 state time-wait", err), 0);
	assert_true(kfilter_match_state(&f, TCPS_FIN_WAIT_1));
	assert_true(kfilter_match_state(&f, TCPS_TIME_WAIT));
	assert_false(kfilter_match_state(&f, TCPS_ESTABLISHED));
	assert_false(kfilter_match_state(&f, -1));
	assert_int_equal(parse_words(&f, "state connected", err), 0);
	assert_false(kfilter_match_state(&f, TCPS_LISTEN));
	assert_true(kfilter_match_state(&f, TCPS_SYN_SENT));
	assert_int_equal(parse_words(&f, "state synchronized", err), 0);
	assert_false(kfilter_match_state(&f, TCPS_SYN_SENT));
	assert_int_equal(parse_words(&f, "exclude listen", err), 0);
	assert_false(kfilter_match_state(&f, TCPS_LISTEN));
	assert_true(kfilter_match_state(&f, TCPS_CLOSED));
	assert_int_equal(parse_words(&f, "", err), 0);
	assert_true(kfilter_match_state(&f, -1));
}

static void test_filter_errors(void **state)
{
	(void)state;
	kfilter f;
	char err[KFILTER_ERRLEN];
	assert_int_equal(parse_words(&f, ":99999", err), -1);
	assert_int_equal(parse_words(&f, "sport", err), -1);
	assert_non_null(strstr(err, "needs a value"));
	assert_int_equal(parse_words(&f, ":443 or :80", err), -1);
	assert_non_null(strstr(err, "not supported"));
	assert_int_equal(parse_words(&f, "dst 300.1.1.1", err), -1);
	assert_int_equal(parse_words(&f, "dst 10.0.0.0/33", err), -1);
	assert_int_equal(parse_words(&f, "state nonsense", err), -1);
	assert_int_equal(parse_words(&f, "port 80", err), -1);
	assert_non_null(strstr(err, "unknown filter word 'port'"));
	assert_int_equal(parse_words(&f, "sport :1 sport :2", err), -1);
	assert_int_equal(parse_words(&f, "exclude all", err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print_form_ipv4),
		cmocka_unit_test(test_print_form_ipv6),
		cmocka_unit_test(test_header_variants),
		cmocka_unit_test(test_fields_form_has_skaddr),
		cmocka_unit_test(test_fields_form_ipv6_has_no_addresses),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_unknown_states),
		cmocka_unit_test(test_truncated_and_foreign_lines),
		cmocka_unit_test(test_time_in_state_client),
		cmocka_unit_test(test_time_in_state_missed_and_skaddr),
		cmocka_unit_test(test_tracker_is_bounded),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_filter_ports),
		cmocka_unit_test(test_filter_addresses),
		cmocka_unit_test(test_filter_states),
		cmocka_unit_test(test_filter_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
