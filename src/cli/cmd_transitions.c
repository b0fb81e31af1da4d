/* tcpstate transitions [--json] [-c N] [FILTER...]
 *
 * The kernel's own TCP state changes as they happen: the
 * sock:inet_sock_set_state tracepoint read through a private tracefs
 * instance (src/kernel/tracefs), each line parsed and given the time the
 * socket spent in the state it leaves (src/kernel/tracepoint), filtered
 * with ss's words (src/kernel/filter; the port terms run in the kernel). */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>

#include "cli/cli.h"
#include "kernel/filter.h"
#include "kernel/tracefs.h"
#include "kernel/tracepoint.h"

#define EVENT "sock/inet_sock_set_state"
/* Sockets whose time in state is remembered (about 64 bytes each). */
#define MAX_SOCKETS 32768
/* How often the loop looks at the signal flag while the pipe is quiet. */
#define POLL_MS 200

static const char privilege_msg[] =
	"tcpstate transitions: reading the kernel's tracepoints needs root (or CAP_SYS_ADMIN for "
	"tracefs); `tcpstate sockets`, `tcpstate trace -r FILE` and `tcpstate explain` still work\n";

typedef struct tr_opts {
	bool json;
	uint64_t count;
	int nfilter;
	char **filter;
} tr_opts;

typedef struct tr_run {
	const tr_opts *o;
	kfilter filter;
	ktp_tracker *tracker;
	bool clock_mono;
	int64_t wall_offset;     /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	uint64_t printed, lost, bad;
	char line[16384];        /* trace_pipe's bytes not yet a whole line */
	size_t have;
} tr_run;

static volatile sig_atomic_t stop_signal;

static void usage(FILE *out)
{
	fputs("usage: tcpstate transitions [--json] [-c N] [FILTER...]\n\n"
	      "Prints the kernel's own TCP state changes as they happen, read from the\n"
	      "sock:inet_sock_set_state tracepoint: time, task, local -> remote address,\n"
	      "old state -> new state, and how long the socket was in the old state. Runs\n"
	      "until interrupted (Ctrl-C) or for N changes. Needs root (tracefs).\n\n"
	      "  --json      JSON Lines: one {\"type\":\"transition\",...} object per change\n"
	      "  -c N        stop after N changes\n"
	      "  -h, --help  this help\n"
	      "  FILTER      ss's words, all of which must hold: :PORT (either end),\n"
	      "              sport :N, dport :N, src ADDR[/LEN][:PORT], dst ADDR[/LEN][:PORT],\n"
	      "              state NAME (a change into or out of NAME), exclude NAME\n\n"
	      "The task (pid, comm) is the one running on the CPU when the state changed: the\n"
	      "socket's owner for changes its own calls make (connect, close), but often an\n"
	      "unrelated task or <idle> for changes an arriving segment makes. A change from\n"
	      "ESTABLISHED, CLOSE_WAIT or FIN_WAIT_1 straight to CLOSED is marked as a reset.\n"
	      "The kernel does not trace TIME_WAIT: a socket entering it is reported as\n"
	      "FIN_WAIT_2 -> CLOSED (or CLOSING -> CLOSED).\n\n"
	      "Exit status: 0 when stopped or done, 1 when tracing fails, 2 on bad usage.\n",
	      out);
}

static int bad_usage(const char *fmt, const char *arg)
{
	return cli_usage_error("transitions", fmt, arg);
}

/* -1 when the options are fine, else the exit status (already reported). */
static int parse(int argc, char **argv, tr_opts *o)
{
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strncmp(a, "-c", 2)) {
			const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v)
				return bad_usage("%s needs a number of changes", "-c");
			if (!cli_parse_count(v, &o->count))
				return bad_usage("-c wants a positive number of changes, not '%s'", v);
		} else {
			return bad_usage("unknown option '%s'", a);
		}
	}
	o->nfilter = argc - i;
	o->filter = argv + i;
	return -1;
}

/* ---- output ------------------------------------------------------------ */

static void endpoint(const ktp_event *ev, bool local, char *buf, size_t len)
{
	const uint8_t *a = local ? ev->tuple.src : ev->tuple.dst;
	unsigned port = local ? ev->tuple.sport : ev->tuple.dport;
	char ip[INET6_ADDRSTRLEN] = "?";
	bool v6 = ev->tuple.family == AF_INET6;
	if (ev->addr_known)
		inet_ntop(v6 ? AF_INET6 : AF_INET, a, ip, sizeof ip);
	snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", ip, port);
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\u%04x", *p); /* comm is bytes, not always UTF-8 */
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void duration(int64_t ns, char *buf, size_t len)
{
	if (ns >= 1000000000)
		snprintf(buf, len, "%.3f s", (double)ns / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, len, "%.1f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%" PRId64 " us", ns / 1000);
}

static int64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Any process may name itself anything (prctl PR_SET_NAME): no control
 * characters reach the terminal. */
static void printable(const char *s, char *buf, size_t len)
{
	size_t i = 0;
	for (; s[i] && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
}

static void print_text(const ktp_event *ev, int64_t wall, int64_t in_state)
{
	time_t sec = (time_t)(wall / 1000000000);
	struct tm tm;
	localtime_r(&sec, &tm);
	char src[64], dst[64], fb[24], tb[24], d[32], comm[KTP_COMMLEN];
	printable(ev->comm, comm, sizeof comm);
	endpoint(ev, true, src, sizeof src);
	endpoint(ev, false, dst, sizeof dst);
	const char *from = ktp_state_name(ev->from, ev->from_linux, fb, sizeof fb);
	const char *to = ktp_state_name(ev->to, ev->to_linux, tb, sizeof tb);
	printf("%02d:%02d:%02d.%06ld  pid %d (%s)  %s -> %s  %s -> %s", tm.tm_hour, tm.tm_min,
	       tm.tm_sec, (long)(wall % 1000000000 / 1000), ev->pid, comm, src, dst, from, to);
	if (in_state >= 0) {
		duration(in_state, d, sizeof d);
		printf("  (in %s %s)", from, d);
	}
	if (ktp_is_reset(ev->from, ev->to))
		fputs("  reset", stdout);
	putchar('\n');
}

static void print_json(const ktp_event *ev, int64_t wall, int64_t in_state)
{
	char src[64], dst[64], fb[24], tb[24];
	endpoint(ev, true, src, sizeof src);
	endpoint(ev, false, dst, sizeof dst);
	printf("{\"type\":\"transition\",\"t\":%" PRId64 ".%06" PRId64 ",\"pid\":%d,\"comm\":",
	       wall / 1000000000, wall % 1000000000 / 1000, ev->pid);
	json_string(stdout, ev->comm);
	printf(",\"src\":\"%s\",\"dst\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"in_state_s\":", src, dst,
	       ktp_state_name(ev->from, ev->from_linux, fb, sizeof fb),
	       ktp_state_name(ev->to, ev->to_linux, tb, sizeof tb));
	if (in_state >= 0)
		printf("%" PRId64 ".%06" PRId64, in_state / 1000000000, in_state % 1000000000 / 1000);
	else
		fputs("null", stdout);
	printf(",\"reset\":%s,\"cpu\":%d", ktp_is_reset(ev->from, ev->to) ? "true" : "false", ev->cpu);
	if (ev->skaddr)
		printf(",\"sk\":\"0x%" PRIx64 "\"", ev->skaddr);
	fputs("}\n", stdout);
}

/* ---- the loop ----------------------------------------------------------- */

static void on_event(tr_run *r, const ktp_event *ev)
{
	/* Every event feeds the tracker, filtered out or not: the time in
	 * ESTABLISHED needs the change into it, which `state fin-wait-1`
	 * does not print. */
	int64_t in_state = ktp_tracker_update(r->tracker, ev);
	if (!kfilter_match_tuple(&r->filter, &ev->tuple) ||
	    !(kfilter_match_state(&r->filter, ev->from) || kfilter_match_state(&r->filter, ev->to)))
		return;
	int64_t wall = r->clock_mono ? (int64_t)ev->ts_ns + r->wall_offset : now_ns(CLOCK_REALTIME);
	if (r->o->json)
		print_json(ev, wall, in_state);
	else
		print_text(ev, wall, in_state);
	r->printed++;
}

static void on_line(tr_run *r, const char *line)
{
	ktp_event ev;
	uint64_t lost = 0;
	switch (ktp_parse_line(line, &ev, &lost)) {
	case KTP_EVENT:
		on_event(r, &ev);
		break;
	case KTP_LOST:
		fprintf(stderr, "tcpstate transitions: the kernel dropped %" PRIu64
			" events (trace buffer full); some times in state will be missing\n", lost);
		r->lost += lost;
		break;
	case KTP_BAD:
		if (!r->bad++)
			fprintf(stderr, "tcpstate transitions: skipping a line this version cannot read: %s\n",
				line);
		break;
	default:
		break;
	}
}

static bool done(const tr_run *r)
{
	return stop_signal || (r->o->count && r->printed >= r->o->count) || ferror(stdout);
}

/* Splits what was read into lines; keeps the unfinished tail. */
static void feed(tr_run *r, size_t n)
{
	r->have += n;
	char *start = r->line, *end = r->line + r->have, *nl;
	while (!done(r) && (nl = memchr(start, '\n', (size_t)(end - start)))) {
		*nl = '\0';
		on_line(r, start);
		start = nl + 1;
	}
	size_t rest = (size_t)(end - start);
	if (rest == sizeof r->line - 1)
		rest = 0; /* no line is this long: drop it rather than stall */
	memmove(r->line, start, rest);
	r->have = rest;
}

static int run(tr_run *r, ktracefs *tfs)
{
	if (!r->o->json)
		printf("# the kernel's TCP state changes (sock:inet_sock_set_state); the task is the one "
		       "running when the state changed, often not the socket's owner\n");
	fflush(stdout);
	while (!done(r)) {
		ssize_t n = ktracefs_read(tfs, r->line + r->have, sizeof r->line - 1 - r->have, POLL_MS);
		if (n < 0) {
			fprintf(stderr, "tcpstate transitions: reading %s/trace_pipe: %s\n", tfs->dir,
				strerror(errno));
			return CLI_EXIT_FAIL;
		}
		if (n > 0)
			feed(r, (size_t)n);
		fflush(stdout);
	}
	if (ferror(stdout) && errno != EPIPE) {
		fprintf(stderr, "tcpstate transitions: writing the output: %s\n", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* No SA_RESTART: a signal must wake poll() so the instance is removed. */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed output (`| head`) is a write error to stop on, not death
	 * with the instance left behind. */
	signal(SIGPIPE, SIG_IGN);
}

static int start(tr_run *r)
{
	char err[KTRACEFS_ERRLEN] = "", kf[KTP_FILTERLEN];
	if (ktp_kernel_filter(&r->filter, kf, sizeof kf) < 0) {
		fputs("tcpstate transitions: the filter is too long\n", stderr);
		return CLI_EXIT_USAGE;
	}
	ktracefs tfs;
	int st = ktracefs_open(&tfs, EVENT, kf, err);
	if (st == KTRACEFS_ERR_PRIVILEGE) {
		fputs(privilege_msg, stderr);
		return CLI_EXIT_FAIL;
	}
	if (st != KTRACEFS_OK) {
		fprintf(stderr, "tcpstate transitions: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	r->clock_mono = tfs.clock_mono;
	r->wall_offset = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);
	int status = run(r, &tfs);
	ktracefs_close(&tfs);
	return status;
}

int cmd_transitions(int argc, char **argv)
{
	tr_opts o = { 0 };
	int st = parse(argc, argv, &o);
	if (st >= 0)
		return st;
	tr_run *r = calloc(1, sizeof *r);
	if (!r) {
		fputs("tcpstate transitions: out of memory\n", stderr);
		return CLI_EXIT_FAIL;
	}
	r->o = &o;
	char err[KFILTER_ERRLEN];
	if (kfilter_parse(&r->filter, o.nfilter, o.filter, err) < 0) {
		free(r);
		return bad_usage("%s", err);
	}
	if (!(r->tracker = ktp_tracker_new(MAX_SOCKETS))) {
		free(r);
		fputs("tcpstate transitions: out of memory\n", stderr);
		return CLI_EXIT_FAIL;
	}
	catch_signals();
	st = start(r);
	ktp_tracker_free(r->tracker);
	free(r);
	return st;
}
