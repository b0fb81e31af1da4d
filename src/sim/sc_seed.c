/* "seed": the seed's Concrete Example, segment for segment.
 *
 * Client 127.0.0.1:43236 (ISS 1000) opens to server 127.0.0.1:9000
 * (ISS 4000, listening); each side sends 499 bytes; the client closes
 * first, the server after it.  With options off and applications that
 * act after their stack has answered, the link carries exactly the seed's
 * segments, the data ones carrying the ACKs that would otherwise be
 * delayed:
 *
 *   SYN seq=1000 / SYN seq=4000, ACK=1001 / ACK=4001 /
 *   499 bytes seq=1001, ACK=4001 / 499 bytes seq=4001, ACK=1500 /
 *   FIN seq=1500, ACK=4500 / ACK=1501 / FIN seq=4500, ACK=1501 / ACK=4501 */
#include "sim/scenario_int.h"

#define SEED_BYTES 499

static void setup(sc_ctx *x)
{
	sc_options_off(x);
}

static void hook(sim *s, void *user)
{
	sc_ctx *x = user;
	(void)s;
	if (sc_open_once(x))
		return;
	/* The client writes once connect() has returned, reads the reply,
	 * and closes. */
	if (sc_established(x, SIM_CLIENT)) {
		x->app[SIM_CLIENT].to_send = SEED_BYTES;
		sc_write(x, SIM_CLIENT);
	}
	sc_read(x, SIM_CLIENT);
	if (x->app[SIM_CLIENT].received == SEED_BYTES)
		sc_close(x, SIM_CLIENT);

	/* The server answers the request with as many bytes, and closes
	 * once the client has (the seed's "server finishes its work"). */
	sc_read(x, SIM_SERVER);
	if (x->app[SIM_SERVER].received == SEED_BYTES && sc_established(x, SIM_SERVER)) {
		x->app[SIM_SERVER].to_send = SEED_BYTES;
		sc_write(x, SIM_SERVER);
	}
	if (x->app[SIM_SERVER].eof && x->app[SIM_SERVER].sent == SEED_BYTES)
		sc_close(x, SIM_SERVER);
}

/* The seed's segments, with each side's state after each one. */
typedef struct seed_seg {
	int from;
	uint8_t flags; /* PSH aside: whether data carries it is the engine's choice */
	uint32_t seq, ack, len;
	tcps_state client, server;
} seed_seg;

#define C SIM_CLIENT
#define S SIM_SERVER
static const seed_seg expected[] = {
	{ C, TCPS_SYN, 1000, 0, 0, TCPS_SYN_SENT, TCPS_SYN_RCVD },
	{ S, TCPS_SYN | TCPS_ACK, 4000, 1001, 0, TCPS_ESTABLISHED, TCPS_SYN_RCVD },
	{ C, TCPS_ACK, 1001, 4001, 0, TCPS_ESTABLISHED, TCPS_ESTABLISHED },
	{ C, TCPS_ACK, 1001, 4001, SEED_BYTES, TCPS_ESTABLISHED, TCPS_ESTABLISHED },
	{ S, TCPS_ACK, 4001, 1500, SEED_BYTES, TCPS_ESTABLISHED, TCPS_ESTABLISHED },
	{ C, TCPS_FIN | TCPS_ACK, 1500, 4500, 0, TCPS_FIN_WAIT_1, TCPS_CLOSE_WAIT },
	{ S, TCPS_ACK, 4500, 1501, 0, TCPS_FIN_WAIT_2, TCPS_CLOSE_WAIT },
	{ S, TCPS_FIN | TCPS_ACK, 4500, 1501, 0, TCPS_TIME_WAIT, TCPS_LAST_ACK },
	{ C, TCPS_ACK, 1501, 4501, 0, TCPS_TIME_WAIT, TCPS_CLOSED },
};
#undef C
#undef S
#define NEXPECTED (sizeof expected / sizeof expected[0])

static bool segments_match(sc_ctx *x)
{
	const sim_result *res = x->res;
	if (res->nlog != NEXPECTED)
		return sc_fail(x, "%u segments, the seed has %zu", res->nlog, NEXPECTED);
	for (unsigned i = 0; i < NEXPECTED; i++) {
		const seed_seg *e = &expected[i];
		const sim_seg_record *g = &res->log[i];
		char want[9], got[9];
		if (g->from != e->from || (g->flags & ~TCPS_PSH) != e->flags || g->seq != e->seq ||
		    ((e->flags & TCPS_ACK) && g->ack != e->ack) || g->len != e->len)
			return sc_fail(x, "segment %u: %s [%s] seq=%u ack=%u len=%u, the seed has %s [%s] "
				       "seq=%u ack=%u len=%u", i + 1, sim_side_name(g->from),
				       tcps_flags_str(g->flags, got), g->seq, g->ack, g->len,
				       sim_side_name(e->from), tcps_flags_str(e->flags, want), e->seq,
				       e->ack, e->len);
		if (g->state[SIM_CLIENT] != e->client || g->state[SIM_SERVER] != e->server)
			return sc_fail(x, "after segment %u: client %s, server %s; the seed has %s, %s",
				       i + 1, tcps_state_name(g->state[SIM_CLIENT]),
				       tcps_state_name(g->state[SIM_SERVER]), tcps_state_name(e->client),
				       tcps_state_name(e->server));
	}
	return true;
}

static bool verdict(sc_ctx *x)
{
	static const tcps_state client[] = { TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED,
		TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT, TCPS_CLOSED };
	static const tcps_state server[] = { TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED,
		TCPS_CLOSE_WAIT, TCPS_LAST_ACK, TCPS_CLOSED };
	if (!sc_expect_no_errors(x) || !sc_expect_intact(x, SEED_BYTES, SEED_BYTES) ||
	    !sc_expect_final(x, TCPS_CLOSED, TCPS_CLOSED))
		return false;
	/* With loss the segments differ (retransmissions), the states do not. */
	if (!sc_expect_path(x, SIM_CLIENT, client, 7) || !sc_expect_path(x, SIM_SERVER, server, 6))
		return false;
	return !x->clean || segments_match(x);
}

const sc_def sc_seed = {
	.name = "seed",
	.summary = "the seed's Concrete Example: handshake, 499 bytes each way, client closes first",
	.setup = setup,
	.hook = hook,
	.verdict = verdict,
};
