/* SYN cookies: when a listener's half-open connections fill its backlog,
 * the SYN,ACK's ISS itself carries what the connection needs, signed, and
 * nothing is kept until the peer's ACK brings it back (the idea of
 * Bernstein's SYN cookies; RFC 4987 §3.6).
 *
 *   bit 31..27  a counter of 64-second ticks, modulo 32
 *   bit 26..24  an index into a table of MSS values
 *   bit 23..0   MAC(key; 4-tuple, peer's ISN, full tick, MSS index)
 *
 * A cookie is valid during the tick it was made in and the next
 * TCPN_COOKIE_AGE ticks (2 to 3 minutes), like Linux's.  Options other
 * than MSS (window scale, SACK, timestamps) are not encoded: a SYN,ACK
 * with a cookie offers none of them. */
#ifndef TCPN_COOKIE_H
#define TCPN_COOKIE_H

#include <stdint.h>

#include "tcpstate/tcpstate.h"

#define TCPN_COOKIE_TICK (64 * TCPS_NS_PER_S)
#define TCPN_COOKIE_AGE 2

/* The ISS answering a SYN with sequence number irs and MSS option mss (0
 * if none) on tuple t (local = the listener); *mss_used gets the MSS
 * the cookie encodes (the largest of the table's not above mss). */
uint32_t tcpn_cookie_make(const uint8_t key[16], const tcps_tuple *t, uint32_t irs, uint16_t mss,
			  uint64_t now, uint16_t *mss_used);
/* A cookie coming back: the ACK's SEG.ACK - 1 and SEG.SEQ - 1.  Returns
 * the MSS it encodes, or 0 when it is forged or expired. */
uint16_t tcpn_cookie_check(const uint8_t key[16], const tcps_tuple *t, uint32_t irs, uint32_t cookie,
			   uint64_t now);

#endif
