/* "refused" and "reset": the two ways a RST ends a connection.
 *
 * refused: nothing listens on the server's port, so its host answers the
 * SYN with RST,ACK (RFC 9293 §3.10.7.1) and the client's OPEN fails with
 * ECONNREFUSED (§3.10.7.3).
 * reset: the server aborts an established connection (RFC 9293 §3.10.5);
 * its RST makes the client's next call fail with ECONNRESET (§3.10.7.4). */
#include "sim/scenario_int.h"

#define REQUEST_BYTES 200

static void no_setup(sc_ctx *x)
{
	(void)x;
}

/* ---- refused ---- */

static void refused_hook(sim *s, void *user)
{
	sc_ctx *x = user;
	(void)s;
	if (x->phase == 0) {
		/* The server's engine exists but was never opened: a host with
		 * nothing on port 9000. */
		sc_open_active(x, SIM_CLIENT);
		x->phase = 1;
		return;
	}
	/* The application learns of the refusal from its next call. */
	if (sc_state(x, SIM_CLIENT) == TCPS_CLOSED)
		sc_read(x, SIM_CLIENT);
}

static bool refused_verdict(sc_ctx *x)
{
	static const tcps_state client[] = { TCPS_CLOSED, TCPS_SYN_SENT, TCPS_CLOSED };
	const sim_side_result *cl = &x->res->side[SIM_CLIENT];
	if (!sc_expect_final(x, TCPS_CLOSED, TCPS_CLOSED) || !sc_expect_path(x, SIM_CLIENT, client, 3))
		return false;
	if (cl->error != TCPS_ERR_REFUSED)
		return sc_fail(x, "the client's error is \"%s\", expected \"%s\"",
			       tcps_strerror(cl->error), tcps_strerror(TCPS_ERR_REFUSED));
	if (cl->call_error != TCPS_ERR_REFUSED)
		return sc_fail(x, "the client's RECEIVE returned \"%s\", expected \"%s\"",
			       tcps_strerror(cl->call_error), tcps_strerror(TCPS_ERR_REFUSED));
	if (!(x->res->diagnoses & (1u << SIM_DIAG_CONNECTION_REFUSED)))
		return sc_fail(x, "no connection_refused diagnosis");
	return true;
}

const sc_def sc_refused = {
	.name = "refused",
	.summary = "SYN to a port nobody listens on: RST, the client gets ECONNREFUSED",
	.setup = no_setup,
	.hook = refused_hook,
	.verdict = refused_verdict,
};

/* ---- reset ---- */

static void reset_hook(sim *s, void *user)
{
	sc_ctx *x = user;
	(void)s;
	if (sc_open_once(x))
		return;
	if (sc_established(x, SIM_CLIENT)) {
		x->app[SIM_CLIENT].to_send = REQUEST_BYTES;
		sc_write(x, SIM_CLIENT);
	}
	sc_read(x, SIM_CLIENT);
	/* The server reads the request and aborts instead of answering. */
	sc_read(x, SIM_SERVER);
	if (x->app[SIM_SERVER].received == REQUEST_BYTES)
		sc_abort(x, SIM_SERVER);
}

static bool reset_verdict(sc_ctx *x)
{
	static const tcps_state client[] = { TCPS_ESTABLISHED, TCPS_CLOSED };
	const sim_side_result *cl = &x->res->side[SIM_CLIENT];
	const sim_side_result *sv = &x->res->side[SIM_SERVER];
	if (!sc_expect_final(x, TCPS_CLOSED, TCPS_CLOSED) || !sc_expect_path(x, SIM_CLIENT, client, 2))
		return false;
	if (sv->received != REQUEST_BYTES || !sv->intact)
		return sc_fail(x, "the server read %llu bytes%s, expected the %u of the request",
			       (unsigned long long)sv->received, sv->intact ? "" : " (corrupt)",
			       REQUEST_BYTES);
	if (cl->error != TCPS_ERR_RESET || cl->call_error != TCPS_ERR_RESET)
		return sc_fail(x, "the client saw \"%s\" (RECEIVE: \"%s\"), expected \"%s\"",
			       tcps_strerror(cl->error), tcps_strerror(cl->call_error),
			       tcps_strerror(TCPS_ERR_RESET));
	if (sv->error != TCPS_ERR_ABORTED)
		return sc_fail(x, "the server's error is \"%s\", expected \"%s\"",
			       tcps_strerror(sv->error), tcps_strerror(TCPS_ERR_ABORTED));
	if (!(x->res->diagnoses & (1u << SIM_DIAG_RESET_ESTABLISHED)))
		return sc_fail(x, "no reset_established diagnosis");
	return true;
}

const sc_def sc_reset = {
	.name = "reset",
	.summary = "the server aborts an established connection: RST, the client gets ECONNRESET",
	.setup = no_setup,
	.hook = reset_hook,
	.verdict = reset_verdict,
};
