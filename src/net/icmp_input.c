/* ICMP errors to the connection they are about; echo requests answered
 * (so `ping` can check the link before TCP is tried). */
#include "net/net_int.h"

#include <string.h>

#include "net/icmp.h"

static void echo(tcpn_stack *st, const tcpn_ip *ip)
{
	if (ip->len > st->tx_cap - TCPN_HEADROOM)
		return;
	uint8_t *msg = st->tx + TCPN_HEADROOM;
	memcpy(msg, ip->payload, ip->len);
	tcpn_icmp_echo_reply(ip->family, ip->dst, ip->src, msg, ip->len);
	tcpn_output_icmp(st, ip->family, ip->dst, ip->src, ip->len);
	st->stats.echo_replies++;
}

void tcpn_icmp_input(tcpn_stack *st, const tcpn_ip *ip, uint64_t now)
{
	tcpn_icmp_msg m;
	int r = tcpn_icmp_parse(ip, &m);
	if (r == TCPN_ICMP_BAD_QUOTE) {
		st->stats.icmp_ignored++;
		return;
	}
	if (r) {
		st->stats.bad_icmp++;
		return;
	}
	if (m.kind == TCPN_ICMP_ECHO) {
		echo(st, ip);
		return;
	}
	if (m.kind == TCPN_ICMP_OTHER) {
		st->stats.icmp_ignored++; /* router solicitations, MLD... */
		return;
	}
	tcpn_sock *s = tcpn_table_find(&st->table, &m.tuple);
	if (!s) {
		st->stats.icmp_ignored++;
		return;
	}
	st->stats.icmp_errors++;
	/* The engine checks that the quoted SEG.SEQ is in flight (RFC 5927
	 * §4.1) and decides what the error does to the connection. */
	if (m.kind == TCPN_ICMP_UNREACH)
		tcps_icmp_unreachable(s->conn, m.seq, m.hard, m.err, now);
	else
		tcps_icmp_mtu(s->conn, m.seq, tcpn_icmp_mss_for_mtu(ip->family, m.mtu), now);
	tcpn_sock_settle(s, now);
}
