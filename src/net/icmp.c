/* ICMP and ICMPv6: classification and the quoted segment. */
#include "net/icmp.h"

#include <string.h>

/* ICMPv4 (RFC 792) */
enum { V4_ECHO_REPLY = 0, V4_UNREACH = 3, V4_ECHO = 8 };
enum { V4_NET = 0, V4_HOST = 1, V4_PROTO = 2, V4_PORT = 3, V4_FRAG_NEEDED = 4 };
/* ICMPv6 (RFC 4443) */
enum { V6_UNREACH = 1, V6_TOO_BIG = 2, V6_PARAM = 4, V6_ECHO = 128, V6_ECHO_REPLY = 129 };
enum { V6_PORT = 4, V6_PARAM_NEXT_HEADER = 1 };

#define ICMP_HLEN 8

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The datagram an error quotes: ours, to the peer, TCP, with at least
 * the 8 bytes that hold the ports and the sequence number (all RFC 792
 * promises). */
static int quoted(const tcpn_ip *ip, tcpn_icmp_msg *m)
{
	tcpn_ip q;
	int r = tcpn_ip_parse_quoted(ip->payload + ICMP_HLEN, ip->len - ICMP_HLEN, &q);
	if ((r != TCPN_IP_OK && r != TCPN_IP_FRAGMENT) || q.family != ip->family || q.proto != TCPN_PROTO_TCP ||
	    q.len < 8)
		return TCPN_ICMP_BAD_QUOTE;
	memset(&m->tuple, 0, sizeof m->tuple);
	m->tuple.family = q.family;
	memcpy(m->tuple.local_addr, q.src, 16);
	memcpy(m->tuple.remote_addr, q.dst, 16);
	m->tuple.local_port = get16(q.payload);
	m->tuple.remote_port = get16(q.payload + 2);
	m->seq = get32(q.payload + 4);
	return 0;
}

/* RFC 1122 §4.2.3.9 and RFC 9293 MUST-56 / SHLD-26: net, host and the
 * administrative codes are soft (routing may recover); protocol and port
 * unreachable say nobody will ever answer, which is hard. */
static void unreach(tcpn_icmp_msg *m, bool hard)
{
	m->kind = TCPN_ICMP_UNREACH;
	m->hard = hard;
	m->err = hard ? TCPS_ERR_REFUSED : TCPS_ERR_UNREACHABLE;
}

static void classify_v4(const uint8_t *h, tcpn_icmp_msg *m)
{
	switch (m->type) {
	case V4_ECHO:
		m->kind = TCPN_ICMP_ECHO;
		break;
	case V4_UNREACH:
		if (m->code == V4_FRAG_NEEDED) {
			m->kind = TCPN_ICMP_TOO_BIG;
			m->mtu = get16(h + 6); /* RFC 1191 §4: next-hop MTU */
		} else {
			unreach(m, m->code == V4_PROTO || m->code == V4_PORT);
		}
		break;
	default:
		break;
	}
}

static void classify_v6(const uint8_t *h, tcpn_icmp_msg *m)
{
	switch (m->type) {
	case V6_ECHO:
		m->kind = TCPN_ICMP_ECHO;
		break;
	case V6_UNREACH:
		unreach(m, m->code == V6_PORT);
		break;
	case V6_TOO_BIG:
		m->kind = TCPN_ICMP_TOO_BIG;
		m->mtu = get32(h + 4);
		break;
	case V6_PARAM:
		/* "Unrecognized Next Header": IPv6's protocol unreachable. */
		if (m->code == V6_PARAM_NEXT_HEADER)
			unreach(m, true);
		break;
	default:
		break;
	}
}

int tcpn_icmp_parse(const tcpn_ip *ip, tcpn_icmp_msg *m)
{
	memset(m, 0, sizeof *m);
	if (ip->len < ICMP_HLEN)
		return TCPN_ICMP_SHORT;
	if (!tcpn_l4_csum_ok(ip))
		return TCPN_ICMP_BAD_CSUM;
	const uint8_t *h = ip->payload;
	m->type = h[0];
	m->code = h[1];
	if (ip->family == 4)
		classify_v4(h, m);
	else
		classify_v6(h, m);
	if (m->kind == TCPN_ICMP_UNREACH || m->kind == TCPN_ICMP_TOO_BIG) {
		int r = quoted(ip, m);
		if (r)
			return r;
	}
	return 0;
}

uint32_t tcpn_icmp_mss_for_mtu(uint8_t family, uint32_t mtu)
{
	uint32_t floor = family == 4 ? 68 : 1280;
	uint32_t hdr = family == 4 ? TCPN_IPV4_HLEN : TCPN_IPV6_HLEN;
	/* A router from before RFC 1191 says 0: assume 576, the datagram
	 * size every IPv4 host accepts, rather than the 68 floor. */
	if (family == 4 && mtu == 0)
		mtu = 576;
	if (mtu < floor)
		mtu = floor;
	return mtu - hdr - 20;
}

void tcpn_icmp_echo_reply(uint8_t family, const uint8_t *src, const uint8_t *dst, uint8_t *msg, uint32_t len)
{
	msg[0] = family == 4 ? V4_ECHO_REPLY : V6_ECHO_REPLY;
	msg[2] = msg[3] = 0;
	uint16_t c = family == 4 ? tcps_csum_fold(tcps_csum_add(0, msg, len))
				 : tcpn_l4_csum(6, src, dst, TCPN_PROTO_ICMPV6, msg, len);
	msg[2] = (uint8_t)(c >> 8);
	msg[3] = (uint8_t)c;
}
