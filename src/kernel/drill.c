/* The drill's script: the seed's Mini Drill (nc -l 9000; nc localhost
 * 9000; one line; Ctrl-D) done with the kernel's own sockets, one system
 * call per step, each step followed by the segments it caused (as the
 * observer labels them) and the kernel's view of both sockets.  See
 * drill.h. */
#include "kernel/drill_int.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#define LINE "hello from the drill\n"

enum {
	WAIT_MS = 1000,       /* for a step's expected segment: Linux delays an
			       * ACK by 40-200 ms at most */
	LAST_WAIT_MS = 2000,  /* for the final ACK */
	QUIET_MS = 20,        /* then for stragglers, until this long with none */
	READ_TIMEOUT_S = 2,   /* a server read() that would hang is a failure */
};

static int fail(drill *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, DRILL_ERRLEN, fmt, ap);
	va_end(ap);
	return -1;
}

/* "step N: ...", a blank line before it. */
static void say(drill *d, const char *fmt, ...)
{
	va_list ap;

	fprintf(d->out, "\nstep %d: ", d->step);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
}

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- the steps: each does one thing and says what it did ---- */

static int step_listen(drill *d)
{
	if (listen(d->lfd, 1) < 0)
		return fail(d, "listen() on 127.0.0.1:%u: %s", d->port, strerror(errno));
	say(d, "the server listen()s on 127.0.0.1:%u", d->port);
	return 0;
}

static int step_connect(drill *d)
{
	struct sockaddr_in a = loopback(d->port), me;
	socklen_t len = sizeof me;

	d->cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->cfd < 0)
		return fail(d, "client socket(): %s", strerror(errno));
	if (connect(d->cfd, (struct sockaddr *)&a, sizeof a) < 0)
		return fail(d, "client connect() to 127.0.0.1:%u: %s", d->port, strerror(errno));
	if (getsockname(d->cfd, (struct sockaddr *)&me, &len) < 0)
		return fail(d, "client getsockname(): %s", strerror(errno));
	d->cport = ntohs(me.sin_port);
	say(d, "the client connect()s from 127.0.0.1:%u to 127.0.0.1:%u; "
	    "connect() returns once the handshake is done", d->cport, d->port);
	return 0;
}

static int step_accept(drill *d)
{
	struct timeval tv = { .tv_sec = READ_TIMEOUT_S };

	d->sfd = accept4(d->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (d->sfd < 0)
		return fail(d, "server accept(): %s", strerror(errno));
	setsockopt(d->sfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	say(d, "the server accept()s it: the kernel finished the handshake before "
	    "the program asked, so nothing is sent");
	return 0;
}

static int step_send(drill *d)
{
	size_t n = strlen(LINE);

	if (write(d->cfd, LINE, n) != (ssize_t)n)
		return fail(d, "client write(): %s", strerror(errno));
	say(d, "the client write()s one line, \"hello from the drill\\n\" (%zu bytes)", n);
	return 0;
}

/* Reads until the line's newline or the end of the stream; returns the
 * bytes read, or -1 with d->err filled. */
static ssize_t server_read(drill *d, char *buf, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		ssize_t n = read(d->sfd, buf + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(d, "server read(): %s", errno == EAGAIN ? "nothing came in time"
										: strerror(errno));
		if (n == 0 || memchr(buf + got, '\n', (size_t)n))
			return (ssize_t)(got + (size_t)n);
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int step_read_line(drill *d)
{
	char buf[64];
	ssize_t n = server_read(d, buf, sizeof buf);

	if (n < 0)
		return -1;
	say(d, "the server read()s it: %zd bytes", n);
	return 0;
}

static int step_client_close(drill *d)
{
	close_fd(&d->cfd);
	say(d, "the client close()s its socket (the seed's Ctrl-D): its FIN says it will send no more");
	return 0;
}

static int step_read_eof(drill *d)
{
	char buf[64];
	ssize_t n = server_read(d, buf, sizeof buf);

	if (n < 0)
		return -1;
	if (n > 0)
		return fail(d, "server read(): %zd bytes where the end of the stream was expected", n);
	say(d, "the server read()s again: 0 bytes, the end of the stream (the client's FIN)");
	return 0;
}

static int step_server_close(drill *d)
{
	close_fd(&d->sfd);
	say(d, "the server close()s its socket: its FIN");
	return 0;
}

typedef struct drill_step {
	int (*act)(drill *d);
	trace_label until;    /* the segment that ends the step ... */
	int from;             /* ... from this side; TRACE_NLABELS: none expected */
	unsigned wait_ms;
} drill_step;

static const drill_step steps[] = {
	{ step_listen, TRACE_NLABELS, 0, 0 },
	{ step_connect, TRACE_L_HANDSHAKE_3, TRACE_CLIENT, WAIT_MS },
	{ step_accept, TRACE_NLABELS, 0, 0 },
	{ step_send, TRACE_L_ACK, TRACE_SERVER, WAIT_MS },
	{ step_read_line, TRACE_NLABELS, 0, 0 },
	{ step_client_close, TRACE_L_CLOSE_2, TRACE_SERVER, WAIT_MS },
	{ step_read_eof, TRACE_NLABELS, 0, 0 },
	{ step_server_close, TRACE_L_CLOSE_4, TRACE_CLIENT, LAST_WAIT_MS },
};
#define NSTEPS (sizeof steps / sizeof steps[0])

/* ---- the capture, fed to the observer ---- */

static void on_segment(void *user, const trace_seg_event *ev)
{
	drill *d = user;

	d->segments++;
	if ((unsigned)ev->label < TRACE_NLABELS)
		d->seen[ev->label][ev->from] = true;
	trace_render_segment(&d->render, ev);
}

static void on_conn(void *user, const trace_conn_record *rec)
{
	drill *d = user;

	trace_render_conn(&d->render, rec);
	if (!d->have_rec) {
		d->rec = *rec;
		d->have_rec = true;
	}
}

/* Feeds the observer what was captured: until the step's segment has
 * been seen (or its wait ran out), then until the line goes quiet. */
static int drain(drill *d, const drill_step *s)
{
	uint64_t ms = 1000000u, give_up = drill_now() + s->wait_ms * ms;
	bool waiting = s->until != TRACE_NLABELS;
	trace_pkt pkt;

	for (;;) {
		if (waiting && d->seen[s->until][s->from])
			waiting = false;
		int rc = drill_cap_next(d->cap, &pkt, waiting ? give_up : drill_now() + QUIET_MS * ms);

		if (rc < 0)
			return fail(d, "%s", drill_cap_error(d->cap));
		if (rc == 0 && waiting) {
			waiting = false; /* what did come is shown; the drill goes on */
			continue;
		}
		if (rc == 0)
			return 0;
		if (trace_obs_packet(d->obs, &pkt) < 0)
			return fail(d, "out of memory");
	}
}

/* ---- setting up ---- */

/* libpcap captures through an AF_PACKET socket; asking for one is the
 * plainest test of CAP_NET_RAW, and it names the privilege exactly where
 * a failed pcap_activate could mean several things. */
static bool can_capture(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != EPERM && errno != EACCES;
}

static drill_status bind_listener(drill *d)
{
	struct sockaddr_in a = loopback(d->port);
	int on = 1;

	d->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->lfd < 0) {
		fail(d, "socket(): %s", strerror(errno));
		return DRILL_FAILED;
	}
	/* A TIME-WAIT left on the port by an earlier run must not make it
	 * look busy; another listener still does. */
	setsockopt(d->lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (bind(d->lfd, (struct sockaddr *)&a, sizeof a) == 0)
		return DRILL_OK;
	int e = errno;

	if (e == EADDRINUSE)
		fail(d, "port %u on 127.0.0.1 is in use; choose another with --port N", d->port);
	else if (e == EACCES)
		fail(d, "port %u is below 1024 and needs CAP_NET_BIND_SERVICE; choose another with --port N",
		     d->port);
	else
		fail(d, "bind() to 127.0.0.1:%u: %s", d->port, strerror(e));
	return e == EADDRINUSE || e == EACCES ? DRILL_PORT_BUSY : DRILL_FAILED;
}

static drill_status open_capture(drill *d)
{
	char filter[32], err[TRACE_INPUT_ERRLEN] = "";
	trace_obs_config cfg;

	snprintf(filter, sizeof filter, "tcp port %u", d->port);
	d->in = trace_input_open_live("lo", filter, err);
	if (!d->in) {
		fail(d, "%s", err);
		return DRILL_FAILED;
	}
	trace_render_init(&d->render, TRACE_FORMAT_LADDER, d->out, false);
	trace_obs_config_default(&cfg);
	cfg.on_segment = on_segment;
	cfg.on_conn = on_conn;
	cfg.user = d;
	d->obs = trace_obs_new(&cfg);
	d->cap = d->obs ? drill_cap_start(d->in) : NULL;
	if (!d->cap) {
		fail(d, "out of memory");
		return DRILL_FAILED;
	}
	return DRILL_OK;
}

static drill_status setup(drill *d)
{
	if (!can_capture()) {
		fail(d, "capturing on lo needs CAP_NET_RAW (run as root, or: setcap cap_net_raw+ep "
		     "$(command -v tcpstate)); the drill's sockets would still work but could not be watched");
		return DRILL_NO_PRIVILEGE;
	}
	drill_status st = bind_listener(d);

	return st == DRILL_OK ? open_capture(d) : st;
}

static void teardown(drill *d)
{
	close_fd(&d->cfd);
	close_fd(&d->sfd);
	close_fd(&d->lfd);
	drill_cap_stop(d->cap);
	if (d->obs)
		trace_obs_free(d->obs);
	trace_input_close(d->in);
	trace_render_free(&d->render);
}

static void intro(const drill *d)
{
	fprintf(d->out,
		"The seed's Mini Drill on 127.0.0.1:%u, run by the kernel's own TCP and captured live\n"
		"on lo (\"tcp port %u\").  After each step: the segments it caused, labelled, with the\n"
		"state of each side after each one; then the kernel's view of both sockets, as\n"
		"`ss -tan` names the states (\"-\": the kernel has no such socket).\n",
		d->port, d->port);
}

static int run_steps(drill *d)
{
	for (size_t i = 0; i < NSTEPS; i++) {
		d->step = (int)i + 1;
		if (steps[i].act(d) < 0 || drain(d, &steps[i]) < 0 || drill_kernel_view(d) < 0)
			return -1;
	}
	if (!d->segments)
		return fail(d, "nothing was captured on lo; is the loopback interface up?");
	return 0;
}

drill_status drill_run(uint16_t port, FILE *out, char err[DRILL_ERRLEN])
{
	drill d;
	drill_status st;

	memset(&d, 0, sizeof d);
	d.out = out;
	d.port = port;
	d.lfd = d.cfd = d.sfd = -1;
	d.err = err;
	err[0] = '\0';
	st = setup(&d);
	if (st == DRILL_OK) {
		intro(&d);
		if (run_steps(&d) < 0)
			st = DRILL_FAILED;
		close_fd(&d.lfd);
		/* No more packets: the observer emits the record of the
		 * connection still in TIME_WAIT at the client. */
		drill_cap_stop(d.cap);
		d.cap = NULL;
		trace_obs_finish(d.obs);
		trace_render_finish(&d.render);
		if (st == DRILL_OK)
			drill_report(&d);
	}
	teardown(&d);
	return st;
}
