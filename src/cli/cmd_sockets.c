/* tcpstate sockets [--json] [--watch SECONDS [-c N]] [thresholds] [FILTER]
 *
 * One sample: the kernel's TCP sockets (src/kernel/sockdiag), the filter
 * (src/kernel/filter), their processes (src/kernel/owners), under --watch
 * their ages (src/kernel/sockwatch), then the table, the counts and the
 * diagnoses (src/kernel/sockets_diag) printed by sockets_print.c. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sockets_print.h"
#include "kernel/filter.h"
#include "kernel/owners.h"
#include "kernel/sockdiag.h"
#include "kernel/sockets_diag.h"
#include "kernel/sockwatch.h"

typedef struct sockets_opts {
	bool json;
	double watch;   /* seconds between samples; 0: one sample */
	unsigned long count; /* samples under --watch; 0: until interrupted */
	sdiag_config cfg;
	kfilter filter;
} sockets_opts;

static void usage(FILE *out)
{
	fputs("usage: tcpstate sockets [--json] [--watch SECONDS [-c N]] [THRESHOLDS] [FILTER]\n\n"
	      "The kernel's TCP sockets (IPv4 and IPv6, TIME_WAIT and SYN_RCVD included) with their\n"
	      "process, queues and timers, as `ss -tanpo` shows them; the counts per state; then\n"
	      "what is wrong: CLOSE_WAIT a process never closes, TIME_WAIT piling up towards one\n"
	      "endpoint, SYNs never answered, handshakes never completed, FIN_WAIT_2 and LAST_ACK\n"
	      "held too long, accept queues full.\n\n"
	      "  --json              JSON Lines: a \"socket\" record per socket, a \"counts\" record,\n"
	      "                      then the \"diagnosis\" records\n"
	      "  --watch SECONDS     sample again every SECONDS until interrupted, giving each\n"
	      "                      socket's time in its state (age)\n"
	      "  -c N                with --watch: stop after N samples\n"
	      "  -n                  accepted for ss's sake (no names are ever looked up)\n"
	      "  -h, --help          this help\n\n"
	      "thresholds (a diagnosis needs its count or age; ages are lower bounds):\n"
	      "  --time-wait-threshold N  TIME_WAITs towards one endpoint (default 100)\n"
	      "  --close-wait-min N       stuck CLOSE_WAITs in one process (default 1)\n"
	      "  --close-wait-age S       seconds before a CLOSE_WAIT is stuck (default 10)\n"
	      "  --syn-sent-age S         seconds before a SYN is unanswered (default 3)\n"
	      "  --syn-recv-age S         seconds before a SYN_RCVD is stuck (default 3)\n"
	      "  --syn-recv-min N         stuck SYN_RCVDs at one listener (default 10)\n"
	      "  --fin-wait-2-age S       seconds in FIN_WAIT_2 (default 60)\n"
	      "  --last-ack-age S         seconds in LAST_ACK (default 5)\n\n"
	      "FILTER, as ss takes it: :PORT (either end), sport :N, dport :N, src ADDR[/LEN][:PORT],\n"
	      "dst ADDR[/LEN][:PORT], state NAME (close-wait, time-wait, syn-recv, ..., repeatable),\n"
	      "exclude NAME.  Every term must hold.\n\n"
	      "Without root the sockets, states, queues, timers and diagnoses are all there; the\n"
	      "processes of other users' sockets are not (reading /proc/PID/fd needs root).\n"
	      "Exit status: 0 on success, 1 when the kernel's sockets cannot be read, 2 on bad usage.\n",
	      out);
}

static int bad0(const char *msg)
{
	fprintf(stderr, "tcpstate sockets: %s (try 'tcpstate sockets --help')\n", msg);
	return CLI_EXIT_USAGE;
}

static int bad(const char *fmt, const char *arg)
{
	return cli_usage_error("sockets", fmt, arg);
}

static bool parse_ulong(const char *s, unsigned long *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false; /* strtoul would take "-1" */
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_secs(const char *s, double *out)
{
	char *end;
	if ((*s < '0' || *s > '9') && *s != '.')
		return false;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !(v >= 0) || v > 1e9)
		return false;
	*out = v;
	return true;
}

/* "--name VALUE" or "--name=VALUE": the value, or NULL when a is not
 * --name; *missing when the value is absent. */
static const char *long_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) || (a[n] && a[n] != '='))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

typedef struct threshold {
	const char *name;
	bool seconds;   /* else a count */
	size_t offset;  /* into sdiag_config */
} threshold;

#define TH(name, secs, field) { name, secs, offsetof(sdiag_config, field) }
static const threshold thresholds[] = {
	TH("--time-wait-threshold", false, time_wait_threshold),
	TH("--close-wait-min", false, close_wait_min),
	TH("--close-wait-age", true, close_wait_age),
	TH("--syn-sent-age", true, syn_sent_age),
	TH("--syn-recv-age", true, syn_recv_age),
	TH("--syn-recv-min", false, syn_recv_min),
	TH("--fin-wait-2-age", true, fin_wait_2_age),
	TH("--last-ack-age", true, last_ack_age),
};

/* 1 when argv[*i] was a threshold (now set), 0 when it is not one, or
 * CLI_EXIT_USAGE (reported). */
static int parse_threshold(int argc, char **argv, int *i, sdiag_config *cfg)
{
	for (size_t t = 0; t < sizeof thresholds / sizeof thresholds[0]; t++) {
		bool missing = false;
		const char *v = long_value(argc, argv, i, thresholds[t].name, &missing);
		if (missing)
			return bad("%s needs a value", thresholds[t].name);
		if (!v)
			continue;
		char *field = (char *)cfg + thresholds[t].offset;
		unsigned long u;
		if (thresholds[t].seconds) {
			if (!parse_secs(v, (double *)(void *)field))
				return bad("wants a number of seconds, not '%s'", v);
		} else {
			if (!parse_ulong(v, &u) || u > 0xffffffffu)
				return bad("wants a count, not '%s'", v);
			*(unsigned *)(void *)field = (unsigned)u;
		}
		return 1;
	}
	return 0;
}

/* -1 when the options are fine, else the exit status (already reported). */
static int parse(int argc, char **argv, sockets_opts *o)
{
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing = false;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break; /* the filter starts here */
		int th = parse_threshold(argc, argv, &i, &o->cfg);
		if (th == CLI_EXIT_USAGE)
			return th;
		if (th == 1)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "-n")) {
			/* ss's "numeric": tcpstate never resolves names. */
		} else if ((v = long_value(argc, argv, &i, "--watch", &missing)) || missing) {
			if (missing || !parse_secs(v, &o->watch) || o->watch < 0.01)
				return bad0("--watch wants a number of seconds (0.01 or more)");
		} else if (!strncmp(a, "-c", 2)) {
			v = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;
			if (!v || !parse_ulong(v, &o->count) || !o->count)
				return bad0("-c wants a positive number of samples");
		} else {
			return bad("unknown option '%s'", a);
		}
	}
	if (o->count && !o->watch)
		return bad0("-c counts --watch samples: give --watch SECONDS too");
	char err[KFILTER_ERRLEN];
	if (kfilter_parse(&o->filter, argc - i, argv + i, err) < 0)
		return bad("bad filter: %s", err);
	return -1;
}

/* ---- sampling ---- */

typedef struct sampler {
	const sockets_opts *o;
	kdiag_list list;
	owners *own;
	kwatch *watch;
	bool *keep;
	const owner **who;
	uint64_t *since;
	double *age;
	bool *at_least;
	size_t cap;
	bool warned;
} sampler;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int grow(sampler *s, size_t n)
{
	if (n <= s->cap)
		return 0;
	free(s->keep);
	free(s->who);
	free(s->since);
	free(s->age);
	free(s->at_least);
	s->keep = malloc(n * sizeof *s->keep);
	s->who = malloc(n * sizeof *s->who);
	s->since = malloc(n * sizeof *s->since);
	s->age = malloc(n * sizeof *s->age);
	s->at_least = malloc(n * sizeof *s->at_least);
	s->cap = s->keep && s->who && s->since && s->age && s->at_least ? n : 0;
	return s->cap ? 0 : -1;
}

/* Which sockets the filter keeps; how many of those a process holds. */
static size_t apply_filter(sampler *s)
{
	size_t with_inode = 0;
	for (size_t i = 0; i < s->list.n; i++) {
		const kdiag_sock *k = &s->list.v[i];
		kfilter_tuple t;
		t.family = k->family;
		memcpy(t.src, k->src, sizeof t.src);
		memcpy(t.dst, k->dst, sizeof t.dst);
		t.sport = k->sport;
		t.dport = k->dport;
		s->keep[i] = kfilter_match_state(&s->o->filter, (int)kdiag_tcps_state(k->state)) &&
			     kfilter_match_tuple(&s->o->filter, &t);
		with_inode += s->keep[i] && k->inode;
	}
	return with_inode;
}

/* The owners of the kept sockets; returns how many of them stay unknown
 * because a /proc/PID/fd could not be read. */
static size_t find_owners(sampler *s, size_t with_inode)
{
	size_t missing = 0;
	if (owners_reset(s->own, with_inode) == 0) {
		for (size_t i = 0; i < s->list.n; i++)
			if (s->keep[i])
				owners_want(s->own, s->list.v[i].inode);
		owners_scan(s->own, "/proc");
	}
	for (size_t i = 0; i < s->list.n; i++) {
		s->who[i] = s->keep[i] ? owners_find(s->own, s->list.v[i].inode) : NULL;
		missing += s->keep[i] && s->list.v[i].inode && !s->who[i];
	}
	return owners_denied(s->own) ? missing : 0;
}

/* Without root: one line saying what is missing, why, and what is not. */
static void warn_unprivileged(sampler *s, size_t missing)
{
	if (!missing || s->warned)
		return;
	s->warned = true;
	fprintf(stderr,
		"tcpstate sockets: not root: the owning process of %zu socket%s is missing (reading another "
		"user's /proc/PID/fd needs root or CAP_SYS_PTRACE); sockets, states, queues, timers, counts "
		"and diagnoses are complete\n",
		missing, missing == 1 ? "" : "s");
}

static int take_sample(sampler *s, unsigned number, uint64_t t0)
{
	char err[KDIAG_ERRLEN];
	if (kdiag_dump_all(&s->list, 0, err) < 0) {
		fprintf(stderr, "tcpstate sockets: cannot read the kernel's TCP sockets: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	uint64_t now = now_ns();
	if (grow(s, s->list.n ? s->list.n : 1) < 0) {
		fputs("tcpstate sockets: out of memory\n", stderr);
		return CLI_EXIT_FAIL;
	}
	size_t missing = find_owners(s, apply_filter(s));
	warn_unprivileged(s, missing);
	if (s->watch) {
		if (kwatch_update(s->watch, s->list.v, s->list.n, now, s->since) < 0) {
			fputs("tcpstate sockets: out of memory\n", stderr);
			return CLI_EXIT_FAIL;
		}
		/* What the watch saw, or what the socket itself tells when
		 * that is longer (the peer's silence, the retransmissions);
		 * either way a lower bound unless the change was seen. */
		uint64_t start = kwatch_start(s->watch);
		for (size_t i = 0; i < s->list.n; i++) {
			double seen = (double)(now - s->since[i]) / 1e9;
			double est = sdiag_age_estimate(&s->list.v[i]);
			s->age[i] = est > seen ? est : seen;
			s->at_least[i] = s->since[i] == start || est > seen;
		}
	}
	sdiag_input in = { .v = s->list.v, .n = s->list.n, .who = s->who,
			   .age_s = s->watch ? s->age : NULL, .keep = s->keep };
	sock_sample out = { .out = stdout, .json = s->o->json, .in = &in, .owners_missing = missing,
			    .at_least = s->watch ? s->at_least : NULL,
			    .sample = s->watch ? number : 0, .t = (double)(now - t0) / 1e9 };
	sockets_print_table(&out);
	sockets_print_counts(&out);
	sockets_print_diag_start(&out);
	long nd = sdiag_run(&s->o->cfg, &in, sockets_print_diag, &out);
	if (nd < 0) {
		fputs("tcpstate sockets: out of memory\n", stderr);
		return CLI_EXIT_FAIL;
	}
	sockets_print_diag_end(&out, nd);
	fflush(stdout);
	return CLI_EXIT_OK;
}

/* ---- the loop ---- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Sleeps until deadline, or less when a signal comes. */
static void sleep_until(uint64_t deadline)
{
	uint64_t now = now_ns();
	if (now >= deadline)
		return;
	uint64_t d = deadline - now;
	struct timespec ts = { .tv_sec = (time_t)(d / 1000000000u), .tv_nsec = (long)(d % 1000000000u) };
	nanosleep(&ts, NULL); /* EINTR is the point: Ctrl-C ends the wait */
}

static int run(const sockets_opts *o)
{
	sampler s = { .o = o };
	int rc = CLI_EXIT_FAIL;
	s.own = owners_new();
	if (o->watch)
		s.watch = kwatch_new();
	if (!s.own || (o->watch && !s.watch)) {
		fputs("tcpstate sockets: out of memory\n", stderr);
		goto out;
	}
	/* Ctrl-C ends --watch after the sample being printed. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	uint64_t t0 = now_ns();
	for (unsigned n = 1;; n++) {
		rc = take_sample(&s, n, t0);
		if (rc != CLI_EXIT_OK || !o->watch || stop || (o->count && n >= o->count))
			break;
		sleep_until(t0 + (uint64_t)(o->watch * 1e9 * n));
		if (stop)
			break;
	}
out:
	kdiag_list_free(&s.list);
	owners_free(s.own);
	kwatch_free(s.watch);
	free(s.keep);
	free(s.who);
	free(s.since);
	free(s.age);
	free(s.at_least);
	return rc;
}

int cmd_sockets(int argc, char **argv)
{
	sockets_opts o;
	memset(&o, 0, sizeof o);
	sdiag_config_default(&o.cfg);
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	/* 100,000 lines: write in large blocks. */
	static char buf[1 << 16];
	setvbuf(stdout, buf, _IOFBF, sizeof buf);
	return run(&o);
}
