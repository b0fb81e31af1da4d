/* tcpstate trace [-r FILE | -i IFACE] [-c N] [-S] [--summary] [--json | --zeek]
 *                [--shard K/N] [FILTER...]
 *
 * Parses the flags (tcpdump's where they mean the same), then feeds the
 * capture (src/trace/input) to the observer with the chosen renderer as
 * its callbacks. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "trace/input.h"
#include "trace/observer.h"
#include "trace/render.h"

typedef struct trace_opts {
	const char *file, *iface;
	uint64_t count;
	bool absolute, summary, json, zeek;
	double syn_wait, close_wait_after; /* seconds; < 0: the default */
	uint64_t time_wait_threshold;      /* 0: the default */
	uint32_t shard, shards;            /* --shard K/N: shard = K - 1; shards 0: none */
	int nfilter;
	char **filter;
} trace_opts;

static void usage(FILE *out)
{
	fputs("usage: tcpstate trace [-r FILE | -i IFACE] [-c N] [-S] [--summary] [--json | --zeek]\n"
	      "                      [FILTER...]\n\n"
	      "Runs the TCP state machine in the shadow of both ends of every connection in a\n"
	      "capture and draws each segment with the state of each side after it, as the\n"
	      "seed's diagram does (client on the left, server on the right).\n\n"
	      "  -r FILE     read a pcap or pcapng file (\"-\" for standard input)\n"
	      "  -i IFACE    capture live on IFACE (needs CAP_NET_RAW); Ctrl-C stops\n"
	      "  -c N        stop after N packets\n"
	      "  -S          absolute sequence numbers (default: relative, as tcpdump)\n"
	      "  -n          accepted for tcpdump's sake (no names are ever looked up)\n"
	      "  --summary   one line per connection instead of the ladder\n"
	      "              (with --json: the connection records only)\n"
	      "  --json      JSON Lines: a \"segment\" record per segment, a \"connection\"\n"
	      "              record per connection\n"
	      "  --zeek      a Zeek conn.log (conn_state and history computed as Zeek does)\n"
	      "  --shard K/N follow only the connections of shard K (1..N) of N: N processes,\n"
	      "              one per core or host, share a capture (connection numbers stay\n"
	      "              unique; time_wait_accumulation counts only the shard's)\n"
	      "  -h, --help  this help\n"
	      "\nDiagnoses (the seed's bugs, with evidence, cause and next step: a line under\n"
	      "the connection, a \"diagnosis\" JSON record, a section after --summary):\n"
	      "  syn_unanswered, handshake_incomplete, connection_refused, reset_established,\n"
	      "  close_wait_stuck, last_ack_held, time_wait_accumulation.  Thresholds:\n"
	      "  --syn-wait SECONDS          a SYN or SYN,ACK sent once and unanswered this long (3)\n"
	      "  --close-wait-after SECONDS  CLOSE_WAIT still held this long at the end (5)\n"
	      "  --time-wait-threshold N     TIME_WAITs towards one remote ip:port (100)\n"
	      "  FILTER      a BPF filter expression, as tcpdump takes it (\"port 443\")\n\n"
	      "A connection's record comes out when it ends; one ended by a RST waits 10 to 40 s\n"
	      "of capture time first, since a later segment may show the RST was lost, and one\n"
	      "whose close ended on its last ACK waits 3 s, for the FIN sent again if it was lost.\n"
	      "Without -r or -i, a capture is read from standard input when it is not a terminal.\n"
	      "Exit status: 0 on success, 1 when the capture cannot be read, 2 on bad usage.\n",
	      out);
}

static int bad(const char *fmt, const char *arg)
{
	return cli_usage_error("trace", fmt, arg);
}

/* "-r FILE" or "-rFILE": the value, or NULL when missing. */
static const char *short_value(int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	if (a[2])
		return a + 2;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* "K/N", 1 <= K <= N <= 65536. */
static bool parse_shard(const char *v, trace_opts *o)
{
	char *end;
	errno = 0;
	unsigned long k = strtoul(v, &end, 10), n;
	if (end == v || *end != '/' || !isdigit((unsigned char)v[0]))
		return false;
	const char *nv = end + 1;
	n = strtoul(nv, &end, 10);
	if (end == nv || *end || !isdigit((unsigned char)nv[0]) || errno || !k || k > n || n > 65536)
		return false;
	o->shard = (uint32_t)(k - 1);
	o->shards = (uint32_t)n;
	return true;
}

/* Returns -1 when the options are fine, else the exit status (help or a
 * usage error, already reported). */
static int parse(int argc, char **argv, trace_opts *o)
{
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break; /* the filter starts here */
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(a, "-S")) {
			o->absolute = true;
		} else if (!strcmp(a, "-n")) {
			/* tcpdump's "no name lookups": tcpstate never makes any. */
		} else if (!strcmp(a, "--summary")) {
			o->summary = true;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--zeek")) {
			o->zeek = true;
		} else if (!strcmp(a, "--syn-wait") || !strcmp(a, "--close-wait-after")) {
			double *dst = a[2] == 's' ? &o->syn_wait : &o->close_wait_after;
			char *end;
			if (++i >= argc || (*dst = strtod(argv[i], &end)) < 0 || *end || end == argv[i])
				return bad("%s wants a number of seconds", a);
		} else if (!strcmp(a, "--shard")) {
			if (++i >= argc || !parse_shard(argv[i], o))
				return bad("%s wants K/N, a shard K from 1 to N (N up to 65536)", a);
		} else if (!strcmp(a, "--time-wait-threshold")) {
			if (++i >= argc || !cli_parse_count(argv[i], &o->time_wait_threshold))
				return bad("%s wants a positive number", a);
		} else if (!strncmp(a, "-r", 2)) {
			if (!(v = short_value(argc, argv, &i)))
				return bad("%s needs a file name", "-r");
			o->file = v;
		} else if (!strncmp(a, "-i", 2)) {
			if (!(v = short_value(argc, argv, &i)))
				return bad("%s needs an interface name", "-i");
			o->iface = v;
		} else if (!strncmp(a, "-c", 2)) {
			if (!(v = short_value(argc, argv, &i)))
				return bad("%s needs a number of packets", "-c");
			if (!cli_parse_count(v, &o->count))
				return bad("-c wants a positive number of packets, not '%s'", v);
		} else {
			return bad("unknown option '%s'", a);
		}
	}
	if (o->file && o->iface)
		return bad("%s: read a file or capture live, not both", "-r and -i");
	if (o->json && o->zeek)
		return bad("%s: choose one output format", "--json and --zeek");
	if (!o->file && !o->iface) {
		if (isatty(STDIN_FILENO))
			return bad("%s", "needs -r FILE or -i IFACE");
		o->file = "-";
	}
	o->nfilter = argc - i;
	o->filter = argv + i;
	return -1;
}

/* Ctrl-C stops a capture between packets; the records still come out. */
static trace_input *volatile interrupted_input;

static void on_signal(int sig)
{
	(void)sig;
	trace_input *in = interrupted_input;
	if (in)
		trace_input_breakloop(in);
}

static void catch_signals(trace_input *in)
{
	interrupted_input = in;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* What the observer did not get, on stderr: a capture with no TCP in it
 * should not look like an empty result. */
static void report_skipped(trace_input *in)
{
	trace_input_stats st;
	trace_input_get_stats(in, &st);
	if (st.not_tcp || st.fragments)
		fprintf(stderr, "tcpstate: %llu packets were not TCP segments (%llu IP fragments)\n",
			(unsigned long long)(st.not_tcp + st.fragments),
			(unsigned long long)st.fragments);
	if (st.malformed) {
		fprintf(stderr, "tcpstate: %llu malformed packets", (unsigned long long)st.malformed);
		if (st.nreasons)
			fprintf(stderr, " (packet %llu: %s)", (unsigned long long)st.reasons[0].index,
				st.reasons[0].why);
		fputc('\n', stderr);
	}
	if (st.truncated)
		fprintf(stderr, "tcpstate: %llu TCP segments were cut short by the snap length\n",
			(unsigned long long)st.truncated);
	if (st.dropped)
		fprintf(stderr, "tcpstate: %llu packets dropped by the kernel or interface\n",
			(unsigned long long)st.dropped);
}

/* Segments of a connection whose record had already come out (the peer
 * of a TIME_WAIT sending its FIN again, data behind a RST) have no place
 * in it: say how many there were. */
static void report_late(const trace_obs *obs)
{
	trace_obs_stats st;
	trace_obs_get_stats(obs, &st);
	if (st.late)
		fprintf(stderr,
			"tcpstate: %llu segment%s came after %s connection had ended (a FIN or ACK "
			"sent again, data behind a RST): counted, not shown\n",
			(unsigned long long)st.late, st.late == 1 ? "" : "s", st.late == 1 ? "its" : "their");
}

static trace_format format_of(const trace_opts *o)
{
	if (o->zeek)
		return TRACE_FORMAT_ZEEK;
	if (o->json)
		return TRACE_FORMAT_JSON;
	return o->summary ? TRACE_FORMAT_SUMMARY : TRACE_FORMAT_LADDER;
}

static trace_input *open_input(const trace_opts *o)
{
	char err[TRACE_INPUT_ERRLEN] = "";
	char *filter = trace_input_join_filter(o->nfilter, o->filter);
	if (o->nfilter && !filter) {
		fputs("tcpstate: out of memory\n", stderr);
		return NULL;
	}
	trace_input *in = o->iface ? trace_input_open_live(o->iface, filter, err)
				   : trace_input_open_file(o->file, filter, err);
	free(filter);
	if (!in) {
		fprintf(stderr, "tcpstate: %s\n", err);
		return NULL;
	}
	if (o->count)
		trace_input_count_limit(in, o->count);
	if (o->iface)
		fprintf(stderr, "tcpstate: listening on %s, link-type %s\n", o->iface,
			trace_input_linktype_name(in));
	return in;
}

static int run(const trace_opts *o, trace_input *in)
{
	trace_render r;
	trace_render_init(&r, format_of(o), stdout, o->absolute);
	r.batch = !o->iface; /* a live capture shows each line as it comes */
	trace_obs_config cfg;
	trace_obs_config_default(&cfg);
	/* --summary --json: the connection records alone. */
	if (trace_render_wants_segments(&r) && !o->summary)
		cfg.on_segment = trace_render_segment;
	cfg.on_conn = trace_render_conn;
	cfg.on_diag = trace_render_diag;
	/* The summary lists its first diagnoses in full and counts the rest,
	 * and shows nothing of Zeek's view. */
	if (format_of(o) == TRACE_FORMAT_SUMMARY) {
		cfg.diag_text_limit = TRACE_SUMMARY_DIAGS;
		cfg.skip_zeek = true;
	}
	if (o->syn_wait >= 0)
		cfg.syn_wait = (uint64_t)(o->syn_wait * 1e9);
	if (o->close_wait_after >= 0)
		cfg.close_wait_after = (uint64_t)(o->close_wait_after * 1e9);
	if (o->time_wait_threshold)
		cfg.time_wait_threshold = (uint32_t)o->time_wait_threshold;
	cfg.shard = o->shard;
	cfg.shards = o->shards;
	cfg.user = &r;
	trace_obs *obs = trace_obs_new(&cfg);
	if (!obs) {
		fputs("tcpstate: out of memory\n", stderr);
		trace_render_free(&r);
		return CLI_EXIT_FAIL;
	}
	catch_signals(in);
	/* A file is read a few packets ahead of the observer, which is told
	 * of each one early (trace_obs_prefetch) so that its connection is
	 * fetched from memory while the packets before it are processed: with
	 * a million connections open, most of the time a packet took was that
	 * wait.  A live capture is not: a packet is drawn as soon as it
	 * arrives. */
	/* Two steps, a few packets apart: the flow table's bucket when a
	 * packet is read (AHEAD before it is processed), its entry STAGE1
	 * before.  RING: a power of two above AHEAD.  With a million
	 * connections open, 14 and 7 took 5 % less time than 10 and 6 (the
	 * bucket was often still on its way at the second step); 20 or 24
	 * no less again. */
	enum { AHEAD = 14, RING = 16, STAGE1 = 7 };
	trace_pkt ring[RING];
	trace_obs_hint hint[RING];
	unsigned head = 0, queued = 0, ahead = o->iface ? 0 : AHEAD;
	int rc = 1, status = CLI_EXIT_OK;
	for (;;) {
		while (rc == 1 && queued <= ahead) {
			unsigned k = (head + queued) & (RING - 1);
			if ((rc = trace_input_next_or_idle(in, &ring[k])) == TRACE_INPUT_IDLE) {
				/* Live, and nothing came: time passes all the
				 * same, on the clock of the timestamps. */
				struct timespec now;
				clock_gettime(CLOCK_REALTIME, &now);
				trace_obs_idle(obs, (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec);
				rc = 1;
			} else if (rc == 1) {
				if (ahead)
					trace_obs_prefetch(obs, &ring[k], &hint[k]);
				queued++;
			}
		}
		if (!queued)
			break;
		if (queued > STAGE1)
			trace_obs_prefetch_conn(obs, &hint[(head + STAGE1) & (RING - 1)]);
		int fed = ahead ? trace_obs_packet_hinted(obs, &ring[head], &hint[head])
				: trace_obs_packet(obs, &ring[head]);
		if (fed < 0) {
			fputs("tcpstate: out of memory: too many connections at once\n", stderr);
			status = CLI_EXIT_FAIL;
			break;
		}
		head = (head + 1) & (RING - 1);
		queued--;
	}
	/* What was read is drawn to the end before any error is told. */
	trace_obs_finish(obs);
	trace_render_finish(&r);
	interrupted_input = NULL;
	report_skipped(in);
	report_late(obs);
	if (rc < 0) {
		fprintf(stderr, "tcpstate: %s\n", trace_input_error(in));
		status = CLI_EXIT_FAIL;
	}
	trace_obs_free(obs);
	trace_render_free(&r);
	return status;
}

int cmd_trace(int argc, char **argv)
{
	trace_opts o;
	memset(&o, 0, sizeof o);
	o.syn_wait = o.close_wait_after = -1;
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	trace_input *in = open_input(&o);
	if (!in)
		return CLI_EXIT_FAIL;
	/* A file is read as fast as it goes; a live capture is shown as it
	 * happens, one line at a time. */
	if (o.iface)
		setvbuf(stdout, NULL, _IOLBF, 0);
	else
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	rc = run(&o, in);
	trace_input_close(in);
	return rc;
}
