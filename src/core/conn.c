/* Connection lifetime, state changes and STATUS. */
#include "conn.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void tcps_config_default(tcps_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->snd_buf = 65536;
	cfg->rcv_buf = 65536;
	cfg->mss = 1460;
	cfg->wscale = TCPS_WSCALE_AUTO;
	cfg->timestamps = true;
	cfg->sack = true;
	cfg->nagle = true;
	cfg->tlp = true;
	cfg->keepalive = false;
	cfg->msl = 30 * TCPS_NS_PER_S;
	cfg->rto_initial = 1 * TCPS_NS_PER_S;
	cfg->rto_min = 200 * TCPS_NS_PER_MS;
	cfg->rto_max = 60 * TCPS_NS_PER_S;
	cfg->delack = 40 * TCPS_NS_PER_MS;
	cfg->user_timeout = 100 * TCPS_NS_PER_S;
	cfg->syn_retries = 7; /* gives up after 183 s: MUST-23 asks >= 3 min */
	cfg->keepalive_idle = 7200 * TCPS_NS_PER_S;
	cfg->keepalive_intvl = 75 * TCPS_NS_PER_S;
	cfg->keepalive_probes = 9;
}

static bool config_valid(const tcps_config *cfg)
{
	/* Windows beyond 2^30 are not expressible even scaled (RFC 7323 §2.3). */
	return cfg->snd_buf >= 1 && cfg->rcv_buf >= 1 && cfg->snd_buf <= (1u << 30) &&
	       cfg->rcv_buf <= (1u << 30) && cfg->mss >= 64 && cfg->wscale >= -1 && cfg->wscale <= TCPS_WSCALE_AUTO &&
	       cfg->rto_min > 0 && cfg->rto_initial >= cfg->rto_min && cfg->rto_max >= cfg->rto_initial &&
	       cfg->msl > 0 && cfg->delack < 500 * TCPS_NS_PER_MS; /* MUST-40 */
}

size_t tcps_conn_size(const tcps_config *cfg)
{
	return sizeof(tcps_conn) + (size_t)cfg->snd_buf + cfg->rcv_buf;
}

static void conn_clear(tcps_conn *c, const tcps_config *cfg)
{
	size_t mem = c->mem_size;
	uint8_t *bufs = (uint8_t *)(c + 1);
	memset(c, 0, sizeof *c);
	c->mem_size = mem;
	c->cfg = *cfg;
	c->state = TCPS_CLOSED;
	ring_init(&c->snd, bufs, cfg->snd_buf);
	ring_init(&c->rcv, bufs + cfg->snd_buf, cfg->rcv_buf);
	c->rexmt_at = c->persist_at = c->delack_at = c->pto_at = TCPS_NEVER;
	c->keepalive_at = c->timewait_at = TCPS_NEVER;
	/* No run of timeouts yet: left at 0, the first timeout before any ACK
	 * (a FIN queued in SYN_RCVD) would count the user timeout from time 0
	 * and give up at once. */
	c->first_rexmit_at = TCPS_NEVER;
	c->probe_since = TCPS_NEVER;
	c->rto = cfg->rto_initial;
}

tcps_conn *tcps_conn_new(const tcps_config *cfg)
{
	tcps_config def;
	if (!cfg) {
		tcps_config_default(&def);
		cfg = &def;
	}
	if (!config_valid(cfg))
		return NULL;
	size_t size = tcps_conn_size(cfg);
	tcps_conn *c = malloc(size);
	if (!c)
		return NULL;
	c->mem_size = size;
	conn_clear(c, cfg);
	return c;
}

void tcps_conn_free(tcps_conn *c)
{
	free(c);
}

int tcps_conn_reset(tcps_conn *c, const tcps_config *cfg)
{
	if (!cfg)
		cfg = &c->cfg;
	if (!config_valid(cfg) || tcps_conn_size(cfg) > c->mem_size)
		return TCPS_ERR_INVALID;
	tcps_config keep = *cfg;
	conn_clear(c, &keep);
	return 0;
}

static void set_state(tcps_conn *c, tcps_state to, tcps_event why)
{
	tcps_state from = c->state;
	if (from == to)
		return;
	c->state = to;
	if (c->cfg.on_state)
		c->cfg.on_state(c->cfg.user, c, from, to, why);
}

/* Every state change goes through the table: the engine takes the row for
 * (state, event) and enters its target state.  An event with no row from
 * the current state is an engine bug, caught here in debug builds. */
void conn_apply(tcps_conn *c, tcps_event ev)
{
	const tcps_transition *t = tcps_transition_find(c->state, ev, c->origin);
	assert(t && "state change missing from the state table");
	if (t)
		set_state(c, t->to, ev);
}

/* The connection is gone: no more timers, nothing more to send but a
 * queued RST. */
void conn_closed(tcps_conn *c, int err, tcps_event why)
{
	if (err && !c->error)
		c->error = err;
	if (c->state != TCPS_CLOSED)
		conn_apply(c, why);
	c->rexmt_at = c->persist_at = c->delack_at = c->pto_at = TCPS_NEVER;
	c->keepalive_at = c->timewait_at = TCPS_NEVER;
	c->ack_now = c->probe_pending = c->keepalive_pending = c->rexmit_one = c->tlp_pending = false;
	c->fin_queued = false;
	c->snd.len = 0;
	c->snd.head = 0;
}

/* The smallest shift whose scaled 16-bit window covers the buffer. */
static uint8_t wscale_for(uint32_t buf)
{
	uint8_t s = 0;
	while (s < 14 && (65535u << s) < buf)
		s++;
	return s;
}

void conn_prepare_offer(tcps_conn *c)
{
	int8_t ws = c->cfg.wscale;
	c->rcv_wscale = ws < 0 ? 0 : ws == TCPS_WSCALE_AUTO ? wscale_for(c->cfg.rcv_buf) : (uint8_t)ws;
	c->snd_mss = c->tuple.family == 6 ? TCPS_DEFAULT_MSS_V6 : TCPS_DEFAULT_MSS_V4;
}

void conn_rewind(tcps_conn *c)
{
	tcps_conn keep = *c;
	conn_clear(c, &keep.cfg);
	c->state = keep.state;
	c->origin = keep.origin;
	c->tuple = keep.tuple;
	c->listen_remote_port = keep.listen_remote_port;
	c->retransmits = keep.retransmits;
	c->segs_in = keep.segs_in;
	c->segs_out = keep.segs_out;
	conn_prepare_offer(c);
}

void conn_established(tcps_conn *c, uint64_t now)
{
	/* RFC 6298 (5.7): a SYN sent more than once leaves no RTT sample; start
	 * data with an RTO of at least 3 s. */
	if (c->retransmits && !c->rtt_valid && c->rto < 3 * TCPS_NS_PER_S)
		c->rto = 3 * TCPS_NS_PER_S;
	c->backoff = 0;
	keepalive_reset(c, now);
}

void conn_init_rcv(tcps_conn *c, uint32_t irs)
{
	c->irs = irs;
	c->rcv_nxt = irs + 1;
	c->rcv_adv = c->rcv_nxt;
}

void conn_choose_iss(tcps_conn *c, uint64_t now)
{
	c->iss = c->cfg.pin_iss ? c->cfg.iss : tcps_isn(&c->tuple, c->cfg.isn_key, now);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->data_seq = c->iss + 1;
	c->snd_up = c->iss;
}

/* Free receive space from RCV.NXT: out-of-order data waits inside it. */
uint32_t conn_rcv_wnd(const tcps_conn *c)
{
	return ring_space(&c->rcv);
}

tcps_state tcps_get_state(const tcps_conn *c)
{
	return c->state;
}

int tcps_get_error(const tcps_conn *c)
{
	return c->error;
}

bool tcps_peer_closed(const tcps_conn *c)
{
	return c->fin_rcvd;
}

uint32_t tcps_send_space(const tcps_conn *c)
{
	return ring_space(&c->snd);
}

void tcps_get_status(const tcps_conn *c, tcps_status *st)
{
	memset(st, 0, sizeof *st);
	st->state = c->state;
	st->tuple = c->tuple;
	st->iss = c->iss;
	st->irs = c->irs;
	st->snd_una = c->snd_una;
	st->snd_nxt = c->snd_nxt;
	st->snd_wnd = c->snd_wnd;
	st->rcv_nxt = c->rcv_nxt;
	st->rcv_wnd = conn_rcv_wnd(c);
	st->snd_mss = c->snd_mss;
	st->cwnd = c->cwnd;
	st->ssthresh = c->ssthresh;
	st->srtt = c->srtt;
	st->rto = c->rto;
	st->snd_queued = c->snd.len;
	st->rcv_ready = c->rcv.len;
	st->snd_wscale = c->snd_wscale;
	st->rcv_wscale = c->rcv_wscale;
	st->timestamps = c->ts_ok;
	st->sack_permitted = c->sack_ok;
	st->error = c->error;
	st->soft_error = c->soft_error;
	st->retransmits = c->retransmits;
	st->segs_in = c->segs_in;
	st->segs_out = c->segs_out;
}
