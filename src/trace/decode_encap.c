/* The capture decoder's encapsulations: what a frame or packet may wrap
 * the packet tcpstate wants in, on the way from the link layer to TCP.
 *
 *   after an EtherType  MPLS label stacks, PPPoE sessions, 802.1ah (PBB),
 *                       VN-Tag, Cisco FabricPath, Ethernet in Ethernet
 *   after an IP header  IP-in-IP (4, 41), GRE (47, Aruba's 802.11 in
 *                       it), and in UDP: VXLAN, Geneve, GTP-U, AYIYA,
 *                       GRE-in-UDP, Teredo
 *
 * The connection traced is the innermost one: outer addresses are
 * dropped (decode.c writes the addresses only of the IP header whose
 * payload is TCP).  Every way back into the decoder counts one layer
 * against TRACE_DEC_MAX_DEPTH, so the recursion is bounded whatever the
 * bytes say.  As in decode.c, nothing is allocated and every read is
 * checked against what was captured.
 *
 * A UDP packet whose own header is broken is "not TCP": it may be
 * anything.  On a tunnel's port, a tunnel header cut short or longer than
 * its packet is malformed, as a VLAN tag cut short is. */
#include <stdbool.h>
#include <string.h>

#include "trace/decode_int.h"

enum {
	ETHERTYPE_MPLS = 0x8847,
	ETHERTYPE_MPLS_MCAST = 0x8848,
	ETHERTYPE_PPPOE_SESSION = 0x8864,
	ETHERTYPE_PBB = 0x88e7,        /* 802.1ah I-TAG */
	ETHERTYPE_FABRICPATH = 0x8903,
	ETHERTYPE_VNTAG = 0x8926,
};

enum {
	IPPROTO_IPIP_ = 4,
	IPPROTO_UDP_ = 17,
	IPPROTO_IPV6_ = 41,
	IPPROTO_GRE_ = 47,
};

enum {
	PORT_GTPU = 2152,
	PORT_TEREDO = 3544,
	PORT_GRE_UDP = 4754,           /* RFC 8086 */
	PORT_VXLAN = 4789,
	PORT_AYIYA = 5072,
	PORT_GENEVE = 6081,
};

enum {
	MPLS_LSE_LEN = 4,
	PPPOE_HLEN = 6,
	PBB_ITAG_LEN = 4,
	VNTAG_LEN = 4,
	FABRICPATH_TAG_REST = 2,       /* FTag and TTL, after the EtherType */
	UDP_HLEN = 8,
	GRE_HLEN = 4,
	VXLAN_HLEN = 8,
	GENEVE_HLEN = 8,
	GTPU_HLEN = 8,
	GTPU_OPT_LEN = 4,
	AYIYA_HLEN = 8,
	TEREDO_AUTH_MIN = 13,          /* 4 + ids + nonce (8) + confirmation (1) */
	TEREDO_ORIGIN_LEN = 8,
	IPV6_HLEN_ = 40,
	WLAN_HLEN = 24,
	WLAN_ADDR_LEN = 6,
	WLAN_QOS_LEN = 2,
	WLAN_HTC_LEN = 4,
	AMSDU_HLEN = 14,
	LLC_SNAP_LEN = 8,
};

typedef trace_decode_result (*layer_fn)(const uint8_t *p, uint32_t cap, uint32_t wire,
					trace_dec *d);

static inline uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* One more encapsulation entered: false once the frame nests deeper
 * than the decoder follows. */
static bool deeper(trace_dec *d)
{
	return ++d->depth <= TRACE_DEC_MAX_DEPTH;
}

/* The first n bytes of p[0..cap) are a header: skip them; false when
 * they were not all captured. */
static bool skip(const uint8_t **p, uint32_t *cap, uint32_t *wire, uint32_t n)
{
	if (*cap < n)
		return false;
	*p += n;
	*cap -= n;
	*wire -= n;
	return true;
}

/* A header gave the length of what it carries, from p on: the packet
 * ends there (bytes past it are padding), unless it claims more than the
 * frame held. */
static bool bound(uint32_t *cap, uint32_t *wire, uint32_t len)
{
	if (len > *wire)
		return false;
	*wire = len;
	*cap = min32(*cap, len);
	return true;
}

/* A packet whose type nothing names: tunnels that carry "IP" leave the
 * version nibble to say which. */
static trace_decode_result inner_ip(const uint8_t *p, uint32_t cap, uint32_t wire, trace_dec *d,
				    const char *other)
{
	if (cap < 1)
		return trace_dec_malformed(d, "tunnelled packet cut short");
	if (p[0] >> 4 != 4 && p[0] >> 4 != 6)
		return trace_dec_not_tcp(d, other);
	return trace_dec_ip(p, cap, wire, d);
}

/* ---- After an EtherType ---- */

/* RFC 3032: 4-byte label stack entries down to the one with the bottom
 * of stack bit.  What follows has no type field; IPv4 and IPv6 are told
 * by their version nibble, as label switch routers do.  An Ethernet
 * pseudowire (with or without a control word) is not followed: nothing
 * in the packet says that one is there. */
static trace_decode_result decode_mpls(const uint8_t *p, uint32_t cap, uint32_t wire,
				       trace_dec *d)
{
	bool bottom;

	do {
		if (cap < MPLS_LSE_LEN)
			return trace_dec_malformed(d, "MPLS label stack cut short");
		bottom = p[2] & 0x01;
		(void)skip(&p, &cap, &wire, MPLS_LSE_LEN);
	} while (!bottom);
	return inner_ip(p, cap, wire, d, "MPLS payload neither IPv4 nor IPv6, not TCP");
}

/* PPP's protocol field (RFC 1661 §2): two bytes, or one when protocol
 * field compression was negotiated, which an odd first byte shows. */
static trace_decode_result decode_ppp(const uint8_t *p, uint32_t cap, uint32_t wire,
				      trace_dec *d)
{
	uint16_t proto;
	uint32_t n = 2;

	if (cap >= 1 && (p[0] & 0x01))
		n = 1;
	if (cap < n)
		return trace_dec_malformed(d, "PPP protocol field cut short");
	proto = n == 1 ? p[0] : trace_get16(p);
	(void)skip(&p, &cap, &wire, n);
	switch (proto) {
	case 0x0021:
		return trace_dec_ipv4(p, cap, wire, d);
	case 0x0057:
		return trace_dec_ipv6(p, cap, wire, d);
	default:
		return trace_dec_not_tcp(d, "PPP, not IP");
	}
}

/* RFC 2516 §4-5: version and type (1, 1), code (0 for session data),
 * session id, length, then a PPP frame.  The length is not trusted:
 * captures show it short of the IP packet the frame holds whole
 * (pppoe-over-qinq.pcap: room for 40 bytes of IP where the IP header
 * says 46 and the TCP checksum covers 46; tshark calls it a bad payload
 * length, Zeek ignores it), and the IP header's own length already
 * tells the packet from link padding. */
static trace_decode_result decode_pppoe(const uint8_t *p, uint32_t cap, uint32_t wire,
					trace_dec *d)
{
	if (cap < PPPOE_HLEN)
		return trace_dec_malformed(d, "PPPoE header cut short");
	if (p[0] != 0x11 || p[1] != 0)
		return trace_dec_not_tcp(d, "PPPoE, not session data");
	return decode_ppp(p + PPPOE_HLEN, cap - PPPOE_HLEN, wire - PPPOE_HLEN, d);
}

/* The EtherTypes whose payload is another frame or packet. */
trace_decode_result trace_dec_link_encap(uint16_t type, const uint8_t *p, uint32_t cap,
					 uint32_t wire, trace_dec *d)
{
	switch (type) {
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MCAST:
	case ETHERTYPE_PPPOE_SESSION:
	case ETHERTYPE_PBB:
	case ETHERTYPE_FABRICPATH:
	case ETHERTYPE_VNTAG:
	case TRACE_ETHERTYPE_TEB:
		break;
	default:
		return trace_dec_not_tcp(d, "not IP");
	}
	if (!deeper(d))
		return trace_dec_malformed(d, "encapsulations nested too deep");
	switch (type) {
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MCAST:
		return decode_mpls(p, cap, wire, d);
	case ETHERTYPE_PPPOE_SESSION:
		return decode_pppoe(p, cap, wire, d);
	case ETHERTYPE_PBB:
		/* 802.1ah: the I-TAG (priority, flags, service id), then the
		 * customer's frame from its destination address on. */
		if (!skip(&p, &cap, &wire, PBB_ITAG_LEN))
			return trace_dec_malformed(d, "802.1ah I-TAG cut short");
		return trace_dec_ethernet(p, cap, wire, d);
	case ETHERTYPE_FABRICPATH:
		/* The outer header is Ethernet's (switch addresses); after
		 * its EtherType come the FTag and TTL, then the classical
		 * Ethernet frame whole. */
		if (!skip(&p, &cap, &wire, FABRICPATH_TAG_REST))
			return trace_dec_malformed(d, "FabricPath tag cut short");
		return trace_dec_ethernet(p, cap, wire, d);
	case ETHERTYPE_VNTAG:
		/* Port identifiers, then the frame's own EtherType. */
		if (cap < VNTAG_LEN + 2)
			return trace_dec_malformed(d, "VN-Tag cut short");
		return trace_dec_ethertype(trace_get16(p + VNTAG_LEN), p + VNTAG_LEN + 2,
					   cap - VNTAG_LEN - 2, wire - VNTAG_LEN - 2, d);
	default:
		/* TRACE_ETHERTYPE_TEB: a whole Ethernet frame (GRE, Geneve). */
		return trace_dec_ethernet(p, cap, wire, d);
	}
}

/* ---- 802.11, as Aruba's GRE carries it ---- */

/* LLC/SNAP with a zero OUI: an EtherType follows (RFC 1042). */
static trace_decode_result decode_llc_snap(const uint8_t *p, uint32_t cap, uint32_t wire,
					   trace_dec *d)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

	if (cap < LLC_SNAP_LEN)
		return trace_dec_malformed(d, "LLC/SNAP header cut short");
	if (memcmp(p, snap, sizeof snap) != 0)
		return trace_dec_not_tcp(d, "802.11 payload without an EtherType");
	return trace_dec_ethertype(trace_get16(p + 6), p + LLC_SNAP_LEN, cap - LLC_SNAP_LEN,
				   wire - LLC_SNAP_LEN, d);
}

/* The length of an 802.11 data frame's MAC header, which its frame
 * control field decides (IEEE 802.11-2020 §9.3.2.1): a fourth address
 * between access points, QoS control on QoS subtypes, HT control when
 * such a frame sets the order bit; *qos is where the QoS control is (0:
 * none).  0 when the frame carries no payload that can be read, and *no
 * says why. */
static uint32_t wlan_hlen(const uint8_t *p, uint32_t *qos, const char **no)
{
	uint32_t hlen = WLAN_HLEN;

	*qos = 0;
	if ((p[0] & 0x0c) != 0x08)
		*no = "802.11 frame other than data, not TCP";
	else if (p[0] & 0x40)
		*no = "802.11 data frame without data, not TCP";
	else if (p[1] & 0x40)
		*no = "802.11 frame encrypted, not TCP";
	else
		*no = NULL;
	if (*no)
		return 0;
	if ((p[1] & 0x03) == 0x03)
		hlen += WLAN_ADDR_LEN;
	if (p[0] & 0x80) {
		*qos = hlen;
		hlen += WLAN_QOS_LEN;
		if (p[1] & 0x80)
			hlen += WLAN_HTC_LEN;
	}
	return hlen;
}

/* An A-MSDU (the QoS control's bit 7) aggregates several packets in one
 * frame, each behind a subframe header (addresses, length).
 * trace_decode returns one segment per frame, so only the first packet
 * is read. */
static trace_decode_result decode_80211(const uint8_t *p, uint32_t cap, uint32_t wire,
					trace_dec *d)
{
	const char *no;
	uint32_t hlen, qos;
	bool amsdu;

	if (cap < WLAN_HLEN)
		return trace_dec_malformed(d, "802.11 header cut short");
	hlen = wlan_hlen(p, &qos, &no);
	if (!hlen)
		return trace_dec_not_tcp(d, no);
	if (cap < hlen)
		return trace_dec_malformed(d, "802.11 header cut short");
	amsdu = qos && (p[qos] & 0x80);
	(void)skip(&p, &cap, &wire, hlen);
	if (amsdu) {
		if (cap < AMSDU_HLEN)
			return trace_dec_malformed(d, "A-MSDU subframe header cut short");
		if (!bound(&cap, &wire, AMSDU_HLEN + (uint32_t)trace_get16(p + 12)))
			return trace_dec_malformed(d, "A-MSDU subframe past the end of the frame");
		(void)skip(&p, &cap, &wire, AMSDU_HLEN);
	}
	return decode_llc_snap(p, cap, wire, d);
}

/* ---- GRE ---- */

/* Aruba access points tunnel their clients' 802.11 frames in GRE with
 * protocol types from 0x8200 to 0x83f0, in steps of 0x10. */
static bool gre_aruba(uint16_t proto)
{
	return (proto & 0xfe0f) == 0x8200;
}

/* RFC 2784 with RFC 2890's key and sequence number: flags, version,
 * protocol type (an EtherType), then a 4-byte field per flag set among
 * checksum, key and sequence.  Version 1 (PPTP) and the deprecated
 * source routing are not read. */
static trace_decode_result decode_gre(const uint8_t *p, uint32_t cap, uint32_t wire,
				      trace_dec *d)
{
	uint16_t flags, proto;
	uint32_t hlen = GRE_HLEN;

	if (cap < GRE_HLEN)
		return trace_dec_malformed(d, "GRE header cut short");
	flags = trace_get16(p);
	proto = trace_get16(p + 2);
	if (flags & 0x0007)
		return trace_dec_not_tcp(d, "GRE version other than 0, not read");
	if (flags & 0x4000)
		return trace_dec_not_tcp(d, "GRE with source routing, not read");
	hlen += (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) + (flags & 0x1000 ? 4 : 0);
	if (!skip(&p, &cap, &wire, hlen))
		return trace_dec_malformed(d, "GRE header cut short");
	if (gre_aruba(proto))
		return decode_80211(p, cap, wire, d);
	return trace_dec_ethertype(proto, p, cap, wire, d);
}

/* ---- Tunnels in UDP ---- */

/* RFC 7348: flags (I: the VNI is valid), VNI, then an Ethernet frame. */
static trace_decode_result decode_vxlan(const uint8_t *p, uint32_t cap, uint32_t wire,
					trace_dec *d)
{
	if (cap < VXLAN_HLEN)
		return trace_dec_malformed(d, "VXLAN header cut short");
	if (!(p[0] & 0x08))
		return trace_dec_not_tcp(d, "VXLAN without a valid VNI, not TCP");
	return trace_dec_ethernet(p + VXLAN_HLEN, cap - VXLAN_HLEN, wire - VXLAN_HLEN, d);
}

/* RFC 8926 §3.4: version (0) and options length in 4-byte words, flags,
 * protocol type (an EtherType: 0x6558 for Ethernet), VNI, options. */
static trace_decode_result decode_geneve(const uint8_t *p, uint32_t cap, uint32_t wire,
					 trace_dec *d)
{
	uint16_t proto;

	if (cap < GENEVE_HLEN)
		return trace_dec_malformed(d, "Geneve header cut short");
	if (p[0] >> 6 != 0)
		return trace_dec_not_tcp(d, "Geneve version other than 0, not read");
	proto = trace_get16(p + 2);
	if (!skip(&p, &cap, &wire, GENEVE_HLEN + (uint32_t)(p[0] & 0x3f) * 4))
		return trace_dec_malformed(d, "Geneve options cut short");
	return trace_dec_ethertype(proto, p, cap, wire, d);
}

/* GTP-U's optional fields and extension headers (3GPP TS 29.281 §5.1-2):
 * present when any of E, S, PN is set; each extension header gives its
 * length in 4-byte words and ends with the next one's type.  The length
 * of the whole header, or 0 when it is cut short or broken. */
static uint32_t gtpu_hlen(const uint8_t *p, uint32_t cap)
{
	uint32_t hlen = GTPU_HLEN + GTPU_OPT_LEN, ext;
	uint8_t next;

	if (!(p[0] & 0x07))
		return GTPU_HLEN;
	if (cap < hlen)
		return 0;
	/* Each pass moves hlen on by at least 4 within cap: the walk ends. */
	for (next = (p[0] & 0x04) ? p[hlen - 1] : 0; next; next = p[hlen - 1]) {
		if (cap < hlen + 1)
			return 0;
		ext = (uint32_t)p[hlen] * 4;
		if (ext == 0 || ext > cap - hlen)
			return 0;
		hlen += ext;
	}
	return hlen;
}

/* Version 1 with the protocol type bit (GTP, not GTP'), message type
 * 255 (G-PDU: a user's packet), the length of what follows the first 8
 * bytes, the tunnel id; then the user's IP packet. */
static trace_decode_result decode_gtpu(const uint8_t *p, uint32_t cap, uint32_t wire,
				       trace_dec *d)
{
	uint32_t hlen;

	if (cap < GTPU_HLEN)
		return trace_dec_malformed(d, "GTP-U header cut short");
	if ((p[0] & 0xf0) != 0x30)
		return trace_dec_not_tcp(d, "GTP, not version 1 GTP-U, not TCP");
	if (p[1] != 0xff)
		return trace_dec_not_tcp(d, "GTP-U message other than a G-PDU, not TCP");
	if (!bound(&cap, &wire, GTPU_HLEN + (uint32_t)trace_get16(p + 2)))
		return trace_dec_malformed(d, "GTP-U length past the end of the UDP payload");
	hlen = gtpu_hlen(p, cap);
	if (!hlen)
		return trace_dec_malformed(d, "GTP-U extension headers cut short or broken");
	(void)skip(&p, &cap, &wire, hlen);
	return inner_ip(p, cap, wire, d, "GTP-U payload neither IPv4 nor IPv6, not TCP");
}

/* AYIYA (draft-massar-v6ops-ayiya): identity length 2^n bytes and
 * signature length 4n bytes in the high nibbles of the first two bytes,
 * the operation in the third's low nibble (1 forward, 3 echo request
 * and forward: both carry a packet), the carried packet's IP protocol,
 * an epoch, the identity and the signature. */
static trace_decode_result decode_ayiya(const uint8_t *p, uint32_t cap, uint32_t wire,
					trace_dec *d)
{
	uint8_t next;

	if (cap < AYIYA_HLEN)
		return trace_dec_malformed(d, "AYIYA header cut short");
	if ((p[2] & 0x0f) != 1 && (p[2] & 0x0f) != 3)
		return trace_dec_not_tcp(d, "AYIYA without a packet, not TCP");
	next = p[3];
	if (!skip(&p, &cap, &wire, AYIYA_HLEN + (1u << (p[0] >> 4)) + (uint32_t)(p[1] >> 4) * 4))
		return trace_dec_malformed(d, "AYIYA identity or signature cut short");
	switch (next) {
	case IPPROTO_IPIP_:
		return trace_dec_ipv4(p, cap, wire, d);
	case IPPROTO_IPV6_:
		return trace_dec_ipv6(p, cap, wire, d);
	default:
		return trace_dec_not_tcp(d, "AYIYA payload not IP, not TCP");
	}
}

/* Where the IPv6 packet starts in a Teredo payload (RFC 4380 §5.1.1):
 * after an optional authentication indication (type 1: ids, nonce,
 * confirmation) and an optional origin indication (type 0, 8 bytes).
 * False unless a whole IPv6 header is there and its payload length ends
 * the UDP payload exactly, which is what makes a payload Teredo's. */
static bool teredo_ipv6_at(const uint8_t *p, uint32_t cap, uint32_t wire, uint32_t *at)
{
	uint32_t off = 0;

	if (cap >= 4 && p[0] == 0 && p[1] == 1)
		off = TEREDO_AUTH_MIN + p[2] + p[3];
	if (cap >= off + 2 && p[off] == 0 && p[off + 1] == 0)
		off += TEREDO_ORIGIN_LEN;
	if (off > cap || cap - off < IPV6_HLEN_ || p[off] >> 4 != 6)
		return false;
	if ((uint32_t)trace_get16(p + off + 4) + IPV6_HLEN_ != wire - off)
		return false;
	*at = off;
	return true;
}

/* Teredo clients talk to relays and peers from ports other than 3544,
 * so off that port a payload is taken for Teredo only if one of its
 * IPv6 addresses is in the Teredo prefix 2001:0::/32 (RFC 4380 §2.6). */
static bool teredo_prefix(const uint8_t *ip6)
{
	static const uint8_t prefix[4] = { 0x20, 0x01, 0x00, 0x00 };

	return memcmp(ip6 + 8, prefix, 4) == 0 || memcmp(ip6 + 24, prefix, 4) == 0;
}

static trace_decode_result decode_teredo(const uint8_t *p, uint32_t cap, uint32_t wire,
					 trace_dec *d)
{
	uint32_t at;

	/* Not malformed: a bubble may carry stray bytes after its IPv6
	 * header (Zeek logs those as a weird), and it is not TCP anyway. */
	if (!teredo_ipv6_at(p, cap, wire, &at))
		return trace_dec_not_tcp(d, "Teredo payload not one IPv6 packet, not TCP");
	return trace_dec_ipv6(p + at, cap - at, wire - at, d);
}

static layer_fn udp_tunnel(uint16_t port)
{
	switch (port) {
	case PORT_VXLAN:
		return decode_vxlan;
	case PORT_GENEVE:
		return decode_geneve;
	case PORT_GTPU:
		return decode_gtpu;
	case PORT_AYIYA:
		return decode_ayiya;
	case PORT_GRE_UDP:
		return decode_gre;
	case PORT_TEREDO:
		return decode_teredo;
	default:
		return NULL;
	}
}

/* The tunnel is named by either port: the well-known one is the
 * receiver's one way and the sender's the other (the destination's is
 * tried first, as the more likely server's). */
static trace_decode_result decode_udp(const uint8_t *p, uint32_t cap, uint32_t wire,
				      trace_dec *d)
{
	layer_fn tunnel;
	uint32_t at;

	if (cap < UDP_HLEN)
		return trace_dec_not_tcp(d, "UDP header cut short, not TCP");
	if (trace_get16(p + 4) < UDP_HLEN || !bound(&cap, &wire, trace_get16(p + 4)))
		return trace_dec_not_tcp(d, "UDP with a bad length, not TCP");
	tunnel = udp_tunnel(trace_get16(p + 2));
	if (!tunnel)
		tunnel = udp_tunnel(trace_get16(p));
	(void)skip(&p, &cap, &wire, UDP_HLEN);
	if (tunnel)
		return tunnel(p, cap, wire, d);
	if (teredo_ipv6_at(p, cap, wire, &at) && teredo_prefix(p + at))
		return trace_dec_ipv6(p + at, cap - at, wire - at, d);
	return trace_dec_not_tcp(d, "UDP, not TCP");
}

/* ---- After an IP header ---- */

trace_decode_result trace_dec_ip_payload(uint8_t proto, const uint8_t *p, uint32_t cap,
					 uint32_t wire, trace_dec *d)
{
	switch (proto) {
	case IPPROTO_IPIP_:
	case IPPROTO_IPV6_:
	case IPPROTO_GRE_:
	case IPPROTO_UDP_:
		break;
	default:
		return trace_dec_not_tcp(d, "IP payload not TCP or a tunnel: not TCP");
	}
	if (!deeper(d))
		return trace_dec_malformed(d, "encapsulations nested too deep");
	switch (proto) {
	case IPPROTO_IPIP_:
		return trace_dec_ipv4(p, cap, wire, d);
	case IPPROTO_IPV6_:
		return trace_dec_ipv6(p, cap, wire, d);
	case IPPROTO_GRE_:
		return decode_gre(p, cap, wire, d);
	default:
		return decode_udp(p, cap, wire, d);
	}
}
