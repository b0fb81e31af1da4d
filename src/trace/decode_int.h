/* Inside the capture decoder: what decode.c (link layers, IP, TCP) and
 * decode_encap.c (encapsulations and tunnels) share.  Not for other
 * users: trace/decode.h is the interface.
 *
 * Every function here takes the bytes of one header onwards: p[0..cap)
 * is what was captured, wire (>= cap) what the packet held from p on. */
#ifndef TCPS_TRACE_DECODE_INT_H
#define TCPS_TRACE_DECODE_INT_H

#include <stdint.h>

#include "trace/decode.h"

/* How many encapsulations (tunnels, MPLS stacks, provider tags...) one
 * frame may nest before the decoder gives up on it.  Real captures use
 * two or three; the limit bounds the recursion a crafted frame could
 * otherwise drive through GRE-in-GRE or Ethernet-in-Ethernet. */
enum { TRACE_DEC_MAX_DEPTH = 8 };

enum {
	TRACE_ETH_HLEN = 14,
	TRACE_ETHERTYPE_IPV4 = 0x0800,
	TRACE_ETHERTYPE_IPV6 = 0x86dd,
	TRACE_ETHERTYPE_TEB = 0x6558, /* transparent Ethernet bridging */
	TRACE_IPPROTO_TCP = 6,
};

/* One frame's decoding: where the result goes, where the reason goes,
 * and how many encapsulations have been entered so far. */
typedef struct trace_dec {
	trace_pkt *out;
	const char **why;
	unsigned depth;
} trace_dec;

static inline uint16_t trace_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t trace_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline trace_decode_result trace_dec_say(trace_dec *d, trace_decode_result r,
						const char *msg)
{
	if (d->why)
		*d->why = msg;
	return r;
}

static inline trace_decode_result trace_dec_malformed(trace_dec *d, const char *msg)
{
	return trace_dec_say(d, TRACE_DEC_MALFORMED, msg);
}

static inline trace_decode_result trace_dec_not_tcp(trace_dec *d, const char *msg)
{
	return trace_dec_say(d, TRACE_DEC_NOT_TCP, msg);
}

/* decode.c */

/* An IPv4 or IPv6 packet, whichever its version nibble says; anything
 * else is malformed (what a raw-IP link type promises). */
trace_decode_result trace_dec_ip(const uint8_t *p, uint32_t cap, uint32_t wire, trace_dec *d);
trace_decode_result trace_dec_ipv4(const uint8_t *p, uint32_t cap, uint32_t wire, trace_dec *d);
trace_decode_result trace_dec_ipv6(const uint8_t *p, uint32_t cap, uint32_t wire, trace_dec *d);

/* What follows an EtherType: VLAN tags, then IP or an encapsulation. */
trace_decode_result trace_dec_ethertype(uint16_t type, const uint8_t *p, uint32_t cap,
					uint32_t wire, trace_dec *d);

/* An Ethernet header (no preamble, no FCS) and what follows it. */
trace_decode_result trace_dec_ethernet(const uint8_t *p, uint32_t cap, uint32_t wire,
				       trace_dec *d);

/* decode_encap.c */

/* The EtherTypes that wrap another frame or packet (MPLS, PPPoE, PBB,
 * VN-Tag, FabricPath); anything else is not TCP. */
trace_decode_result trace_dec_link_encap(uint16_t type, const uint8_t *p, uint32_t cap,
					 uint32_t wire, trace_dec *d);

/* An IP payload other than TCP: a tunnel (IP-in-IP, GRE, UDP tunnels)
 * is opened, anything else is not TCP. */
trace_decode_result trace_dec_ip_payload(uint8_t proto, const uint8_t *p, uint32_t cap,
					 uint32_t wire, trace_dec *d);

#endif
