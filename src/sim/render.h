/* The simulator's outputs: a ladder diagram in the seed's notation, or
 * the JSON Lines records of DESIGN.md ("segment", "connection",
 * "diagnosis"). */
#ifndef TCPS_SIM_RENDER_H
#define TCPS_SIM_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/record.h"
#include "sim/sim.h"

typedef enum sim_format { SIM_FORMAT_TEXT, SIM_FORMAT_JSON } sim_format;

typedef struct sim_render {
	FILE *out;
	sim_format format;
	unsigned conn_shown;   /* the connection whose header is printed */
	tcps_state shown[2];   /* the states the ladder last showed */
	uint64_t shown_at[2];  /* when each side entered its shown state */
} sim_render;

void sim_render_init(sim_render *r, FILE *out, sim_format format);
/* A segment delivered or lost, with its label. */
void sim_render_segment(sim_render *r, const sim_conn_rec *c, const sim_seg_event *ev,
			const char *label);
/* The connection is over: final states, then its summary record. */
void sim_render_conn_end(sim_render *r, const sim_conn_rec *c);

/* "127.0.0.1:9000" or "[::1]:9000" into buf; returns buf. */
char *sim_endpoint_str(const uint8_t addr[16], uint16_t port, int family, char *buf, size_t cap);
/* Writes s as a JSON string, quotes included. */
void sim_json_string(FILE *out, const char *s);
/* Seconds with microseconds, as "0.001000", for the ns time t; returns buf. */
char *sim_time_str(uint64_t t, char buf[32]);

#endif
