/* The capture decoder: link layer, IPv4 / IPv6, TCP header.  See decode.h;
 * the encapsulations and tunnels a frame may wrap its packet in are in
 * decode_encap.c.
 *
 * This runs once per captured packet, so it takes each header in one
 * pass, allocates nothing and loops only over headers that chain (VLAN
 * tags, IPv6 extension headers).  Every read is checked against caplen,
 * what the capture kept; lengths are taken from the IP header, what the
 * packet carried, so a payload cut by the snap length still counts. */
#include "trace/decode.h"

#include <string.h>

#include "trace/decode_int.h"

enum {
	VLAN_HLEN = 4,
	SLL_HLEN = 16,
	SLL2_HLEN = 20,
	NULL_HLEN = 4,
	IPV4_HLEN = 20,
	IPV6_HLEN = 40,
	IPV6_EXT_MIN = 8,
	/* The most a reassembled IP packet (IPv4) or payload (IPv6) holds. */
	IP_MAX_LEN = 0xffff,
};

enum {
	ETHERTYPE_VLAN = 0x8100,     /* 802.1Q */
	ETHERTYPE_QINQ = 0x88a8,     /* 802.1ad service tag */
	ETHERTYPE_QINQ_OLD = 0x9100, /* pre-standard QinQ, still seen */
};

/* Address families in BSD loopback headers: AF_INET is 2 everywhere,
 * AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (macOS), and the
 * capture may come from any of them. */
enum {
	BSD_AF_INET = 2,
	BSD_AF_INET6_NETBSD = 24,
	BSD_AF_INET6_FREEBSD = 28,
	BSD_AF_INET6_DARWIN = 30,
};

enum {
	IPPROTO_HOPOPTS_ = 0,
	IPPROTO_ROUTING_ = 43,
	IPPROTO_FRAGMENT_ = 44,
	IPPROTO_AH_ = 51,
	IPPROTO_DSTOPTS_ = 60,
};

enum { IPV4_MF = 0x2000, IPV4_OFFSET = 0x1fff, IPV6_FRAG_OFFSET = 0xfff8, IPV6_FRAG_M = 1 };

enum { TCP_OPT_EOL = 0, TCP_OPT_NOP = 1 };

static inline uint32_t get32le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline uint32_t max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* ---- TCP ---- */

/* The length of the leading options in o[0..n) that are whole and
 * well-formed: where a header cut by the snap length, or a bad option
 * length, stops being readable. */
static size_t whole_options(const uint8_t *o, size_t n)
{
	size_t i = 0;

	while (i < n && o[i] != TCP_OPT_EOL) {
		if (o[i] == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (n - i < 2 || o[i + 1] < 2 || o[i + 1] > n - i)
			break;
		i += o[i + 1];
	}
	return i;
}

/* The rare path: the options are cut by the snap length or one of them
 * has a bad length.  Linux still takes such a segment (tcp_parse_options
 * stops at a bad option), so the observer should see it too: the header
 * is rebuilt on the stack with only its whole options, padded with EOL,
 * and parsed as usual.  avail is at least TCPS_HEADER_MIN. */
static void parse_partial(const uint8_t *t, size_t hlen, size_t avail, tcps_segment *seg)
{
	uint8_t hdr[TCPS_HEADER_MAX];
	size_t have = hlen < avail ? hlen : avail;
	size_t keep = TCPS_HEADER_MIN + whole_options(t + TCPS_HEADER_MIN, have - TCPS_HEADER_MIN);
	size_t padded = (keep + 3) & ~(size_t)3;

	memcpy(hdr, t, keep);
	memset(hdr + keep, TCP_OPT_EOL, padded - keep);
	hdr[12] = (uint8_t)((padded / 4) << 4 | (t[12] & 0x0f));
	/* Cannot fail: the header is whole and every option in it is sound. */
	(void)tcps_segment_parse(hdr, padded, seg);
}

/* t[0..cap) is what was captured of an IP payload of len bytes. */
static trace_decode_result decode_tcp(const uint8_t *t, uint32_t cap, uint32_t len, trace_dec *d)
{
	uint32_t avail = min32(cap, len);
	uint32_t hlen;

	if (len < TCPS_HEADER_MIN)
		return trace_dec_malformed(d, "IP payload shorter than a TCP header");
	if (avail < TCPS_HEADER_MIN)
		return trace_dec_malformed(d, "TCP header cut by the snap length");
	hlen = (uint32_t)(t[12] >> 4) * 4;
	if (hlen < TCPS_HEADER_MIN)
		return trace_dec_malformed(d, "TCP data offset below 5 words");
	if (hlen > len)
		return trace_dec_malformed(d, "TCP data offset past the end of the IP payload");

	if (hlen > avail || tcps_segment_parse(t, avail, &d->out->seg) != TCPS_PARSE_OK)
		parse_partial(t, hlen, avail, &d->out->seg);
	d->out->seg.len = len - hlen;
	d->out->seg.data = avail > hlen ? t + hlen : NULL;
	d->out->truncated = avail < len;
	return trace_dec_say(d, TRACE_DEC_TCP, NULL);
}

/* ---- IP ---- */

/* The addresses are the innermost packet's: written only once its
 * payload is known to be TCP, so a tunnel's outer header never shows. */
static void set_v4_addrs(const uint8_t *p, trace_pkt *out)
{
	out->family = 4;
	memcpy(out->src, p + 12, 4);
	memset(out->src + 4, 0, 12);
	memcpy(out->dst, p + 16, 4);
	memset(out->dst + 4, 0, 12);
}

/* p[0..cap) is what was captured of an IP packet that was wire bytes
 * long on the link (link header removed; wire >= cap). */
trace_decode_result trace_dec_ipv4(const uint8_t *p, uint32_t cap, uint32_t wire, trace_dec *d)
{
	uint32_t ihl, tot, frag;

	if (cap < IPV4_HLEN)
		return trace_dec_malformed(d, "IPv4 header cut short");
	if (p[0] >> 4 != 4)
		return trace_dec_malformed(d, "IPv4 header with another version number");
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < IPV4_HLEN)
		return trace_dec_malformed(d, "IPv4 header length below 5 words");
	if (ihl > cap)
		return trace_dec_malformed(d, "IPv4 options cut short");
	tot = trace_get16(p + 2);
	/* A total length of 0 is what Linux captures show for an outgoing
	 * segment the NIC will split (TSO): the frame's length is the one
	 * that holds, as Wireshark assumes too. */
	if (tot == 0)
		tot = wire;
	if (tot < ihl)
		return trace_dec_malformed(d, "IPv4 total length shorter than its header");
	if (tot > wire)
		return trace_dec_malformed(d, "IPv4 total length past the end of the frame");
	frag = trace_get16(p + 6);
	if (p[9] != TRACE_IPPROTO_TCP) {
		if (frag & IPV4_OFFSET)
			return trace_dec_not_tcp(d, "IPv4 fragment, not TCP");
		/* Bytes past tot are link padding.  A first fragment of a
		 * tunnel holds the start of the inner packet, whose own
		 * lengths run past this fragment: its length is unknown here,
		 * so the inner headers say it, as if the snap length had cut
		 * the rest. */
		wire = (frag & IPV4_MF) ? max32(tot, IP_MAX_LEN) : tot;
		return trace_dec_ip_payload(p[9], p + ihl, min32(cap, tot) - ihl, wire - ihl, d);
	}
	/* A first fragment (offset 0, MF set) still holds the TCP header. */
	if (frag & IPV4_OFFSET)
		return trace_dec_say(d, TRACE_DEC_FRAGMENT, "IPv4 fragment after the first");

	set_v4_addrs(p, d->out);
	/* tot, not cap: bytes past it are link padding (Ethernet's 60-byte
	 * minimum), and a cut payload still counts its full length. */
	return decode_tcp(p + ihl, cap - ihl, tot - ihl, d);
}

/* After the IPv6 header and its extension headers, at off: TCP, or a
 * tunnel.  more: a fragment header said the payload goes on in later
 * fragments. */
static trace_decode_result ipv6_upper(uint8_t nh, const uint8_t *p, uint32_t cap, uint32_t end,
				      uint32_t off, int more, trace_dec *d)
{
	uint32_t have = min32(cap, end);

	have = off < have ? have - off : 0;
	if (nh != TRACE_IPPROTO_TCP)
		return trace_dec_ip_payload(nh, p + off, have,
					    more ? max32(end - off, IP_MAX_LEN) : end - off, d);
	d->out->family = 6;
	memcpy(d->out->src, p + 8, 16);
	memcpy(d->out->dst, p + 24, 16);
	return decode_tcp(p + off, off < cap ? cap - off : 0, end - off, d);
}

#define EXT_PAST_PAYLOAD "IPv6 extension header past the payload length"

/* Walks the extension headers (RFC 8200 §4) to TCP.  Each one advances
 * at least 8 bytes inside the payload length, so the walk ends. */
trace_decode_result trace_dec_ipv6(const uint8_t *p, uint32_t cap, uint32_t wire, trace_dec *d)
{
	uint32_t end, off = IPV6_HLEN, hl;
	int more = 0;
	uint8_t nh;

	if (cap < IPV6_HLEN)
		return trace_dec_malformed(d, "IPv6 header cut short");
	if (p[0] >> 4 != 6)
		return trace_dec_malformed(d, "IPv6 header with another version number");
	end = trace_get16(p + 4);
	/* 0 is a jumbogram (RFC 2675) or a TSO segment: the frame says. */
	end = end ? end + IPV6_HLEN : wire;
	if (end > wire)
		return trace_dec_malformed(d, "IPv6 payload length past the end of the frame");

	for (nh = p[6];; nh = p[off], off += hl) {
		switch (nh) {
		case IPPROTO_HOPOPTS_:
		case IPPROTO_ROUTING_:
		case IPPROTO_DSTOPTS_:
		case IPPROTO_AH_:
		case IPPROTO_FRAGMENT_:
			break;
		default:
			/* TCP, a tunnel, or UDP, ICMPv6, ESP (50: what follows
			 * is encrypted), no next header (59), ... */
			return ipv6_upper(nh, p, cap, end, off, more, d);
		}
		if (end - off < IPV6_EXT_MIN)
			return trace_dec_malformed(d, EXT_PAST_PAYLOAD);
		if (cap < off + 4)
			return trace_dec_malformed(d, "IPv6 extension header cut by the snap "
						       "length");
		if (nh == IPPROTO_FRAGMENT_) {
			if (trace_get16(p + off + 2) & IPV6_FRAG_OFFSET)
				return p[off] == TRACE_IPPROTO_TCP
					? trace_dec_say(d, TRACE_DEC_FRAGMENT,
							"IPv6 fragment after the first")
					: trace_dec_not_tcp(d, "IPv6 fragment, not TCP");
			more = trace_get16(p + off + 2) & IPV6_FRAG_M;
			hl = IPV6_EXT_MIN;
		} else if (nh == IPPROTO_AH_) {
			hl = ((uint32_t)p[off + 1] + 2) * 4; /* RFC 4302 §2.2 */
		} else {
			hl = ((uint32_t)p[off + 1] + 1) * 8; /* RFC 8200 §4.3 */
		}
		if (hl > end - off)
			return trace_dec_malformed(d, EXT_PAST_PAYLOAD);
	}
}

/* An IP packet whose version the link layer did not say. */
trace_decode_result trace_dec_ip(const uint8_t *p, uint32_t cap, uint32_t wire, trace_dec *d)
{
	if (cap < 1)
		return trace_dec_malformed(d, "IP header cut short");
	switch (p[0] >> 4) {
	case 4:
		return trace_dec_ipv4(p, cap, wire, d);
	case 6:
		return trace_dec_ipv6(p, cap, wire, d);
	default:
		return trace_dec_malformed(d, "raw IP packet of neither version 4 nor 6");
	}
}

/* ---- Link layers ---- */

/* After an EtherType: VLAN tags, any number of them, then IP or an
 * encapsulation. */
trace_decode_result trace_dec_ethertype(uint16_t type, const uint8_t *p, uint32_t cap,
					uint32_t wire, trace_dec *d)
{
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
		if (cap < VLAN_HLEN)
			return trace_dec_malformed(d, "VLAN tag cut short");
		type = trace_get16(p + 2);
		p += VLAN_HLEN;
		cap -= VLAN_HLEN;
		wire -= VLAN_HLEN;
	}
	switch (type) {
	case TRACE_ETHERTYPE_IPV4:
		return trace_dec_ipv4(p, cap, wire, d);
	case TRACE_ETHERTYPE_IPV6:
		return trace_dec_ipv6(p, cap, wire, d);
	default:
		return trace_dec_link_encap(type, p, cap, wire, d);
	}
}

trace_decode_result trace_dec_ethernet(const uint8_t *p, uint32_t cap, uint32_t wire,
				       trace_dec *d)
{
	if (cap < TRACE_ETH_HLEN)
		return trace_dec_malformed(d, "Ethernet header cut short");
	return trace_dec_ethertype(trace_get16(p + 12), p + TRACE_ETH_HLEN, cap - TRACE_ETH_HLEN,
				   wire - TRACE_ETH_HLEN, d);
}

static trace_decode_result decode_bsd_family(uint32_t fam, const uint8_t *p, uint32_t cap,
					     uint32_t wire, trace_dec *d)
{
	switch (fam) {
	case BSD_AF_INET:
		return trace_dec_ipv4(p, cap, wire, d);
	case BSD_AF_INET6_NETBSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return trace_dec_ipv6(p, cap, wire, d);
	default:
		return trace_dec_not_tcp(d, "not IP");
	}
}

/* DLT_NULL's family is in the capturing host's byte order, which the
 * file does not record: a family that fits in the low byte reads as a
 * number above 2^24 the other way round, so both orders can be tried. */
static trace_decode_result decode_null(const uint8_t *p, uint32_t cap, uint32_t wire,
				       trace_dec *d)
{
	uint32_t fam;

	if (cap < NULL_HLEN)
		return trace_dec_malformed(d, "loopback header cut short");
	fam = get32le(p);
	if (fam > 0xffff)
		fam = trace_get32(p);
	return decode_bsd_family(fam, p + NULL_HLEN, cap - NULL_HLEN, wire - NULL_HLEN, d);
}

bool trace_decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case TRACE_DLT_NULL:
	case TRACE_DLT_EN10MB:
	case TRACE_DLT_RAW:
	case TRACE_DLT_RAW_OPENBSD:
	case TRACE_LINKTYPE_RAW:
	case TRACE_DLT_LOOP:
	case TRACE_DLT_LINUX_SLL:
	case TRACE_DLT_IPV4:
	case TRACE_DLT_IPV6:
	case TRACE_DLT_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

static trace_decode_result decode_link(int linktype, const uint8_t *p, uint32_t cap,
				       uint32_t wire, trace_dec *d)
{
	switch (linktype) {
	case TRACE_DLT_EN10MB:
		return trace_dec_ethernet(p, cap, wire, d);
	case TRACE_DLT_LINUX_SLL:
		if (cap < SLL_HLEN)
			return trace_dec_malformed(d, "Linux cooked (SLL) header cut short");
		return trace_dec_ethertype(trace_get16(p + 14), p + SLL_HLEN, cap - SLL_HLEN,
					   wire - SLL_HLEN, d);
	case TRACE_DLT_LINUX_SLL2:
		if (cap < SLL2_HLEN)
			return trace_dec_malformed(d, "Linux cooked (SLL2) header cut short");
		return trace_dec_ethertype(trace_get16(p), p + SLL2_HLEN, cap - SLL2_HLEN,
					   wire - SLL2_HLEN, d);
	case TRACE_DLT_RAW:
	case TRACE_DLT_RAW_OPENBSD:
	case TRACE_LINKTYPE_RAW:
		return trace_dec_ip(p, cap, wire, d);
	case TRACE_DLT_IPV4:
		return trace_dec_ipv4(p, cap, wire, d);
	case TRACE_DLT_IPV6:
		return trace_dec_ipv6(p, cap, wire, d);
	case TRACE_DLT_NULL:
		return decode_null(p, cap, wire, d);
	case TRACE_DLT_LOOP:
		if (cap < NULL_HLEN)
			return trace_dec_malformed(d, "loopback header cut short");
		return decode_bsd_family(trace_get32(p), p + NULL_HLEN, cap - NULL_HLEN,
					 wire - NULL_HLEN, d);
	default:
		return trace_dec_malformed(d, "unsupported link type");
	}
}

/* ---- The common case ----
 *
 * Nearly every frame of a capture is one kind: Ethernet, IPv4 without
 * options, not a later fragment, its TCP header captured whole.  Such a
 * packet is taken here in one pass, with the checks and the result of the
 * general way (tests/property/test_property_decode_fast.c holds the two
 * to it); anything else, or any doubt, returns false and goes the general
 * way.  p[0..cap) starts at the IP header. */
static bool decode_ipv4_tcp_fast(const uint8_t *p, uint32_t cap, uint32_t wire, trace_pkt *out)
{
	if (cap < IPV4_HLEN + TCPS_HEADER_MIN || p[0] != 0x45 || p[9] != TRACE_IPPROTO_TCP)
		return false;
	uint32_t tot = trace_get16(p + 2);
	if (tot < IPV4_HLEN + TCPS_HEADER_MIN || tot > wire || (trace_get16(p + 6) & IPV4_OFFSET))
		return false;
	uint32_t len = tot - IPV4_HLEN, avail = min32(cap, tot) - IPV4_HLEN;
	set_v4_addrs(p, out);
	/* Refused when the data offset is out of the captured bytes or an
	 * option is bad: the general way tells which. */
	if (tcps_segment_parse(p + IPV4_HLEN, avail, &out->seg) != TCPS_PARSE_OK)
		return false;
	/* The parse counted the payload captured; the IP header says how
	 * much there was. */
	if (!out->seg.len)
		out->seg.data = NULL;
	out->seg.len += len - avail;
	out->truncated = avail < len;
	return true;
}

/* Out of line, so that the common case does not pay for its registers. */
static __attribute__((noinline)) trace_decode_result
decode_general(int linktype, const uint8_t *p, uint32_t cap, uint32_t wire, trace_pkt *out, const char **why)
{
	trace_dec d = { .out = out, .why = why, .depth = 0 };
	return decode_link(linktype, p, cap, wire, &d);
}

trace_decode_result trace_decode(int linktype, const uint8_t *p, uint32_t cap, uint32_t wire,
				 trace_pkt *out, const char **why)
{
	/* A corrupt record may claim fewer bytes on the wire than it holds. */
	if (wire < cap)
		wire = cap;
	if (linktype == TRACE_DLT_EN10MB && cap >= TRACE_ETH_HLEN &&
	    trace_get16(p + 12) == TRACE_ETHERTYPE_IPV4 &&
	    decode_ipv4_tcp_fast(p + TRACE_ETH_HLEN, cap - TRACE_ETH_HLEN, wire - TRACE_ETH_HLEN, out)) {
		if (why)
			*why = NULL;
		return TRACE_DEC_TCP;
	}
	return decode_general(linktype, p, cap, wire, out, why);
}
