/* A private tracefs instance with one tracepoint enabled, read through its
 * trace_pipe.
 *
 * An instance (instances/tcpstate-<pid>) has its own ring buffer, clock,
 * event switches and filters, so tracing here never disturbs the global
 * buffer or another tool's session (perf, trace-cmd, bpftrace, a second
 * tcpstate).  The caller must call ktracefs_close() on every way out,
 * signals included (handle them, then close): the kernel keeps an
 * instance, and its enabled event, until someone removes it.  Instances
 * left by a tcpstate that was killed outright are removed by the next one
 * that starts. */
#ifndef TCPS_KERNEL_TRACEFS_H
#define TCPS_KERNEL_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define KTRACEFS_ERRLEN 512

enum {
	KTRACEFS_OK = 0,
	KTRACEFS_ERR_PRIVILEGE = -1,   /* not root: cannot mount or write tracefs */
	KTRACEFS_ERR_UNAVAILABLE = -2, /* no tracefs in this kernel, or no such event */
	KTRACEFS_ERR_IO = -3,          /* anything else; err says what */
};

typedef struct ktracefs {
	char root[64];           /* where tracefs is mounted */
	char dir[128];           /* the instance's directory; "" when none */
	char event[64];          /* "sock/inet_sock_set_state" */
	int pipe_fd;             /* trace_pipe, non-blocking; -1 when closed */
	bool clock_mono;         /* timestamps are CLOCK_MONOTONIC's */
} ktracefs;

/* Finds tracefs (/sys/kernel/tracing, else /sys/kernel/debug/tracing) and
 * mounts it on /sys/kernel/tracing when neither is mounted.  root gets the
 * path.  Returns KTRACEFS_OK or an error with err filled. */
int ktracefs_find(char *root, size_t len, char err[KTRACEFS_ERRLEN]);

/* Creates the instance, sets its clock to "mono" (CLOCK_MONOTONIC, so
 * timestamps convert to wall time; "global" if the kernel lacks it),
 * enables event ("group/name") with the kernel-side filter (NULL: none)
 * and opens trace_pipe.  On error nothing is left behind. */
int ktracefs_open(ktracefs *t, const char *event, const char *filter, char err[KTRACEFS_ERRLEN]);

/* Waits up to timeout_ms for trace_pipe, then reads what it has: the
 * number of bytes, 0 when there was nothing (or a signal came), -1 on an
 * error (errno set). */
ssize_t ktracefs_read(ktracefs *t, char *buf, size_t len, int timeout_ms);

/* Disables the event and removes the instance.  Safe to call twice. */
void ktracefs_close(ktracefs *t);

#endif
