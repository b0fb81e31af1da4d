/* A byte ring: the send buffer, and the receive buffer under reassembly.
 * Memory is given at init; nothing here allocates. */
#ifndef TCPS_RING_H
#define TCPS_RING_H

#include <stdint.h>

typedef struct ring {
	uint8_t *buf;
	uint32_t cap;
	uint32_t head; /* offset of the first byte */
	uint32_t len;  /* bytes held from head */
} ring;

void ring_init(ring *r, uint8_t *mem, uint32_t cap);
static inline uint32_t ring_space(const ring *r) { return r->cap - r->len; }
/* Appends up to n bytes; returns how many fit. */
uint32_t ring_push(ring *r, const uint8_t *src, uint32_t n);
/* Copies n bytes starting `off` bytes past head into dst (off + n <= cap). */
void ring_peek(const ring *r, uint32_t off, uint8_t *dst, uint32_t n);
/* Stores n bytes `off` bytes past head without changing len (off + n <= cap):
 * how out-of-order data waits in place for the gap before it to fill. */
void ring_put(ring *r, uint32_t off, const uint8_t *src, uint32_t n);
/* Forgets the first n bytes. */
void ring_drop(ring *r, uint32_t n);

#endif
