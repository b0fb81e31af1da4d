/* Zeek's history letters and conn_state (see zeek.h).
 *
 * The rules, as Zeek's conn.log documents them and its TCP analyzer
 * applies them:
 *
 * - Letters: s a SYN, h a SYN,ACK, a a pure ACK, d payload, f a FIN, r a
 *   RST, i FIN and RST together, q SYN with FIN or RST, t payload that is
 *   a retransmission, g a content gap, w a zero window, ^ the roles were
 *   flipped; upper case when the originator sent it.  A packet gets at
 *   most one of s h f r i q a d: the control bits win over payload and
 *   payload over a bare ACK.  a d i q are recorded once per direction;
 *   s h f r once, and again only when the sequence number differs from
 *   the last one of that kind; t g w when their count reaches 1, 10, 100,
 *   1000.
 * - Roles: the originator is the first packet's sender, except when that
 *   packet is not a bare SYN and comes from a port a server would use
 *   (then the roles flip, and the history starts with ^); when a
 *   connection opened by a SYN,ACK goes on with an ACK or payload (a
 *   stealth scan would not: Zeek flips then too, and its history reads as
 *   if it had from the start); or when a SYN arrives after the SYN,ACK
 *   answering it (flipped there, ^ where it happened).
 * - Each endpoint's state: INACTIVE until it sends something; a bare SYN
 *   makes the originator SYN_SENT (a SYN,ACK: SYN_ACK_SENT); the
 *   responder's SYN makes both ESTABLISHED; anything else from an
 *   INACTIVE side makes it PARTIAL (or ESTABLISHED, when it is an ACK and
 *   the peer already is); a FIN makes it CLOSED and a RST RESET.
 * - A retransmission is payload that does not move the sender's highest
 *   sequence number forward.  A content gap is an ACK for bytes never
 *   seen, counted only while both sides are established (or closed after
 *   being established); the ACK of a FIN does not count the FIN.
 * - conn_state follows from the two states at the end (zeek_conn_state).
 *
 * Not reproduced: 'c' (bad checksums: the capture decoder does not verify
 * them), 'x' (Zeek's analysis limits), and the few re-initialisations of
 * sequence numbers Zeek makes on odd SYNs. */
#include "trace/zeek.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Zeek's endpoint states. */
enum { ZS_INACTIVE, ZS_SYN_SENT, ZS_SYN_ACK_SENT, ZS_PARTIAL, ZS_ESTABLISHED, ZS_CLOSED,
       ZS_RESET };

/* zeek_hist.flags */
enum {
	ZF_STARTED = 0x01,      /* the first packet was seen */
	ZF_SERVER_ORIG = 0x02,  /* Zeek's originator is the observer's server */
	ZF_PARTIAL = 0x04,      /* no proper SYN opened it (Zeek's is_partial) */
	ZF_DATA_ORIG = 0x08,    /* the originator sent payload */
	ZF_DATA_RESP = 0x10,    /* the responder sent payload */
	ZF_SYN_ACK_FIRST = 0x20,/* opened by a SYN,ACK the ports did not flip: undecided */
};

/* zeek_end.seen: one bit per once-only letter kind. */
enum { SEEN_SYN = 0x01, SEEN_FIN = 0x02, SEEN_RST = 0x04, SEEN_DATA = 0x08, SEEN_ACK = 0x10,
       SEEN_FIN_RST = 0x20, SEEN_MULTI = 0x40 };

/* The letters counted on a logarithmic scale, and their counters. */
enum { CNT_REXMIT, CNT_GAP, CNT_ZERO_WIN, NCOUNTERS };
#define COUNT_MAX 4095u

/* Sequence numbers farther than this from the last one are not trusted
 * on a SYN or RST (Zeek's limit). */
#define TOO_FAR 1048576

/* Ports Zeek's default scripts register for their analyzers
 * (likely_server_ports, TCP only), sorted. */
static const uint16_t server_ports[] = {
	21, 22, 25, 53, 79, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445, 502, 563,
	585, 587, 614, 631, 636, 989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128,
	3268, 3306, 3389, 5222, 5223, 5269, 5432, 6379, 6666, 6667, 6668, 6669, 8000,
	8080, 8888, 20000,
};

static int cmp_port(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static bool likely_server(uint16_t port)
{
	return bsearch(&port, server_ports, sizeof server_ports / sizeof server_ports[0],
		       sizeof server_ports[0], cmp_port) != NULL;
}

static int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* ---- letters ---- */

/* strlen(h->letters), without a library call for a dozen bytes: the
 * first zero byte of letters[0..8), else of letters[6..14), found with
 * the usual bit trick (the lowest flagged byte is always a true zero). */
static size_t letters_len(const zeek_hist *h)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t w, z;
	memcpy(&w, h->letters, 8);
	if ((z = (w - ones) & ~w & highs))
		return (size_t)__builtin_ctzll(z) / 8;
	memcpy(&w, h->letters + sizeof h->letters - 8, 8);
	z = (w - ones) & ~w & highs;
	return sizeof h->letters - 8 + (size_t)__builtin_ctzll(z) / 8;
#else
	return strlen(h->letters);
#endif
}

static void add_letter(zeek_hist *h, char c)
{
	size_t n = letters_len(h);
	/* A history longer than the buffer loses its tail: rare, and the
	 * beginning says more about how the connection went. */
	if (n + 1 < sizeof h->letters) {
		h->letters[n] = c;
		h->letters[n + 1] = '\0';
	}
}

static char role_case(char upper, int role)
{
	return role == 0 ? upper : (char)(upper - 'A' + 'a');
}

/* Records a once-only letter; returns whether that kind was seen before. */
static bool once(zeek_hist *h, int role, uint8_t kind, char upper)
{
	if (h->end[role].seen & kind)
		return true;
	h->end[role].seen |= kind;
	add_letter(h, role_case(upper, role));
	return false;
}

/* The 12-bit counters, packed two to three bytes. */
static unsigned count_get(const zeek_hist *h, unsigned i)
{
	const uint8_t *b = h->count + i / 2 * 3;
	return i % 2 ? (unsigned)(b[1] >> 4) | (unsigned)b[2] << 4
		     : (unsigned)b[0] | (unsigned)(b[1] & 0x0f) << 8;
}

static void count_set(zeek_hist *h, unsigned i, unsigned v)
{
	uint8_t *b = h->count + i / 2 * 3;
	if (i % 2) {
		b[1] = (uint8_t)((b[1] & 0x0f) | (v & 0x0f) << 4);
		b[2] = (uint8_t)(v >> 4);
	} else {
		b[0] = (uint8_t)v;
		b[1] = (uint8_t)((b[1] & 0xf0) | (v >> 8 & 0x0f));
	}
}

/* Counts one event for the side in `role`; its letter goes into the
 * history at the 1st, 10th, 100th and 1000th. */
static void count_event(zeek_hist *h, int role, unsigned kind, char upper)
{
	unsigned i = (unsigned)role * NCOUNTERS + kind;
	unsigned v = count_get(h, i);
	if (v >= COUNT_MAX)
		return;
	count_set(h, i, ++v);
	if (v == 1 || v == 10 || v == 100 || v == 1000)
		add_letter(h, role_case(upper, role));
}

/* ---- roles and states ---- */

static void set_state(zeek_end *e, unsigned s)
{
	if (e->state != s) {
		e->prev = e->state;
		e->state = s & 7;
	}
}

/* Zeek swaps its two endpoints: states, sequence numbers, counters and
 * who sent payload move with them.  The once-only letters already seen
 * stay with the role when keep_seen (Zeek keeps those bits in the
 * connection, not the endpoint). */
static void swap_ends(zeek_hist *h, bool keep_seen)
{
	zeek_end t = h->end[0];
	h->end[0] = h->end[1];
	h->end[1] = t;
	if (keep_seen) {
		uint8_t s = h->end[0].seen;
		h->end[0].seen = h->end[1].seen;
		h->end[1].seen = s;
	}
	for (unsigned k = 0; k < NCOUNTERS; k++) {
		unsigned a = count_get(h, k), b = count_get(h, NCOUNTERS + k);
		count_set(h, k, b);
		count_set(h, NCOUNTERS + k, a);
	}
	uint8_t data = h->flags & (ZF_DATA_ORIG | ZF_DATA_RESP);
	h->flags &= (uint8_t)~(ZF_DATA_ORIG | ZF_DATA_RESP);
	if (data & ZF_DATA_ORIG)
		h->flags |= ZF_DATA_RESP;
	if (data & ZF_DATA_RESP)
		h->flags |= ZF_DATA_ORIG;
	h->flags ^= ZF_SERVER_ORIG;
}

/* A flip where it happens: '^' in the history from there on. */
static void flip(zeek_hist *h)
{
	swap_ends(h, true);
	h->flags &= (uint8_t)~ZF_PARTIAL;
	add_letter(h, '^');
}

/* The connection's first packet: who originated it. */
static void start(zeek_hist *h, bool from_client, const tcps_segment *s)
{
	h->flags |= ZF_STARTED;
	if (!from_client)
		h->flags |= ZF_SERVER_ORIG;
	bool syn = s->flags & TCPS_SYN, bare_syn = syn && !(s->flags & TCPS_ACK);
	bool flipped = false;
	if (!bare_syn && likely_server(s->sport)) {
		/* Both ports plausible: believe the lower one is the server,
		 * but never on a SYN,ACK (stealth scans send those). */
		if (!likely_server(s->dport) || (!syn && s->sport < s->dport)) {
			flip(h);
			flipped = true;
		}
	}
	if (syn && !bare_syn && !flipped)
		h->flags |= ZF_SYN_ACK_FIRST;
}

/* A connection opened by a SYN,ACK, and the next packet is an ACK or
 * payload: its sender was the responder after all.  Zeek's history then
 * reads as if the roles had been flipped before the first packet: '^'
 * first, the letters so far in the other case. */
static void settle_syn_ack_first(zeek_hist *h, const tcps_segment *s)
{
	if ((s->flags & (TCPS_SYN | TCPS_ACK)) == (TCPS_SYN | TCPS_ACK))
		return; /* the SYN,ACK again: still undecided */
	h->flags &= (uint8_t)~ZF_SYN_ACK_FIRST;
	if ((s->flags & (TCPS_SYN | TCPS_RST)) || !((s->flags & TCPS_ACK) || s->len))
		return;
	/* The letters change case below, so their seen bits move too. */
	swap_ends(h, false);
	/* The SYN,ACK's sender, now the responder, is where a responder's
	 * SYN,ACK puts it. */
	if (h->end[1].state == ZS_SYN_ACK_SENT) {
		h->end[1].state = ZS_ESTABLISHED;
		h->end[1].prev = ZS_INACTIVE;
	}
	size_t n = letters_len(h);
	if (n + 1 >= sizeof h->letters)
		n = sizeof h->letters - 2;
	for (size_t i = 0; i < n; i++) {
		char c = h->letters[i];
		h->letters[i] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A'
				       : c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	memmove(h->letters + 1, h->letters, n);
	h->letters[0] = '^';
	h->letters[n + 1] = '\0';
}

/* Zeek's partial flag: set by the first packet of each side that is not a
 * proper opening. */
static void note_partial(zeek_hist *h, int role, const tcps_segment *s)
{
	if (h->end[role].state != ZS_INACTIVE)
		return; /* not its first packet */
	bool syn = s->flags & TCPS_SYN, ack = s->flags & TCPS_ACK;
	if (role == 0 && (!syn || ack))
		h->flags |= ZF_PARTIAL;
	else if (role == 0)
		h->flags &= (uint8_t)~ZF_PARTIAL;
	else if (!syn)
		h->flags |= ZF_PARTIAL;
}

/* Where an endpoint's sequence numbers start, the first time it sends,
 * and again when a SYN says it started over. */
static void init_end(zeek_end *e, const tcps_segment *s, uint32_t end)
{
	bool syn = s->flags & TCPS_SYN;
	bool reinit;
	switch (e->state) {
	case ZS_INACTIVE:
		reinit = true;
		break;
	case ZS_PARTIAL:
	case ZS_ESTABLISHED:
		reinit = syn;
		break;
	case ZS_RESET:
		reinit = syn && e->prev == ZS_INACTIVE;
		break;
	default:
		reinit = false;
	}
	if (!reinit)
		return;
	if (syn) {
		e->last_seq = end;
		e->deliv = s->seq + 1;
	} else {
		/* As if a SYN had come just before: this packet is new. */
		e->last_seq = s->seq;
		e->deliv = s->seq;
	}
	e->known = 1;
}

static void history(zeek_hist *h, int role, const tcps_segment *s, uint32_t seq_end)
{
	zeek_end *e = &h->end[role];
	bool syn = s->flags & TCPS_SYN, fin = s->flags & TCPS_FIN, rst = s->flags & TCPS_RST;
	int bits = syn + fin + rst;
	if (bits > 1) {
		if (fin && rst)
			once(h, role, SEEN_FIN_RST, 'I');
		else
			once(h, role, SEEN_MULTI, 'Q');
		return;
	}
	if (bits == 1) {
		/* A FIN's place is after its payload; a SYN's and RST's, before. */
		uint16_t at = (uint16_t)(fin ? seq_end : s->seq);
		uint8_t kind = syn ? SEEN_SYN : fin ? SEEN_FIN : SEEN_RST;
		char upper = syn ? ((s->flags & TCPS_ACK) ? 'H' : 'S') : fin ? 'F' : 'R';
		if (once(h, role, kind, upper) && at != e->ctl_seq)
			add_letter(h, role_case(upper, role));
		e->ctl_seq = at;
		return;
	}
	if (s->len)
		once(h, role, SEEN_DATA, 'D');
	else if (s->flags & TCPS_ACK)
		once(h, role, SEEN_ACK, 'A');
}

/* The highest sequence number moves forward, or the payload was sent
 * before: a retransmission. */
static void advance(zeek_hist *h, int role, const tcps_segment *s, uint32_t end)
{
	zeek_end *e = &h->end[role];
	int32_t d = seq_diff(end, e->last_seq);
	if ((s->flags & (TCPS_SYN | TCPS_RST)) && (d > TOO_FAR || d < -TOO_FAR))
		return;
	if (e->state == ZS_RESET)
		return; /* nothing it sends after a RST is trusted */
	if (d > 0)
		e->last_seq = end;
	else if (s->len)
		count_event(h, role, CNT_REXMIT, 'T');
}

static void step_inactive(zeek_hist *h, int role, const tcps_segment *s)
{
	bool syn = s->flags & TCPS_SYN, ack = s->flags & TCPS_ACK;
	zeek_end *e = &h->end[role], *p = &h->end[!role];
	if (syn && role == 0) {
		set_state(e, ack ? ZS_SYN_ACK_SENT : ZS_SYN_SENT);
	} else if (syn) {
		if (!ack && p->state == ZS_SYN_ACK_SENT) {
			/* The SYN after its SYN,ACK: the capture saw them in the
			 * wrong order, and this side is the originator. */
			h->flags &= (uint8_t)~ZF_PARTIAL;
			flip(h);
			role = 0;
			e = &h->end[0];
			p = &h->end[1];
			set_state(p, ZS_ESTABLISHED);
		}
		if (p->state == ZS_SYN_SENT)
			set_state(p, ZS_ESTABLISHED);
		set_state(e, ZS_ESTABLISHED);
	}
	if (s->flags & TCPS_FIN)
		set_state(e, ZS_CLOSED);
	if (s->flags & TCPS_RST)
		set_state(e, ZS_RESET);
	if (e->state != ZS_INACTIVE)
		return;
	/* Some stacks ACK a SYN before answering it: not a partial connection. */
	if (role == 1 && !s->len && h->end[0].state == ZS_SYN_SENT)
		return;
	if (ack && p->state == ZS_ESTABLISHED) {
		/* A SYN,ACK and now its ACK: the SYN was missed, nothing more. */
		set_state(e, ZS_ESTABLISHED);
		h->flags &= (uint8_t)~ZF_PARTIAL;
	} else {
		set_state(e, ZS_PARTIAL);
	}
}

static void step(zeek_hist *h, int role, const tcps_segment *s)
{
	zeek_end *e = &h->end[role], *p = &h->end[!role];
	bool fin = s->flags & TCPS_FIN, rst = s->flags & TCPS_RST;
	switch (e->state) {
	case ZS_INACTIVE:
		step_inactive(h, role, s);
		break;
	case ZS_SYN_SENT:
	case ZS_SYN_ACK_SENT:
		if (fin)
			set_state(e, ZS_CLOSED);
		if (rst)
			set_state(e, ZS_RESET);
		break;
	case ZS_PARTIAL:
	case ZS_ESTABLISHED:
		if ((s->flags & TCPS_SYN) && !(s->flags & TCPS_ACK) && e->state == ZS_PARTIAL &&
		    p->state == ZS_INACTIVE)
			set_state(e, ZS_SYN_SENT);
		if (fin && !rst) {
			set_state(e, ZS_CLOSED);
			/* The peer's FIN then RST: a normal close after all. */
			if (p->state == ZS_RESET && p->prev == ZS_CLOSED)
				set_state(p, ZS_CLOSED);
		}
		if (rst)
			set_state(e, ZS_RESET);
		break;
	case ZS_CLOSED:
		/* A RST after both FINs changes nothing. */
		if (rst && p->state != ZS_CLOSED)
			set_state(e, ZS_RESET);
		break;
	default:
		break;
	}
}

static bool clean(const zeek_end *e)
{
	return e->state == ZS_ESTABLISHED || (e->state == ZS_CLOSED && e->prev == ZS_ESTABLISHED);
}

/* How far the side's bytes go (its FIN is not a byte). */
static uint32_t data_end(const zeek_end *e)
{
	return e->last_seq - e->fin;
}

/* The ACK in a segment from the side opposite `role`: bytes of `role`
 * acknowledged but never seen are a content gap. */
static void acked(zeek_hist *h, int role, uint32_t ack)
{
	zeek_end *e = &h->end[role];
	if (!e->known)
		return;
	if (e->fin && seq_diff(ack, e->last_seq) >= 0)
		ack = e->last_seq - 1;
	int32_t missing = seq_diff(ack, e->deliv);
	if (missing <= 0)
		return;
	/* A partial connection's first ACK one past a keep-alive. */
	if ((h->flags & ZF_PARTIAL) && missing == 1)
		return;
	if (clean(e) && clean(&h->end[!role]))
		count_event(h, role, CNT_GAP, 'G');
	/* What arrived above the hole is in order from here on. */
	e->deliv = seq_diff(data_end(e), ack) > 0 ? data_end(e) : ack;
}

/* Payload reaching the reassembler. */
static void delivered(zeek_end *e, const tcps_segment *s)
{
	uint32_t from = s->seq + !!(s->flags & TCPS_SYN);
	uint32_t to = from + s->len;
	if (seq_diff(from, e->deliv) > 0 || seq_diff(to, e->deliv) <= 0)
		return; /* above a hole (kept until it fills), or old */
	/* It fills the hole: what was kept above it follows. */
	e->deliv = seq_diff(data_end(e), to) > 0 ? data_end(e) : to;
}

/* The commonest segment: an ACK, with or without payload, no SYN, FIN or
 * RST, once both endpoints are ESTABLISHED in Zeek's terms.  What
 * zeek_observe() does then, without the steps that cannot apply (the
 * first packet, a flip, the partial flag, a new start of the sequence
 * numbers, a state change). */
static bool fast_path(zeek_hist *h, bool from_client, const tcps_segment *s, bool zero_window)
{
	if ((h->flags & (ZF_STARTED | ZF_SYN_ACK_FIRST)) != ZF_STARTED ||
	    (s->flags & (TCPS_SYN | TCPS_FIN | TCPS_RST | TCPS_ACK)) != TCPS_ACK)
		return false;
	int role = from_client == !(h->flags & ZF_SERVER_ORIG) ? 0 : 1;
	zeek_end *e = &h->end[role];
	if (e->state != ZS_ESTABLISHED || h->end[!role].state != ZS_ESTABLISHED)
		return false;
	if (s->len)
		once(h, role, SEEN_DATA, 'D');
	else
		once(h, role, SEEN_ACK, 'A');
	if (zero_window)
		count_event(h, role, CNT_ZERO_WIN, 'W');
	advance(h, role, s, s->seq + s->len);
	if (s->len)
		h->flags |= role == 0 ? ZF_DATA_ORIG : ZF_DATA_RESP;
	acked(h, !role, s->ack);
	if (s->len)
		delivered(e, s);
	return true;
}

static __attribute__((noinline)) void observe_any(zeek_hist *h, bool from_client,
						  const tcps_segment *s, bool zero_window);

void zeek_observe(zeek_hist *h, bool from_client, const tcps_segment *s, bool rexmit,
		  bool zero_window)
{
	(void)rexmit; /* Zeek's own rule decides, in advance() */
	if (!fast_path(h, from_client, s, zero_window))
		observe_any(h, from_client, s, zero_window);
}

/* Every other segment, out of line (see shadow.c's segment_any). */
static void observe_any(zeek_hist *h, bool from_client, const tcps_segment *s, bool zero_window)
{
	if (!(h->flags & ZF_STARTED))
		start(h, from_client, s);
	else if (h->flags & ZF_SYN_ACK_FIRST)
		settle_syn_ack_first(h, s);
	int role = from_client == !(h->flags & ZF_SERVER_ORIG) ? 0 : 1;
	bool rst = s->flags & TCPS_RST;
	/* Sequence space used: SYN and FIN count one each; a RST's payload
	 * is not part of the stream. */
	uint32_t len = rst ? 0 : s->len;
	uint32_t end = s->seq + len + !!(s->flags & TCPS_SYN) + !!(s->flags & TCPS_FIN);

	note_partial(h, role, s);
	init_end(&h->end[role], s, end);
	history(h, role, s, s->seq + s->len);
	zeek_end *e = &h->end[role], *p = &h->end[!role];
	/* A zero window after a RST, or once the peer has closed, says nothing. */
	if (zero_window && !rst && p->state != ZS_CLOSED && e->state != ZS_RESET)
		count_event(h, role, CNT_ZERO_WIN, 'W');

	bool ack = s->flags & TCPS_ACK, peer_new = false;
	if (ack && p->state == ZS_INACTIVE) {
		/* The peer has not sent yet: its numbers start where this ACK says. */
		p->last_seq = s->ack - 1;
		p->deliv = s->ack;
		p->known = 1;
		peer_new = true;
	}
	advance(h, role, s, end);
	if (s->len && !rst)
		h->flags |= role == 0 ? ZF_DATA_ORIG : ZF_DATA_RESP;
	if (s->flags & TCPS_FIN)
		e->fin = 1;

	step(h, role, s);
	/* A reversal in step() may have swapped the roles. */
	role = from_client == !(h->flags & ZF_SERVER_ORIG) ? 0 : 1;
	if (ack && !peer_new)
		acked(h, !role, s->ack);
	if (s->len && !rst)
		delivered(&h->end[role], s);
}

/* Zeek's test for RSTOS0: the originator's SYN, then its RST, with no
 * handshake, ACK, FIN, gap or odd packet from it in between
 * (the whole history matching ^?S[^HAFGIQ]*R.*). */
static bool syn_then_rst(const char *hist)
{
	if (*hist == '^')
		hist++;
	if (*hist++ != 'S')
		return false;
	for (; *hist; hist++) {
		if (*hist == 'R')
			return true;
		if (strchr("HAFGIQ", *hist))
			return false;
	}
	return false;
}

const char *zeek_conn_state(const zeek_hist *h)
{
	unsigned os = h->end[0].state, rs = h->end[1].state;
	bool o_inactive = os == ZS_INACTIVE || os == ZS_PARTIAL;
	bool r_inactive = rs == ZS_INACTIVE || rs == ZS_PARTIAL;
	bool no_bytes = !(h->flags & (ZF_DATA_ORIG | ZF_DATA_RESP));

	if (rs == ZS_RESET) {
		if (os == ZS_SYN_SENT || os == ZS_SYN_ACK_SENT || (os == ZS_RESET && no_bytes))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == ZS_RESET) {
		if (!r_inactive)
			return "RSTO";
		return syn_then_rst(h->letters) ? "RSTOS0" : "OTH";
	}
	if (os == ZS_CLOSED && rs == ZS_CLOSED)
		return "SF";
	if (os == ZS_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == ZS_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == ZS_SYN_SENT && rs == ZS_INACTIVE)
		return "S0";
	if (os == ZS_ESTABLISHED && rs == ZS_ESTABLISHED)
		return "S1";
	return "OTH";
}

bool zeek_orig_is_server(const zeek_hist *h)
{
	return h->flags & ZF_SERVER_ORIG;
}
