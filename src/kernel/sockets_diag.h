/* Diagnoses on the kernel's live sockets: the seed's production bugs, read
 * from one sample of the socket table (or, under --watch, from how long
 * each socket has stayed in its state).
 *
 *   close_wait_stuck        a process holds CLOSE_WAIT sockets: the peer
 *                           sent FIN and the application never closed
 *   time_wait_accumulation  many TIME_WAITs to one remote endpoint (or at
 *                           one local listener): too many short-lived
 *                           connections
 *   syn_unanswered          SYN_SENT that never completes (the SYN sent
 *                           again and again): a firewall dropping it
 *   handshake_incomplete    SYN_RCVD piling up at a listener: the final ACK
 *                           never comes (path MTU, NAT), or a SYN flood
 *   fin_wait_2_held         FIN_WAIT_2 held long: the peer never closes
 *   last_ack_held           LAST_ACK held: our FIN is not acknowledged (the
 *                           final ACK is lost, or the peer is gone)
 *   accept_queue_full       a listener's accept queue at its backlog: the
 *                           application does not accept() fast enough
 *
 * No false alarms: every rule needs a count or an age over its threshold,
 * and an age is always a lower bound (the time seen by --watch, the time
 * since the peer last sent anything, or the time the retransmissions so
 * far must have taken).  A handful of TIME_WAITs is normal and says nothing.
 */
#ifndef TCPS_KERNEL_SOCKETS_DIAG_H
#define TCPS_KERNEL_SOCKETS_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/owners.h"
#include "kernel/sockdiag.h"

typedef enum sdiag_code {
	SDIAG_CLOSE_WAIT_STUCK,
	SDIAG_TIME_WAIT_ACCUMULATION,
	SDIAG_SYN_UNANSWERED,
	SDIAG_HANDSHAKE_INCOMPLETE,
	SDIAG_FIN_WAIT_2_HELD,
	SDIAG_LAST_ACK_HELD,
	SDIAG_ACCEPT_QUEUE_FULL,
	SDIAG_NCODES
} sdiag_code;

/* DESIGN.md's code names ("close_wait_stuck", ...). */
const char *sdiag_name(sdiag_code c);

typedef struct sdiag_config {
	unsigned time_wait_threshold; /* TIME_WAITs per endpoint (100) */
	unsigned close_wait_min;      /* stuck CLOSE_WAITs per process (1) */
	double close_wait_age;        /* seconds before a CLOSE_WAIT is stuck (10) */
	double syn_sent_age;          /* seconds before a SYN counts as unanswered (3) */
	double syn_recv_age;          /* seconds before a SYN_RCVD counts as stuck (3) */
	unsigned syn_recv_min;        /* stuck SYN_RCVDs per listener (10) */
	double fin_wait_2_age;        /* (60: the kernel's own tcp_fin_timeout) */
	double last_ack_age;          /* (5) */
} sdiag_config;

void sdiag_config_default(sdiag_config *c);

/* One diagnosis: DESIGN.md's record plus its evidence. */
typedef struct sdiag {
	sdiag_code code;
	char endpoint[KDIAG_EPLEN];  /* the remote or local ip:port it is about */
	char message[512];
	const char *hint;
	int32_t pid;                 /* the owning process, -1 when unknown or several */
	char comm[16];
	uint32_t uid;                /* the owning user (sock_diag knows it unprivileged) */
	uint64_t count;              /* sockets concerned */
	double since_s;              /* the oldest one's time in its state, at least */
	uint64_t unread;             /* close_wait_stuck: sockets with data unread */
	uint64_t eof_unread;         /* close_wait_stuck: sockets whose FIN is not read either */
	bool rqueue_full;            /* close_wait_stuck: a receive queue is full */
	bool flood;                  /* handshake_incomplete: looks like a SYN flood */
	bool incoming;               /* time_wait_accumulation: at a local listener */
} sdiag;

typedef void sdiag_fn(void *user, const sdiag *d);

/* The sample to diagnose.  who[i] is socket i's owner or NULL (who itself
 * NULL: no owners known); age_s[i] how long --watch has seen it in its
 * state (age_s NULL: not watching); keep[i] false leaves socket i out of
 * the diagnoses (a filter), though listeners are still looked at to tell
 * a server's TIME_WAITs from a client's (keep NULL: every socket). */
typedef struct sdiag_input {
	const kdiag_sock *v;
	size_t n;
	const owner *const *who;
	const double *age_s;
	const bool *keep;
} sdiag_input;

/* Calls fn once per diagnosis, ordered by code, then by count (largest
 * first).  Returns the number of diagnoses, or -1 when out of memory. */
long sdiag_run(const sdiag_config *cfg, const sdiag_input *in, sdiag_fn *fn, void *user);

/* The lower bound of socket s's time in its state without --watch (0 when
 * nothing tells): the peer's silence for CLOSE_WAIT and FIN_WAIT_2, the
 * retransmission timeouts already spent for SYN_SENT, SYN_RCVD and the
 * FIN-sending states. */
double sdiag_age_estimate(const kdiag_sock *s);

/* Whether s's receive queue is full (the application is not reading). */
bool sdiag_rqueue_full(const kdiag_sock *s);

#endif
