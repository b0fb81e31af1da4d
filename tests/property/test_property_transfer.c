/* Property: over any link with up to 20% loss plus duplication and
 * reordering, two engines transfer any amount both ways (zero to several
 * MB), close in any order (client first, server first, both at once,
 * half-close with data still flowing), and every run ends with both byte
 * streams intact, both ends of stream seen, no error, and both sides in the
 * states RFC 9293 requires: the active closer through TIME_WAIT, both
 * CLOSED at the end.
 *
 * TCPS_PROPERTY_SEEDS sets the number of seeds (default 10000);
 * TCPS_PROPERTY_FIRST the first one, to replay a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/rng.h"
#include "sim/scenario_int.h"

typedef enum close_order { CLIENT_FIRST, SERVER_FIRST, BOTH_AT_ONCE, HALF_CLOSE, NORDERS } close_order;

static const char *const order_names[] = { "client-first", "server-first", "both-at-once", "half-close" };

typedef struct run {
	sc_ctx x;
	close_order order;
	uint64_t bytes[2];
	tcps_state seen[2][64]; /* every state each side entered */
	unsigned nseen[2];
} run;

/* Mostly small transfers, some empty, a few of several MB. */
static uint64_t draw_bytes(sim_rng *r)
{
	uint64_t k = sim_rng_below(r, 1000);
	if (k < 100)
		return 0;
	if (k < 995)
		return sim_rng_below(r, 1u << sim_rng_below(r, 17)); /* up to 64 KiB, log-spread */
	return (2u << 20) + sim_rng_below(r, 4u << 20);           /* 2 to 6 MiB */
}

static void draw(run *rn, uint64_t seed)
{
	sim_rng r;
	sim_rng_seed(&r, seed * 0x9e3779b97f4a7c15ull + 1);
	sc_ctx *x = &rn->x;
	rn->order = (close_order)sim_rng_below(&r, NORDERS);
	for (int i = 0; i < 2; i++) {
		tcps_config *c = &x->cfg[i];
		tcps_config_default(c);
		c->isn_key[0] = (uint8_t)seed;
		c->isn_key[1] = (uint8_t)i;
		c->timestamps = sim_rng_chance(&r, 50);
		c->sack = sim_rng_chance(&r, 50);
		c->wscale = sim_rng_chance(&r, 50) ? TCPS_WSCALE_AUTO : -1;
		c->nagle = sim_rng_chance(&r, 50);
		c->mss = (uint16_t)(536 + sim_rng_below(&r, 1460 - 536 + 1));
		c->snd_buf = 2048u << sim_rng_below(&r, 8);
		c->rcv_buf = 2048u << sim_rng_below(&r, 8);
		/* Give up only far beyond what 20% loss can explain: a give-up
		 * here would be the engine's fault, not the link's. */
		c->user_timeout = 3000 * TCPS_NS_PER_S;
		c->syn_retries = 30;
		c->rto_max = 10 * TCPS_NS_PER_S;
		c->msl = 5 * TCPS_NS_PER_S;
		rn->bytes[i] = draw_bytes(&r);

		sim_path *p = &x->path[i];
		memset(p, 0, sizeof *p);
		p->loss_pct = (double)sim_rng_below(&r, 2001) / 100.0;
		p->dup_pct = (double)sim_rng_below(&r, 501) / 100.0;
		p->reorder_pct = (double)sim_rng_below(&r, 1001) / 100.0;
		p->delay = (1 + sim_rng_below(&r, 20)) * TCPS_NS_PER_MS;
		p->jitter = sim_rng_below(&r, 5) * TCPS_NS_PER_MS;
		p->reorder_delay = (1 + sim_rng_below(&r, 30)) * TCPS_NS_PER_MS;
	}
	for (int i = 0; i < 2; i++) {
		tcps_tuple *t = &x->tuple[i];
		memset(t, 0, sizeof *t);
		t->family = 4;
		t->local_addr[0] = t->remote_addr[0] = 127;
		t->local_addr[3] = (uint8_t)(1 + i);
		t->remote_addr[3] = (uint8_t)(2 - i);
		t->local_port = i == SIM_CLIENT ? 40000 : 80;
		t->remote_port = i == SIM_CLIENT ? 80 : 40000;
	}
}

static void on_state(void *user, tcps_conn *c, tcps_state from, tcps_state to, tcps_event why)
{
	run *rn = user;
	(void)from;
	(void)why;
	int side = c == rn->x.conn[SIM_CLIENT] ? SIM_CLIENT : SIM_SERVER;
	if (rn->nseen[side] < 64)
		rn->seen[side][rn->nseen[side]++] = to;
}

/* Whether `side` may close now under this run's order. */
static bool may_close(const run *rn, int side)
{
	const sc_app *me = &rn->x.app[side], *peer = &rn->x.app[!side];
	bool sent_all = me->sent == me->to_send;
	bool got_all = me->received == peer->to_send; /* the peer's whole stream */
	switch (rn->order) {
	case CLIENT_FIRST:
		return side == SIM_CLIENT ? sent_all && got_all : sent_all && me->eof;
	case SERVER_FIRST:
		return side == SIM_SERVER ? sent_all && got_all : sent_all && me->eof;
	case BOTH_AT_ONCE:
		return rn->x.app[0].sent == rn->x.app[0].to_send && rn->x.app[1].sent == rn->x.app[1].to_send &&
		       rn->x.app[0].received == rn->x.app[1].to_send &&
		       rn->x.app[1].received == rn->x.app[0].to_send;
	case HALF_CLOSE: /* the client closes as soon as it has written */
		return side == SIM_CLIENT ? sent_all : sent_all && me->eof;
	default:
		return false;
	}
}

static void hook(sim *s, void *user)
{
	run *rn = user;
	sc_ctx *x = &rn->x;
	(void)s;
	if (sc_open_once(x))
		return;
	for (int i = 0; i < 2; i++) {
		if (sc_established(x, i))
			sc_write(x, i);
		sc_read(x, i);
	}
	bool close_now[2] = { may_close(rn, 0), may_close(rn, 1) };
	for (int i = 0; i < 2; i++)
		if (close_now[i] && sc_established(x, i))
			sc_close(x, i);
}

static bool entered(const run *rn, int side, tcps_state st)
{
	for (unsigned i = 0; i < rn->nseen[side]; i++)
		if (rn->seen[side][i] == st)
			return true;
	return false;
}

/* Runs one seed; returns NULL or what went wrong. */
static const char *run_seed(run *rn, uint64_t seed, char *why, size_t n)
{
	memset(rn, 0, sizeof *rn);
	sc_ctx *x = &rn->x;
	draw(rn, seed);
	size_t slot = x->cfg[0].mss > x->cfg[1].mss ? x->cfg[0].mss : x->cfg[1].mss;
	if (sim_init(&x->sim, &x->path[0], &x->path[1], seed, slot) < 0)
		return "out of memory";
	for (int i = 0; i < 2; i++) {
		x->cfg[i].on_state = on_state;
		x->cfg[i].user = rn;
		x->conn[i] = x->sim.conn[i] = tcps_conn_new(&x->cfg[i]);
		x->app[i].to_send = rn->bytes[i];
	}
	x->sim.hook = hook;
	x->sim.hook_user = rn;
	int err = sim_run(&x->sim);

	const char *bad = NULL;
	for (int i = 0; i < 2 && !bad && !err; i++) {
		const sc_app *a = &x->app[i];
		const char *who = i == SIM_CLIENT ? "client" : "server";
		if (tcps_get_state(x->conn[i]) != TCPS_CLOSED)
			snprintf(why, n, "%s ended in %s", who, tcps_state_name(tcps_get_state(x->conn[i]))), bad = why;
		else if (a->corrupt || a->received != rn->bytes[!i] || !a->eof)
			snprintf(why, n, "%s read %llu of %llu bytes (corrupt %d, eof %d)", who,
				 (unsigned long long)a->received, (unsigned long long)rn->bytes[!i], a->corrupt,
				 a->eof),
				bad = why;
		else if (a->error || tcps_get_error(x->conn[i]))
			snprintf(why, n, "%s error %s", who,
				 tcps_strerror(a->error ? a->error : tcps_get_error(x->conn[i]))),
				bad = why;
	}
	if (err)
		snprintf(why, n, "%s", sim_strerror(err)), bad = why;
	/* §3.6: whoever closes first waits in TIME_WAIT; at once, both do
	 * (through CLOSING, or TIME_WAIT directly when the FINs cross late). */
	if (!bad) {
		bool c_tw = entered(rn, SIM_CLIENT, TCPS_TIME_WAIT), s_tw = entered(rn, SIM_SERVER, TCPS_TIME_WAIT);
		if ((rn->order == CLIENT_FIRST || rn->order == HALF_CLOSE) && (!c_tw || s_tw))
			bad = "the client closed first but TIME_WAIT was not the client's alone";
		else if (rn->order == SERVER_FIRST && (!s_tw || c_tw))
			bad = "the server closed first but TIME_WAIT was not the server's alone";
		else if (rn->order == BOTH_AT_ONCE && !c_tw && !s_tw)
			bad = "a simultaneous close left no TIME_WAIT";
	}
	for (int i = 0; i < 2; i++)
		tcps_conn_free(x->conn[i]);
	sim_free(&x->sim);
	return bad;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 10) : def;
}

static void test_property_lossy_transfer_and_close_every_order(void **state)
{
	(void)state;
	uint64_t first = env_u64("TCPS_PROPERTY_FIRST", 0);
	uint64_t n = env_u64("TCPS_PROPERTY_SEEDS", 10000);
	static run rn;
	char why[256];
	unsigned failures = 0;
	uint64_t total = 0;
	for (uint64_t seed = first; seed < first + n; seed++) {
		const char *bad = run_seed(&rn, seed, why, sizeof why);
		total += rn.bytes[0] + rn.bytes[1];
		if (bad && failures++ < 10)
			print_error("seed %llu (%s, %llu/%llu bytes, loss %.2f/%.2f%%): %s\n",
				    (unsigned long long)seed, order_names[rn.order],
				    (unsigned long long)rn.bytes[0], (unsigned long long)rn.bytes[1],
				    rn.x.path[0].loss_pct, rn.x.path[1].loss_pct, bad);
	}
	print_message("%llu seeds, %llu bytes moved, %u failed\n", (unsigned long long)n,
		      (unsigned long long)total, failures);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_property_lossy_transfer_and_close_every_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
