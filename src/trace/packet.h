/* A captured TCP segment with its addresses: what the capture decoder
 * hands the observer.  No libpcap type crosses this line, so the observer
 * and the fuzzer can be fed without libpcap. */
#ifndef TCPS_TRACE_PACKET_H
#define TCPS_TRACE_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpstate/segment.h"

typedef struct trace_pkt {
	uint64_t ts;           /* capture time, ns since the epoch */
	uint64_t index;        /* packet number in the capture, from 1 */
	uint8_t family;        /* 4 or 6 */
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes, the rest zero */
	tcps_segment seg;      /* header and options; seg.len is the payload
				* length the IP header gives, even when the
				* capture cut the payload (seg.data is then NULL
				* or partial: the observer never reads it) */
	bool truncated;        /* the payload was cut by the snap length */
} trace_pkt;

/* Why a packet was not a TCP segment the observer can use. */
typedef enum trace_decode_result {
	TRACE_DEC_TCP = 0,       /* *pkt is filled */
	TRACE_DEC_NOT_TCP = 1,   /* a well-formed packet of another kind (ARP, UDP...) */
	TRACE_DEC_MALFORMED = 2, /* claims to be IP/TCP but its headers are broken */
	TRACE_DEC_FRAGMENT = 3,  /* a non-first IP fragment: no TCP header in it */
} trace_decode_result;

#endif
