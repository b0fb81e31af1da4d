/* Frames built byte by byte for the capture decoder's tests: network
 * byte order unless the name says le. */
#ifndef TCPS_TEST_FRAME_H
#define TCPS_TEST_FRAME_H

#include <stddef.h>
#include <stdint.h>

typedef struct frame {
	uint8_t b[2048];
	size_t n;
} frame;

void put(frame *f, const void *p, size_t n);
void put8(frame *f, uint8_t v);
void put16(frame *f, uint16_t v);
void put32(frame *f, uint32_t v);
void put32le(frame *f, uint32_t v);
void put_zeros(frame *f, size_t n);

#endif
