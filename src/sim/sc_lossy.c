/* "lossy": 64 KiB each way over a bad path (loss, a little duplication
 * and reordering, jitter), with every option on.  Retransmission, SACK
 * and reassembly must still deliver every byte, in order, and the
 * connection must still close cleanly: the client through TIME_WAIT. */
#include "sim/scenario_int.h"

#define LOSSY_BYTES (64 * 1024)
#define LOSSY_DEFAULT_LOSS 5.0

static void setup(sc_ctx *x)
{
	for (int i = 0; i < 2; i++) {
		sim_path *p = &x->path[i];
		p->loss_pct = LOSSY_DEFAULT_LOSS; /* --loss replaces it */
		p->dup_pct = 1;
		p->reorder_pct = 2;
		p->delay = 10 * TCPS_NS_PER_MS;
		p->jitter = 2 * TCPS_NS_PER_MS;
		p->reorder_delay = 15 * TCPS_NS_PER_MS;
		x->app[i].to_send = LOSSY_BYTES;
	}
}

static void hook(sim *s, void *user)
{
	sc_ctx *x = user;
	(void)s;
	if (sc_open_once(x))
		return;
	for (int i = 0; i < 2; i++) {
		if (sc_established(x, i))
			sc_write(x, i);
		sc_read(x, i);
	}
	/* The client closes when its exchange is complete, the server when
	 * it has sent everything and read the client's EOF. */
	const sc_app *cl = &x->app[SIM_CLIENT], *sv = &x->app[SIM_SERVER];
	if (cl->sent == LOSSY_BYTES && cl->received == LOSSY_BYTES)
		sc_close(x, SIM_CLIENT);
	if (sv->sent == LOSSY_BYTES && sv->eof)
		sc_close(x, SIM_SERVER);
}

static bool verdict(sc_ctx *x)
{
	static const tcps_state client[] = { TCPS_TIME_WAIT, TCPS_CLOSED };
	return sc_expect_no_errors(x) && sc_expect_intact(x, LOSSY_BYTES, LOSSY_BYTES) &&
	       sc_expect_final(x, TCPS_CLOSED, TCPS_CLOSED) &&
	       sc_expect_path(x, SIM_CLIENT, client, 2);
}

const sc_def sc_lossy = {
	.name = "lossy",
	.summary = "64 KiB each way with loss (default 5%, --loss), duplication and reordering",
	.setup = setup,
	.hook = hook,
	.verdict = verdict,
};
