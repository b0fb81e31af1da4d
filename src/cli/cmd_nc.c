/* tcpstate nc [-l] [-v] [-w SECS] [--tun NAME] [--addr ADDR/PREFIX] [--peer ADDR] [--no-gso] HOST PORT
 * tcpstate nc -l [-v] [...] PORT
 *
 * netcat over tcpstate's own TCP: a TUN device whose other end is the
 * Linux kernel.  Standard input goes to the connection, the connection to
 * standard output; end of input half-closes (like `nc -N`); -v prints
 * every state change as the seed writes them (state=SYN_SENT). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tcpstate/net.h"

static void usage(FILE *out)
{
	fputs("usage: tcpstate nc [-v] [-w SECS] [TUN options] HOST PORT\n"
	      "       tcpstate nc -l [-v] [-w SECS] [TUN options] PORT\n\n"
	      "netcat over tcpstate's own TCP.  tcpstate creates a TUN device (or uses an\n"
	      "existing one), gives the kernel its side of the link, and talks TCP to the\n"
	      "kernel through it: standard input goes to the connection, the connection to\n"
	      "standard output, and end of input sends FIN (a half-close, like nc -N).\n"
	      "When tcpstate closed first, nc stays up to a second in TIME_WAIT to\n"
	      "acknowledge the kernel's FIN again if its last ACK was lost.\n"
	      "HOST is numeric: the kernel's address on the link (198.18.0.1, 2001:2::1) or\n"
	      "any address the kernel routes on.\n\n"
	      "  -l                 listen on PORT at tcpstate's addresses, take one connection\n"
	      "  -v                 print each state change on standard error: state=SYN_SENT\n"
	      "  -w SECS            give up if no connection is made within SECS seconds\n"
	      "  --tun NAME         TUN device to create or attach to (default tcps0)\n"
	      "  --addr ADDR/PREFIX tcpstate's address and the link's prefix\n"
	      "                     (default 198.18.0.2/15 and 2001:2::2/48; once per family)\n"
	      "  --peer ADDR        the kernel's address on the link\n"
	      "                     (default 198.18.0.1 and 2001:2::1; once per family)\n"
	      "  --mtu N            the device's MTU (default 1500)\n"
	      "  --no-gso           write one segment per packet; by default back-to-back\n"
	      "                     segments go to the kernel as one GSO packet (a capture\n"
	      "                     on the device shows them as one)\n"
	      "  -h, --help         this help\n\n"
	      "Needs CAP_NET_ADMIN (root) to create and configure the device; works inside\n"
	      "`ip netns exec NS`.  Exit status: 0 when the connection ends cleanly, 1 on a\n"
	      "connection error, 2 on bad usage.\n",
	      out);
}

typedef struct nc_opts {
	bool listen, verbose;
	int wait_s;             /* -w, 0: none */
	const char *host, *port;
	tcpn_config cfg;
} nc_opts;

static int bad(const char *fmt, const char *arg)
{
	fputs("tcpstate nc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (try 'tcpstate nc --help')\n", stderr);
	return CLI_EXIT_USAGE;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int set_addr(nc_opts *o, const char *v)
{
	tcpn_addr a;
	uint8_t prefix;
	if (tcpn_prefix_parse(v, &a, &prefix))
		return bad("--addr wants ADDR/PREFIX, got '%s'", v);
	if (a.family == 4) {
		o->cfg.local4 = a;
		o->cfg.prefix4 = prefix;
	} else {
		o->cfg.local6 = a;
		o->cfg.prefix6 = prefix;
	}
	return 0;
}

static int set_peer(nc_opts *o, const char *v)
{
	tcpn_addr a;
	if (tcpn_addr_parse(v, &a))
		return bad("--peer wants an address, got '%s'", v);
	if (a.family == 4)
		o->cfg.peer4 = a;
	else
		o->cfg.peer6 = a;
	return 0;
}

/* A long option's value: "--opt VALUE" or "--opt=VALUE". */
static const char *long_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* Short flags, possibly bundled (-lv); -w takes a value. */
static int short_flags(nc_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	for (size_t k = 1; a[k]; k++) {
		unsigned long v;
		switch (a[k]) {
		case 'l':
			o->listen = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'N': /* nc -N's half-close is what tcpstate nc always does */
			break;
		case 'w': {
			const char *val = a[k + 1] ? a + k + 1 : *i + 1 < argc ? argv[++*i] : NULL;
			if (!val || !parse_uint(val, 86400, &v) || !v)
				return bad("-w wants seconds (1-86400), got '%s'", val ? val : "");
			o->wait_s = (int)v;
			return 0;
		}
		case 'h':
			usage(stdout);
			exit(CLI_EXIT_OK);
		default:
			return bad("unknown flag '%s'", a);
		}
	}
	return 0;
}

static int parse(nc_opts *o, int argc, char **argv)
{
	const char *pos[3];
	int npos = 0;
	tcpn_config_default(&o->cfg);
	/* A bulk copier: the library's 64 KiB windows would cap a transfer
	 * at 64 KiB a round trip (Linux autotunes up to megabytes). */
	o->cfg.tcp.rcv_buf = o->cfg.tcp.snd_buf = 1u << 20;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int r = 0;
		unsigned long n;
		if (!strcmp(a, "--help")) {
			usage(stdout);
			exit(CLI_EXIT_OK);
		} else if ((v = long_value(argc, argv, &i, "--tun"))) {
			o->cfg.tun_name = v;
		} else if ((v = long_value(argc, argv, &i, "--addr"))) {
			r = set_addr(o, v);
		} else if ((v = long_value(argc, argv, &i, "--peer"))) {
			r = set_peer(o, v);
		} else if ((v = long_value(argc, argv, &i, "--mtu"))) {
			if (!parse_uint(v, 65535, &n))
				return bad("--mtu wants a number, got '%s'", v);
			o->cfg.mtu = (uint32_t)n;
		} else if (!strcmp(a, "--no-gso")) {
			o->cfg.no_gso = true;
		} else if (a[0] == '-' && a[1] == '-') {
			return bad("unknown or incomplete option '%s'", a);
		} else if (a[0] == '-' && a[1]) {
			r = short_flags(o, argc, argv, &i);
		} else if (npos < 3) {
			pos[npos++] = a;
		} else {
			return bad("unexpected argument '%s'", a);
		}
		if (r)
			return r;
	}
	/* nc -l PORT, nc -l HOST PORT (HOST ignored: we listen on ours), nc HOST PORT */
	if (npos == 2 || (o->listen && npos == 1)) {
		o->host = npos == 2 ? pos[0] : NULL;
		o->port = pos[npos - 1];
		return 0;
	}
	return bad("%s", o->listen ? "wants PORT" : "wants HOST PORT");
}

/* ---- The connection ---- */

static volatile sig_atomic_t stop_signal;
static tcpn_sock *watched; /* -v: the connection whose states are printed */

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_state(void *user, tcpn_sock *s, tcps_state from, tcps_state to)
{
	(void)user;
	/* A listener's connection passes CLOSED -> LISTEN on its way to
	 * SYN_RCVD: that LISTEN was printed once, for the listener. */
	if (from == TCPS_CLOSED && to == TCPS_LISTEN)
		return;
	if (!watched || s == watched)
		fprintf(stderr, "state=%s\n", tcps_state_name(to));
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

typedef struct nc_run {
	tcpn_stack *st;
	tcpn_sock *l, *s;
	bool in_eof;            /* standard input ended */
	bool shut;              /* ...and its FIN has been asked for */
	bool out_ok;            /* standard output still takes data */
	char in[65536];         /* read from standard input, not yet sent */
	size_t in_off, in_len;
	uint64_t linger_until;  /* in TIME_WAIT: when nc ends */
} nc_run;

/* nc ends its connection's life early: TIME_WAIT would hold it for 2*MSL.
 * It stays long enough to acknowledge a FIN the kernel sends again when
 * nc's last ACK was lost (the kernel resends after its RTO, 200 ms at
 * least, then 400 ms); gone at once, the device would go with it and the
 * kernel's socket would sit in LAST_ACK, the final ACK never arriving. */
#define NC_TIME_WAIT_LINGER (1 * TCPS_NS_PER_S)

/* What standard input gave goes to the connection as its send buffer
 * takes it; after the last of it, the half-close. */
static int pump_in(nc_run *r)
{
	while (r->in_off < r->in_len) {
		long n = tcpn_send(r->s, r->in + r->in_off, r->in_len - r->in_off);
		if (n == TCPS_ERR_AGAIN)
			return 0;
		if (n < 0)
			return (int)n;
		r->in_off += (size_t)n;
	}
	r->in_off = r->in_len = 0;
	if (r->in_eof && !r->shut) {
		r->shut = true;
		tcpn_shutdown(r->s);
	}
	return 0;
}

static void read_stdin(nc_run *r)
{
	ssize_t n = read(STDIN_FILENO, r->in, sizeof r->in);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n < 0)
			fprintf(stderr, "tcpstate nc: reading standard input: %s\n", strerror(errno));
		r->in_eof = true;
		return;
	}
	r->in_len = (size_t)n;
	r->in_off = 0;
}

/* The connection to standard output.  Returns 0, or the error that
 * ended the connection. */
static int pump_out(nc_run *r)
{
	char buf[16384];
	for (int i = 0; i < 64; i++) { /* bounded: the receive buffer's worth */
		long n = tcpn_recv(r->s, buf, sizeof buf);
		if (n == TCPS_ERR_AGAIN || n == 0)
			return 0;
		if (n < 0)
			return (int)n;
		/* Output gone (a closed pipe): go on reading, so that the peer is
		 * not left with a shut window. */
		if (r->out_ok && !write_all(STDOUT_FILENO, buf, (size_t)n))
			r->out_ok = false;
	}
	return 0;
}

static bool wants_stdin(const nc_run *r)
{
	tcps_state s = tcpn_state(r->s);
	return !r->in_eof && r->in_len == 0 && (s == TCPS_ESTABLISHED || s == TCPS_CLOSE_WAIT);
}

static int report(int err)
{
	fprintf(stderr, "tcpstate nc: %s\n", tcpn_strerror(err));
	return CLI_EXIT_FAIL;
}

/* Accept one connection, then stop listening (nc without -k). */
static void take_connection(nc_run *r)
{
	int err;
	r->s = tcpn_accept(r->l, &err);
	if (!r->s)
		return;
	watched = r->s;
	tcpn_close(r->l);
	r->l = NULL;
}

static int loop(nc_run *r, uint64_t give_up)
{
	for (;;) {
		if (stop_signal) {
			if (r->s)
				tcpn_abort(r->s); /* RST: the kernel's end is not left hanging */
			return 128 + stop_signal;
		}
		uint64_t now = tcpn_now();
		if (give_up != TCPS_NEVER && now >= give_up && (!r->s || tcpn_state(r->s) == TCPS_SYN_SENT)) {
			/* An ICMP error seen meanwhile says why (RFC 9293 SHLD-25). */
			int err = TCPS_ERR_TIMEDOUT;
			if (r->s) {
				tcps_status ss;
				tcpn_status(r->s, &ss);
				if (ss.soft_error)
					err = ss.soft_error;
				tcpn_abort(r->s);
			}
			return report(err);
		}
		struct pollfd p[2] = { { .fd = tcpn_stack_fd(r->st), .events = POLLIN },
				       { .fd = STDIN_FILENO, .events = POLLIN } };
		nfds_t np = r->s && wants_stdin(r) ? 2 : 1;
		int timeout = tcpn_stack_timeout_ms(r->st, now);
		uint64_t until = r->linger_until ? r->linger_until : give_up;
		if (until != TCPS_NEVER) {
			int g = until > now ? (int)((until - now) / TCPS_NS_PER_MS + 1) : 0;
			if (timeout < 0 || g < timeout)
				timeout = g;
		}
		if (poll(p, np, timeout) < 0 && errno != EINTR) {
			fprintf(stderr, "tcpstate nc: poll: %s\n", strerror(errno));
			return CLI_EXIT_FAIL;
		}
		tcpn_stack_process(r->st, tcpn_now());
		if (r->l && !r->s)
			take_connection(r);
		if (!r->s)
			continue;
		if (np == 2 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			read_stdin(r);
		int err = pump_in(r);
		if (!err)
			err = pump_out(r);
		if (err && err != TCPS_ERR_CLOSING)
			return report(err);
		tcps_state s = tcpn_state(r->s);
		if (s == TCPS_TIME_WAIT && !r->linger_until)
			r->linger_until = tcpn_now() + NC_TIME_WAIT_LINGER;
		if (s == TCPS_CLOSED || (s == TCPS_TIME_WAIT && tcpn_now() >= r->linger_until)) {
			err = tcpn_error(r->s);
			return err ? report(err) : CLI_EXIT_OK;
		}
	}
}

static int run(nc_opts *o)
{
	unsigned long port;
	if (!parse_uint(o->port, 65535, &port) || !port)
		return bad("PORT must be 1-65535, got '%s'", o->port);
	tcpn_addr host = { 0 };
	if (o->host && tcpn_addr_parse(o->host, &host))
		return bad("HOST must be a numeric IPv4 or IPv6 address, got '%s'", o->host);
	if (o->verbose)
		o->cfg.on_state = on_state;

	char err[256];
	tcpn_stack *st = tcpn_stack_new(&o->cfg, err, sizeof err);
	if (!st) {
		if (errno == EPERM || errno == EACCES)
			fputs("tcpstate nc: creating a TUN device needs CAP_NET_ADMIN (run as root)\n", stderr);
		else
			fprintf(stderr, "tcpstate nc: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	static nc_run r; /* 64 KiB of input buffer: not on the stack */
	memset(&r, 0, sizeof r);
	r.st = st;
	r.out_ok = true;
	int e = 0;
	if (o->listen) {
		r.l = tcpn_listen(st, (uint16_t)port, 16, &e);
		if (r.l && o->verbose)
			fputs("state=LISTEN\n", stderr);
	} else {
		if (o->verbose)
			fputs("state=CLOSED\n", stderr);
		r.s = tcpn_connect(st, &host, (uint16_t)port, &e);
		watched = r.s;
	}
	int status;
	if (!r.l && !r.s) {
		status = report(e);
	} else {
		struct sigaction sa = { .sa_handler = on_signal };
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
		uint64_t give_up = o->wait_s ? tcpn_now() + (uint64_t)o->wait_s * TCPS_NS_PER_S : TCPS_NEVER;
		status = loop(&r, give_up);
	}
	tcpn_stack_free(st);
	return status;
}

int cmd_nc(int argc, char **argv)
{
	nc_opts o;
	memset(&o, 0, sizeof o);
	int r = parse(&o, argc, argv);
	if (r)
		return r;
	return run(&o);
}
