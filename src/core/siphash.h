/* SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed hash that an observer who does not know the key cannot
 * predict, cheap on the 12- to 36-byte inputs a 4-tuple makes.  Not part
 * of the public API: RFC 6528's ISN uses it, and so do the network layer's
 * demux table and SYN cookies (src/net). */
#ifndef TCPS_SIPHASH_H
#define TCPS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 of msg[0..len) under the 128-bit key; the 64-bit result as
 * the paper writes it (its bytes little-endian on the wire). */
uint64_t tcps_siphash24(const uint8_t key[16], const void *msg, size_t len);

#endif
