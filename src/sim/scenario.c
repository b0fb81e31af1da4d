/* The scenario runner: sets up two engines and the link, runs the
 * simulation, fills the result and asks the scenario for its verdict. */
#include "sim/scenario.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_int.h"

static const sc_def *const scenarios[] = {
	&sc_seed, &sc_simultaneous_open, &sc_simultaneous_close, &sc_half_close,
	&sc_refused, &sc_reset, &sc_lossy, &sc_time_wait,
};
#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

/* The seed's endpoints: 127.0.0.1:43236 talks to 127.0.0.1:9000. */
#define CLIENT_PORT 43236
#define SERVER_PORT 9000
#define CLIENT_ISS 1000
#define SERVER_ISS 4000

size_t sim_scenario_count(void)
{
	return NSCENARIOS;
}

const char *sim_scenario_name(size_t i)
{
	return i < NSCENARIOS ? scenarios[i]->name : NULL;
}

const char *sim_scenario_summary(size_t i)
{
	return i < NSCENARIOS ? scenarios[i]->summary : NULL;
}

static const sc_def *find(const char *name)
{
	for (size_t i = 0; i < NSCENARIOS; i++)
		if (!strcmp(scenarios[i]->name, name))
			return scenarios[i];
	return NULL;
}

bool sim_scenario_exists(const char *name)
{
	return find(name) != NULL;
}

static void make_tuples(sc_ctx *x)
{
	static const uint8_t loopback[4] = { 127, 0, 0, 1 };
	for (int i = 0; i < 2; i++) {
		tcps_tuple *t = &x->tuple[i];
		memset(t, 0, sizeof *t);
		t->family = 4;
		memcpy(t->local_addr, loopback, 4);
		memcpy(t->remote_addr, loopback, 4);
		t->local_port = i == SIM_CLIENT ? CLIENT_PORT : SERVER_PORT;
		t->remote_port = i == SIM_CLIENT ? SERVER_PORT : CLIENT_PORT;
	}
}

/* What every scenario starts from: default engines with the seed's ISSs,
 * and a clean 1 ms link each way. */
static void defaults(sc_ctx *x)
{
	make_tuples(x);
	for (int i = 0; i < 2; i++) {
		tcps_config_default(&x->cfg[i]);
		x->cfg[i].pin_iss = true;
		x->cfg[i].iss = i == SIM_CLIENT ? CLIENT_ISS : SERVER_ISS;
		memset(&x->path[i], 0, sizeof x->path[i]);
		x->path[i].delay = TCPS_NS_PER_MS;
	}
}

/* The observer: the recorder first (labels, rendering), then the log
 * the result carries. */
static void observe(void *user, sim_seg_event *ev)
{
	sc_ctx *x = user;
	sim_rec_observe(&x->rec, ev);
	if (ev->kind == SIM_SEG_SENT)
		return;
	sim_result *res = x->res;
	if (res->nlog >= SIM_MAX_LOG)
		return;
	const tcps_segment *s = ev->seg;
	res->log[res->nlog++] = (sim_seg_record){
		.conn = x->rec.conn.id, .t = ev->t, .from = ev->from, .flags = s->flags,
		.seq = s->seq, .ack = s->ack, .len = s->len, .wnd = s->wnd,
		.lost = ev->kind == SIM_SEG_LOST, .dup = ev->dup, .rexmit = ev->rexmit,
		.state = { ev->state[0], ev->state[1] }, .label = x->rec.last_label,
	};
}

static int start(sc_ctx *x, const sc_def *def)
{
	const sim_options *o = x->opt;
	defaults(x);
	def->setup(x);
	if (o->loss_pct >= 0)
		x->path[0].loss_pct = x->path[1].loss_pct = o->loss_pct;
	x->clean = true;
	for (int i = 0; i < 2; i++)
		if (x->path[i].loss_pct > 0 || x->path[i].dup_pct > 0 || x->path[i].reorder_pct > 0)
			x->clean = false;

	size_t slot = x->cfg[0].mss > x->cfg[1].mss ? x->cfg[0].mss : x->cfg[1].mss;
	if (sim_init(&x->sim, &x->path[0], &x->path[1], o->seed, slot) < 0)
		return sc_fail(x, "out of memory"), -1;
	if (o->out)
		sim_render_init(&x->render, o->out, o->format);
	sim_rec_init(&x->rec, &x->tuple[SIM_CLIENT], &x->sim.now, o->out ? &x->render : NULL);
	for (int i = 0; i < 2; i++) {
		sim_rec_attach(&x->rec, i, &x->cfg[i]);
		x->conn[i] = x->sim.conn[i] = tcps_conn_new(&x->cfg[i]);
		if (!x->conn[i])
			return sc_fail(x, "cannot create the %s's engine", sim_side_name(i)), -1;
	}
	x->sim.hook = def->hook;
	x->sim.hook_user = x;
	x->sim.observer = observe;
	x->sim.observer_user = x;
	sim_rec_begin(&x->rec);
	return 0;
}

static void collect(sc_ctx *x)
{
	sim_result *res = x->res;
	for (int i = 0; i < 2; i++) {
		sim_side_result *sr = &res->side[i];
		const sc_app *a = &x->app[i];
		tcps_status st;
		tcps_get_status(x->conn[i], &st);
		sr->final_state = st.state;
		sr->error = st.error;
		sr->call_error = a->error;
		sr->sent = a->total_sent;
		sr->received = a->total_received;
		sr->intact = !a->corrupt;
		sr->eof = a->eof;
		sr->retransmits = st.retransmits;
		sr->nhistory = x->rec.nhistory[i];
		memcpy(sr->history, x->rec.history[i], sizeof sr->history);
	}
	res->conns = x->rec.nconns;
	res->end_time = x->sim.now;
	res->steps = x->sim.steps;
	res->segments = x->rec.segments;
	res->lost = x->rec.lost;
	res->duplicated = x->rec.dups;
	res->rexmits = x->rec.rexmits;
	res->diagnoses = x->rec.diag_mask;
}

int sim_scenario_run(const sim_options *o, sim_result *res)
{
	const sc_def *def = find(o->scenario ? o->scenario : SIM_DEFAULT_SCENARIO);
	memset(res, 0, sizeof *res);
	if (!def) {
		snprintf(res->why, sizeof res->why, "unknown scenario");
		return -1;
	}
	res->scenario = def->name;
	/* The context holds two engines' worth of bookkeeping and the sim:
	 * on the heap rather than the stack. */
	sc_ctx *x = calloc(1, sizeof *x);
	if (!x) {
		snprintf(res->why, sizeof res->why, "out of memory");
		return 1;
	}
	x->opt = o;
	x->res = res;
	x->why = res->why;
	if (start(x, def) == 0) {
		res->run_error = sim_run(&x->sim);
		sim_rec_end(&x->rec);
		collect(x);
		if (res->run_error)
			sc_fail(x, "%s", sim_strerror(res->run_error));
		else
			res->ok = def->verdict(x);
	}
	for (int i = 0; i < 2; i++)
		tcps_conn_free(x->conn[i]);
	sim_free(&x->sim);
	free(x);
	return res->ok ? 0 : 1;
}

bool sim_result_passed(const sim_result *res, int side, const tcps_state *states, unsigned n,
		       bool adjacent)
{
	const tcps_state *h = res->side[side].history;
	unsigned nh = res->side[side].nhistory;
	for (unsigned start = 0; start < nh; start++) {
		if (h[start] != states[0])
			continue;
		unsigned k = 1;
		for (unsigned i = start + 1; i < nh && k < n; i++) {
			if (h[i] == states[k])
				k++;
			else if (adjacent)
				break;
		}
		if (k == n)
			return true;
	}
	return n == 0;
}

/* ---- Verdict helpers ---- */

bool sc_fail(sc_ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->why, sizeof x->res->why, fmt, ap);
	va_end(ap);
	return false;
}

bool sc_expect_final(sc_ctx *x, tcps_state client, tcps_state server)
{
	for (int i = 0; i < 2; i++) {
		tcps_state want = i == SIM_CLIENT ? client : server;
		tcps_state got = x->res->side[i].final_state;
		if (got != want)
			return sc_fail(x, "the %s ended in %s, expected %s", sim_side_name(i),
				       tcps_state_name(got), tcps_state_name(want));
	}
	return true;
}

bool sc_expect_no_errors(sc_ctx *x)
{
	for (int i = 0; i < 2; i++) {
		const sim_side_result *sr = &x->res->side[i];
		int err = sr->error ? sr->error : sr->call_error;
		if (err)
			return sc_fail(x, "the %s got an error: %s", sim_side_name(i), tcps_strerror(err));
	}
	return true;
}

bool sc_expect_intact(sc_ctx *x, uint64_t client_bytes, uint64_t server_bytes)
{
	for (int i = 0; i < 2; i++) {
		const sim_side_result *sr = &x->res->side[i];
		uint64_t want = i == SIM_CLIENT ? client_bytes : server_bytes;
		const sim_side_result *peer = &x->res->side[!i];
		if (sr->sent != want)
			return sc_fail(x, "the %s wrote %llu bytes, expected %llu", sim_side_name(i),
				       (unsigned long long)sr->sent, (unsigned long long)want);
		if (peer->received != want)
			return sc_fail(x, "the %s read %llu of the %llu bytes the %s wrote",
				       sim_side_name(!i), (unsigned long long)peer->received,
				       (unsigned long long)want, sim_side_name(i));
		if (!peer->intact)
			return sc_fail(x, "the %s read bytes the %s never wrote", sim_side_name(!i),
				       sim_side_name(i));
	}
	return true;
}

bool sc_expect_path(sc_ctx *x, int side, const tcps_state *states, unsigned n)
{
	if (sim_result_passed(x->res, side, states, n, true))
		return true;
	char want[160] = "";
	size_t len = 0;
	for (unsigned i = 0; i < n && len < sizeof want; i++)
		len += (size_t)snprintf(want + len, sizeof want - len, "%s%s", i ? " -> " : "",
					tcps_state_name(states[i]));
	return sc_fail(x, "the %s did not pass through %s", sim_side_name(side), want);
}
