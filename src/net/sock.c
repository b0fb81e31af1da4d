/* Sockets: a connection's lifetime around its engine, and the user calls
 * (connect, listen, accept, send, recv, shutdown, close, abort). */
#include "net/net_int.h"

#include <stdlib.h>
#include <string.h>

/* The engine's state changes, passed on with the socket they belong to. */
static void on_state(void *user, tcps_conn *c, tcps_state from, tcps_state to, tcps_event why)
{
	(void)c;
	(void)why;
	tcpn_sock *s = user;
	if (s->st->cfg.on_state)
		s->st->cfg.on_state(s->st->cfg.user, s, from, to);
}

tcpn_sock *tcpn_sock_new_conn(tcpn_stack *st, const tcps_tuple *t, const tcps_config *base, int *err)
{
	if (st->stats.conns >= st->cfg.max_conns) {
		*err = TCPN_ERR_LIMIT;
		return NULL;
	}
	tcpn_sock *s = st->free_socks;
	if (s) {
		st->free_socks = s->qnext;
		st->nfree--;
	} else {
		/* Per connection, not per packet: kept for reuse when it ends. */
		s = calloc(1, sizeof *s);
		if (s)
			s->conn = tcps_conn_new(base);
		if (!s || !s->conn) {
			free(s);
			*err = TCPS_ERR_NOMEM;
			return NULL;
		}
	}
	tcps_conn *c = s->conn;
	memset(s, 0, sizeof *s);
	s->conn = c;
	s->st = st;
	s->heap_idx = TCPN_HEAP_NONE;
	s->deadline = TCPS_NEVER;
	s->orphan_until = TCPS_NEVER;
	s->tuple = *t;
	tcps_config cfg = *base;
	cfg.on_state = on_state;
	cfg.user = s;
	tcps_conn_reset(c, &cfg); /* cannot fail: every connection has the same sizes */
	tcpn_table_insert(&st->table, s);
	st->stats.conns++;
	return s;
}

void tcpn_sock_release(tcpn_sock *s)
{
	tcpn_stack *st = s->st;
	tcpn_table_remove(&st->table, s);
	tcpn_heap_set(&st->heap, s, TCPS_NEVER);
	st->stats.conns--;
	if (st->nfree < TCPN_FREE_MAX) {
		s->qnext = st->free_socks;
		st->free_socks = s;
		st->nfree++;
		return;
	}
	tcps_conn_free(s->conn);
	free(s);
}

static bool needed(const tcpn_sock *s)
{
	return s->flags & (TCPN_SK_USER | TCPN_SK_HALFOPEN | TCPN_SK_QUEUED);
}

bool tcpn_sock_settle(tcpn_sock *s, uint64_t now)
{
	tcpn_stack *st = s->st;
	tcps_conn *c = s->conn;
	/* Text for a connection the program has closed has no reader; take
	 * it so that the window stays open and the peer can finish. */
	if (!needed(s))
		while (tcps_recv(c, st->scratch, sizeof st->scratch, now) > 0)
			;
	tcpn_output_conn(s, now);
	if (s->parent)
		tcpn_listener_child(s);

	tcps_state state = tcps_get_state(c);
	if (!needed(s)) {
		/* A listener's connection back in LISTEN (RST in SYN_RCVD) is as
		 * finished as a CLOSED one: the listener itself takes new SYNs. */
		if (state == TCPS_CLOSED || state == TCPS_LISTEN) {
			tcpn_sock_release(s);
			return false;
		}
		if (state == TCPS_FIN_WAIT_2 && s->orphan_until == TCPS_NEVER)
			s->orphan_until = now + TCPN_ORPHAN_FIN_WAIT_2;
	}
	uint64_t at = tcps_get_expiry(c);
	if (s->orphan_until < at)
		at = s->orphan_until;
	tcpn_heap_set(&st->heap, s, at);
	return true;
}

const tcps_config *tcpn_tcp_config(const tcpn_stack *st, int family)
{
	return family == 4 ? &st->tcp4 : &st->tcp6;
}

/* ---- User calls ---- */

tcpn_sock *tcpn_connect(tcpn_stack *st, const tcpn_addr *addr, uint16_t port, int *err)
{
	int dummy;
	if (!err)
		err = &dummy;
	const tcpn_addr *local = addr ? tcpn_stack_local(st, addr->family) : NULL;
	if (!addr || !port) {
		*err = TCPS_ERR_INVALID;
		return NULL;
	}
	if (!local) {
		*err = TCPN_ERR_NOADDR;
		return NULL;
	}
	tcps_tuple t;
	memset(&t, 0, sizeof t);
	t.family = addr->family;
	memcpy(t.local_addr, local->bytes, 16);
	memcpy(t.remote_addr, addr->bytes, 16);
	t.remote_port = port;
	/* RFC 6056 §3.3.2: a random start, then the next free port, within
	 * Linux's default ephemeral range. */
	const uint32_t lo = 32768, n = 60999 - 32768 + 1;
	uint32_t i;
	for (i = 0; i < n; i++) {
		t.local_port = (uint16_t)(lo + (st->port_seed + i) % n);
		if (!tcpn_table_find(&st->table, &t) && !tcpn_listener_find(st, t.local_port))
			break;
	}
	st->port_seed += i + 1;
	if (i == n) {
		*err = TCPN_ERR_ADDRINUSE;
		return NULL;
	}
	tcpn_sock *s = tcpn_sock_new_conn(st, &t, tcpn_tcp_config(st, t.family), err);
	if (!s)
		return NULL;
	s->flags |= TCPN_SK_USER;
	uint64_t now = tcpn_clock(st);
	int r = tcps_open_active(s->conn, &t, now);
	if (r) {
		tcpn_sock_release(s);
		*err = r;
		return NULL;
	}
	tcpn_sock_settle(s, now);
	*err = 0;
	return s;
}

tcpn_sock *tcpn_listen(tcpn_stack *st, uint16_t port, int backlog, int *err)
{
	int dummy;
	if (!err)
		err = &dummy;
	if (!port) {
		*err = TCPS_ERR_INVALID;
		return NULL;
	}
	if (tcpn_listener_find(st, port)) {
		*err = TCPN_ERR_ADDRINUSE;
		return NULL;
	}
	tcpn_sock *l = calloc(1, sizeof *l);
	if (!l) {
		*err = TCPS_ERR_NOMEM;
		return NULL;
	}
	l->st = st;
	l->listener = true;
	l->flags = TCPN_SK_USER;
	l->heap_idx = TCPN_HEAP_NONE;
	l->l.port = port;
	l->l.backlog = backlog < 1 ? 1 : backlog > 65535 ? 65535 : (uint32_t)backlog;
	l->l.next = st->listeners;
	st->listeners = l;
	*err = 0;
	return l;
}

tcpn_sock *tcpn_accept(tcpn_sock *l, int *err)
{
	int dummy;
	if (!err)
		err = &dummy;
	if (!l->listener) {
		*err = TCPS_ERR_INVALID;
		return NULL;
	}
	tcpn_sock *s = l->l.qhead;
	if (!s) {
		*err = TCPS_ERR_AGAIN;
		return NULL;
	}
	l->l.qhead = s->qnext;
	if (!l->l.qhead)
		l->l.qtail = NULL;
	l->l.queued--;
	s->qnext = NULL;
	s->parent = NULL;
	s->flags = (uint8_t)((s->flags & ~TCPN_SK_QUEUED) | TCPN_SK_USER);
	*err = 0;
	return s;
}

long tcpn_send(tcpn_sock *s, const void *buf, size_t len)
{
	if (s->listener)
		return TCPS_ERR_INVALID;
	uint64_t now = tcpn_clock(s->st);
	long r = tcps_send(s->conn, buf, len, now);
	if (r == 0 && len)
		r = TCPS_ERR_AGAIN;
	tcpn_sock_settle(s, now);
	return r;
}

long tcpn_recv(tcpn_sock *s, void *buf, size_t cap)
{
	if (s->listener)
		return TCPS_ERR_INVALID;
	uint64_t now = tcpn_clock(s->st);
	long r = tcps_recv(s->conn, buf, cap, now);
	if (r > 0)
		tcpn_sock_settle(s, now); /* the window may have opened */
	return r;
}

int tcpn_shutdown(tcpn_sock *s)
{
	if (s->listener)
		return TCPS_ERR_INVALID;
	uint64_t now = tcpn_clock(s->st);
	int r = tcps_close(s->conn, now);
	tcpn_sock_settle(s, now);
	return r;
}

int tcpn_close(tcpn_sock *s)
{
	if (s->listener) {
		tcpn_listener_close(s);
		return 0;
	}
	uint64_t now = tcpn_clock(s->st);
	tcps_status st;
	tcps_get_status(s->conn, &st);
	switch (st.state) {
	case TCPS_SYN_SENT:
	case TCPS_SYN_RCVD:
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
		/* RFC 2525 §2.17 and Linux: closing with data unread loses it,
		 * and the peer learns so by a RST rather than a clean FIN. */
		if (st.rcv_ready)
			tcps_abort(s->conn, now);
		else
			tcps_close(s->conn, now);
		break;
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSING:
		if (st.rcv_ready)
			tcps_abort(s->conn, now);
		break;
	default:
		break;
	}
	s->flags &= (uint8_t)~TCPN_SK_USER;
	tcpn_sock_settle(s, now);
	return 0;
}

int tcpn_abort(tcpn_sock *s)
{
	if (s->listener) {
		tcpn_listener_close(s);
		return 0;
	}
	uint64_t now = tcpn_clock(s->st);
	if (tcps_get_state(s->conn) != TCPS_CLOSED)
		tcps_abort(s->conn, now);
	s->flags &= (uint8_t)~TCPN_SK_USER;
	tcpn_sock_settle(s, now);
	return 0;
}

tcps_state tcpn_state(const tcpn_sock *s)
{
	return s->listener ? TCPS_LISTEN : tcps_get_state(s->conn);
}

int tcpn_error(const tcpn_sock *s)
{
	return s->listener ? 0 : tcps_get_error(s->conn);
}

void tcpn_status(const tcpn_sock *s, tcps_status *st)
{
	if (!s->listener) {
		tcps_get_status(s->conn, st);
		return;
	}
	memset(st, 0, sizeof *st);
	st->state = TCPS_LISTEN;
	st->tuple.local_port = s->l.port;
}

bool tcpn_is_listener(const tcpn_sock *s)
{
	return s->listener;
}

void tcpn_set_user(tcpn_sock *s, void *user)
{
	s->user = user;
}

void *tcpn_get_user(const tcpn_sock *s)
{
	return s->user;
}

unsigned tcpn_events(const tcpn_sock *s)
{
	if (s->listener)
		return s->l.qhead ? TCPN_READABLE : 0;
	tcps_status st;
	tcps_get_status(s->conn, &st);
	unsigned ev = 0;
	if (st.rcv_ready || tcps_peer_closed(s->conn) || st.error || st.state == TCPS_CLOSED)
		ev |= TCPN_READABLE;
	if (st.error || ((st.state == TCPS_ESTABLISHED || st.state == TCPS_CLOSE_WAIT) && tcps_send_space(s->conn)))
		ev |= TCPN_WRITABLE;
	if (st.state == TCPS_CLOSED || st.state == TCPS_TIME_WAIT)
		ev |= TCPN_HUP;
	if (st.error)
		ev |= TCPN_ERROR;
	return ev;
}
