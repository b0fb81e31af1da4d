/* "half-close": the client sends its request and closes its direction;
 * the server goes on sending for a while (the client, in FIN_WAIT_2,
 * still receives), then closes too.  RFC 9293 §3.6: CLOSE means "I have
 * no more to send", not "I will receive no more". */
#include "sim/scenario_int.h"

#define REQUEST_BYTES 1000
#define REPLY_CHUNK 4096
#define REPLY_CHUNKS 8
#define CHUNK_EVERY (10 * TCPS_NS_PER_MS)

static void setup(sc_ctx *x)
{
	x->app[SIM_CLIENT].to_send = REQUEST_BYTES;
}

static void hook(sim *s, void *user)
{
	sc_ctx *x = user;
	sc_app *cl = &x->app[SIM_CLIENT], *sv = &x->app[SIM_SERVER];
	if (sc_open_once(x))
		return;
	/* Client: the whole request, then CLOSE at once; read to the end. */
	if (sc_established(x, SIM_CLIENT)) {
		sc_write(x, SIM_CLIENT);
		if (cl->sent == REQUEST_BYTES)
			sc_close(x, SIM_CLIENT);
	}
	uint64_t before = cl->received;
	sc_read(x, SIM_CLIENT);
	/* Counted only once the client's FIN is out: proof of a half-open stream. */
	if (cl->closed && cl->received > before)
		x->count += (unsigned)(cl->received - before);

	/* Server: once the request is complete (EOF), a chunk every 10 ms. */
	sc_read(x, SIM_SERVER);
	if (sv->eof && sv->to_send < REPLY_CHUNK * REPLY_CHUNKS && s->now >= x->mark) {
		sv->to_send += REPLY_CHUNK;
		x->mark = s->now + CHUNK_EVERY;
		sim_wake_at(s, x->mark);
	}
	sc_write(x, SIM_SERVER);
	if (sv->sent == REPLY_CHUNK * REPLY_CHUNKS)
		sc_close(x, SIM_SERVER);
}

static bool verdict(sc_ctx *x)
{
	static const tcps_state client[] = { TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
					     TCPS_TIME_WAIT, TCPS_CLOSED };
	static const tcps_state server[] = { TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK,
					     TCPS_CLOSED };
	if (!sc_expect_no_errors(x) ||
	    !sc_expect_intact(x, REQUEST_BYTES, REPLY_CHUNK * REPLY_CHUNKS) ||
	    !sc_expect_final(x, TCPS_CLOSED, TCPS_CLOSED))
		return false;
	if (x->count != REPLY_CHUNK * REPLY_CHUNKS)
		return sc_fail(x, "the client read %u bytes after its CLOSE, expected %u", x->count,
			       REPLY_CHUNK * REPLY_CHUNKS);
	/* With loss the client's FIN may be acknowledged only with the
	 * server's, skipping FIN_WAIT_2. */
	return !x->clean || (sc_expect_path(x, SIM_CLIENT, client, 5) &&
			     sc_expect_path(x, SIM_SERVER, server, 4));
}

const sc_def sc_half_close = {
	.name = "half-close",
	.summary = "the client closes after its request; the server keeps sending, then closes",
	.setup = setup,
	.hook = hook,
	.verdict = verdict,
};
