/* Between the renderer's files: one per output format. */
#ifndef TCPS_SIM_RENDER_INT_H
#define TCPS_SIM_RENDER_INT_H

#include "sim/render.h"

void sim_text_segment(sim_render *r, const sim_conn_rec *c, const sim_seg_event *ev,
		      const char *label);
void sim_text_conn_end(sim_render *r, const sim_conn_rec *c);
void sim_json_segment(sim_render *r, const sim_conn_rec *c, const sim_seg_event *ev,
		      const char *label);
void sim_json_conn_end(sim_render *r, const sim_conn_rec *c);

/* The client's and the server's endpoint strings. */
void sim_conn_endpoints(const sim_conn_rec *c, char client[64], char server[64]);
/* A diagnosis in words: what happened, and where to look. */
const char *sim_diag_message(sim_diag_code code);
const char *sim_diag_hint(sim_diag_code code);

#endif
