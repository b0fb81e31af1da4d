/* tcpstate — a sans-IO TCP engine (RFC 9293).
 *
 * The engine never reads a clock, a socket or a file.  A driver feeds it
 * user calls, arriving segments and the time (nanoseconds, any epoch, never
 * going backwards); it hands back the segments to send and the next time
 * it wants to be woken.  The same engine runs in the simulator, over a TUN
 * device and under a fuzzer.
 *
 * Driving a connection:
 *   c = tcps_conn_new(&cfg);
 *   tcps_open_active(c, &tuple, now);      or tcps_open_passive()
 *   loop:
 *     tcps_segment_arrives(c, &seg, now);  for each segment received
 *     tcps_handle_expiry(c, now);          when now >= tcps_get_expiry(c)
 *     while (tcps_output(c, &out, buf, sizeof buf, now) > 0) transmit(out);
 *   tcps_conn_free(c);
 *
 * Memory is allocated once, in tcps_conn_new(); nothing on the per-segment
 * path allocates or makes a system call.  Errors are negative TCPS_ERR_*
 * values, whose socket errno equivalents tcps_errno() gives.
 */
#ifndef TCPSTATE_TCPSTATE_H
#define TCPSTATE_TCPSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpstate/segment.h"
#include "tcpstate/state.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TCPS_NS_PER_MS 1000000ull
#define TCPS_NS_PER_S 1000000000ull
#define TCPS_NEVER UINT64_MAX
#define TCPS_WSCALE_AUTO 15

/* Errors, named after the socket errors users know. */
enum {
	TCPS_ERR_AGAIN = -1,        /* nothing to do now (EAGAIN) */
	TCPS_ERR_REFUSED = -2,      /* RST answered our SYN (ECONNREFUSED) */
	TCPS_ERR_RESET = -3,        /* RST in a synchronized state (ECONNRESET) */
	TCPS_ERR_TIMEDOUT = -4,     /* retransmissions gave up (ETIMEDOUT) */
	TCPS_ERR_CLOSING = -5,      /* SEND after CLOSE (EPIPE) */
	TCPS_ERR_NOT_CONNECTED = -6,/* call needs a connection (ENOTCONN) */
	TCPS_ERR_EXISTS = -7,       /* OPEN on an open connection (EISCONN) */
	TCPS_ERR_INVALID = -8,      /* bad argument (EINVAL) */
	TCPS_ERR_ABORTED = -9,      /* the user aborted (ECONNABORTED) */
	TCPS_ERR_NOMEM = -10,       /* allocation failed at tcps_conn_new (ENOMEM) */
	TCPS_ERR_UNREACHABLE = -11, /* ICMP: host or network unreachable (EHOSTUNREACH) */
};

/* The errno value for a TCPS_ERR_* code (ECONNREFUSED, ECONNRESET...). */
int tcps_errno(int err);
/* "connection refused", "connection reset by peer", ... */
const char *tcps_strerror(int err);

/* A connection's 4-tuple.  The engine uses it only for the ISN (RFC 6528)
 * and for STATUS; addresses are IPv4 (first 4 bytes) or IPv6. */
typedef struct tcps_tuple {
	uint8_t family;  /* 4 or 6 */
	uint8_t local_addr[16], remote_addr[16];
	uint16_t local_port, remote_port;
} tcps_tuple;

typedef struct tcps_conn tcps_conn;

/* Called on every state change, if set; a driver's window into the state
 * machine (the simulator's ladder, `nc -v`). */
typedef void tcps_state_cb(void *user, tcps_conn *c, tcps_state from, tcps_state to,
			   tcps_event why);

typedef struct tcps_config {
	uint32_t snd_buf;         /* send buffer bytes (default 65536) */
	uint32_t rcv_buf;         /* receive buffer bytes (default 65536) */
	uint16_t mss;             /* MSS we advertise; also our send MSS cap (default 1460) */
	int8_t wscale;            /* window scale shift to offer (0..14), -1 for none,
				   * TCPS_WSCALE_AUTO (default): the smallest shift
				   * whose scaled window covers rcv_buf */
	bool timestamps;          /* offer RFC 7323 timestamps (default true) */
	bool sack;                /* offer SACK-permitted (default true) */
	bool nagle;               /* RFC 9293 §3.7.4 Nagle algorithm (default true) */
	bool tlp;                 /* RFC 8985 §7 tail loss probe (default true) */
	bool keepalive;           /* RFC 9293 §3.8.4 keep-alives (default false) */
	uint64_t msl;             /* maximum segment lifetime; TIME_WAIT is 2*msl (default 30 s) */
	uint64_t rto_initial;     /* RFC 6298 initial RTO (default 1 s) */
	uint64_t rto_min;         /* default 200 ms */
	uint64_t rto_max;         /* default 60 s */
	uint64_t delack;          /* delayed-ACK timeout, < 500 ms (default 40 ms) */
	uint64_t user_timeout;    /* give up retransmitting, or probing a shut window that
				   * draws no answer, after this long (default 100 s) */
	uint32_t syn_retries;     /* give up a SYN after this many retransmissions (default 7:
				   * 183 s, over RFC 9293 MUST-23's 3 minutes) */
	uint64_t keepalive_idle;  /* idle time before the first probe (default 2 h) */
	uint64_t keepalive_intvl; /* between probes (default 75 s) */
	uint32_t keepalive_probes;/* unanswered probes before giving up (default 9) */
	bool pin_iss;             /* use iss below instead of RFC 6528 (tests, sim) */
	uint32_t iss;
	uint8_t isn_key[16];      /* RFC 6528 secret: all zero by default, so a driver
				   * MUST fill it from a random source (MUST-9) */
	tcps_state_cb *on_state;
	void *user;
} tcps_config;

/* Fills cfg with the defaults above. */
void tcps_config_default(tcps_config *cfg);

/* Allocates a connection (TCB and both buffers, in one block) in CLOSED. */
tcps_conn *tcps_conn_new(const tcps_config *cfg);
void tcps_conn_free(tcps_conn *c);
/* Back to CLOSED with empty buffers, keeping the memory: reuse without
 * allocating.  cfg may be NULL to keep the current configuration, else its
 * buffer sizes must not exceed the ones the connection was made with. */
int tcps_conn_reset(tcps_conn *c, const tcps_config *cfg);
/* Bytes a connection with this configuration occupies. */
size_t tcps_conn_size(const tcps_config *cfg);

/* ---- User calls (RFC 9293 §3.10.1 - §3.10.6) ---- */

/* Active OPEN: sends SYN, enters SYN_SENT. */
int tcps_open_active(tcps_conn *c, const tcps_tuple *t, uint64_t now);
/* Passive OPEN: enters LISTEN.  t->remote_port 0 means any peer; the
 * first SYN fills in the remote end. */
int tcps_open_passive(tcps_conn *c, const tcps_tuple *t, uint64_t now);
/* SEND: queues up to len bytes, returns how many were taken (possibly 0
 * when the buffer is full) or a negative error.  In LISTEN it turns the
 * connection active (SYN_SENT), as RFC 9293 allows. */
long tcps_send(tcps_conn *c, const void *data, size_t len, uint64_t now);
/* RECEIVE: copies up to cap in-order bytes out; 0 at end of stream (the
 * peer's FIN has been read), TCPS_ERR_AGAIN when nothing is ready yet, or
 * a negative error. */
long tcps_recv(tcps_conn *c, void *buf, size_t cap, uint64_t now);
/* CLOSE: "I have no more data to send".  The FIN follows the queued data;
 * receiving goes on until the peer closes too (half-close). */
int tcps_close(tcps_conn *c, uint64_t now);
/* ABORT: sends RST if synchronized, drops everything, enters CLOSED. */
int tcps_abort(tcps_conn *c, uint64_t now);

typedef struct tcps_status {
	tcps_state state;
	tcps_tuple tuple;
	uint32_t iss, irs, snd_una, snd_nxt, snd_wnd, rcv_nxt, rcv_wnd;
	uint32_t snd_mss;           /* MSS in use for sending */
	uint32_t cwnd, ssthresh;
	uint64_t srtt, rto;         /* ns */
	uint32_t snd_queued;        /* bytes sent or queued, not yet acknowledged */
	uint32_t rcv_ready;         /* bytes ready for RECEIVE */
	uint8_t snd_wscale, rcv_wscale;
	bool timestamps, sack_permitted;
	int error;                  /* pending TCPS_ERR_*, 0 if none */
	int soft_error;             /* an ICMP soft error seen, 0 if none */
	uint64_t retransmits;       /* segments sent again */
	uint64_t segs_in, segs_out;
} tcps_status;

/* STATUS (RFC 9293 §3.10.6). */
void tcps_get_status(const tcps_conn *c, tcps_status *st);
tcps_state tcps_get_state(const tcps_conn *c);
/* The error that ended or refused the connection, 0 if none. */
int tcps_get_error(const tcps_conn *c);
/* True when the peer's FIN has been received (all data up to it). */
bool tcps_peer_closed(const tcps_conn *c);
/* Free space in the send buffer. */
uint32_t tcps_send_space(const tcps_conn *c);

/* ---- Segments and time ---- */

/* SEGMENT ARRIVES (RFC 9293 §3.10.7).  seg->data is copied as needed;
 * the caller keeps ownership.  Returns 0, or a negative error when the
 * segment ended the connection (TCPS_ERR_RESET, TCPS_ERR_REFUSED). */
int tcps_segment_arrives(tcps_conn *c, const tcps_segment *seg, uint64_t now);

/* The next segment to send, if any: returns 1 and fills *seg (its payload
 * copied into buf[0..cap)), 0 when there is nothing to send now.  Call it
 * until it returns 0 after every input. */
int tcps_output(tcps_conn *c, tcps_segment *seg, uint8_t *buf, size_t cap, uint64_t now);

/* When the engine next wants tcps_handle_expiry(); TCPS_NEVER if never. */
uint64_t tcps_get_expiry(const tcps_conn *c);
/* Runs the timers due at `now` (retransmission, TIME_WAIT, persist,
 * delayed ACK, keep-alive, user timeout).  Returns 0 or the error that
 * ended the connection (TCPS_ERR_TIMEDOUT). */
int tcps_handle_expiry(tcps_conn *c, uint64_t now);

/* The reply a host sends to a segment for no connection (RFC 9293
 * §3.10.7.1): fills *rst and returns 1, or returns 0 when the incoming
 * segment is itself a RST (never answered). */
int tcps_reset_for(const tcps_segment *in, tcps_segment *rst);

/* ---- ICMP (RFC 9293 §3.9.2.2, RFC 5927, RFC 1191 / RFC 8201) ----
 * The network layer classifies the message and passes the sequence
 * number quoted from the offending segment; a number outside
 * [SND.UNA, SND.MAX) cannot be about this connection's data in flight and
 * is ignored (RFC 5927 §4.1), which defeats blind ICMP attacks. */

/* Destination unreachable.  A soft error (hard false: net/host
 * unreachable, MUST-56) never ends the connection: it is remembered and
 * becomes the error if the connection later times out (SHLD-25).  A hard
 * error (protocol or port unreachable, SHLD-26) ends a connection still
 * in SYN_SENT or SYN_RCVD with err.  Returns 0, or err when it ended it. */
int tcps_icmp_unreachable(tcps_conn *c, uint32_t seq, bool hard, int err, uint64_t now);

/* Fragmentation needed / packet too big: the path carries at most
 * mss_max bytes of TCP payload now (the MTU less the IP and TCP headers).
 * A smaller MSS is taken at once and what was in flight goes again in
 * the smaller size.  Never below 64 bytes. */
void tcps_icmp_mtu(tcps_conn *c, uint32_t seq, uint32_t mss_max, uint64_t now);

/* RFC 6528 initial sequence number: a 4 µs clock plus a keyed hash
 * (SipHash-2-4) of the 4-tuple under key[16]. */
uint32_t tcps_isn(const tcps_tuple *t, const uint8_t key[16], uint64_t now);

#ifdef __cplusplus
}
#endif
#endif
