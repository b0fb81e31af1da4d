/* Between sockets_diag.c (the rules: which sockets go in which group,
 * which groups are over their threshold) and sockets_diag_report.c (what
 * a diagnosis says about a group). */
#ifndef TCPS_KERNEL_SOCKETS_DIAG_INT_H
#define TCPS_KERNEL_SOCKETS_DIAG_INT_H

#include "kernel/sockets_diag.h"

/* What a group is: the code and the endpoint or owner. */
typedef struct sdiag_gkey {
	uint8_t code, family;
	uint16_t port;
	uint32_t id; /* close_wait: pid + 1, or uid | 1 << 31 when the owner is unknown */
	uint8_t addr[16];
} sdiag_gkey;

/* Sockets under one diagnosis, and the evidence gathered on them. */
typedef struct sdiag_group {
	sdiag_gkey k;
	bool used;
	bool pid_mixed, local_mixed, remote_mixed, full;
	uint64_t count, unread, eof_unread;
	double oldest;
	size_t first; /* a socket of the group, for endpoints and the owner */
	int32_t pid;
} sdiag_group;

/* The groups: open addressing by key, grown at half full. */
typedef struct sdiag_gtable {
	sdiag_group *g;
	size_t mask, n;
} sdiag_gtable;

/* One sdiag_run(). */
typedef struct sdiag_ctx {
	const sdiag_config *cfg;
	const kdiag_sock *v;
	const owner *const *who;
	size_t n;
	sdiag_gtable t;
	uint32_t *backlog; /* by local port: a listener's backlog + 1, 0 none */
} sdiag_ctx;

/* Fills a diagnosis for group g (over its threshold) and calls fn. */
void sdiag_report_group(const sdiag_ctx *r, const sdiag_group *g, sdiag_fn *fn, void *user);

#endif
