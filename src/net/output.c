/* Packets out: the engine has already copied a segment's payload to
 * tx + TCPN_HEADROOM; the TCP header is written in place in front of it,
 * then the IP header in front of that, and the packet goes to the device
 * in one write.  One copy of the payload in all. */
#include "net/net_int.h"

#include <unistd.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Prepends the IP header to l4[0..len) and writes the packet. */
static void transmit(tcpn_stack *st, uint8_t family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
		     uint8_t *l4, size_t len)
{
	uint8_t *pkt;
	if (family == 4) {
		pkt = l4 - TCPN_IPV4_HLEN;
		tcpn_ipv4_build(pkt, src, dst, proto, (uint16_t)len, st->ip_id++);
		len += TCPN_IPV4_HLEN;
	} else {
		pkt = l4 - TCPN_IPV6_HLEN;
		tcpn_ipv6_build(pkt, src, dst, proto, (uint16_t)len);
		len += TCPN_IPV6_HLEN;
	}
	/* A TUN write takes the whole packet or fails (ENOBUFS when the
	 * kernel's backlog is full): a lost packet, which TCP repairs. */
	if (write(st->fd, pkt, len) == (ssize_t)len)
		st->stats.packets_out++;
	else
		st->stats.write_errors++;
}

void tcpn_output_segment(tcpn_stack *st, const tcps_tuple *t, const tcps_segment *seg)
{
	uint8_t *payload = st->tx + TCPN_HEADROOM;
	size_t hlen = tcps_segment_header_len(seg);
	uint8_t *tcp = payload - hlen;
	size_t len = tcps_segment_emit(seg, tcp, st->tx_cap - (size_t)(tcp - st->tx));
	if (!len) {
		st->stats.write_errors++;
		return;
	}
	put16(tcp + 16, tcpn_l4_csum(t->family, t->local_addr, t->remote_addr, TCPN_PROTO_TCP, tcp, (uint32_t)len));
	transmit(st, t->family, t->local_addr, t->remote_addr, TCPN_PROTO_TCP, tcp, len);
}

void tcpn_output_icmp(tcpn_stack *st, uint8_t family, const uint8_t *src, const uint8_t *dst, size_t len)
{
	transmit(st, family, src, dst, family == 4 ? TCPN_PROTO_ICMP : TCPN_PROTO_ICMPV6, st->tx + TCPN_HEADROOM,
		 len);
}
