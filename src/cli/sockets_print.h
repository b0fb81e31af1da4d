/* `tcpstate sockets` output: the table as `ss -tan` prints it plus the
 * owning process, the counts per state and the diagnoses; or the same as
 * JSON Lines ("socket", "counts" and "diagnosis" records). */
#ifndef TCPS_CLI_SOCKETS_PRINT_H
#define TCPS_CLI_SOCKETS_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "kernel/sockets_diag.h"

/* One sample as printed. */
typedef struct sock_sample {
	FILE *out;
	bool json;
	const sdiag_input *in; /* sockets, owners, ages (NULL unless --watch), filter */
	/* Under --watch, whether each age is only a lower bound (the socket
	 * was in its state before the first sample): printed as ">12.0s". */
	const bool *at_least;
	unsigned sample;       /* 1, 2, ... under --watch; 0 for a single sample */
	double t;              /* seconds since the first sample */
	size_t owners_missing; /* sockets with an inode whose process could not be seen */
} sock_sample;

/* The sockets (those kept), then the counts per state. */
void sockets_print_table(const sock_sample *s);
void sockets_print_counts(const sock_sample *s);
/* Before the diagnoses (text only: the section title). */
void sockets_print_diag_start(const sock_sample *s);
/* sdiag_fn: user is the sock_sample. */
void sockets_print_diag(void *user, const sdiag *d);
/* After them: "none" when there were none (text only). */
void sockets_print_diag_end(const sock_sample *s, long ndiag);

#endif
