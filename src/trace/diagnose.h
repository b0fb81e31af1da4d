/* Diagnoses: the seed's production bugs, recognised in the shadow
 * endpoints of each connection as its record is made, and, for TIME_WAIT
 * pile-ups, over all connections at the end of the capture. */
#ifndef TCPS_TRACE_DIAGNOSE_H
#define TCPS_TRACE_DIAGNOSE_H

#include <stdint.h>

#include "trace/observer.h"
#include "trace/tconn.h"

typedef struct diag_tw diag_tw; /* TIME_WAIT counts per remote endpoint */

diag_tw *diag_tw_new(void);
void diag_tw_free(diag_tw *t);

/* The connection's diagnoses, `now` being the capture's latest time:
 * reported through cfg->on_diag and marked in r->diagnoses; TIME_WAITs
 * are counted into tw. */
void diag_conn(const trace_obs_config *cfg, diag_tw *tw, const trace_conn *c, trace_conn_record *r,
	       uint64_t now);

/* time_wait_accumulation for every remote endpoint over the threshold. */
void diag_finish(const trace_obs_config *cfg, diag_tw *tw);

#endif
