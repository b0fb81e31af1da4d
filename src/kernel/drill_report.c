/* What the drill prints besides the ladder: the kernel's view after each
 * step, and at the end the states each side went through with the
 * seed's "Check Yourself" answered from this run. */
#include "kernel/drill_int.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/sockdiag.h"

/* The ladder's columns (render_ladder.c), so that the kernel's state of
 * each socket sits under the observer's state of the same side. */
#define LABEL_WIDTH 10
#define CLIENT_COL 12
#define SERVER_COL 61

#define TCP_LISTEN_STATE 10     /* the kernel's TCP_LISTEN */
#define TCP_CLOSE_WAIT_STATE 8  /* TCP_CLOSE_WAIT */

static bool is_loopback4(const uint8_t a[16])
{
	return a[0] == 127 && a[1] == 0 && a[2] == 0 && a[3] == 1;
}

/* Which of the drill's sockets s is, if any: the port filter also lets
 * through what earlier runs left in TIME-WAIT on the same port. */
static int which(const drill *d, const kdiag_sock *s)
{
	if (s->family != AF_INET || !is_loopback4(s->src))
		return -1;
	/* A listener has no remote end: its dst is 0.0.0.0. */
	if (s->state == TCP_LISTEN_STATE && s->sport == d->port)
		return KSOCK_LISTENER;
	if (!is_loopback4(s->dst))
		return -1;
	if (!d->cport)
		return -1;
	if (s->sport == d->cport && s->dport == d->port)
		return KSOCK_CLIENT;
	if (s->sport == d->port && s->dport == d->cport)
		return KSOCK_SERVER;
	return -1;
}

static int on_sock(void *user, const kdiag_sock *s)
{
	drill *d = user;
	int k = which(d, s);

	if (k >= 0)
		d->kstate[k] = s->state;
	return 0;
}

static const char *kname(uint8_t state)
{
	return state == KSTATE_NONE ? "-" : kdiag_state_name(state);
}

int drill_kernel_view(drill *d)
{
	char err[KDIAG_ERRLEN];

	memset(d->kstate, KSTATE_NONE, sizeof d->kstate);
	if (kdiag_tcp_dump(AF_INET, d->port, on_sock, d, err) < 0) {
		snprintf(d->err, DRILL_ERRLEN, "asking the kernel for its sockets: %s", err);
		return -1;
	}
	if (d->kstate[KSOCK_SERVER] == TCP_CLOSE_WAIT_STATE && !d->close_wait_step)
		d->close_wait_step = d->step;

	char line[160];
	int n = snprintf(line, sizeof line, "%*s  client %s", LABEL_WIDTH, "kernel:",
			 kname(d->kstate[KSOCK_CLIENT]));
	if (n < SERVER_COL)
		n += snprintf(line + n, sizeof line - (size_t)n, "%*s", SERVER_COL - n, "");
	snprintf(line + n, sizeof line - (size_t)n, "server %s  (listener %s)",
		 kname(d->kstate[KSOCK_SERVER]), kname(d->kstate[KSOCK_LISTENER]));
	fprintf(d->out, "%s\n", line);
	return 0;
}

/* ---- the end ---- */

static tcps_state last_state(const trace_conn_record *r, int side)
{
	return r->nstates[side] ? r->states[side][r->nstates[side] - 1] : TCPS_CLOSED;
}

static void print_states(const drill *d, int side)
{
	const trace_conn_record *r = &d->rec;

	fprintf(d->out, "  %s  ", side == TRACE_CLIENT ? "client" : "server");
	for (unsigned i = 0; i < r->nstates[side]; i++)
		fprintf(d->out, "%s%s", i ? " -> " : "", tcps_state_name(r->states[side][i]));
	fputc('\n', d->out);
}

/* Check Yourself 1: why SYN and FIN take a sequence number. */
static void answer_seq(const drill *d)
{
	FILE *o = d->out;

	fputs("  1. SYN and SYN-ACK each used one sequence number though they carry no data:\n"
	      "     handshake 3/3 acknowledges ACK=1 and the line went out at seq=1, one past\n"
	      "     each side's ISN (numbers relative, as tcpdump prints them).  A SYN, like a\n"
	      "     FIN (acknowledged in close 2/4 and close 4/4), must be acknowledged and sent\n"
	      "     again if lost, exactly as data is; taking a number is what makes that work.\n", o);
}

/* Check Yourself 2: why the closer, and not the responder, waits. */
static void answer_time_wait(const drill *d)
{
	FILE *o = d->out;
	tcps_state client = last_state(&d->rec, TRACE_CLIENT), server = last_state(&d->rec, TRACE_SERVER);
	uint8_t kclient = d->kstate[KSOCK_CLIENT];

	if (d->rec.closed_by != TRACE_CLIENT || client != TCPS_TIME_WAIT) {
		fprintf(o, "  2. The client closed first, so it should be the one in TIME_WAIT; this run\n"
			   "     ended with the client in %s (the kernel: %s).\n",
			tcps_state_name(client), kname(kclient));
		return;
	}
	fprintf(o, "  2. The client closed first (close 1/4), so the client is the one left in\n"
		   "     TIME_WAIT (the kernel: %s for 127.0.0.1:%u -> 127.0.0.1:%u).  Its ACK of\n"
		   "     the server's FIN (close 4/4) is the one segment nobody acknowledges: should it\n"
		   "     be lost, the server sends its FIN again and the client must still be there to\n"
		   "     answer.  And for 2*MSL (60 s on Linux) no late segment of this connection can\n"
		   "     be taken for part of a new one on the same 4-tuple.  The server, which closed\n"
		   "     second, was %s as soon as close 4/4 arrived.\n",
		kname(kclient), d->cport, d->port, tcps_state_name(server));
}

/* Check Yourself 3, and the seed's common confusion. */
static void answer_reset(const drill *d)
{
	FILE *o = d->out;

	if (d->rec.reset)
		fprintf(o, "  3. A RST ended this run (sent by the %s): the connection was aborted,\n"
			   "     not closed; an application reading it would get ECONNRESET.\n",
			d->rec.reset_by == TRACE_CLIENT ? "client" : "server");
	else
		fputs("  3. No RST: both sides closed in order.  A RST in the middle of ESTABLISHED\n"
		      "     means one side aborted (closed with unread data, crashed, or a middlebox\n"
		      "     forgot the connection); the application sees ECONNRESET.\n", o);
	if (d->close_wait_step)
		fprintf(o, "  And CLOSE_WAIT is not TIME_WAIT: after step %d the kernel had the server in\n"
			   "  CLOSE-WAIT, told of the client's FIN but not yet close()d by its program;\n"
			   "  a server that never calls close() stays there (an application bug).  The\n"
			   "  client's TIME-WAIT is the normal end of the side that closed first.\n",
			d->close_wait_step);
}

void drill_report(const drill *d)
{
	FILE *o = d->out;

	if (!d->have_rec) {
		fputs("\nThe observer saw no connection.\n", o);
		return;
	}
	fputs("\nThe states each side went through, as the observer named them from the capture:\n", o);
	print_states(d, TRACE_CLIENT);
	print_states(d, TRACE_SERVER);
	fputs("\nCheck yourself (the seed's questions, answered by this run):\n", o);
	answer_seq(d);
	answer_time_wait(d);
	answer_reset(d);
	fprintf(o, "\nThe client's TIME-WAIT drains in 60 s: watch it with ss -tan 'dport = :%u'\n",
		d->port);
}
