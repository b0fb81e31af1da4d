/* tcpstate/net.h — tcpstate's own TCP on a TUN device, as sockets.
 *
 * A tcpn_stack is one TUN device (IFF_TUN, IFF_NO_PI: raw IPv4 and IPv6
 * packets) with tcpstate's address on it, one per family; the Linux kernel
 * is the other end of the link, with its own address on the device's side.
 * The stack demultiplexes packets by 4-tuple to tcpstate engines
 * (tcpstate.h), answers segments for no connection with RST, runs
 * listeners with a bounded SYN backlog (SYN cookies past it), reacts to
 * ICMP errors and drives every engine's timers.
 *
 * It never blocks and never spawns a thread: a program polls
 * tcpn_stack_fd() for input, wakes at tcpn_stack_next_deadline() and
 * calls tcpn_stack_process() either way:
 *
 *   tcpn_config cfg;  tcpn_config_default(&cfg);
 *   tcpn_stack *st = tcpn_stack_new(&cfg, err, sizeof err);
 *   tcpn_sock *s = tcpn_connect(st, &addr, 80, &e);
 *   loop:
 *     poll({tcpn_stack_fd(st), POLLIN}, tcpn_stack_timeout_ms(st, tcpn_now()));
 *     tcpn_stack_process(st, tcpn_now());
 *     tcpn_events(s) tells what tcpn_recv / tcpn_send / tcpn_accept can do.
 *
 * or, for simple programs, tcpn_wait(s, TCPN_READABLE, -1) does the loop.
 *
 * Socket calls return negative TCPS_ERR_* codes (tcpstate.h) or the
 * TCPN_ERR_* below; tcpn_strerror() names both.  Nothing on the
 * per-packet path allocates: a connection's memory is taken when it
 * opens and recycled when it ends.
 */
#ifndef TCPSTATE_NET_H
#define TCPSTATE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpstate/tcpstate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Errors of the network layer, beyond the engine's TCPS_ERR_*. */
enum {
	TCPN_ERR_ADDRINUSE = -32, /* a listener holds the port, or no port is free (EADDRINUSE) */
	TCPN_ERR_NOADDR = -33,    /* no address of that family on the stack (EADDRNOTAVAIL) */
	TCPN_ERR_LIMIT = -34,     /* max_conns connections open (ENOBUFS) */
};

/* "address already in use", ... for TCPN_ERR_* and TCPS_ERR_* alike. */
const char *tcpn_strerror(int err);

/* An IPv4 or IPv6 address; family 0 means none. */
typedef struct tcpn_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t bytes[16];
} tcpn_addr;

#define TCPN_ADDRSTRLEN 46

/* Numeric "198.18.0.1" or "2001:2::1"; 0, or -1 if it is neither. */
int tcpn_addr_parse(const char *s, tcpn_addr *a);
/* "ADDR/PREFIX"; the prefix may be left out (32 or 128).  0 or -1. */
int tcpn_prefix_parse(const char *s, tcpn_addr *a, uint8_t *prefix);
const char *tcpn_addr_str(const tcpn_addr *a, char buf[TCPN_ADDRSTRLEN]);

typedef struct tcpn_stack tcpn_stack;
typedef struct tcpn_sock tcpn_sock;

/* Every state change of every connection, as the engine makes it (a
 * listener's connection passes CLOSED -> LISTEN -> SYN_RCVD...).  The
 * callback must not call back into the stack. */
typedef void tcpn_state_cb(void *user, tcpn_sock *s, tcps_state from, tcps_state to);

typedef struct tcpn_config {
	const char *tun_name;  /* device to create, or to attach to if it exists
				* (default "tcps0") */
	int fd;                /* an open TUN fd (IFF_TUN|IFF_NO_PI), or any
				* packet-preserving fd, to use instead of opening
				* one; -1 (default) opens tun_name */
	bool configure;        /* bring the device up with mtu and give the kernel
				* side peer4/prefix4 and peer6/prefix6 (default
				* true; ignored with fd) */
	tcpn_addr local4, peer4; /* tcpstate's and the kernel's IPv4 addresses
				  * (198.18.0.2 and 198.18.0.1); family 0: no IPv4 */
	uint8_t prefix4;       /* 15 */
	tcpn_addr local6, peer6; /* 2001:2::2 and 2001:2::1; family 0: no IPv6 */
	uint8_t prefix6;       /* 48 */
	uint32_t mtu;          /* the device's MTU (default 1500); the MSS follows */
	uint32_t max_conns;    /* connections at once, TIME_WAIT included (default 1024) */
	tcps_config tcp;       /* every connection's engine configuration; the
				* stack fills isn_key from getrandom() and caps
				* mss to the MTU */
	bool no_gso;           /* one segment per packet written, as on the wire
				* (default false: on a device tcpstate opens,
				* back-to-back segments go to the kernel as one
				* GSO packet through IFF_VNET_HDR, and a capture
				* on the device shows those trains) */
	bool fd_vnet_hdr;      /* with fd: its packets start with a struct
				* virtio_net_hdr (a TUN fd opened with
				* IFF_VNET_HDR): GSO as above, and TCP offloads
				* (TUNSETOFFLOAD TUN_F_CSUM, TSO4, TSO6) taken */
	uint64_t (*clock)(void *user); /* time for user calls (default tcpn_now) */
	tcpn_state_cb *on_state;
	void *user;
} tcpn_config;

/* Counters.  Everything dropped is counted under one reason. */
typedef struct tcpn_stats {
	uint64_t packets_in, packets_out;
	uint64_t trains_in;     /* packets the kernel sent as GSO trains, taken
				 * as the segments they stand for */
	uint64_t segments_out;  /* TCP segments in those packets (a GSO train
				 * counts each segment it carries) */
	uint64_t bad_ip;        /* malformed IPv4/IPv6 header or extension chain */
	uint64_t bad_ip_csum;   /* IPv4 header checksum */
	uint64_t fragments;     /* fragments received: dropped (we send none) */
	uint64_t not_ours;      /* destination is not tcpstate's address */
	uint64_t other_proto;   /* neither TCP nor ICMP(v6) */
	uint64_t bad_tcp;       /* TCP header tcps_segment_parse() refused */
	uint64_t bad_tcp_csum;  /* TCP checksum */
	uint64_t bad_icmp;      /* ICMP too short or bad checksum */
	uint64_t icmp_errors;   /* ICMP errors handed to a connection */
	uint64_t icmp_ignored;  /* ICMP errors about no connection of ours */
	uint64_t echo_replies;  /* pings answered */
	uint64_t rst_sent;      /* RST for segments to no connection */
	uint64_t syn_dropped;   /* accept queue full or max_conns reached */
	uint64_t cookies_sent;  /* SYN,ACKs answered statelessly */
	uint64_t cookies_ok;    /* connections made from a valid cookie */
	uint64_t cookies_bad;   /* ACKs whose cookie failed (answered RST) */
	uint64_t write_errors;  /* packets the device refused */
	uint64_t conns;         /* connections open now */
} tcpn_stats;

/* Fills cfg with the defaults above. */
void tcpn_config_default(tcpn_config *cfg);

/* Opens (creates or attaches to) the TUN device and configures it.  On
 * failure returns NULL with errno set (EPERM or EACCES: no
 * CAP_NET_ADMIN) and a one-line reason in err. */
tcpn_stack *tcpn_stack_new(const tcpn_config *cfg, char *err, size_t errlen);
/* Ends every connection without a word (no RST: the device goes away). */
void tcpn_stack_free(tcpn_stack *st);

/* CLOCK_MONOTONIC in nanoseconds: the time base of every call below. */
uint64_t tcpn_now(void);

/* The descriptor to poll for POLLIN (the TUN device). */
int tcpn_stack_fd(const tcpn_stack *st);
/* The earliest timer of any connection; TCPS_NEVER if none. */
uint64_t tcpn_stack_next_deadline(const tcpn_stack *st);
/* Milliseconds from now to that deadline, rounded up, for poll(); -1 if
 * none. */
int tcpn_stack_timeout_ms(const tcpn_stack *st, uint64_t now);
/* Reads the packets waiting (a bounded batch), runs the timers due and
 * sends what the connections have to send. */
void tcpn_stack_process(tcpn_stack *st, uint64_t now);
/* Blocking convenience: waits up to timeout_ms (-1: no limit) for a
 * packet or the next deadline, then processes.  Returns 1 when it
 * processed something, 0 on timeout, -errno on a poll error. */
int tcpn_stack_wait(tcpn_stack *st, int timeout_ms);

const tcpn_stats *tcpn_stack_stats(const tcpn_stack *st);
/* The device's name ("tcps0", or the one the kernel chose). */
const char *tcpn_stack_ifname(const tcpn_stack *st);
/* tcpstate's address of a family (4 or 6), NULL if none. */
const tcpn_addr *tcpn_stack_local(const tcpn_stack *st, int family);

/* ---- Sockets ---- */

/* Active open to addr:port from tcpstate's address of that family and an
 * ephemeral port: the SYN leaves at once.  NULL with *err on failure. */
tcpn_sock *tcpn_connect(tcpn_stack *st, const tcpn_addr *addr, uint16_t port, int *err);
/* Listens on port, on both families.  backlog bounds the half-open
 * connections (past it, SYNs are answered with SYN cookies) and the
 * connections waiting for accept (past it, SYNs are dropped). */
tcpn_sock *tcpn_listen(tcpn_stack *st, uint16_t port, int backlog, int *err);
/* The next established connection; NULL with *err = TCPS_ERR_AGAIN if
 * none is waiting. */
tcpn_sock *tcpn_accept(tcpn_sock *l, int *err);

/* Nonblocking SEND: bytes taken (fewer than len when the buffer fills),
 * TCPS_ERR_AGAIN when none fit, or an error. */
long tcpn_send(tcpn_sock *s, const void *buf, size_t len);
/* Nonblocking RECEIVE: bytes read, 0 at end of stream, TCPS_ERR_AGAIN, or
 * the error that ended the connection. */
long tcpn_recv(tcpn_sock *s, void *buf, size_t cap);
/* "No more data to send": the FIN follows what is queued; receiving goes
 * on (shutdown(SHUT_WR)). */
int tcpn_shutdown(tcpn_sock *s);
/* Gives the socket back: a connection closes in the background (its FIN
 * and TIME_WAIT handled by the stack), or is reset at once when received
 * data was left unread, as Linux does; a listener resets the connections
 * still waiting for accept.  s is invalid afterwards. */
int tcpn_close(tcpn_sock *s);
/* RST now and give the socket back.  s is invalid afterwards. */
int tcpn_abort(tcpn_sock *s);

/* A connection's state (a listener: LISTEN). */
tcps_state tcpn_state(const tcpn_sock *s);
/* The error that ended it (TCPS_ERR_RESET ...), 0 if none. */
int tcpn_error(const tcpn_sock *s);
/* The engine's STATUS; a listener gives its state and port only. */
void tcpn_status(const tcpn_sock *s, tcps_status *st);
bool tcpn_is_listener(const tcpn_sock *s);
void tcpn_set_user(tcpn_sock *s, void *user);
void *tcpn_get_user(const tcpn_sock *s);

/* What a socket is ready for, poll-style. */
enum {
	TCPN_READABLE = 0x01, /* tcpn_recv has data, end of stream or an error;
			       * a listener: tcpn_accept has a connection */
	TCPN_WRITABLE = 0x02, /* tcpn_send takes bytes (or reports the error) */
	TCPN_HUP = 0x04,      /* the connection is over (CLOSED or TIME_WAIT) */
	TCPN_ERROR = 0x08,    /* it ended with an error */
};
unsigned tcpn_events(const tcpn_sock *s);

/* Blocking convenience: runs the stack until tcpn_events(s) & events, or
 * timeout_ms (-1: no limit).  Returns those events, 0 on timeout,
 * -errno on a poll error. */
int tcpn_wait(tcpn_sock *s, unsigned events, int timeout_ms);

#ifdef __cplusplus
}
#endif
#endif
