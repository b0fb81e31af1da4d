/* What the drill's files share: its state, and the report printed around
 * the ladder (drill_report.c). */
#ifndef TCPS_KERNEL_DRILL_INT_H
#define TCPS_KERNEL_DRILL_INT_H

#include <stdbool.h>

#include "kernel/drill.h"
#include "kernel/drill_capture.h"
#include "trace/observer.h"
#include "trace/render.h"

/* The sockets the kernel is asked about. */
enum { KSOCK_CLIENT, KSOCK_SERVER, KSOCK_LISTENER, KSOCK_N };
#define KSTATE_NONE 0xff  /* no such socket in the kernel's table */

typedef struct drill {
	FILE *out;
	uint16_t port;
	uint16_t cport;            /* the client's port, once connected */
	int lfd, cfd, sfd;         /* listener, client, accepted server: -1 when closed */
	int step;                  /* the step being run, from 1 */

	trace_input *in;
	drill_cap *cap;
	trace_obs *obs;
	trace_render render;

	/* What the observer said. */
	uint64_t segments;
	bool seen[TRACE_NLABELS][2];   /* a label, from the client or the server */
	bool have_rec;
	trace_conn_record rec;

	/* What the kernel said: after the latest step, and the step after
	 * which the server was first seen in CLOSE-WAIT (0: never). */
	uint8_t kstate[KSOCK_N];
	int close_wait_step;

	char *err;                 /* the caller's buffer, DRILL_ERRLEN */
} drill;

/* Asks sock_diag for the three sockets and prints their states under the
 * ladder's columns.  Returns 0, or -1 with d->err filled. */
int drill_kernel_view(drill *d);

/* After the connection's record: the states each side went through, the
 * kernel's last word, and the seed's "Check Yourself" on this run. */
void drill_report(const drill *d);

#endif
