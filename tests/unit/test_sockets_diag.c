/* Live-socket diagnoses on synthetic socket tables: each of the seed's
 * bugs is named with its evidence, and what is normal (a handful of
 * TIME_WAITs, a CLOSE_WAIT about to be closed, a fresh SYN) is not: a
 * false alarm is a bug too.  Also the two helpers the diagnoses rest on:
 * socket ages across --watch samples and the /proc owner scan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/owners.h"
#include "kernel/sockets_diag.h"
#include "kernel/sockwatch.h"

#define MAXS 1024

/* A socket table under construction, and what the diagnoses said. */
typedef struct table {
	kdiag_sock v[MAXS];
	const owner *who[MAXS];
	double age[MAXS];
	bool keep[MAXS];
	size_t n;
	sdiag d[32];
	size_t nd;
} table;

static kdiag_sock *sock(table *t, int kstate, const char *src, int sport, const char *dst, int dport)
{
	assert_true(t->n < MAXS);
	kdiag_sock *s = &t->v[t->n];
	memset(s, 0, sizeof *s);
	int fam = strchr(src, ':') ? AF_INET6 : AF_INET;
	s->family = (uint8_t)fam;
	assert_int_equal(inet_pton(fam, src, s->src), 1);
	assert_int_equal(inet_pton(fam, dst, s->dst), 1);
	s->sport = (uint16_t)sport;
	s->dport = (uint16_t)dport;
	s->state = (uint8_t)kstate;
	s->idle_ms = KDIAG_IDLE_UNKNOWN;
	s->inode = kstate == TCP_TIME_WAIT || kstate == TCP_SYN_RECV ? 0 : 1000 + (uint32_t)t->n;
	s->uid = 1000;
	t->who[t->n] = NULL;
	t->age[t->n] = 0;
	t->keep[t->n] = true;
	t->n++;
	return s;
}

static void collect(void *user, const sdiag *d)
{
	table *t = user;
	assert_true(t->nd < sizeof t->d / sizeof t->d[0]);
	t->d[t->nd++] = *d;
}

/* Runs the diagnoses; watching says whether ages from --watch are given. */
static size_t diagnose_cfg(table *t, const sdiag_config *cfg, bool watching)
{
	sdiag_input in = { .v = t->v, .n = t->n, .who = t->who, .age_s = watching ? t->age : NULL,
			   .keep = t->keep };
	t->nd = 0;
	long n = sdiag_run(cfg, &in, collect, t);
	assert_true(n >= 0);
	assert_int_equal((size_t)n, t->nd);
	return t->nd;
}

static size_t diagnose(table *t, bool watching)
{
	sdiag_config cfg;
	sdiag_config_default(&cfg);
	return diagnose_cfg(t, &cfg, watching);
}

static table *new_table(void)
{
	table *t = calloc(1, sizeof *t);
	assert_non_null(t);
	/* Every table has the ordinary life of a host around the bug. */
	sock(t, TCP_LISTEN, "0.0.0.0", 22, "0.0.0.0", 0)->wqueue = 128;
	sock(t, TCP_ESTABLISHED, "10.0.0.5", 22, "10.0.0.9", 50000)->idle_ms = 100000;
	sock(t, TCP_ESTABLISHED, "10.0.0.5", 40000, "10.0.0.7", 5432)->idle_ms = 200000;
	return t;
}

static const owner leaky = { .pid = 4242, .fd = 7, .comm = "leaky" };
static const owner other = { .pid = 5151, .fd = 3, .comm = "other" };

/* ---- CLOSE_WAIT ---- */

static void test_close_wait_leak_named_with_pid_and_count(void **state)
{
	(void)state;
	table *t = new_table();
	sock(t, TCP_LISTEN, "10.0.0.5", 8080, "0.0.0.0", 0)->wqueue = 128;
	t->who[t->n - 1] = &leaky;
	for (int i = 0; i < 7; i++) {
		kdiag_sock *s = sock(t, TCP_CLOSE_WAIT, "10.0.0.5", 8080, "10.0.0.9", 41000 + i);
		s->idle_ms = 30000 + 1000u * (unsigned)i;
		/* One has data waiting, one its FIN (counted as a byte), the
		 * others read to the end of stream and still never closed. */
		s->rqueue = i == 0 ? 100 : i == 1 ? 1 : 0;
		t->who[t->n - 1] = &leaky;
	}
	assert_int_equal(diagnose(t, false), 1);
	const sdiag *d = &t->d[0];
	assert_string_equal(sdiag_name(d->code), "close_wait_stuck");
	assert_int_equal(d->pid, 4242);
	assert_string_equal(d->comm, "leaky");
	assert_int_equal(d->count, 7);
	assert_string_equal(d->endpoint, "10.0.0.5:8080");
	assert_true(d->since_s >= 36.0);
	assert_int_equal(d->unread, 1);
	assert_int_equal(d->eof_unread, 2);
	assert_false(d->rqueue_full);
	assert_non_null(strstr(d->message, "leaky (pid 4242) holds 7 sockets in CLOSE_WAIT"));
	assert_non_null(strstr(d->hint, "close()"));
	free(t);
}

static void test_close_wait_full_receive_queue(void **state)
{
	(void)state;
	table *t = new_table();
	kdiag_sock *s = sock(t, TCP_CLOSE_WAIT, "10.0.0.5", 8080, "10.0.0.9", 41000);
	s->idle_ms = 60000;
	s->rqueue = 120000;
	s->rmem = 131840;
	s->rcvbuf = 131072;
	t->who[t->n - 1] = &leaky;
	assert_int_equal(diagnose(t, false), 1);
	assert_true(t->d[0].rqueue_full);
	assert_non_null(strstr(t->d[0].message, "a receive queue full"));
	free(t);
}

static void test_close_wait_about_to_close_is_normal(void **state)
{
	(void)state;
	table *t = new_table();
	/* The FIN came 200 ms ago: the application is reading it now. */
	sock(t, TCP_CLOSE_WAIT, "10.0.0.5", 8080, "10.0.0.9", 41000)->idle_ms = 200;
	t->who[t->n - 1] = &leaky;
	assert_int_equal(diagnose(t, false), 0);
	free(t);
}

static void test_close_wait_grouped_per_process(void **state)
{
	(void)state;
	table *t = new_table();
	for (int i = 0; i < 3; i++) {
		sock(t, TCP_CLOSE_WAIT, "10.0.0.5", 8080, "10.0.0.9", 41000 + i)->idle_ms = 20000;
		t->who[t->n - 1] = &leaky;
	}
	for (int i = 0; i < 5; i++) {
		sock(t, TCP_CLOSE_WAIT, "10.0.0.5", 9090, "10.0.0.8", 42000 + i)->idle_ms = 20000;
		t->who[t->n - 1] = &other;
	}
	assert_int_equal(diagnose(t, false), 2);
	/* The largest first. */
	assert_int_equal(t->d[0].pid, 5151);
	assert_int_equal(t->d[0].count, 5);
	assert_int_equal(t->d[1].pid, 4242);
	assert_int_equal(t->d[1].count, 3);
	free(t);
}

static void test_close_wait_owner_unknown_without_root(void **state)
{
	(void)state;
	table *t = new_table();
	for (int i = 0; i < 4; i++)
		sock(t, TCP_CLOSE_WAIT, "10.0.0.5", 8080, "10.0.0.9", 41000 + i)->idle_ms = 20000;
	assert_int_equal(diagnose(t, false), 1);
	assert_int_equal(t->d[0].pid, -1);
	assert_int_equal(t->d[0].uid, 1000);
	assert_int_equal(t->d[0].count, 4);
	assert_non_null(strstr(t->d[0].message, "uid 1000"));
	free(t);
}

static void test_close_wait_min_threshold(void **state)
{
	(void)state;
	table *t = new_table();
	for (int i = 0; i < 3; i++) {
		sock(t, TCP_CLOSE_WAIT, "10.0.0.5", 8080, "10.0.0.9", 41000 + i)->idle_ms = 20000;
		t->who[t->n - 1] = &leaky;
	}
	sdiag_config cfg;
	sdiag_config_default(&cfg);
	cfg.close_wait_min = 4;
	assert_int_equal(diagnose_cfg(t, &cfg, false), 0);
	cfg.close_wait_min = 3;
	assert_int_equal(diagnose_cfg(t, &cfg, false), 1);
	free(t);
}

static void test_close_wait_since_from_watch(void **state)
{
	(void)state;
	table *t = new_table();
	/* The peer kept ACKing our writes: its silence is short, but --watch
	 * has seen the socket in CLOSE_WAIT for 45 s. */
	sock(t, TCP_CLOSE_WAIT, "10.0.0.5", 8080, "10.0.0.9", 41000)->idle_ms = 50;
	t->who[t->n - 1] = &leaky;
	t->age[t->n - 1] = 45;
	assert_int_equal(diagnose(t, false), 0);
	assert_int_equal(diagnose(t, true), 1);
	assert_true(t->d[0].since_s >= 45.0 && t->d[0].since_s < 46.0);
	free(t);
}

/* ---- TIME_WAIT ---- */

static void test_time_wait_200_to_one_remote(void **state)
{
	(void)state;
	table *t = new_table();
	for (int i = 0; i < 200; i++)
		sock(t, TCP_TIME_WAIT, "10.0.0.5", 33000 + i, "10.0.0.1", 443)->timer = KDIAG_TIMER_TIMEWAIT;
	for (int i = 0; i < 5; i++)
		sock(t, TCP_TIME_WAIT, "10.0.0.5", 34000 + i, "10.0.0.2", 443);
	assert_int_equal(diagnose(t, false), 1);
	const sdiag *d = &t->d[0];
	assert_string_equal(sdiag_name(d->code), "time_wait_accumulation");
	assert_string_equal(d->endpoint, "10.0.0.1:443");
	assert_int_equal(d->count, 200);
	assert_false(d->incoming);
	assert_non_null(strstr(d->message, "200 connections to 10.0.0.1:443"));
	assert_non_null(strstr(d->hint, "pool"));
	assert_non_null(strstr(d->hint, "keep-alive"));
	free(t);
}

static void test_time_wait_handful_is_normal(void **state)
{
	(void)state;
	table *t = new_table();
	for (int i = 0; i < 5; i++)
		sock(t, TCP_TIME_WAIT, "10.0.0.5", 33000 + i, "10.0.0.1", 443);
	assert_int_equal(diagnose(t, false), 0);
	free(t);
}

static void test_time_wait_threshold_counts_per_endpoint(void **state)
{
	(void)state;
	table *t = new_table();
	/* 300 TIME_WAITs, but spread over 3 remote ports: 100 each, under
	 * a threshold of 101 and exactly at one of 100. */
	for (int i = 0; i < 300; i++)
		sock(t, TCP_TIME_WAIT, "10.0.0.5", 33000 + i, "10.0.0.1", 8000 + i % 3);
	sdiag_config cfg;
	sdiag_config_default(&cfg);
	cfg.time_wait_threshold = 101;
	assert_int_equal(diagnose_cfg(t, &cfg, false), 0);
	cfg.time_wait_threshold = 100;
	assert_int_equal(diagnose_cfg(t, &cfg, false), 3);
	free(t);
}

static void test_time_wait_at_a_server_counted_at_its_listener(void **state)
{
	(void)state;
	table *t = new_table();
	sock(t, TCP_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0)->wqueue = 511;
	char peer[32];
	for (int i = 0; i < 150; i++) {
		snprintf(peer, sizeof peer, "192.0.2.%d", i % 250 + 1);
		sock(t, TCP_TIME_WAIT, "10.0.0.5", 80, peer, 50000 + i);
	}
	assert_int_equal(diagnose(t, false), 1);
	assert_true(t->d[0].incoming);
	assert_string_equal(t->d[0].endpoint, "10.0.0.5:80");
	assert_int_equal(t->d[0].count, 150);
	free(t);
}

static void test_time_wait_ipv6_remote(void **state)
{
	(void)state;
	table *t = new_table();
	for (int i = 0; i < 120; i++)
		sock(t, TCP_TIME_WAIT, "2001:db8::5", 33000 + i, "2001:db8::1", 443);
	assert_int_equal(diagnose(t, false), 1);
	assert_string_equal(t->d[0].endpoint, "[2001:db8::1]:443");
	free(t);
}

/* ---- SYN_SENT ---- */

static void test_syn_sent_held_over_watch_samples(void **state)
{
	(void)state;
	kwatch *w = kwatch_new();
	assert_non_null(w);
	table *t = new_table();
	/* The same connect() in every sample, its SYN never answered (the
	 * retransmission count left at 0: only the watch tells its age). */
	sock(t, TCP_SYN_SENT, "10.0.0.5", 45000, "198.51.100.7", 443)->timer = KDIAG_TIMER_RETRANS;
	uint64_t since[MAXS];
	static const double at[] = { 0, 1, 2, 4 };
	static const size_t expect[] = { 0, 0, 0, 1 };
	for (size_t k = 0; k < 4; k++) {
		uint64_t now = 1000000000ull + (uint64_t)(at[k] * 1e9);
		assert_int_equal(kwatch_update(w, t->v, t->n, now, since), 0);
		for (size_t i = 0; i < t->n; i++)
			t->age[i] = (double)(now - since[i]) / 1e9;
		assert_int_equal(diagnose(t, true), expect[k]);
	}
	assert_string_equal(sdiag_name(t->d[0].code), "syn_unanswered");
	assert_string_equal(t->d[0].endpoint, "198.51.100.7:443");
	assert_true(t->d[0].since_s >= 4.0);
	free(t);
	kwatch_free(w);
}

static void test_syn_sent_retransmitted_in_one_sample(void **state)
{
	(void)state;
	table *t = new_table();
	kdiag_sock *s = sock(t, TCP_SYN_SENT, "10.0.0.5", 45000, "198.51.100.7", 443);
	s->timer = KDIAG_TIMER_RETRANS;
	s->retrans = 1; /* one SYN lost is bad luck, not a firewall */
	s->rto_us = 1000000;
	s->expires_ms = 400;
	assert_int_equal(diagnose(t, false), 0);
	/* Two retransmissions under Linux's linear SYN timeouts (1 s each)
	 * and 0.6 s into the third wait: 2.6 s, not yet 3. */
	s->retrans = 2;
	assert_int_equal(diagnose(t, false), 0);
	/* Three: 3.6 s without an answer (under the old doubling it would be
	 * 7.6 s: the estimate takes the shorter). */
	s->retrans = 3;
	assert_int_equal(diagnose(t, false), 1);
	assert_true(t->d[0].since_s >= 3.5 && t->d[0].since_s < 3.7);
	assert_string_equal(sdiag_name(t->d[0].code), "syn_unanswered");
	assert_non_null(strstr(t->d[0].hint, "firewall"));
	free(t);
}

/* ---- SYN_RCVD ---- */

static void add_syn_recv(table *t, int n, int retrans)
{
	char peer[32];
	for (int i = 0; i < n; i++) {
		snprintf(peer, sizeof peer, "203.0.113.%d", i % 250 + 1);
		kdiag_sock *s = sock(t, TCP_SYN_RECV, "10.0.0.5", 443, peer, 30000 + i);
		s->timer = KDIAG_TIMER_RETRANS;
		s->retrans = (uint8_t)retrans;
	}
}

static void test_syn_recv_piling_up(void **state)
{
	(void)state;
	table *t = new_table();
	sock(t, TCP_LISTEN, "0.0.0.0", 443, "0.0.0.0", 0)->wqueue = 4096;
	add_syn_recv(t, 50, 2);
	assert_int_equal(diagnose(t, false), 1);
	const sdiag *d = &t->d[0];
	assert_string_equal(sdiag_name(d->code), "handshake_incomplete");
	assert_string_equal(d->endpoint, "10.0.0.5:443");
	assert_int_equal(d->count, 50);
	assert_false(d->flood);
	assert_non_null(strstr(d->hint, "NAT"));
	free(t);
}

static void test_syn_recv_flood(void **state)
{
	(void)state;
	table *t = new_table();
	sock(t, TCP_LISTEN, "0.0.0.0", 443, "0.0.0.0", 0)->wqueue = 512;
	add_syn_recv(t, 300, 2);
	assert_int_equal(diagnose(t, false), 1);
	assert_true(t->d[0].flood);
	assert_non_null(strstr(t->d[0].message, "SYN flood"));
	free(t);
}

static void test_syn_recv_few_or_fresh_is_normal(void **state)
{
	(void)state;
	table *t = new_table();
	sock(t, TCP_LISTEN, "0.0.0.0", 443, "0.0.0.0", 0)->wqueue = 4096;
	add_syn_recv(t, 3, 3);   /* a scanner's strays */
	add_syn_recv(t, 200, 0); /* a busy server's handshakes in flight */
	assert_int_equal(diagnose(t, false), 0);
	free(t);
}

/* ---- FIN_WAIT_2, LAST_ACK ---- */

static void test_fin_wait_2_aged(void **state)
{
	(void)state;
	table *t = new_table();
	sock(t, TCP_FIN_WAIT2, "10.0.0.5", 46000, "10.0.0.20", 6379)->idle_ms = 5000;
	t->age[t->n - 1] = 90;
	assert_int_equal(diagnose(t, false), 0); /* 5 s of silence: nothing yet */
	assert_int_equal(diagnose(t, true), 1);  /* held 90 s, seen by --watch */
	assert_string_equal(sdiag_name(t->d[0].code), "fin_wait_2_held");
	assert_string_equal(t->d[0].endpoint, "10.0.0.20:6379");
	assert_non_null(strstr(t->d[0].message, "never closes"));
	/* Without --watch, the peer's silence is enough once it is long. */
	t->v[t->n - 1].idle_ms = 75000;
	assert_int_equal(diagnose(t, false), 1);
	free(t);
}

static void test_last_ack_aged(void **state)
{
	(void)state;
	table *t = new_table();
	kdiag_sock *s = sock(t, TCP_LAST_ACK, "10.0.0.5", 8080, "10.0.0.30", 51000);
	s->timer = KDIAG_TIMER_RETRANS;
	s->retrans = 3;
	s->rto_us = 1600000; /* 200 ms doubled three times: 1.4 s so far */
	assert_int_equal(diagnose(t, false), 0);
	s->retrans = 5;
	s->rto_us = 6400000; /* 6.2 s so far */
	assert_int_equal(diagnose(t, false), 1);
	assert_string_equal(sdiag_name(t->d[0].code), "last_ack_held");
	assert_true(t->d[0].since_s >= 6.0);
	s->retrans = 0;
	s->rto_us = 0;
	t->age[t->n - 1] = 12;
	assert_int_equal(diagnose(t, true), 1);
	assert_non_null(strstr(t->d[0].hint, "final ACK"));
	free(t);
}

/* ---- listeners, filters, the quiet host ---- */

static void test_accept_queue_full(void **state)
{
	(void)state;
	table *t = new_table();
	kdiag_sock *l = sock(t, TCP_LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0);
	l->rqueue = 129; /* the kernel lets one more in than the backlog */
	l->wqueue = 128;
	t->who[t->n - 1] = &leaky;
	assert_int_equal(diagnose(t, false), 1);
	assert_string_equal(sdiag_name(t->d[0].code), "accept_queue_full");
	assert_int_equal(t->d[0].pid, 4242);
	l->rqueue = 10;
	assert_int_equal(diagnose(t, false), 0);
	free(t);
}

static void test_filtered_out_sockets_are_not_diagnosed(void **state)
{
	(void)state;
	table *t = new_table();
	for (int i = 0; i < 200; i++) {
		sock(t, TCP_TIME_WAIT, "10.0.0.5", 33000 + i, "10.0.0.1", 443);
		t->keep[t->n - 1] = false;
	}
	assert_int_equal(diagnose(t, false), 0);
	free(t);
}

static void test_quiet_host_has_no_diagnosis(void **state)
{
	(void)state;
	table *t = new_table();
	sock(t, TCP_SYN_SENT, "10.0.0.5", 45000, "10.0.0.1", 443)->timer = KDIAG_TIMER_RETRANS;
	sock(t, TCP_FIN_WAIT1, "10.0.0.5", 45001, "10.0.0.1", 443);
	sock(t, TCP_LAST_ACK, "10.0.0.5", 8080, "10.0.0.9", 41000);
	sock(t, TCP_FIN_WAIT2, "10.0.0.5", 45002, "10.0.0.1", 443)->idle_ms = 100;
	sock(t, TCP_CLOSING, "10.0.0.5", 45003, "10.0.0.1", 443);
	for (int i = 0; i < 99; i++)
		sock(t, TCP_TIME_WAIT, "10.0.0.5", 33000 + i, "10.0.0.1", 443);
	assert_int_equal(diagnose(t, false), 0);
	assert_int_equal(diagnose(t, true), 0);
	free(t);
}

/* ---- socket ages across samples ---- */

static void test_watch_state_change_restarts_the_clock(void **state)
{
	(void)state;
	kwatch *w = kwatch_new();
	table *t = new_table();
	kdiag_sock *s = sock(t, TCP_ESTABLISHED, "10.0.0.5", 8080, "10.0.0.9", 41000);
	uint64_t since[MAXS];
	assert_int_equal(kwatch_update(w, t->v, t->n, 100, since), 0);
	assert_int_equal(kwatch_start(w), 100);
	assert_int_equal(kwatch_update(w, t->v, t->n, 200, since), 0);
	assert_int_equal(since[t->n - 1], 100);
	s->state = TCP_CLOSE_WAIT;
	assert_int_equal(kwatch_update(w, t->v, t->n, 300, since), 0);
	assert_int_equal(since[t->n - 1], 300);
	assert_int_equal(since[0], 100); /* the others kept theirs */
	/* Gone for a sample, then back: a new socket. */
	size_t n = t->n;
	assert_int_equal(kwatch_update(w, t->v, n - 1, 400, since), 0);
	assert_int_equal(kwatch_update(w, t->v, n, 500, since), 0);
	assert_int_equal(since[n - 1], 500);
	free(t);
	kwatch_free(w);
}

static void test_watch_reuseport_listeners_kept_apart(void **state)
{
	(void)state;
	kwatch *w = kwatch_new();
	table *t = calloc(1, sizeof *t);
	sock(t, TCP_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0)->inode = 11;
	uint64_t since[MAXS];
	assert_int_equal(kwatch_update(w, t->v, t->n, 100, since), 0);
	sock(t, TCP_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0)->inode = 12;
	assert_int_equal(kwatch_update(w, t->v, t->n, 200, since), 0);
	assert_int_equal(since[0], 100);
	assert_int_equal(since[1], 200);
	free(t);
	kwatch_free(w);
}

/* ---- owners from a /proc-shaped directory ---- */

static void mkproc(const char *root, int pid, const char *comm, int fd, const char *link)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%d", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/%d/fd", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/%d/comm", root, pid);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", comm);
	fclose(f);
	snprintf(path, sizeof path, "%s/%d/fd/%d", root, pid, fd);
	assert_int_equal(symlink(link, path), 0);
}

static void test_owners_from_proc(void **state)
{
	(void)state;
	char root[] = "/tmp/tcps-owners-XXXXXX";
	assert_non_null(mkdtemp(root));
	mkproc(root, 300, "server", 5, "socket:[777]");
	mkproc(root, 300, "server", 6, "socket:[778]");
	mkproc(root, 300, "server", 7, "/dev/null");
	mkproc(root, 400, "child", 5, "socket:[777]"); /* inherited over fork */
	mkproc(root, 500, "bystander", 3, "socket:[999]");
	char path[256];
	snprintf(path, sizeof path, "%s/self", root);
	mkdir(path, 0755); /* not a pid: skipped */

	owners *o = owners_new();
	assert_int_equal(owners_reset(o, 3), 0);
	owners_want(o, 777);
	owners_want(o, 778);
	owners_want(o, 12345); /* nobody has it */
	assert_int_equal(owners_scan(o, root), 2);
	const owner *w = owners_find(o, 777);
	assert_non_null(w);
	assert_int_equal(w->pid, 300); /* the lower pid: the parent */
	assert_int_equal(w->fd, 5);
	assert_string_equal(w->comm, "server");
	assert_non_null(owners_find(o, 778));
	assert_null(owners_find(o, 12345));
	assert_null(owners_find(o, 999)); /* not wanted */
	assert_null(owners_find(o, 0));
	assert_int_equal(owners_denied(o), 0);
	owners_free(o);

	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_wait_leak_named_with_pid_and_count),
		cmocka_unit_test(test_close_wait_full_receive_queue),
		cmocka_unit_test(test_close_wait_about_to_close_is_normal),
		cmocka_unit_test(test_close_wait_grouped_per_process),
		cmocka_unit_test(test_close_wait_owner_unknown_without_root),
		cmocka_unit_test(test_close_wait_min_threshold),
		cmocka_unit_test(test_close_wait_since_from_watch),
		cmocka_unit_test(test_time_wait_200_to_one_remote),
		cmocka_unit_test(test_time_wait_handful_is_normal),
		cmocka_unit_test(test_time_wait_threshold_counts_per_endpoint),
		cmocka_unit_test(test_time_wait_at_a_server_counted_at_its_listener),
		cmocka_unit_test(test_time_wait_ipv6_remote),
		cmocka_unit_test(test_syn_sent_held_over_watch_samples),
		cmocka_unit_test(test_syn_sent_retransmitted_in_one_sample),
		cmocka_unit_test(test_syn_recv_piling_up),
		cmocka_unit_test(test_syn_recv_flood),
		cmocka_unit_test(test_syn_recv_few_or_fresh_is_normal),
		cmocka_unit_test(test_fin_wait_2_aged),
		cmocka_unit_test(test_last_ack_aged),
		cmocka_unit_test(test_accept_queue_full),
		cmocka_unit_test(test_filtered_out_sockets_are_not_diagnosed),
		cmocka_unit_test(test_quiet_host_has_no_diagnosis),
		cmocka_unit_test(test_watch_state_change_restarts_the_clock),
		cmocka_unit_test(test_watch_reuseport_listeners_kept_apart),
		cmocka_unit_test(test_owners_from_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
