/* The capture decoder: one captured frame, of any link type tcpstate
 * reads, to a trace_pkt (addresses and the parsed TCP header).
 *
 * No libpcap here: the link type is the DLT value libpcap reports, and the
 * bytes are a frame as it was captured, so the decoder can be fed by
 * tests and the fuzzer directly. */
#ifndef TCPS_TRACE_DECODE_H
#define TCPS_TRACE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/packet.h"

/* The link types the decoder reads (the DLT_ and LINKTYPE_ values; the
 * numbers are fixed by tcpdump.org's registry, so they are spelled here
 * rather than taken from <pcap/dlt.h>, whose DLT_RAW differs on OpenBSD). */
enum {
	TRACE_DLT_NULL = 0,          /* BSD loopback: 4-byte family, sender's byte order */
	TRACE_DLT_EN10MB = 1,        /* Ethernet, with 802.1Q / 802.1ad tags */
	TRACE_DLT_RAW = 12,          /* raw IP (DLT_RAW on most systems) */
	TRACE_DLT_RAW_OPENBSD = 14,  /* raw IP (DLT_RAW on OpenBSD) */
	TRACE_LINKTYPE_RAW = 101,    /* raw IP, as a file header spells it */
	TRACE_DLT_LOOP = 108,        /* OpenBSD loopback: family in network order */
	TRACE_DLT_LINUX_SLL = 113,   /* Linux cooked capture v1 */
	TRACE_DLT_IPV4 = 228,        /* raw IPv4 only */
	TRACE_DLT_IPV6 = 229,        /* raw IPv6 only */
	TRACE_DLT_LINUX_SLL2 = 276,  /* Linux cooked capture v2 */
};

/* Whether trace_decode() reads this link type. */
bool trace_decode_linktype_supported(int linktype);

/* Decodes bytes[0..caplen), a frame that was wirelen bytes long on the
 * wire, into *out: family, addresses, out->seg (header, options, seg.len
 * from the IP length, seg.data pointing at the captured payload or NULL)
 * and out->truncated.  out->ts and out->index are left to the caller.
 *
 * Returns TRACE_DEC_TCP when *out is filled.  Otherwise *out is partly
 * written and must not be used, and *why (when why is not NULL) names
 * the reason in a static string: for TRACE_DEC_MALFORMED, which header is
 * broken and how.  Never reads outside bytes[0..caplen) and allocates
 * nothing. */
trace_decode_result trace_decode(int linktype, const uint8_t *bytes, uint32_t caplen,
				 uint32_t wirelen, trace_pkt *out, const char **why);

#endif
