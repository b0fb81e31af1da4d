/* IPv4 and IPv6 headers: parse, build, pseudo-header checksums. */
#include "net/ip.h"

#include <string.h>

#include "tcpstate/segment.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* IPv4.  `quoted`: the datagram inside an ICMP error, possibly cut short
 * after the first 8 bytes of its payload, with a checksum we don't check. */
static int parse_v4(const uint8_t *p, size_t len, tcpn_ip *ip, bool quoted)
{
	if (len < TCPN_IPV4_HLEN)
		return TCPN_IP_SHORT;
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	size_t tot = get16(p + 2);
	if (ihl < TCPN_IPV4_HLEN || tot < ihl)
		return TCPN_IP_BAD_HEADER;
	if (len < ihl)
		return TCPN_IP_SHORT;
	if (!quoted) {
		if (len < tot)
			return TCPN_IP_SHORT;
		if (tcps_csum_fold(tcps_csum_add(0, p, ihl)) != 0)
			return TCPN_IP_BAD_CSUM;
	}
	memset(ip, 0, sizeof *ip);
	ip->family = 4;
	ip->ttl = p[8];
	ip->proto = p[9];
	memcpy(ip->src, p + 12, 4);
	memcpy(ip->dst, p + 16, 4);
	ip->tot_len = (uint32_t)tot;
	ip->payload = p + ihl;
	size_t end = tot < len ? tot : len;
	ip->len = (uint32_t)(end - ihl);
	/* MF set or a fragment offset: a piece of a larger datagram.  We set
	 * DF on everything we send and Linux does too for TCP (path MTU
	 * discovery), so fragments are not worth reassembling. */
	if (get16(p + 6) & 0x3fff)
		return TCPN_IP_FRAGMENT;
	return TCPN_IP_OK;
}

/* IPv6 extension headers we walk over (RFC 8200 §4): hop-by-hop,
 * routing, destination options.  Fragment ends the walk (dropped);
 * No Next Header, ESP and AH carry nothing we can read. */
enum { EXT_HOPOPTS = 0, EXT_ROUTING = 43, EXT_FRAGMENT = 44, EXT_ESP = 50, EXT_AH = 51,
       EXT_NONE = 59, EXT_DSTOPTS = 60 };

static int parse_v6(const uint8_t *p, size_t len, tcpn_ip *ip, bool quoted)
{
	if (len < TCPN_IPV6_HLEN)
		return TCPN_IP_SHORT;
	size_t tot = TCPN_IPV6_HLEN + (size_t)get16(p + 4);
	if (!quoted && len < tot)
		return TCPN_IP_SHORT;
	size_t end = tot < len ? tot : len;
	memset(ip, 0, sizeof *ip);
	ip->family = 6;
	ip->ttl = p[7];
	memcpy(ip->src, p + 8, 16);
	memcpy(ip->dst, p + 24, 16);
	ip->tot_len = (uint32_t)tot;

	uint8_t next = p[6];
	size_t off = TCPN_IPV6_HLEN;
	for (int n = 0; n < 8; n++) { /* bounded: a chain of 8 is already absurd */
		ip->proto = next;
		if (next == EXT_HOPOPTS || next == EXT_ROUTING || next == EXT_DSTOPTS) {
			if (off + 8 > end)
				return TCPN_IP_BAD_HEADER;
			size_t hl = ((size_t)p[off + 1] + 1) * 8;
			next = p[off];
			off += hl;
			if (off > end)
				return TCPN_IP_BAD_HEADER;
			continue;
		}
		ip->payload = p + off;
		ip->len = (uint32_t)(end - off);
		if (next == EXT_FRAGMENT)
			return TCPN_IP_FRAGMENT;
		if (next == EXT_NONE || next == EXT_ESP || next == EXT_AH)
			return TCPN_IP_NO_NEXT;
		return TCPN_IP_OK;
	}
	return TCPN_IP_BAD_HEADER;
}

static int parse(const uint8_t *pkt, size_t len, tcpn_ip *ip, bool quoted)
{
	if (len < 1)
		return TCPN_IP_SHORT;
	switch (pkt[0] >> 4) {
	case 4:
		return parse_v4(pkt, len, ip, quoted);
	case 6:
		return parse_v6(pkt, len, ip, quoted);
	default:
		return TCPN_IP_VERSION;
	}
}

int tcpn_ip_parse(const uint8_t *pkt, size_t len, tcpn_ip *ip)
{
	return parse(pkt, len, ip, false);
}

int tcpn_ip_parse_quoted(const uint8_t *pkt, size_t len, tcpn_ip *ip)
{
	return parse(pkt, len, ip, true);
}

size_t tcpn_ipv4_build(uint8_t *h, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		       uint16_t payload_len, uint16_t id)
{
	h[0] = 0x45; /* version 4, IHL 5: no options */
	h[1] = 0;    /* DSCP/ECN: we do not negotiate ECN */
	put16(h + 2, (uint16_t)(TCPN_IPV4_HLEN + payload_len));
	put16(h + 4, id);
	put16(h + 6, 0x4000); /* DF, offset 0 */
	h[8] = 64;            /* RFC 1700's recommended TTL, as Linux */
	h[9] = proto;
	put16(h + 10, 0);
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	put16(h + 10, tcps_csum_fold(tcps_csum_add(0, h, TCPN_IPV4_HLEN)));
	return TCPN_IPV4_HLEN;
}

size_t tcpn_ipv6_build(uint8_t *h, const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
		       uint16_t payload_len)
{
	h[0] = 0x60; /* version 6, traffic class 0 */
	h[1] = h[2] = h[3] = 0; /* no flow label */
	put16(h + 4, payload_len);
	h[6] = proto;
	h[7] = 64;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
	return TCPN_IPV6_HLEN;
}

uint32_t tcpn_pseudo_sum(uint8_t family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
			 uint32_t len)
{
	size_t alen = tcpn_alen(family);
	uint32_t sum = tcps_csum_add(0, src, alen);
	sum = tcps_csum_add(sum, dst, alen);
	/* IPv4: zero, protocol, 16-bit length.  IPv6: 32-bit length, three
	 * zero bytes, next header.  Both sum to len + proto as words. */
	uint8_t tail[8] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len,
			    0, 0, 0, proto };
	return tcps_csum_add(sum, tail, sizeof tail);
}

uint16_t tcpn_l4_csum(uint8_t family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
		      const uint8_t *data, uint32_t len)
{
	uint32_t sum = tcpn_pseudo_sum(family, src, dst, proto, len);
	return tcps_csum_fold(tcps_csum_add(sum, data, len));
}

bool tcpn_l4_csum_ok(const tcpn_ip *ip)
{
	if (ip->csum_trusted)
		return true;
	/* ICMPv4's checksum has no pseudo-header (RFC 792). */
	if (ip->proto == TCPN_PROTO_ICMP)
		return tcps_csum_fold(tcps_csum_add(0, ip->payload, ip->len)) == 0;
	return tcpn_l4_csum(ip->family, ip->src, ip->dst, ip->proto, ip->payload, ip->len) == 0;
}
