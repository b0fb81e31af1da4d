/* echo_server: an echo service on tcpstate's own TCP, driven from a
 * program's own poll() loop.
 *
 *   echo_server [-n CONNECTIONS] [PORT]     (as root; default port 7)
 *
 * It creates the TUN device tcps0 with the default addresses (the kernel
 * is 198.18.0.1 and 2001:2::1, tcpstate 198.18.0.2 and 2001:2::2), then
 * echoes every byte each connection sends and closes when the client
 * does.  From the kernel's side:  nc 198.18.0.2 7
 *
 * The part to copy: the stack is one file descriptor and one deadline in
 * the program's loop (poll_timeout() below), tcpn_stack_process() after
 * every wakeup, then each socket's tcpn_events() says what to do. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpstate/net.h"

#define MAX_CLIENTS 64

typedef struct client {
	tcpn_sock *s;
	char buf[4096];   /* received, not yet echoed */
	size_t len;
	bool closing;
} client;

static client clients[MAX_CLIENTS];

/* Echo what can be echoed; returns false when the connection is over. */
static bool serve(client *c)
{
	unsigned ev = tcpn_events(c->s);
	if (c->len) {
		long n = tcpn_send(c->s, c->buf, c->len);
		if (n > 0) {
			memmove(c->buf, c->buf + n, c->len - (size_t)n);
			c->len -= (size_t)n;
		}
	}
	/* Read only as much as we can hold: the window does the flow control. */
	while (c->len < sizeof c->buf && (ev & TCPN_READABLE) && !c->closing) {
		long n = tcpn_recv(c->s, c->buf + c->len, sizeof c->buf - c->len);
		if (n == TCPS_ERR_AGAIN)
			break;
		if (n <= 0) {
			if (n < 0)
				fprintf(stderr, "echo_server: %s\n", tcpn_strerror((int)n));
			c->closing = true; /* end of stream (or error): finish echoing */
			break;
		}
		c->len += (size_t)n;
		long m = tcpn_send(c->s, c->buf, c->len);
		if (m > 0) {
			memmove(c->buf, c->buf + m, c->len - (size_t)m);
			c->len -= (size_t)m;
		}
	}
	if (c->closing && (!c->len || tcpn_error(c->s))) {
		tcpn_close(c->s); /* FIN after the echoed bytes; the stack finishes it */
		c->s = NULL;
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	long port = 7, limit = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			limit = strtol(argv[++i], NULL, 10);
		else
			port = strtol(argv[i], NULL, 10);
	}
	if (port < 1 || port > 65535) {
		fputs("usage: echo_server [-n CONNECTIONS] [PORT]\n", stderr);
		return 2;
	}

	tcpn_config cfg;
	tcpn_config_default(&cfg);
	char err[256];
	tcpn_stack *st = tcpn_stack_new(&cfg, err, sizeof err);
	if (!st) {
		fprintf(stderr, "echo_server: %s\n", err);
		return 1;
	}
	int e;
	tcpn_sock *l = tcpn_listen(st, (uint16_t)port, 16, &e);
	if (!l) {
		fprintf(stderr, "echo_server: %s\n", tcpn_strerror(e));
		tcpn_stack_free(st);
		return 1;
	}
	char a[TCPN_ADDRSTRLEN];
	fprintf(stderr, "echo_server: listening on %s port %ld (device %s)\n",
		tcpn_addr_str(tcpn_stack_local(st, 4), a), port, tcpn_stack_ifname(st));

	long served = 0, open = 0;
	while (limit < 0 || served < limit || open > 0) {
		/* The program's own loop: here only the stack's fd, but any other
		 * descriptors would sit beside it in the same poll(). */
		struct pollfd p = { .fd = tcpn_stack_fd(st), .events = POLLIN };
		if (poll(&p, 1, tcpn_stack_timeout_ms(st, tcpn_now())) < 0 && errno != EINTR)
			break;
		tcpn_stack_process(st, tcpn_now());

		tcpn_sock *s;
		while ((limit < 0 || served < limit) && (s = tcpn_accept(l, &e))) {
			int k = 0;
			while (k < MAX_CLIENTS && clients[k].s)
				k++;
			if (k == MAX_CLIENTS) {
				tcpn_abort(s);
				continue;
			}
			clients[k] = (client){ .s = s };
			served++;
			open++;
		}
		for (int k = 0; k < MAX_CLIENTS; k++)
			if (clients[k].s && !serve(&clients[k]))
				open--;
	}
	/* Let the last FINs be acknowledged before the device goes away. */
	for (int i = 0; i < 10 && tcpn_stack_stats(st)->conns > 0; i++)
		tcpn_stack_wait(st, 100);
	tcpn_close(l);
	tcpn_stack_free(st);
	return 0;
}
