/* Listeners: a SYN for a listening port gets a connection of its own
 * (an engine opened passively for exactly that 4-tuple), counted as
 * half-open until the handshake completes and then queued for accept.
 * Past the backlog of half-open connections SYNs are answered with SYN
 * cookies (cookie.h); past the accept queue's bound they are dropped, and
 * the peer's SYN retransmission tries again later. */
#include "net/net_int.h"

#include <stdlib.h>

#include "net/cookie.h"

tcpn_sock *tcpn_listener_find(const tcpn_stack *st, uint16_t port)
{
	for (tcpn_sock *l = st->listeners; l; l = l->l.next)
		if (l->l.port == port)
			return l;
	return NULL;
}

static void enqueue(tcpn_listener *L, tcpn_sock *s)
{
	s->flags |= TCPN_SK_QUEUED;
	s->qnext = NULL;
	if (L->qtail)
		L->qtail->qnext = s;
	else
		L->qhead = s;
	L->qtail = s;
	L->queued++;
}

static void dequeue(tcpn_listener *L, tcpn_sock *s)
{
	tcpn_sock *prev = NULL;
	for (tcpn_sock *q = L->qhead; q; prev = q, q = q->qnext) {
		if (q != s)
			continue;
		if (prev)
			prev->qnext = q->qnext;
		else
			L->qhead = q->qnext;
		if (L->qtail == q)
			L->qtail = prev;
		L->queued--;
		break;
	}
	s->qnext = NULL;
	s->flags &= (uint8_t)~TCPN_SK_QUEUED;
}

void tcpn_listener_child(tcpn_sock *s)
{
	tcpn_listener *L = &s->parent->l;
	tcps_state state = tcps_get_state(s->conn);
	if (s->flags & TCPN_SK_HALFOPEN) {
		if (state == TCPS_SYN_RCVD)
			return;
		s->flags &= (uint8_t)~TCPN_SK_HALFOPEN;
		L->half_open--;
		/* The handshake is done (ESTABLISHED, or CLOSE_WAIT when the ACK
		 * brought a FIN); anything else (a RST sent it back to LISTEN,
		 * the SYN,ACK timed out) leaves nothing to accept. */
		if (tcps_state_synchronized(state))
			enqueue(L, s);
		else
			s->parent = NULL;
		return;
	}
	if ((s->flags & TCPN_SK_QUEUED) && state == TCPS_CLOSED) {
		/* Reset before anyone accepted it: Linux keeps such a socket for
		 * accept to return; it is simpler, and as good, to drop it. */
		dequeue(L, s);
		s->parent = NULL;
	}
}

/* A child for t, opened passively with configuration cfg. */
static tcpn_sock *child(tcpn_sock *l, const tcps_tuple *t, const tcps_config *cfg, uint64_t now)
{
	tcpn_stack *st = l->st;
	int err;
	tcpn_sock *s = tcpn_sock_new_conn(st, t, cfg, &err);
	if (!s) {
		st->stats.syn_dropped++;
		return NULL;
	}
	tcps_open_passive(s->conn, t, now);
	s->parent = l;
	s->flags |= TCPN_SK_HALFOPEN;
	l->l.half_open++;
	return s;
}

/* The SYN,ACK whose ISS is a cookie: MSS only (nothing else can be
 * remembered), a window the 16 bits can say unscaled. */
static void send_cookie(tcpn_sock *l, const tcps_tuple *t, const tcps_segment *syn, uint64_t now)
{
	tcpn_stack *st = l->st;
	const tcps_config *cfg = tcpn_tcp_config(st, t->family);
	uint16_t mss;
	tcps_segment sa = { 0 };
	sa.sport = t->local_port;
	sa.dport = t->remote_port;
	sa.seq = tcpn_cookie_make(st->cookie_key, t, syn->seq, (syn->options & TCPS_OPT_MSS) ? syn->mss : 0, now,
				  &mss);
	sa.ack = syn->seq + 1;
	sa.flags = TCPS_SYN | TCPS_ACK;
	sa.wnd = (uint16_t)(cfg->rcv_buf < 65535 ? cfg->rcv_buf : 65535);
	sa.options = TCPS_OPT_MSS;
	sa.mss = cfg->mss;
	tcpn_output_segment(st, t, &sa);
	l->l.cookies_until = now + (TCPN_COOKIE_AGE + 1) * TCPN_COOKIE_TICK;
	st->stats.cookies_sent++;
}

/* An ACK that may carry a cookie back.  The engine cannot be put into
 * SYN_RCVD from outside, so the connection is rebuilt the way it would
 * have gone: passive OPEN with the ISS pinned to the cookie, the peer's
 * SYN reconstructed (its ISN is SEG.SEQ - 1, its MSS from the cookie, no
 * other options, as our SYN,ACK offered none), the engine's SYN,ACK
 * discarded (the cookie's went out long ago), then this ACK.  Returns
 * false when the cookie is not valid. */
static bool cookie_ack(tcpn_sock *l, const tcps_tuple *t, const tcps_segment *ack, uint64_t now)
{
	tcpn_stack *st = l->st;
	uint16_t mss = tcpn_cookie_check(st->cookie_key, t, ack->seq - 1, ack->ack - 1, now);
	if (!mss)
		return false;
	if (l->l.queued >= l->l.backlog) {
		st->stats.syn_dropped++; /* the peer sends again; Linux drops it too */
		return true;
	}
	tcps_config cfg = *tcpn_tcp_config(st, t->family);
	cfg.pin_iss = true;
	cfg.iss = ack->ack - 1;
	tcpn_sock *s = child(l, t, &cfg, now);
	if (!s)
		return true;
	tcps_segment syn = { 0 };
	syn.sport = ack->sport;
	syn.dport = ack->dport;
	syn.seq = ack->seq - 1;
	syn.flags = TCPS_SYN;
	syn.wnd = ack->wnd;
	syn.options = TCPS_OPT_MSS;
	syn.mss = mss;
	tcps_segment_arrives(s->conn, &syn, now);
	tcps_segment out;
	for (int i = 0; i < 4 && tcps_output(s->conn, &out, st->scratch, sizeof st->scratch, now) > 0; i++)
		;
	tcps_segment_arrives(s->conn, ack, now);
	st->stats.cookies_ok++;
	tcpn_sock_settle(s, now);
	return true;
}

void tcpn_listener_input(tcpn_sock *l, const tcps_tuple *t, const tcps_segment *seg, uint64_t now)
{
	tcpn_stack *st = l->st;
	tcpn_listener *L = &l->l;
	uint8_t f = seg->flags;
	if (f & TCPS_RST)
		return;
	if (f & TCPS_ACK) {
		/* §3.10.7.2: any acknowledgment in LISTEN is bad, unless it
		 * brings back a cookie we sent. */
		if (!(f & TCPS_SYN) && now < L->cookies_until) {
			if (cookie_ack(l, t, seg, now))
				return;
			st->stats.cookies_bad++;
		}
		tcpn_reply_rst(st, t, seg);
		return;
	}
	if (!(f & TCPS_SYN))
		return; /* §3.10.7.2: other text or control without SYN is dropped */
	if (L->queued >= L->backlog || st->stats.conns >= st->cfg.max_conns) {
		st->stats.syn_dropped++;
		return;
	}
	if (L->half_open >= L->backlog) {
		send_cookie(l, t, seg, now);
		return;
	}
	tcpn_sock *s = child(l, t, tcpn_tcp_config(st, t->family), now);
	if (!s)
		return;
	tcps_segment_arrives(s->conn, seg, now);
	tcpn_sock_settle(s, now);
}

static void abort_child(tcpn_sock *s, void *arg)
{
	if (s->parent != arg)
		return;
	if (s->flags & TCPN_SK_QUEUED)
		dequeue(&s->parent->l, s);
	if (s->flags & TCPN_SK_HALFOPEN) {
		s->flags &= (uint8_t)~TCPN_SK_HALFOPEN;
		s->parent->l.half_open--;
	}
	s->parent = NULL;
	/* Linux resets what nobody accepted: the peer thinks it is connected. */
	if (tcps_get_state(s->conn) != TCPS_CLOSED)
		tcps_abort(s->conn, tcpn_clock(s->st));
	tcpn_sock_settle(s, tcpn_clock(s->st));
}

void tcpn_listener_close(tcpn_sock *l)
{
	tcpn_stack *st = l->st;
	tcpn_table_foreach(&st->table, abort_child, l);
	for (tcpn_sock **pp = &st->listeners; *pp; pp = &(*pp)->l.next) {
		if (*pp == l) {
			*pp = l->l.next;
			break;
		}
	}
	free(l);
}
