/* See frame.h.  cmocka's assertions end the test on overflow. */
#include "frame.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>
#include <cmocka.h>

void put(frame *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof f->b);
	if (n)
		memcpy(f->b + f->n, p, n);
	f->n += n;
}

void put8(frame *f, uint8_t v)
{
	put(f, &v, 1);
}

void put16(frame *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(f, b, 2);
}

void put32(frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

void put32le(frame *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	put(f, b, 4);
}

void put_zeros(frame *f, size_t n)
{
	assert_true(f->n + n <= sizeof f->b);
	memset(f->b + f->n, 0, n);
	f->n += n;
}
