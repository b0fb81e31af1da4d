/* The kernel's TCP sockets, through netlink sock_diag (libmnl).
 *
 * SOCK_DIAG_BY_FAMILY dumps with an inet_diag_req_v2 asking for every
 * state, so TIME_WAIT sockets and the request sockets of half-open
 * handshakes (SYN-RECV) come too, as `ss -tan` shows them.  This is the
 * project's one inet_diag module: whatever needs the kernel's socket table
 * (sockets, transitions, drill) calls kdiag_tcp_dump() for a callback per
 * socket, or kdiag_dump_all() for the whole table in an array.
 *
 * Unprivileged callers get the same table (sock_diag needs no capability
 * for TCP); only the owning processes need root (see owners.h).
 */
#ifndef TCPS_KERNEL_SOCKDIAG_H
#define TCPS_KERNEL_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpstate/state.h"

#define KDIAG_ERRLEN 256

/* idiag_timer: which timer is running on the socket. */
enum {
	KDIAG_TIMER_NONE = 0,
	KDIAG_TIMER_RETRANS = 1,   /* retransmission (SYN, SYN,ACK, data, FIN) */
	KDIAG_TIMER_KEEPALIVE = 2, /* keep-alive, or a held FIN_WAIT_2's timeout */
	KDIAG_TIMER_TIMEWAIT = 3,  /* TIME_WAIT, or an orphaned FIN_WAIT_2 */
	KDIAG_TIMER_PROBE = 4,     /* zero-window probe */
};

/* No tcp_info for this socket (TIME_WAIT and request sockets carry none). */
#define KDIAG_IDLE_UNKNOWN UINT32_MAX

/* One socket.  Addresses in network order (IPv4 in the first 4 bytes),
 * ports in host order, src the local end: the first fields are laid out
 * as kfilter_tuple's (filter.h). */
typedef struct kdiag_sock {
	uint8_t family;           /* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t state;            /* the kernel's TCP_* number, 1..12 */
	uint8_t timer;            /* KDIAG_TIMER_* */
	uint8_t retrans;          /* idiag_retrans: times the timer has fired */
	uint32_t expires_ms;      /* until the timer fires (0 without one) */
	/* Receive and send queues in bytes.  For a LISTEN socket the kernel
	 * puts the accept queue (connections waiting for accept()) and its
	 * limit, the backlog, in these two. */
	uint32_t rqueue, wqueue;
	uint32_t uid;
	uint32_t inode;           /* 0 when no file holds it (TIME_WAIT, SYN-RECV, orphans) */
	/* Full sockets only, from INET_DIAG_INFO (tcp_info): milliseconds
	 * since the peer last sent anything, data or ACK (else
	 * KDIAG_IDLE_UNKNOWN), and the current retransmission timeout. */
	uint32_t idle_ms;
	uint32_t rto_us;
	/* From INET_DIAG_SKMEMINFO: bytes held by the receive queue and the
	 * receive buffer's limit (0 when unknown). */
	uint32_t rmem, rcvbuf;
} kdiag_sock;

/* Called for each socket; a non-zero return stops the dump. */
typedef int kdiag_fn(void *user, const kdiag_sock *s);

/* Dumps the TCP sockets of one family (AF_INET or AF_INET6) of the
 * current network namespace, calling fn for each.  port != 0 keeps only
 * sockets with that local or remote port (filtered in the kernel, by
 * inet_diag bytecode).  Returns 0 when the dump completed, the callback's
 * non-zero value when it stopped it, or -1 with err filled. */
int kdiag_tcp_dump(int family, uint16_t port, kdiag_fn *fn, void *user, char err[KDIAG_ERRLEN]);

/* A growable array of sockets, reused from one sample to the next. */
typedef struct kdiag_list {
	kdiag_sock *v;
	size_t n, cap;
} kdiag_list;

void kdiag_list_free(kdiag_list *l);

/* Replaces l's contents with every TCP socket, IPv4 then IPv6 (port as in
 * kdiag_tcp_dump; 0 for all).  0, or -1 with err filled. */
int kdiag_dump_all(kdiag_list *l, uint16_t port, char err[KDIAG_ERRLEN]);

/* ss's name for a kernel state number ("ESTAB", "TIME-WAIT", ...). */
const char *kdiag_state_name(uint8_t state);

/* The kernel's state number as a tcps_state: TCP_SYN_RECV and
 * TCP_NEW_SYN_RECV (the request socket) are both SYN_RCVD, TCP_CLOSE is
 * CLOSED; anything else unknown is CLOSED too. */
tcps_state kdiag_tcps_state(uint8_t state);

/* "ip:port" or "[ip6]:port" for the local or the remote end; a wildcard
 * remote of a listener is "0.0.0.0:*" / "[::]:*" as ss writes it.  buf
 * needs KDIAG_EPLEN bytes; returns buf. */
#define KDIAG_EPLEN 56
char *kdiag_local_str(const kdiag_sock *s, char *buf);
char *kdiag_remote_str(const kdiag_sock *s, char *buf);
/* The address alone. */
char *kdiag_addr_str(int family, const uint8_t addr[16], char *buf);

/* "on", "keepalive", "timewait", "persist" or "" (no timer), as ss -o. */
const char *kdiag_timer_name(unsigned timer);

#endif
