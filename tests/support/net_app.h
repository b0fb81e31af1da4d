/* Two tcpn_ stacks that talk through packet-preserving fds (socketpairs),
 * driven on virtual time: a client and a server application that each
 * send a pattern, shut down, and check what the other sent. */
#ifndef TCPT_NET_APP_H
#define TCPT_NET_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpstate/net.h"

/* The virtual clock every stack made here reads. */
extern uint64_t tcpt_net_now;

/* A stack on fd with IPv4 address `local` (no IPv6); vnet_hdr: fd's
 * packets carry a virtio_net_hdr.  Fails the test if it cannot be made. */
tcpn_stack *tcpt_net_stack(int fd, const char *local, bool vnet_hdr);

/* One direction's application: send `bytes` of a pattern seeded by
 * salt_out, then shut down; receive and check the other's (salt_in). */
typedef struct tcpt_app {
	tcpn_sock *s;
	uint32_t bytes, sent, rcvd;
	uint8_t salt_out, salt_in;
	bool shut, eof;
} tcpt_app;

/* Moves what can be moved now; true if anything was. */
bool tcpt_app_pump(tcpt_app *a);
/* Both directions finished and the connection closed or in TIME_WAIT. */
bool tcpt_app_over(const tcpt_app *a);

/* Runs client c (already connecting) and the server's listener l until
 * both applications are over or `rounds` rounds pass, calling relay (if
 * not NULL) each round to carry packets between the fds; virtual time
 * jumps to the next timer when nothing moves.  Returns the rounds run. */
int tcpt_net_run(tcpn_stack *client, tcpn_stack *server, tcpn_sock *l, tcpt_app *c, tcpt_app *s, int rounds,
		 bool (*relay)(void *arg), void *arg);

#endif
