/* The connection record: see record.h. */
#include "sim/record.h"

#include <string.h>

#include "sim/render.h"

const char *sim_side_name(int side)
{
	return side == SIM_CLIENT ? "client" : "server";
}

const char *sim_diag_name(sim_diag_code code)
{
	return code == SIM_DIAG_CONNECTION_REFUSED ? "connection_refused" : "reset_established";
}

static void push_state(tcps_state *list, unsigned *n, unsigned cap, tcps_state s)
{
	if (*n < cap)
		list[(*n)++] = s;
}

/* The engines' on_state callback. */
static void on_state(void *user, tcps_conn *c, tcps_state from, tcps_state to, tcps_event why)
{
	(void)c;
	(void)why;
	sim_rec_side *rs = user;
	sim_rec *r = rs->rec;
	int side = rs->side;
	if (!r->nhistory[side])
		push_state(r->history[side], &r->nhistory[side], SIM_MAX_HISTORY, from);
	push_state(r->history[side], &r->nhistory[side], SIM_MAX_HISTORY, to);

	sim_conn_rec *cr = &r->conn;
	cr->last[side] = to;
	cr->last_change = *r->now;
	if (!r->open)
		return;
	unsigned *n = &cr->nstates[side];
	/* A listening socket exists before any connection: the server's
	 * connection starts in LISTEN, as in the seed's diagram. */
	if (!*n && !(from == TCPS_CLOSED && to == TCPS_LISTEN))
		push_state(cr->states[side], n, SIM_MAX_STATES, from);
	push_state(cr->states[side], n, SIM_MAX_STATES, to);
}

void sim_rec_init(sim_rec *r, const tcps_tuple *client_view, const uint64_t *now,
		  struct sim_render *render)
{
	memset(r, 0, sizeof *r);
	r->conn.tuple = *client_view;
	r->now = now;
	r->render = render;
	for (int i = 0; i < 2; i++) {
		r->sides[i].rec = r;
		r->sides[i].side = i;
	}
}

void sim_rec_attach(sim_rec *r, int side, tcps_config *cfg)
{
	cfg->on_state = on_state;
	cfg->user = &r->sides[side];
}

void sim_rec_begin(sim_rec *r)
{
	if (r->open)
		sim_rec_end(r);
	sim_conn_rec *c = &r->conn;
	tcps_tuple t = c->tuple;
	tcps_state last[2] = { c->last[0], c->last[1] };
	memset(c, 0, sizeof *c);
	c->tuple = t;
	c->last[0] = last[0];
	c->last[1] = last[1];
	c->id = ++r->nconns;
	c->closed_by = -1;
	sim_labeler_init(&c->labels);
	r->open = true;
}

void sim_rec_end(sim_rec *r)
{
	if (!r->open)
		return;
	sim_conn_rec *c = &r->conn;
	/* A side that never changed state during the connection (a host
	 * with nothing open) is listed in the state it stayed in. */
	for (int i = 0; i < 2; i++)
		if (!c->nstates[i])
			push_state(c->states[i], &c->nstates[i], SIM_MAX_STATES, c->last[i]);
	if (r->render)
		sim_render_conn_end(r->render, c);
	r->open = false;
}

static void add_diag(sim_conn_rec *c, sim_diag_code code, int endpoint)
{
	for (unsigned i = 0; i < c->ndiag; i++)
		if (c->diag[i].code == code)
			return;
	if (c->ndiag < SIM_MAX_DIAG)
		c->diag[c->ndiag++] = (sim_diag){ code, endpoint };
}

static bool data_flowing(tcps_state s)
{
	return s == TCPS_ESTABLISHED || s == TCPS_FIN_WAIT_1 || s == TCPS_FIN_WAIT_2 ||
	       s == TCPS_CLOSE_WAIT;
}

/* What a transmission tells about the connection, lost or not. */
static void on_sent(sim_conn_rec *c, const sim_seg_event *ev)
{
	const tcps_segment *seg = ev->seg;
	int from = ev->from, peer = !ev->from;
	c->packets[from]++;
	if (c->closed_by < 0 && (seg->flags & (TCPS_FIN | TCPS_RST)))
		c->closed_by = from;
	if (seg->flags & TCPS_RST) {
		if ((seg->flags & TCPS_ACK) && ev->state[peer] == TCPS_SYN_SENT)
			add_diag(c, SIM_DIAG_CONNECTION_REFUSED, from);
		else if (data_flowing(ev->state[peer]))
			add_diag(c, SIM_DIAG_RESET_ESTABLISHED, from);
	}
	if (seg->len && c->labels.syn_seen[from]) {
		uint32_t end = seg->seq + seg->len;
		if (!c->data_seen[from] || (int32_t)(end - c->data_end[from]) > 0)
			c->data_end[from] = end;
		c->data_seen[from] = true;
		c->bytes[from] = c->data_end[from] - (c->labels.isn[from] + 1);
	}
}

void sim_rec_observe(void *user, sim_seg_event *ev)
{
	sim_rec *r = user;
	if (!r->open)
		sim_rec_begin(r);
	sim_conn_rec *c = &r->conn;
	if (ev->kind == SIM_SEG_SENT) {
		/* Labelled in sending order; the label travels with the segment. */
		ev->tag = (uint8_t)sim_label(&c->labels, ev->from, ev->seg, ev->rexmit);
		on_sent(c, ev);
		for (unsigned i = 0; i < c->ndiag; i++)
			r->diag_mask |= 1u << c->diag[i].code;
		r->segments++;
		r->rexmits += ev->rexmit;
		return;
	}
	if (ev->kind == SIM_SEG_LOST)
		r->lost++;
	r->dups += ev->dup;
	const char *label = sim_label_name(ev->tag);
	r->last_label = label;
	if (r->render)
		sim_render_segment(r->render, c, ev, label);
}
