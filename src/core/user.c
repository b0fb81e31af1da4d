/* User calls: OPEN, SEND, RECEIVE, CLOSE, ABORT (RFC 9293 §3.10.1-§3.10.5). */
#include "conn.h"

/* OPEN creates a new TCB (§3.10.1): a connection OPENed again after it
 * ended must keep nothing of the old one (unread text, the peer's FIN,
 * RTT estimates, options), only a RST that its ABORT left to be sent. */
static void new_tcb(tcps_conn *c)
{
	tcps_conn old = *c;
	tcps_conn_reset(c, NULL);
	c->rst_pending = old.rst_pending;
	c->rst_seq = old.rst_seq;
	c->rst_ack = old.rst_ack;
	c->rst_flags = old.rst_flags;
	c->rst_sport = old.rst_sport;
	c->rst_dport = old.rst_dport;
}

int tcps_open_active(tcps_conn *c, const tcps_tuple *t, uint64_t now)
{
	if (c->state != TCPS_CLOSED)
		return TCPS_ERR_EXISTS;
	if (!t || !t->remote_port)
		return TCPS_ERR_INVALID;
	new_tcb(c);
	c->tuple = *t;
	c->error = 0;
	c->origin = TCPS_ORIGIN_ACTIVE;
	conn_prepare_offer(c);
	conn_choose_iss(c, now);
	conn_apply(c, TCPS_EV_OPEN_ACTIVE);
	return 0;
}

int tcps_open_passive(tcps_conn *c, const tcps_tuple *t, uint64_t now)
{
	(void)now;
	if (c->state != TCPS_CLOSED)
		return TCPS_ERR_EXISTS;
	if (!t)
		return TCPS_ERR_INVALID;
	new_tcb(c);
	c->tuple = *t;
	c->listen_remote_port = t->remote_port;
	c->error = 0;
	c->origin = TCPS_ORIGIN_PASSIVE;
	conn_prepare_offer(c);
	conn_apply(c, TCPS_EV_OPEN_PASSIVE);
	return 0;
}

long tcps_send(tcps_conn *c, const void *data, size_t len, uint64_t now)
{
	switch (c->state) {
	case TCPS_CLOSED:
		return c->error ? c->error : TCPS_ERR_NOT_CONNECTED;
	case TCPS_LISTEN:
		/* §3.10.2: a SEND on a listening connection with a known peer
		 * makes it active. */
		if (!c->tuple.remote_port)
			return TCPS_ERR_INVALID;
		c->origin = TCPS_ORIGIN_ACTIVE;
		conn_choose_iss(c, now);
		conn_apply(c, TCPS_EV_SEND);
		break;
	case TCPS_SYN_SENT:
	case TCPS_SYN_RCVD:
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
		break;
	default:
		return TCPS_ERR_CLOSING;
	}
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	return (long)ring_push(&c->snd, data, (uint32_t)len);
}

long tcps_recv(tcps_conn *c, void *buf, size_t cap, uint64_t now)
{
	(void)now;
	if (c->rcv.len) {
		uint32_t n = cap < c->rcv.len ? (uint32_t)cap : c->rcv.len;
		ring_peek(&c->rcv, 0, buf, n);
		ring_drop(&c->rcv, n);
		conn_window_opened(c);
		return (long)n;
	}
	if (c->fin_rcvd)
		return 0;
	if (c->error)
		return c->error;
	return c->state == TCPS_CLOSED ? TCPS_ERR_NOT_CONNECTED : TCPS_ERR_AGAIN;
}

int tcps_close(tcps_conn *c, uint64_t now)
{
	(void)now;
	switch (c->state) {
	case TCPS_CLOSED:
		return c->error ? c->error : TCPS_ERR_NOT_CONNECTED;
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
		conn_closed(c, 0, TCPS_EV_CLOSE);
		return 0;
	case TCPS_SYN_RCVD:
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
		/* The FIN goes out after the queued data (tcps_output). */
		c->fin_queued = true;
		conn_apply(c, TCPS_EV_CLOSE);
		return 0;
	default:
		return TCPS_ERR_CLOSING;
	}
}

int tcps_abort(tcps_conn *c, uint64_t now)
{
	(void)now;
	if (c->state == TCPS_CLOSED)
		return c->error ? c->error : TCPS_ERR_NOT_CONNECTED;
	const tcps_transition *t = tcps_transition_find(c->state, TCPS_EV_ABORT, c->origin);
	/* The table says which states answer ABORT with a RST; the peer
	 * accepts it because its sequence number is the one it expects next
	 * (RFC 5961 §3.2). */
	if (t && t->send[0] == 'R')
		out_queue_rst(c, c->snd_max, 0, TCPS_RST);
	conn_closed(c, TCPS_ERR_ABORTED, TCPS_EV_ABORT);
	return 0;
}
