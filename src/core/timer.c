/* Timers: retransmission (RFC 6298), TIME_WAIT (2*MSL), zero-window
 * persist, delayed ACK and keep-alive (RFC 9293 §3.8).  All deadlines are
 * absolute times given by the driver; nothing here reads a clock. */
#include "conn.h"

/* RFC 6298 §2: G, the clock granularity folded into the RTO. */
#define CLOCK_G TCPS_NS_PER_MS

static uint64_t clamp_rto(const tcps_conn *c, uint64_t rto)
{
	if (rto < c->cfg.rto_min)
		return c->cfg.rto_min;
	return rto > c->cfg.rto_max ? c->cfg.rto_max : rto;
}

void rtt_sample(tcps_conn *c, uint64_t r)
{
	if (!c->rtt_valid) {
		c->srtt = r;
		c->rttvar = r / 2;
		c->rtt_valid = true;
	} else {
		uint64_t delta = c->srtt > r ? c->srtt - r : r - c->srtt;
		c->rttvar = (3 * c->rttvar + delta) / 4;
		c->srtt = (7 * c->srtt + r) / 8;
	}
	uint64_t k = 4 * c->rttvar;
	c->rto = clamp_rto(c, c->srtt + (k > CLOCK_G ? k : CLOCK_G));
}

void rexmt_restart(tcps_conn *c, uint64_t now)
{
	c->rexmt_at = now + c->rto;
}

void rexmt_arm(tcps_conn *c, uint64_t now)
{
	if (c->rexmt_at == TCPS_NEVER)
		rexmt_restart(c, now);
}

void timewait_start(tcps_conn *c, uint64_t now)
{
	c->timewait_at = now + 2 * c->cfg.msl;
	c->rexmt_at = c->persist_at = c->keepalive_at = TCPS_NEVER;
}

void keepalive_reset(tcps_conn *c, uint64_t now)
{
	if (!c->cfg.keepalive || !tcps_state_synchronized(c->state) || c->state == TCPS_TIME_WAIT)
		return;
	c->keepalive_at = now + c->cfg.keepalive_idle;
	c->keepalive_sent = 0;
}

uint64_t tcps_get_expiry(const tcps_conn *c)
{
	uint64_t t = c->rexmt_at;
	if (c->persist_at < t)
		t = c->persist_at;
	if (c->delack_at < t)
		t = c->delack_at;
	if (c->keepalive_at < t)
		t = c->keepalive_at;
	if (c->timewait_at < t)
		t = c->timewait_at;
	if (c->pto_at < t)
		t = c->pto_at;
	return t;
}

/* The retransmission timer fired: give up (R2: the SYN retry limit, or
 * the user timeout) or back off, shrink cwnd and go back to SND.UNA. */
static int rexmt_fire(tcps_conn *c, uint64_t now)
{
	c->rexmt_at = TCPS_NEVER;
	if (c->snd_una == c->snd_max)
		return 0;
	if (c->first_rexmit_at == TCPS_NEVER)
		c->first_rexmit_at = now;
	bool handshake = c->state == TCPS_SYN_SENT || c->state == TCPS_SYN_RCVD;
	if ((handshake && c->backoff >= c->cfg.syn_retries) ||
	    (!handshake && now - c->first_rexmit_at >= c->cfg.user_timeout)) {
		/* An ICMP soft error met on the way explains the timeout better
		 * (SHLD-25), as sockets report it. */
		int err = c->soft_error ? c->soft_error : TCPS_ERR_TIMEDOUT;
		conn_closed(c, err, TCPS_EV_TIMEOUT_USER);
		return err;
	}
	c->backoff++;
	c->rto = c->rto * 2 > c->cfg.rto_max ? c->cfg.rto_max : c->rto * 2;
	cc_on_timeout(c);
	c->snd_nxt = c->snd_una;
	c->rtt_timing = false;
	c->rto_ts = conn_ts_clock(now);
	c->rto_ts_set = true;
	c->pto_at = TCPS_NEVER; /* the timeout took over from any probe */
	c->tlp_out = c->tlp_pending = false;
	c->retransmits++;
	rexmt_restart(c, now);
	return 0;
}

/* MUST-37 keeps a shut window open for as long as the peer answers the
 * probes; a peer that has answered none for the user timeout is gone. */
static int persist_fire(tcps_conn *c, uint64_t now)
{
	if (c->probe_since == TCPS_NEVER || c->last_rcv_at >= c->probe_since)
		c->probe_since = now; /* the last probe was answered: a new run */
	else if (now - c->probe_since >= c->cfg.user_timeout) {
		conn_closed(c, TCPS_ERR_TIMEDOUT, TCPS_EV_TIMEOUT_USER);
		return TCPS_ERR_TIMEDOUT;
	}
	c->probe_pending = true;
	if (c->persist_shift < 16)
		c->persist_shift++;
	uint64_t next = c->rto << c->persist_shift;
	c->persist_at = now + (next > c->cfg.rto_max || next < c->rto ? c->cfg.rto_max : next);
	return 0;
}

/* §3.8.4: probe an idle connection; only several unanswered probes in a
 * row mean the peer is gone (MUST-29). */
static int keepalive_fire(tcps_conn *c, uint64_t now)
{
	if (c->snd_una != c->snd_max || c->snd.len) {
		keepalive_reset(c, now); /* not idle: retransmission covers it */
		return 0;
	}
	if (c->keepalive_sent >= c->cfg.keepalive_probes) {
		conn_closed(c, TCPS_ERR_TIMEDOUT, TCPS_EV_TIMEOUT_USER);
		return TCPS_ERR_TIMEDOUT;
	}
	c->keepalive_pending = true;
	c->keepalive_sent++;
	c->keepalive_at = now + c->cfg.keepalive_intvl;
	return 0;
}

int tcps_handle_expiry(tcps_conn *c, uint64_t now)
{
	if (c->timewait_at <= now) {
		conn_closed(c, 0, TCPS_EV_TIMEOUT_2MSL);
		return 0;
	}
	if (c->delack_at <= now) {
		c->delack_at = TCPS_NEVER;
		c->ack_now = true;
	}
	if (c->rexmt_at <= now) {
		int r = rexmt_fire(c, now);
		if (r)
			return r;
	}
	if (c->pto_at <= now)
		tlp_fire(c);
	if (c->persist_at <= now) {
		int r = persist_fire(c, now);
		if (r)
			return r;
	}
	if (c->keepalive_at <= now)
		return keepalive_fire(c, now);
	return 0;
}
