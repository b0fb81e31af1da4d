/* Deadline min-heap. */
#include "net/net_int.h"

#include <stdlib.h>

int tcpn_heap_init(tcpn_heap *h, uint32_t cap)
{
	h->n = 0;
	h->cap = cap ? cap : 16;
	h->v = malloc(h->cap * sizeof *h->v);
	return h->v ? 0 : TCPS_ERR_NOMEM;
}

void tcpn_heap_free(tcpn_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

static void place(tcpn_heap *h, uint32_t i, tcpn_sock *s)
{
	h->v[i] = s;
	s->heap_idx = i;
}

static void up(tcpn_heap *h, uint32_t i)
{
	tcpn_sock *s = h->v[i];
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (h->v[p]->deadline <= s->deadline)
			break;
		place(h, i, h->v[p]);
		i = p;
	}
	place(h, i, s);
}

static void down(tcpn_heap *h, uint32_t i)
{
	tcpn_sock *s = h->v[i];
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->deadline < h->v[c]->deadline)
			c++;
		if (s->deadline <= h->v[c]->deadline)
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, s);
}

static void remove_at(tcpn_heap *h, uint32_t i)
{
	tcpn_sock *gone = h->v[i];
	gone->heap_idx = TCPN_HEAP_NONE;
	h->n--;
	if (i == h->n)
		return;
	tcpn_sock *moved = h->v[h->n];
	place(h, i, moved);
	up(h, i);
	down(h, moved->heap_idx);
}

void tcpn_heap_set(tcpn_heap *h, tcpn_sock *s, uint64_t deadline)
{
	if (deadline == TCPS_NEVER) {
		if (s->heap_idx != TCPN_HEAP_NONE)
			remove_at(h, s->heap_idx);
		s->deadline = TCPS_NEVER;
		return;
	}
	if (s->heap_idx == TCPN_HEAP_NONE) {
		if (h->n == h->cap) {
			tcpn_sock **v = realloc(h->v, 2 * h->cap * sizeof *v);
			if (!v)
				return;
			h->v = v;
			h->cap *= 2;
		}
		s->deadline = deadline;
		place(h, h->n++, s);
		up(h, s->heap_idx);
		return;
	}
	uint64_t old = s->deadline;
	s->deadline = deadline;
	if (deadline < old)
		up(h, s->heap_idx);
	else
		down(h, s->heap_idx);
}

tcpn_sock *tcpn_heap_top(const tcpn_heap *h)
{
	return h->n ? h->v[0] : NULL;
}
