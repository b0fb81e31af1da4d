/* GSO trains (src/net/output.c, input.c): a stack whose fd carries
 * virtio_net_hdr (as a TUN device opened with IFF_VNET_HDR) sends
 * back-to-back segments as one packet with a GSO request and leaves the
 * TCP checksum to the kernel; and takes the kernel's trains as the
 * segments they stand for.  Here the test plays the kernel between it and
 * a plain stack: one way it checks each packet's virtio_net_hdr, finishes
 * the checksum and cuts every train into segments as the kernel's GSO
 * would, for the plain stack to check every checksum (RFC 9293 §3.1) and
 * the data; the other way it gathers the plain stack's back-to-back
 * segments into trains as GRO would. */
#include <linux/virtio_net.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "net_app.h"

#define BYTES (1u << 20)
#define VNET ((size_t)sizeof(struct virtio_net_hdr))

typedef struct relay {
	int a, b;              /* our ends: a faces the GSO stack, b the plain one */
	bool gro;              /* gather b's segments into trains for a */
	unsigned gathered;     /* trains made so */
	unsigned trains;       /* packets with a GSO request */
	unsigned train_segments;
	unsigned longest;      /* segments in the longest train */
	unsigned bad;          /* packets the kernel would have refused */
	uint16_t gso_size;     /* the last train's */
} relay;

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The TCP checksum of tcp[0..len) in the IPv4 packet ip, the checksum
 * field counted as it stands. */
static uint16_t tcp_sum(const uint8_t *ip, const uint8_t *tcp, size_t len)
{
	uint8_t pseudo[12] = { 0 };
	memcpy(pseudo, ip + 12, 8);
	pseudo[9] = 6;
	put16(pseudo + 10, (uint16_t)len);
	return tcps_csum_fold(tcps_csum_add(tcps_csum_add(0, pseudo, sizeof pseudo), tcp, len));
}

/* Sends to the plain stack one segment: the train's headers with seq
 * moved by off, and payload[off..off+n), checksums made afresh. */
static void send_cut(relay *r, const uint8_t *ip, size_t hlen, const uint8_t *payload, uint32_t off, uint32_t n,
		     bool last)
{
	uint8_t seg[2048];
	size_t thlen = hlen - 20;
	assert_true(hlen + n <= sizeof seg);
	memcpy(seg, ip, hlen);
	memcpy(seg + hlen, payload + off, n);
	put16(seg + 2, (uint16_t)(hlen + n));
	put16(seg + 10, 0);
	put16(seg + 10, tcps_csum_fold(tcps_csum_add(0, seg, 20)));
	uint8_t *tcp = seg + 20;
	uint32_t seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
	put32(tcp + 4, seq + off);
	if (!last)
		tcp[13] &= (uint8_t)~TCPS_PSH; /* as tcp_gso_segment does */
	put16(tcp + 16, 0);
	put16(tcp + 16, tcp_sum(seg, tcp, thlen + n));
	assert_int_equal(write(r->b, seg, hlen + n), (ssize_t)(hlen + n));
}

/* One packet from the GSO stack, as the kernel would take it. */
static void to_plain(relay *r, uint8_t *pkt, size_t n)
{
	struct virtio_net_hdr h;
	assert_true(n >= VNET + 20);
	memcpy(&h, pkt, VNET);
	uint8_t *ip = pkt + VNET;
	size_t iplen = n - VNET;
	assert_int_equal(get16(ip + 2), iplen);
	if (ip[9] != 6) { /* not TCP: no offload asked */
		assert_int_equal(h.flags, 0);
		assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		assert_int_equal(write(r->b, ip, iplen), (ssize_t)iplen);
		return;
	}
	uint8_t *tcp = ip + 20;
	size_t thlen = (size_t)(tcp[12] >> 4) * 4, hlen = 20 + thlen;
	/* CHECKSUM_PARTIAL: from csum_start on, the kernel sums and stores
	 * the result at csum_start + csum_offset. */
	if (h.flags != VIRTIO_NET_HDR_F_NEEDS_CSUM || h.csum_start != 20 || h.csum_offset != 16 || h.hdr_len != hlen) {
		r->bad++;
		return;
	}
	uint16_t done = tcps_csum_fold(tcps_csum_add(0, tcp, iplen - 20));
	put16(tcp + 16, 0);
	if (done != tcp_sum(ip, tcp, iplen - 20)) { /* the field held no pseudo-header sum */
		r->bad++;
		return;
	}
	put16(tcp + 16, done);
	uint32_t len = (uint32_t)(iplen - hlen);
	if (h.gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		assert_int_equal(write(r->b, ip, iplen), (ssize_t)iplen);
		return;
	}
	/* A train: plain data cut into gso_size pieces. */
	if (h.gso_type != VIRTIO_NET_HDR_GSO_TCPV4 || !h.gso_size || len <= h.gso_size ||
	    (tcp[13] & (TCPS_SYN | TCPS_FIN | TCPS_RST | TCPS_URG))) {
		r->bad++;
		return;
	}
	unsigned k = 0;
	for (uint32_t off = 0; off < len; off += h.gso_size, k++) {
		uint32_t piece = len - off < h.gso_size ? len - off : h.gso_size;
		send_cut(r, ip, hlen, tcp + thlen, off, piece, off + piece == len);
	}
	r->trains++;
	r->train_segments += k;
	r->gso_size = h.gso_size;
	if (k > r->longest)
		r->longest = k;
}

/* The plain stack's packets waiting to be gathered. */
#define BATCH 256
static uint8_t batch[BATCH][2048];
static size_t batch_len[BATCH];

static size_t tcp_hlen(const uint8_t *ip)
{
	return (size_t)(ip[20 + 12] >> 4) * 4;
}

/* Whether packet q continues the train p[..] of `len` payload bytes in
 * `gso` pieces, the last `last` bytes: plain data whose header matches
 * but for seq and checksum, as GRO requires. */
static bool gathers(const uint8_t *p, uint32_t len, uint32_t last, uint32_t gso, const uint8_t *q, size_t qn)
{
	size_t h = 20 + tcp_hlen(p);
	if (qn <= h || tcp_hlen(q) != tcp_hlen(p) || last != gso || qn - h > gso || len + (qn - h) > 60000)
		return false;
	uint32_t seq = (uint32_t)p[24] << 24 | (uint32_t)p[25] << 16 | (uint32_t)p[26] << 8 | p[27];
	uint32_t qseq = (uint32_t)q[24] << 24 | (uint32_t)q[25] << 16 | (uint32_t)q[26] << 8 | q[27];
	return qseq == seq + len && !memcmp(p + 20, q + 20, 4) && !memcmp(p + 28, q + 28, 8) &&
	       !memcmp(p + 40, q + 40, h - 40) && (q[33] & ~TCPS_PSH) == TCPS_ACK;
}

/* Sends batch[i..j) to the GSO stack as one packet (a train when j > i+1):
 * DATA_VALID, so its checksum field (zeroed in a train) is not read. */
static void send_gathered(relay *r, size_t i, size_t j)
{
	static uint8_t out[VNET + 65536];
	struct virtio_net_hdr h;
	memset(&h, 0, sizeof h);
	size_t hl = 20 + tcp_hlen(batch[i]), n = batch_len[i];
	memcpy(out + VNET, batch[i], n);
	if (j > i + 1) {
		for (size_t k = i + 1; k < j; k++) {
			memcpy(out + VNET + n, batch[k] + hl, batch_len[k] - hl);
			n += batch_len[k] - hl;
		}
		uint8_t *ip = out + VNET;
		ip[33] |= batch[j - 1][33] & TCPS_PSH;
		put16(ip + 2, (uint16_t)n);
		put16(ip + 10, 0);
		put16(ip + 10, tcps_csum_fold(tcps_csum_add(0, ip, 20)));
		put16(ip + 36, 0);
		h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
		h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		h.gso_size = (uint16_t)(batch_len[i] - hl);
		h.hdr_len = (uint16_t)hl;
		r->gathered++;
	}
	memcpy(out, &h, VNET);
	assert_int_equal(write(r->a, out, n + VNET), (ssize_t)(n + VNET));
}

static void to_gso(relay *r, size_t count)
{
	for (size_t i = 0, j; i < count; i = j) {
		const uint8_t *p = batch[i];
		size_t hl = 20 + (p[9] == 6 ? tcp_hlen(p) : 0);
		j = i + 1;
		if (r->gro && p[9] == 6 && batch_len[i] > hl && (p[33] & ~TCPS_PSH) == TCPS_ACK) {
			uint32_t gso = (uint32_t)(batch_len[i] - hl), len = gso, last = gso;
			while (j < count && gathers(p, len, last, gso, batch[j], batch_len[j])) {
				last = (uint32_t)(batch_len[j] - hl);
				len += last;
				j++;
			}
		}
		send_gathered(r, i, j);
	}
}

static bool carry(void *arg)
{
	relay *r = arg;
	static uint8_t pkt[VNET + 65536];
	bool moved = false;
	for (int i = 0; i < BATCH; i++) {
		ssize_t n = read(r->a, pkt, sizeof pkt);
		if (n <= 0)
			break;
		to_plain(r, pkt, (size_t)n);
		moved = true;
	}
	size_t count = 0;
	for (; count < BATCH; count++) {
		ssize_t n = read(r->b, batch[count], sizeof batch[count]);
		if (n <= 0)
			break;
		batch_len[count] = (size_t)n;
	}
	to_gso(r, count);
	return moved || count;
}

static void pair(int fds[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds), 0);
	int big = 8 << 20;
	setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
}

/* 1 MiB each way between a GSO client and a plain server, both closing;
 * gro: the server's segments reach the client gathered into trains. */
static void transfer(relay *r)
{
	int fa[2], fb[2];
	pair(fa);
	pair(fb);
	r->a = fa[1];
	r->b = fb[1];
	tcpn_stack *client = tcpt_net_stack(fa[0], "198.18.0.2", true);
	tcpn_stack *server = tcpt_net_stack(fb[0], "198.18.0.1", false);
	int err;
	tcpn_sock *l = tcpn_listen(server, 9000, 8, &err);
	assert_non_null(l);
	tcpn_addr to;
	tcpn_addr_parse("198.18.0.1", &to);
	tcpt_app c = { .bytes = BYTES, .salt_out = 3, .salt_in = 4 };
	tcpt_app s = { .bytes = BYTES, .salt_out = 4, .salt_in = 3 };
	c.s = tcpn_connect(client, &to, 9000, &err);
	assert_non_null(c.s);
	tcpt_net_run(client, server, l, &c, &s, 100000, carry, r);

	assert_true(tcpt_app_over(&c));
	assert_true(tcpt_app_over(&s));
	assert_int_equal(c.rcvd, BYTES);
	assert_int_equal(s.rcvd, BYTES);
	assert_int_equal(r->bad, 0);
	assert_int_equal(tcpn_stack_stats(server)->bad_tcp_csum, 0);
	assert_int_equal(tcpn_stack_stats(client)->bad_tcp_csum, 0);
	assert_int_equal(tcpn_stack_stats(client)->write_errors, 0);
	assert_int_equal(tcpn_stack_stats(client)->trains_in, r->gathered);
	const tcpn_stats *st = tcpn_stack_stats(client);
	print_message("%u trains sent, %u segments in them, the longest %u; %lu packets for %lu segments; "
		      "%u trains received\n",
		      r->trains, r->train_segments, r->longest, (unsigned long)st->packets_out,
		      (unsigned long)st->segments_out, r->gathered);
	tcpn_close(c.s);
	tcpn_close(s.s);
	tcpn_close(l);
	tcpn_stack_free(client);
	tcpn_stack_free(server);
	for (int i = 0; i < 2; i++) {
		close(fa[i]);
		close(fb[i]);
	}
}

static void test_gso_trains_are_back_to_back_segments_of_the_mss(void **state)
{
	(void)state;
	relay r = { .gro = false };
	transfer(&r);
	/* The window allows many segments at once: they went as trains of
	 * the MSS in use (1460 less 12 bytes of timestamps). */
	assert_true(r.trains > 0);
	assert_int_equal(r.gso_size, 1448);
	assert_true(r.longest >= 8);
}

/* Trains the kernel writes (TUNSETOFFLOAD) are taken whole, the
 * checksum the kernel vouched for not read again. */
static void test_gso_trains_received_arrive_as_their_segments(void **state)
{
	(void)state;
	relay r = { .gro = true };
	transfer(&r);
	assert_true(r.gathered > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gso_trains_are_back_to_back_segments_of_the_mss),
		cmocka_unit_test(test_gso_trains_received_arrive_as_their_segments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
