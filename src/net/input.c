/* Packets in: IP, then TCP to its connection by 4-tuple, or to a
 * listener, or a RST for no connection; ICMP to icmp_input.c. */
#include "net/net_int.h"

#include <string.h>

void tcpn_reply_rst(tcpn_stack *st, const tcps_tuple *t, const tcps_segment *in)
{
	tcps_segment rst;
	if (!tcps_reset_for(in, &rst))
		return; /* never a RST for a RST */
	tcpn_output_segment(st, t, &rst);
	st->stats.rst_sent++;
}

/* A train the kernel wrote in one packet arrives as the segments it
 * stands for, cut as the kernel's GSO would cut it (FIN and PSH on the
 * last, CWR on the first): the engine's ACK clock and its estimate of
 * the peer's segment size (every second full-sized segment is ACKed) see
 * what the wire would have carried.  No copy: each piece points into the
 * packet. */
static void arrives(tcpn_stack *st, tcps_conn *c, const tcps_segment *seg, uint16_t gso_size, uint64_t now)
{
	if (!gso_size || seg->len <= gso_size) {
		tcps_segment_arrives(c, seg, now);
		return;
	}
	st->stats.trains_in++;
	tcps_segment piece = *seg;
	for (uint32_t off = 0; off < seg->len; off += piece.len) {
		piece.seq = seg->seq + off;
		piece.data = seg->data + off;
		piece.len = seg->len - off < gso_size ? seg->len - off : gso_size;
		piece.flags = seg->flags;
		if (off + piece.len < seg->len)
			piece.flags &= (uint8_t)~(TCPS_FIN | TCPS_PSH);
		if (off)
			piece.flags &= (uint8_t)~TCPS_CWR;
		tcps_segment_arrives(c, &piece, now);
	}
}

static void tcp_input(tcpn_stack *st, const tcpn_ip *ip, uint64_t now)
{
	if (!tcpn_l4_csum_ok(ip)) {
		st->stats.bad_tcp_csum++;
		return;
	}
	tcps_segment seg;
	if (tcps_segment_parse(ip->payload, ip->len, &seg) != TCPS_PARSE_OK || !seg.sport || !seg.dport) {
		st->stats.bad_tcp++;
		return;
	}
	tcps_tuple t;
	memset(&t, 0, sizeof t);
	t.family = ip->family;
	memcpy(t.local_addr, ip->dst, 16);
	memcpy(t.remote_addr, ip->src, 16);
	t.local_port = seg.dport;
	t.remote_port = seg.sport;

	tcpn_sock *s = tcpn_table_find(&st->table, &t);
	if (s) {
		arrives(st, s->conn, &seg, ip->gso_size, now);
		tcpn_sock_settle(s, now);
		return;
	}
	tcpn_sock *l = tcpn_listener_find(st, seg.dport);
	if (l) {
		tcpn_listener_input(l, &t, &seg, now);
		return;
	}
	tcpn_reply_rst(st, &t, &seg);
}

void tcpn_input(tcpn_stack *st, const uint8_t *pkt, size_t len, const tcpn_offload *off, uint64_t now)
{
	tcpn_ip ip;
	st->stats.packets_in++;
	switch (tcpn_ip_parse(pkt, len, &ip)) {
	case TCPN_IP_OK:
		ip.csum_trusted = off->csum_trusted;
		ip.gso_size = ip.proto == TCPN_PROTO_TCP ? off->gso_size : 0;
		break;
	case TCPN_IP_FRAGMENT:
		st->stats.fragments++;
		return;
	case TCPN_IP_BAD_CSUM:
		st->stats.bad_ip_csum++;
		return;
	case TCPN_IP_NO_NEXT:
		st->stats.other_proto++;
		return;
	default:
		st->stats.bad_ip++;
		return;
	}
	const tcpn_addr *local = tcpn_stack_local(st, ip.family);
	if (!local || memcmp(ip.dst, local->bytes, tcpn_alen(ip.family))) {
		st->stats.not_ours++;
		return;
	}
	if (ip.proto == TCPN_PROTO_TCP)
		tcp_input(st, &ip, now);
	else if (ip.proto == (ip.family == 4 ? TCPN_PROTO_ICMP : TCPN_PROTO_ICMPV6))
		tcpn_icmp_input(st, &ip, now);
	else
		st->stats.other_proto++;
}
