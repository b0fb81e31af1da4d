/* A keyed MAC for the network layer: SipHash-2-4 (Aumasson and
 * Bernstein, 2012).  The demux table hashes 4-tuples with it (so a peer
 * cannot aim its tuples at one bucket) and SYN cookies are signed with
 * it.  The engine has its own copy for RFC 6528 ISNs, private to it. */
#ifndef TCPN_MAC_H
#define TCPN_MAC_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 of msg[0..len) under a 128-bit key. */
uint64_t tcpn_siphash(const uint8_t key[16], const void *msg, size_t len);

#endif
