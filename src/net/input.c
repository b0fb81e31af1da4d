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
		tcps_segment_arrives(s->conn, &seg, now);
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

void tcpn_input(tcpn_stack *st, const uint8_t *pkt, size_t len, uint64_t now)
{
	tcpn_ip ip;
	st->stats.packets_in++;
	switch (tcpn_ip_parse(pkt, len, &ip)) {
	case TCPN_IP_OK:
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
