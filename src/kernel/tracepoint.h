/* The kernel's own TCP state changes: lines of the sock:inet_sock_set_state
 * tracepoint as trace_pipe prints them, and how long each socket stayed in
 * the state it leaves.
 *
 * A line is the ftrace header (task comm-pid, CPU, flags, timestamp) and
 * the event in its own print format:
 *
 *   nc-1234 [001] ..s2.  9828.801990: inet_sock_set_state: family=AF_INET
 *     protocol=IPPROTO_TCP sport=9000 dport=43236 saddr=127.0.0.1
 *     daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1
 *     oldstate=TCP_LISTEN newstate=TCP_SYN_RECV
 *
 * or, with the instance's options/fields set (Linux 6.3+), every field as a
 * number, skaddr included ("skaddr=0xffff8881084c40c0 (-1313...)
 * oldstate=0x7 (7) ... saddr=0x100007f (16777343) saddr_v6=<INVALID-SIZE>").
 * The fields form names the socket but cannot print the IPv6 arrays; the
 * print form has every address but no socket pointer.  Both are parsed.
 *
 * The task is whoever was running on the CPU when the state changed: for a
 * change a user call makes (connect, close) the socket's owner, for one an
 * arriving segment makes (softirq) often an unrelated task or <idle>. */
#ifndef TCPS_KERNEL_TRACEPOINT_H
#define TCPS_KERNEL_TRACEPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/filter.h"

#define KTP_COMMLEN 24          /* TASK_COMM_LEN is 16; "<...>" and room to spare */
#define KTP_FILTERLEN 128

typedef struct ktp_event {
	uint64_t ts_ns;          /* the instance's trace clock */
	int pid;                 /* the task's thread id; 0 for <idle> */
	int cpu;
	char comm[KTP_COMMLEN];
	uint64_t skaddr;         /* the struct sock; 0 when the line does not say */
	kfilter_tuple tuple;     /* src is the socket's local end */
	bool addr_known;         /* false: fields form, IPv6 (no addresses printed) */
	int from, to;            /* tcps_state, or -1 for a state tcpstate has no name for */
	int from_linux, to_linux;/* the kernel's TCP_* numbers; -1 if printed as an unknown name */
} ktp_event;

enum {
	KTP_EVENT = 0,           /* ev filled */
	KTP_NOT_EVENT = 1,       /* a comment, a blank line, another event: nothing to do */
	KTP_LOST = 2,            /* "CPU:N [LOST M EVENTS]": *lost filled */
	KTP_BAD = -1,            /* an inet_sock_set_state line that does not parse */
};

/* Parses one line (without or with its newline).  Returns KTP_EVENT,
 * KTP_NOT_EVENT, KTP_LOST (the ring buffer overflowed; *lost = how many
 * events the kernel dropped) or KTP_BAD.  Events of other protocols than
 * TCP are KTP_NOT_EVENT. */
int ktp_parse_line(const char *line, ktp_event *ev, uint64_t *lost);

/* "ESTABLISHED", ... or, for a state with no tcpstate name, "TCP_STATE_<n>"
 * in buf (at least 24 bytes). */
const char *ktp_state_name(int state, int linux_state, char *buf, size_t len);

/* Whether leaving from for to is an abort: from a synchronized state with
 * a FIN exchange still to finish (ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1)
 * straight to CLOSED.  The kernel does that on a RST sent (SO_LINGER 0,
 * close() with unread data) or received, and, rarely, when
 * retransmissions give up (no RST then; the tracepoint cannot tell). */
bool ktp_is_reset(int from, int to);

/* The tracepoint's kernel-side filter for f: "protocol == 6" and its port
 * terms (addresses and states are matched in user space).  Returns 0, -1
 * if len is too small. */
int ktp_kernel_filter(const kfilter *f, char *buf, size_t len);

/* Per-socket memory of when each socket entered its current state. */
typedef struct ktp_tracker ktp_tracker;

/* Remembers at most max_sockets sockets (the oldest nearby entry makes
 * room when full).  NULL when out of memory. */
ktp_tracker *ktp_tracker_new(size_t max_sockets);
void ktp_tracker_free(ktp_tracker *t);

/* Feeds one event; returns the nanoseconds the socket spent in ev->from,
 * or -1 when unknown (the first event seen for the socket, or one after
 * an event that was missed).  Sockets are told apart by skaddr when the
 * line has it, else by 4-tuple (a client's first event, in connect()
 * before the port is chosen, has sport 0: the next event with the same
 * addresses leaving SYN_SENT continues it).  A socket is forgotten when
 * it reaches CLOSED. */
int64_t ktp_tracker_update(ktp_tracker *t, const ktp_event *ev);

/* Sockets remembered now. */
size_t ktp_tracker_count(const ktp_tracker *t);

#endif
