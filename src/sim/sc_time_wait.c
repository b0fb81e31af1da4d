/* "time-wait": a new connection on a 4-tuple still in TIME_WAIT.
 *
 * The server closes first (as HTTP servers do), so it is the one in
 * TIME_WAIT.  A second later the client opens again from the same port
 * with an ISS above anything the old connection used; the server's
 * TIME_WAIT connection accepts the SYN and goes to SYN_RCVD (RFC 9293
 * §3.10.7.4 via RFC 1122 §4.2.2.13 and RFC 6191) instead of making the
 * client wait out 2*MSL. */
#include "sim/scenario_int.h"

#define REQUEST_BYTES 100
#define REPLY_BYTES 200
#define REOPEN_AFTER TCPS_NS_PER_S
/* Far above the old connection's last sequence number (1000 + 1 + 100 + 1). */
#define SECOND_ISS_STEP 100000

static void setup(sc_ctx *x)
{
	sc_options_off(x);
}

/* One request/reply exchange in which the server closes first. */
static void exchange(sc_ctx *x)
{
	sc_app *cl = &x->app[SIM_CLIENT], *sv = &x->app[SIM_SERVER];
	/* Until the new connection is accepted, what the server's engine
	 * holds is the old one's (in TIME_WAIT, its EOF): not for this app. */
	if (sc_established(x, SIM_SERVER))
		sv->connected = true;
	if (sc_established(x, SIM_CLIENT)) {
		cl->to_send = REQUEST_BYTES;
		sc_write(x, SIM_CLIENT);
	}
	sc_read(x, SIM_CLIENT);
	if (cl->eof)
		sc_close(x, SIM_CLIENT);
	if (sv->connected)
		sc_read(x, SIM_SERVER);
	if (sv->received == REQUEST_BYTES && sc_established(x, SIM_SERVER)) {
		sv->to_send = REPLY_BYTES;
		sc_write(x, SIM_SERVER);
		if (sv->sent == REPLY_BYTES)
			sc_close(x, SIM_SERVER);
	}
	if (x->app[SIM_CLIENT].received == REPLY_BYTES && cl->eof && sv->received == REQUEST_BYTES)
		x->count |= 1u << x->phase; /* this connection's exchange completed */
}

static void reopen(sc_ctx *x)
{
	sim_rec_begin(&x->rec);
	sim_new_connection(&x->sim);
	sc_app_restart(x);
	tcps_config cfg = x->cfg[SIM_CLIENT];
	cfg.iss += SECOND_ISS_STEP;
	int rc = tcps_conn_reset(x->conn[SIM_CLIENT], &cfg);
	if (rc < 0 && !x->app[SIM_CLIENT].error)
		x->app[SIM_CLIENT].error = rc;
	sc_open_active(x, SIM_CLIENT);
}

static void hook(sim *s, void *user)
{
	sc_ctx *x = user;
	switch (x->phase) {
	case 0:
		sc_open_passive(x, SIM_SERVER);
		sc_open_active(x, SIM_CLIENT);
		x->phase = 1;
		return;
	case 1:
		exchange(x);
		if (sc_state(x, SIM_CLIENT) == TCPS_CLOSED && sc_state(x, SIM_SERVER) == TCPS_TIME_WAIT) {
			x->mark = s->now + REOPEN_AFTER;
			sim_wake_at(s, x->mark);
			x->phase = 2;
		}
		return;
	case 2:
		if (s->now < x->mark)
			return;
		if (sc_state(x, SIM_SERVER) != TCPS_TIME_WAIT) {
			x->phase = 4; /* too late: the verdict says so */
			return;
		}
		reopen(x);
		x->phase = 3;
		return;
	case 3:
		exchange(x);
		return;
	default:
		return;
	}
}

static bool verdict(sc_ctx *x)
{
	static const tcps_state server[] = { TCPS_TIME_WAIT, TCPS_SYN_RCVD, TCPS_ESTABLISHED };
	if (x->phase < 2)
		return sc_fail(x, "the first connection never closed: client %s, server %s",
			       tcps_state_name(x->res->side[SIM_CLIENT].final_state),
			       tcps_state_name(x->res->side[SIM_SERVER].final_state));
	if (x->phase != 3)
		return sc_fail(x, "the server was not in TIME_WAIT when the client reopened");
	if (!sc_expect_no_errors(x) || !sc_expect_final(x, TCPS_CLOSED, TCPS_CLOSED) ||
	    !sc_expect_path(x, SIM_SERVER, server, 3))
		return false;
	if (x->count != ((1u << 1) | (1u << 3)))
		return sc_fail(x, "not both exchanges completed");
	if (x->res->conns != 2)
		return sc_fail(x, "%u connections, expected 2", x->res->conns);
	if (!x->res->side[SIM_CLIENT].intact || !x->res->side[SIM_SERVER].intact)
		return sc_fail(x, "bytes read were not the peer's");
	return true;
}

const sc_def sc_time_wait = {
	.name = "time-wait",
	.summary = "the server closes first; the client reuses its port during the server's TIME_WAIT",
	.setup = setup,
	.hook = hook,
	.verdict = verdict,
};
