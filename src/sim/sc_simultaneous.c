/* "simultaneous-open" and "simultaneous-close": the two paths of RFC 9293
 * Figure 5 that a client/server exchange never takes (§3.5, Figures 8
 * and 13).  Both sides act in the same instant, so their segments cross
 * on the link. */
#include "sim/scenario_int.h"

#define SIMUL_BYTES 1000
/* Long enough after the data for every delayed ACK to have gone out, so
 * that the FINs cross with nothing else in flight. */
#define SIMUL_CLOSE_AFTER (100 * TCPS_NS_PER_MS)

static void setup(sc_ctx *x)
{
	x->app[SIM_CLIENT].to_send = SIMUL_BYTES;
	x->app[SIM_SERVER].to_send = SIMUL_BYTES;
}

/* Both write once connected and read what arrives. */
static void exchange(sc_ctx *x)
{
	for (int i = 0; i < 2; i++) {
		if (sc_established(x, i))
			sc_write(x, i);
		sc_read(x, i);
	}
}

static bool all_read(const sc_ctx *x)
{
	return x->app[SIM_CLIENT].received == SIMUL_BYTES &&
	       x->app[SIM_SERVER].received == SIMUL_BYTES;
}

/* ---- simultaneous open: both send SYN before either hears the other ---- */

static void open_hook(sim *s, void *user)
{
	sc_ctx *x = user;
	(void)s;
	if (x->phase == 0) {
		/* Each is the other's peer: no one listens. */
		sc_open_active(x, SIM_CLIENT);
		sc_open_active(x, SIM_SERVER);
		x->phase = 1;
		return;
	}
	exchange(x);
	/* Then an ordinary close: the client first, the server on EOF. */
	if (all_read(x))
		sc_close(x, SIM_CLIENT);
	if (x->app[SIM_SERVER].eof)
		sc_close(x, SIM_SERVER);
}

static bool open_verdict(sc_ctx *x)
{
	static const tcps_state path[] = { TCPS_SYN_SENT, TCPS_SYN_RCVD, TCPS_ESTABLISHED };
	if (!sc_expect_no_errors(x) || !sc_expect_intact(x, SIMUL_BYTES, SIMUL_BYTES) ||
	    !sc_expect_final(x, TCPS_CLOSED, TCPS_CLOSED))
		return false;
	/* A lost SYN turns it into an ordinary open: the shape needs a clean link. */
	return !x->clean || (sc_expect_path(x, SIM_CLIENT, path, 3) &&
			     sc_expect_path(x, SIM_SERVER, path, 3));
}

const sc_def sc_simultaneous_open = {
	.name = "simultaneous-open",
	.summary = "both ends open actively at once: SYN_SENT -> SYN_RCVD -> ESTABLISHED on both",
	.setup = setup,
	.hook = open_hook,
	.verdict = open_verdict,
};

/* ---- simultaneous close: both send FIN before either hears the other ---- */

static void close_hook(sim *s, void *user)
{
	sc_ctx *x = user;
	if (sc_open_once(x))
		return;
	exchange(x);
	if (x->phase == 1 && all_read(x)) {
		x->mark = s->now + SIMUL_CLOSE_AFTER;
		sim_wake_at(s, x->mark);
		x->phase = 2;
	}
	if (x->phase == 2 && s->now >= x->mark) {
		sc_close(x, SIM_CLIENT);
		sc_close(x, SIM_SERVER);
		x->phase = 3;
	}
}

static bool close_verdict(sc_ctx *x)
{
	static const tcps_state path[] = { TCPS_FIN_WAIT_1, TCPS_CLOSING, TCPS_TIME_WAIT,
					   TCPS_CLOSED };
	if (!sc_expect_no_errors(x) || !sc_expect_intact(x, SIMUL_BYTES, SIMUL_BYTES) ||
	    !sc_expect_final(x, TCPS_CLOSED, TCPS_CLOSED))
		return false;
	return !x->clean || (sc_expect_path(x, SIM_CLIENT, path, 4) &&
			     sc_expect_path(x, SIM_SERVER, path, 4));
}

const sc_def sc_simultaneous_close = {
	.name = "simultaneous-close",
	.summary = "both ends close at once: FIN_WAIT_1 -> CLOSING -> TIME_WAIT on both",
	.setup = setup,
	.hook = close_hook,
	.verdict = close_verdict,
};
