/* Packets out: the engine has already copied a segment's payload to
 * tx + TCPN_HEADROOM; the TCP header is written in place in front of it,
 * then the IP header in front of that, and the packet goes to the device
 * in one write.  One copy of the payload in all.
 *
 * On a device with virtio_net_hdr, segments the engine sends back to back
 * (a window's worth of data) are gathered into one train: one header,
 * the payloads end to end, and a GSO request that tells the kernel the
 * segment size.  The kernel then takes up to 64 KB in one write, as from
 * a NIC with LRO, and cuts the train into segments only if it forwards
 * it; a write per segment was most of the sender's cost.  It also takes
 * the TCP checksum over (CHECKSUM_PARTIAL): locally delivered, nobody
 * needs it computed. */
#include "net/net_int.h"

#include <linux/virtio_net.h>
#include <string.h>
#include <unistd.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The virtio_net_hdr in front of pkt (which starts with an IP header of
 * iphlen bytes).  l4_hlen > 0 asks the kernel to finish the TCP checksum
 * and, when gso_size is not 0, to treat the payload as segments of that
 * size.  The fields are in the host's order (legacy virtio, no
 * TUNSETVNETLE). */
static void vnet_header(uint8_t *pkt, uint8_t family, size_t iphlen, size_t l4_hlen, uint16_t gso_size)
{
	struct virtio_net_hdr h;
	memset(&h, 0, sizeof h);
	if (l4_hlen) {
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.csum_start = (uint16_t)iphlen;
		h.csum_offset = 16; /* the TCP checksum field */
		h.hdr_len = (uint16_t)(iphlen + l4_hlen);
	}
	if (gso_size) {
		h.gso_type = family == 4 ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_TCPV6;
		h.gso_size = gso_size;
	}
	memcpy(pkt - TCPN_VNET_HLEN, &h, TCPN_VNET_HLEN);
}

/* Prepends the IP header (and the virtio_net_hdr) to l4[0..len) and
 * writes the packet.  l4_hlen and gso_size: as vnet_header(). */
static void transmit(tcpn_stack *st, uint8_t family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
		     uint8_t *l4, size_t len, size_t l4_hlen, uint16_t gso_size)
{
	uint8_t *pkt;
	size_t iphlen;
	if (family == 4) {
		iphlen = TCPN_IPV4_HLEN;
		pkt = l4 - iphlen;
		tcpn_ipv4_build(pkt, src, dst, proto, (uint16_t)len, st->ip_id);
		/* A GSO train uses the IDs of the segments it becomes. */
		st->ip_id = (uint16_t)(st->ip_id + (gso_size ? (len - l4_hlen + gso_size - 1) / gso_size : 1));
	} else {
		iphlen = TCPN_IPV6_HLEN;
		pkt = l4 - iphlen;
		tcpn_ipv6_build(pkt, src, dst, proto, (uint16_t)len);
	}
	len += iphlen;
	if (st->vnet) {
		vnet_header(pkt, family, iphlen, l4_hlen, gso_size);
		pkt -= TCPN_VNET_HLEN;
		len += TCPN_VNET_HLEN;
	}
	/* A TUN write takes the whole packet or fails (ENOBUFS when the
	 * kernel's backlog is full): a lost packet, which TCP repairs. */
	if (write(st->fd, pkt, len) == (ssize_t)len)
		st->stats.packets_out++;
	else
		st->stats.write_errors++;
}

/* Sends seg, whose payload is at tx + TCPN_HEADROOM or is moved there; a
 * payload longer than gso_size (not 0) is a train of segments that size. */
static void send_segment(tcpn_stack *st, const tcps_tuple *t, const tcps_segment *seg, uint16_t gso_size)
{
	uint8_t *payload = st->tx + TCPN_HEADROOM;
	size_t hlen = tcps_segment_header_len(seg);
	uint8_t *tcp = payload - hlen;
	size_t len = tcps_segment_emit(seg, tcp, st->tx_cap - (size_t)(tcp - st->tx));
	if (!len) {
		st->stats.write_errors++;
		return;
	}
	if (st->vnet) {
		/* CHECKSUM_PARTIAL: the field holds the pseudo-header's sum,
		 * not complemented, and the kernel adds the rest. */
		uint32_t sum = tcpn_pseudo_sum(t->family, t->local_addr, t->remote_addr, TCPN_PROTO_TCP, (uint32_t)len);
		put16(tcp + 16, (uint16_t)~tcps_csum_fold(sum));
	} else {
		put16(tcp + 16,
		      tcpn_l4_csum(t->family, t->local_addr, t->remote_addr, TCPN_PROTO_TCP, tcp, (uint32_t)len));
		hlen = 0;
	}
	if (gso_size >= seg->len)
		gso_size = 0;
	transmit(st, t->family, t->local_addr, t->remote_addr, TCPN_PROTO_TCP, tcp, len, hlen, gso_size);
	st->stats.segments_out += gso_size ? (seg->len + gso_size - 1) / gso_size : 1;
}

void tcpn_output_segment(tcpn_stack *st, const tcps_tuple *t, const tcps_segment *seg)
{
	send_segment(st, t, seg, 0);
}

/* A segment that can lead or join a train: plain data, the same header
 * as its neighbours but for the sequence number.  The kernel copies the
 * header into every segment it cuts, so SYN, FIN, RST, URG and SACK
 * blocks (which differ segment to segment) never ride in one. */
static bool trainable(const tcps_segment *s)
{
	return s->len && (s->flags & ~TCPS_PSH) == TCPS_ACK && !(s->options & TCPS_OPT_SACK);
}

static bool joins(const tcps_segment *head, uint32_t len, uint32_t last, const tcps_segment *s)
{
	return trainable(s) && last == head->len && s->len <= head->len && s->seq == head->seq + len &&
	       s->ack == head->ack && s->wnd == head->wnd && s->options == head->options &&
	       s->tsval == head->tsval && s->tsecr == head->tsecr;
}

/* Sends the train head leads, len bytes of payload at base. */
static void send_train(tcpn_stack *st, const tcps_tuple *t, const tcps_segment *head, uint32_t len)
{
	tcps_segment train = *head;
	train.len = len;
	send_segment(st, t, &train, (uint16_t)head->len);
}

void tcpn_output_conn(tcpn_sock *s, uint64_t now)
{
	tcpn_stack *st = s->st;
	uint8_t *base = st->tx + TCPN_HEADROOM;
	size_t cap = st->tx_cap - TCPN_HEADROOM;
	tcps_segment head, seg;
	uint32_t len = 0, last = 0; /* the train so far: base[0..len), its last segment's size */
	for (int i = 0; i < TCPN_TX_BURST; i++) {
		if (len && cap - len < head.len) {
			send_train(st, &s->tuple, &head, len);
			len = 0;
		}
		if (tcps_output(s->conn, &seg, base + len, cap - len, now) <= 0)
			break;
		if (len && joins(&head, len, last, &seg)) {
			head.flags |= seg.flags; /* PSH from the last segment */
			len += seg.len;
			last = seg.len;
			continue;
		}
		if (len) {
			send_train(st, &s->tuple, &head, len);
			len = 0;
		}
		if (st->vnet && trainable(&seg)) {
			memmove(base, seg.data, seg.len);
			head = seg;
			head.data = base;
			len = last = seg.len;
		} else {
			send_segment(st, &s->tuple, &seg, 0);
		}
	}
	if (len)
		send_train(st, &s->tuple, &head, len);
}

void tcpn_output_icmp(tcpn_stack *st, uint8_t family, const uint8_t *src, const uint8_t *dst, size_t len)
{
	transmit(st, family, src, dst, family == 4 ? TCPN_PROTO_ICMP : TCPN_PROTO_ICMPV6, st->tx + TCPN_HEADROOM,
		 len, 0, 0);
}
