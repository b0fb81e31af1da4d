/* Byte ring; see ring.h.  Copies are split at most once, at the wrap. */
#include "ring.h"

#include <string.h>

void ring_init(ring *r, uint8_t *mem, uint32_t cap)
{
	r->buf = mem;
	r->cap = cap;
	r->head = 0;
	r->len = 0;
}

static uint32_t wrap(const ring *r, uint32_t off)
{
	uint32_t pos = r->head + off;
	return pos >= r->cap ? pos - r->cap : pos;
}

void ring_put(ring *r, uint32_t off, const uint8_t *src, uint32_t n)
{
	uint32_t pos = wrap(r, off);
	uint32_t first = r->cap - pos < n ? r->cap - pos : n;
	memcpy(r->buf + pos, src, first);
	memcpy(r->buf, src + first, n - first);
}

uint32_t ring_push(ring *r, const uint8_t *src, uint32_t n)
{
	if (n > ring_space(r))
		n = ring_space(r);
	if (n) {
		ring_put(r, r->len, src, n);
		r->len += n;
	}
	return n;
}

void ring_peek(const ring *r, uint32_t off, uint8_t *dst, uint32_t n)
{
	uint32_t pos = wrap(r, off);
	uint32_t first = r->cap - pos < n ? r->cap - pos : n;
	memcpy(dst, r->buf + pos, first);
	memcpy(dst + first, r->buf, n - first);
}

void ring_drop(ring *r, uint32_t n)
{
	/* head stays where it is even when the ring empties: bytes stored
	 * past len by ring_put (out-of-order text waiting for a gap) are
	 * placed relative to head, and moving it would scramble them. */
	r->head = wrap(r, n);
	r->len -= n;
}
