/* The network layer's wire formats: IPv4 (RFC 791) and IPv6 (RFC 8200)
 * headers built and parsed back, checksums against values worked out by
 * hand (RFC 1071, the pseudo-headers of RFC 9293 §3.1 and RFC 8200
 * §8.1), fragments refused, and ICMP/ICMPv6 errors read down to the
 * quoted TCP segment (RFC 792, RFC 1191, RFC 4443, RFC 9293 §3.9.2.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/icmp.h"
#include "net/ip.h"
#include "support.h"
#include "tcpstate/net.h"

static const uint8_t v4_a[4] = { 198, 18, 0, 2 }, v4_b[4] = { 198, 18, 0, 1 };
static uint8_t v6_a[16], v6_b[16];

static int setup(void **state)
{
	(void)state;
	tcpn_addr a;
	tcpn_addr_parse("2001:2::2", &a);
	memcpy(v6_a, a.bytes, 16);
	tcpn_addr_parse("2001:2::1", &a);
	memcpy(v6_b, a.bytes, 16);
	return 0;
}

/* Parses pkt[0..len) from an exact-size heap copy, so ASan sees any read
 * past the end. */
static int parse_exact(const uint8_t *pkt, size_t len, tcpn_ip *ip, uint8_t **keep)
{
	*keep = tcpt_dup_exact(pkt, len);
	return tcpn_ip_parse(*keep, len, ip);
}

/* ---- IPv4 ---- */

/* The header every explanation of the IPv4 checksum uses: 192.168.0.1 to
 * 192.168.0.199, UDP, total length 0x73, DF, TTL 64 -> checksum 0xb861. */
static void test_ipv4_header_checksum_by_hand(void **state)
{
	(void)state;
	uint8_t h[20];
	const uint8_t src[4] = { 192, 168, 0, 1 }, dst[4] = { 192, 168, 0, 199 };
	assert_int_equal(tcpn_ipv4_build(h, src, dst, 17, 0x73 - 20, 0), 20);
	const uint8_t want[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
				   0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	assert_memory_equal(h, want, 20);
}

static void test_ipv4_round_trip(void **state)
{
	(void)state;
	uint8_t pkt[64] = { 0 };
	tcpn_ipv4_build(pkt, v4_a, v4_b, TCPN_PROTO_TCP, 24, 7);
	memset(pkt + 20, 0xab, 24);
	tcpn_ip ip;
	uint8_t *copy;
	assert_int_equal(parse_exact(pkt, 44, &ip, &copy), TCPN_IP_OK);
	assert_int_equal(ip.family, 4);
	assert_int_equal(ip.proto, TCPN_PROTO_TCP);
	assert_int_equal(ip.ttl, 64);
	assert_memory_equal(ip.src, v4_a, 4);
	assert_memory_equal(ip.dst, v4_b, 4);
	assert_int_equal(ip.len, 24);
	assert_ptr_equal(ip.payload, copy + 20);
	/* DF set, no fragment offset: we never fragment (RFC 1191). */
	assert_int_equal(pkt[6], 0x40);
	free(copy);
}

static void test_ipv4_padding_past_total_length_ignored(void **state)
{
	(void)state;
	uint8_t pkt[60] = { 0 };
	tcpn_ipv4_build(pkt, v4_a, v4_b, TCPN_PROTO_TCP, 20, 1);
	tcpn_ip ip;
	uint8_t *copy;
	assert_int_equal(parse_exact(pkt, 60, &ip, &copy), TCPN_IP_OK);
	assert_int_equal(ip.len, 20);
	free(copy);
}

static void test_ipv4_refused(void **state)
{
	(void)state;
	uint8_t pkt[40] = { 0 }, bad[40];
	tcpn_ipv4_build(pkt, v4_a, v4_b, TCPN_PROTO_TCP, 20, 1);
	tcpn_ip ip;
	uint8_t *copy;

	memcpy(bad, pkt, 40);
	bad[15] ^= 1; /* a source address bit: header checksum now wrong */
	assert_int_equal(parse_exact(bad, 40, &ip, &copy), TCPN_IP_BAD_CSUM);
	free(copy);

	assert_int_equal(parse_exact(pkt, 39, &ip, &copy), TCPN_IP_SHORT); /* total length says 40 */
	free(copy);
	assert_int_equal(parse_exact(pkt, 19, &ip, &copy), TCPN_IP_SHORT);
	free(copy);

	memcpy(bad, pkt, 40);
	bad[0] = 0x44; /* IHL 4 */
	assert_int_equal(parse_exact(bad, 40, &ip, &copy), TCPN_IP_BAD_HEADER);
	free(copy);

	memcpy(bad, pkt, 40);
	bad[0] = 0x55;
	assert_int_equal(parse_exact(bad, 40, &ip, &copy), TCPN_IP_VERSION);
	free(copy);
}

static void refix_v4_csum(uint8_t *h)
{
	h[10] = h[11] = 0;
	uint16_t c = tcps_csum_fold(tcps_csum_add(0, h, 20));
	h[10] = (uint8_t)(c >> 8);
	h[11] = (uint8_t)c;
}

/* Fragments are refused (and the stack counts them): MF set, or an
 * offset, either one. */
static void test_ipv4_fragments_refused(void **state)
{
	(void)state;
	uint8_t pkt[40] = { 0 };
	tcpn_ip ip;
	uint8_t *copy;
	tcpn_ipv4_build(pkt, v4_a, v4_b, TCPN_PROTO_TCP, 20, 1);
	pkt[6] = 0x20; /* MF, offset 0: the first piece */
	pkt[7] = 0;
	refix_v4_csum(pkt);
	assert_int_equal(parse_exact(pkt, 40, &ip, &copy), TCPN_IP_FRAGMENT);
	free(copy);
	pkt[6] = 0x00; /* last piece: offset 185 * 8 */
	pkt[7] = 185;
	refix_v4_csum(pkt);
	assert_int_equal(parse_exact(pkt, 40, &ip, &copy), TCPN_IP_FRAGMENT);
	free(copy);
}

/* ---- IPv6 ---- */

static void test_ipv6_round_trip(void **state)
{
	(void)state;
	uint8_t pkt[80] = { 0 };
	assert_int_equal(tcpn_ipv6_build(pkt, v6_a, v6_b, TCPN_PROTO_TCP, 32), 40);
	assert_int_equal(pkt[0], 0x60);
	assert_int_equal(pkt[4] << 8 | pkt[5], 32);
	tcpn_ip ip;
	uint8_t *copy;
	assert_int_equal(parse_exact(pkt, 72, &ip, &copy), TCPN_IP_OK);
	assert_int_equal(ip.family, 6);
	assert_int_equal(ip.proto, TCPN_PROTO_TCP);
	assert_int_equal(ip.ttl, 64);
	assert_memory_equal(ip.src, v6_a, 16);
	assert_memory_equal(ip.dst, v6_b, 16);
	assert_int_equal(ip.len, 32);
	free(copy);
}

/* Hop-by-hop and destination options are walked over to the TCP header;
 * a Fragment header, No Next Header and a chain running off the end are
 * refused. */
static void test_ipv6_extension_headers(void **state)
{
	(void)state;
	uint8_t pkt[128] = { 0 };
	tcpn_ip ip;
	uint8_t *copy;
	tcpn_ipv6_build(pkt, v6_a, v6_b, 0 /* hop-by-hop */, 16 + 20);
	pkt[40] = 60; /* next: destination options */
	pkt[41] = 0;  /* 8 bytes */
	pkt[48] = TCPN_PROTO_TCP;
	pkt[49] = 0;
	assert_int_equal(parse_exact(pkt, 40 + 36, &ip, &copy), TCPN_IP_OK);
	assert_int_equal(ip.proto, TCPN_PROTO_TCP);
	assert_ptr_equal(ip.payload, copy + 56);
	assert_int_equal(ip.len, 20);
	free(copy);

	pkt[48] = 44; /* Fragment */
	assert_int_equal(parse_exact(pkt, 40 + 36, &ip, &copy), TCPN_IP_FRAGMENT);
	free(copy);
	pkt[48] = 59; /* No Next Header */
	assert_int_equal(parse_exact(pkt, 40 + 36, &ip, &copy), TCPN_IP_NO_NEXT);
	free(copy);
	pkt[49] = 10; /* destination options claiming 88 bytes */
	pkt[48] = TCPN_PROTO_TCP;
	assert_int_equal(parse_exact(pkt, 40 + 36, &ip, &copy), TCPN_IP_BAD_HEADER);
	free(copy);
	assert_int_equal(parse_exact(pkt, 40 + 35, &ip, &copy), TCPN_IP_SHORT);
	free(copy);
}

/* ---- Pseudo-header checksums, by hand ----
 *
 * A 20-byte SYN, port 1 to port 2, seq 0, window 0x1000:
 *   TCP words   0001 0002 0000 0000 0000 0000 5002 1000 0000 0000 -> 0x6005
 *   IPv4 pseudo 0a00 0001 0a00 0002 0006 0014                      -> 0x141d
 *   sum 0x7422, complement 0x8bdd
 *   IPv6 pseudo ::1, ::2, length 0000 0014, next header 0006       -> 0x001d
 *   sum 0x6022, complement 0x9fdd */
static const uint8_t syn_1_2[20] = { 0x00, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x02, 0x10, 0x00, 0, 0, 0, 0 };

static void test_tcp_checksum_ipv4_by_hand(void **state)
{
	(void)state;
	const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };
	assert_int_equal(tcpn_l4_csum(4, src, dst, TCPN_PROTO_TCP, syn_1_2, 20), 0x8bdd);
}

static void test_tcp_checksum_ipv6_by_hand(void **state)
{
	(void)state;
	uint8_t src[16] = { 0 }, dst[16] = { 0 };
	src[15] = 1;
	dst[15] = 2;
	assert_int_equal(tcpn_l4_csum(6, src, dst, TCPN_PROTO_TCP, syn_1_2, 20), 0x9fdd);
}

/* What the sender stores makes the receiver's sum come out right, odd
 * payload lengths included (the last byte is padded, RFC 1071). */
static void test_tcp_checksum_verifies_odd_length(void **state)
{
	(void)state;
	for (int family = 4; family <= 6; family += 2) {
		uint8_t pkt[100] = { 0 };
		const uint8_t *src = family == 4 ? v4_a : v6_a, *dst = family == 4 ? v4_b : v6_b;
		size_t hl = family == 4 ? 20 : 40;
		uint8_t *tcp = pkt + hl;
		memcpy(tcp, syn_1_2, 20);
		memcpy(tcp + 20, "odd", 3);
		uint16_t c = tcpn_l4_csum((uint8_t)family, src, dst, TCPN_PROTO_TCP, tcp, 23);
		tcp[16] = (uint8_t)(c >> 8);
		tcp[17] = (uint8_t)c;
		if (family == 4)
			tcpn_ipv4_build(pkt, src, dst, TCPN_PROTO_TCP, 23, 1);
		else
			tcpn_ipv6_build(pkt, src, dst, TCPN_PROTO_TCP, 23);
		tcpn_ip ip;
		uint8_t *copy;
		assert_int_equal(parse_exact(pkt, hl + 23, &ip, &copy), TCPN_IP_OK);
		assert_true(tcpn_l4_csum_ok(&ip));
		copy[hl + 22] ^= 0x10;
		assert_false(tcpn_l4_csum_ok(&ip));
		free(copy);
	}
}

/* ---- ICMP ---- */

/* An ICMP(v6) error from the kernel (src b, to a) quoting our segment
 * a:40000 -> b:9000 with SEG.SEQ 0x01020304, cut to `tcp_bytes` of TCP
 * header.  Returns the packet's length. */
static size_t icmp_error(uint8_t *pkt, int family, uint8_t type, uint8_t code, uint32_t word, size_t tcp_bytes,
			 uint8_t quoted_proto)
{
	size_t hl = family == 4 ? 20 : 40;
	uint8_t *icmp = pkt + hl, *q = icmp + 8;
	memset(pkt, 0, 200);
	icmp[0] = type;
	icmp[1] = code;
	icmp[4] = (uint8_t)(word >> 24);
	icmp[5] = (uint8_t)(word >> 16);
	icmp[6] = (uint8_t)(word >> 8);
	icmp[7] = (uint8_t)word;
	/* The quoted datagram says it was 1400 bytes: only its start came back. */
	if (family == 4)
		tcpn_ipv4_build(q, v4_a, v4_b, quoted_proto, 1380, 9);
	else
		tcpn_ipv6_build(q, v6_a, v6_b, quoted_proto, 1360);
	const uint8_t tcp[8] = { 0x9c, 0x40, 0x23, 0x28, 0x01, 0x02, 0x03, 0x04 };
	memcpy(q + hl, tcp, tcp_bytes < 8 ? tcp_bytes : 8);
	size_t len = 8 + hl + tcp_bytes;
	uint16_t c = family == 4 ? tcps_csum_fold(tcps_csum_add(0, icmp, len))
				 : tcpn_l4_csum(6, v6_b, v6_a, TCPN_PROTO_ICMPV6, icmp, (uint32_t)len);
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	if (family == 4)
		tcpn_ipv4_build(pkt, v4_b, v4_a, TCPN_PROTO_ICMP, (uint16_t)len, 3);
	else
		tcpn_ipv6_build(pkt, v6_b, v6_a, TCPN_PROTO_ICMPV6, (uint16_t)len);
	return hl + len;
}

static int parse_icmp(const uint8_t *pkt, size_t len, tcpn_icmp_msg *m)
{
	tcpn_ip ip;
	uint8_t *copy;
	assert_int_equal(parse_exact(pkt, len, &ip, &copy), TCPN_IP_OK);
	int r = tcpn_icmp_parse(&ip, m);
	free(copy);
	return r;
}

static void expect_quote(const tcpn_icmp_msg *m, int family)
{
	assert_int_equal(m->tuple.family, family);
	assert_memory_equal(m->tuple.local_addr, family == 4 ? v4_a : v6_a, family == 4 ? 4 : 16);
	assert_memory_equal(m->tuple.remote_addr, family == 4 ? v4_b : v6_b, family == 4 ? 4 : 16);
	assert_int_equal(m->tuple.local_port, 40000);
	assert_int_equal(m->tuple.remote_port, 9000);
	assert_int_equal(m->seq, 0x01020304);
}

/* RFC 9293 MUST-56: host unreachable is soft; SHLD-26: port and protocol
 * unreachable are hard. */
static void test_icmp_unreachable_soft_and_hard(void **state)
{
	(void)state;
	uint8_t pkt[200];
	tcpn_icmp_msg m;
	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 4, 3, 1, 0, 8, TCPN_PROTO_TCP), &m), 0);
	assert_int_equal(m.kind, TCPN_ICMP_UNREACH);
	assert_false(m.hard);
	assert_int_equal(m.err, TCPS_ERR_UNREACHABLE);
	expect_quote(&m, 4);

	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 4, 3, 3, 0, 8, TCPN_PROTO_TCP), &m), 0);
	assert_true(m.hard);
	assert_int_equal(m.err, TCPS_ERR_REFUSED);
	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 4, 3, 2, 0, 8, TCPN_PROTO_TCP), &m), 0);
	assert_true(m.hard);
	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 4, 3, 13, 0, 8, TCPN_PROTO_TCP), &m), 0);
	assert_false(m.hard); /* administratively prohibited: soft */

	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 6, 1, 3, 0, 20, TCPN_PROTO_TCP), &m), 0);
	assert_int_equal(m.kind, TCPN_ICMP_UNREACH);
	assert_false(m.hard);
	expect_quote(&m, 6);
	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 6, 1, 4, 0, 20, TCPN_PROTO_TCP), &m), 0);
	assert_true(m.hard);
	assert_int_equal(m.err, TCPS_ERR_REFUSED);
	/* Parameter problem, unrecognized next header: IPv6's protocol unreachable. */
	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 6, 4, 1, 40, 20, TCPN_PROTO_TCP), &m), 0);
	assert_int_equal(m.kind, TCPN_ICMP_UNREACH);
	assert_true(m.hard);
}

/* RFC 1191: the next-hop MTU in the low half of the second word; RFC
 * 8201: the whole word.  The MSS follows with the IP and TCP headers off. */
static void test_icmp_too_big(void **state)
{
	(void)state;
	uint8_t pkt[200];
	tcpn_icmp_msg m;
	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 4, 3, 4, 1400, 8, TCPN_PROTO_TCP), &m), 0);
	assert_int_equal(m.kind, TCPN_ICMP_TOO_BIG);
	assert_int_equal(m.mtu, 1400);
	expect_quote(&m, 4);
	assert_int_equal(tcpn_icmp_mss_for_mtu(4, m.mtu), 1360);
	assert_int_equal(tcpn_icmp_mss_for_mtu(4, 0), 576 - 40); /* pre-RFC 1191 router */
	assert_int_equal(tcpn_icmp_mss_for_mtu(4, 20), 68 - 40);

	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 6, 2, 0, 1300, 20, TCPN_PROTO_TCP), &m), 0);
	assert_int_equal(m.kind, TCPN_ICMP_TOO_BIG);
	assert_int_equal(m.mtu, 1300);
	assert_int_equal(tcpn_icmp_mss_for_mtu(6, m.mtu), 1240);
	assert_int_equal(tcpn_icmp_mss_for_mtu(6, 1000), 1220); /* under IPv6's 1280 floor */
}

/* Quotes that cannot be about a TCP segment of ours, and broken messages. */
static void test_icmp_refused(void **state)
{
	(void)state;
	uint8_t pkt[200];
	tcpn_icmp_msg m;
	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 4, 3, 1, 0, 4, TCPN_PROTO_TCP), &m), TCPN_ICMP_BAD_QUOTE);
	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 4, 3, 1, 0, 8, 17), &m), TCPN_ICMP_BAD_QUOTE);
	assert_int_equal(parse_icmp(pkt, icmp_error(pkt, 6, 1, 0, 0, 6, TCPN_PROTO_TCP), &m), TCPN_ICMP_BAD_QUOTE);

	size_t len = icmp_error(pkt, 4, 3, 1, 0, 8, TCPN_PROTO_TCP);
	pkt[20 + 8 + 20 + 5] ^= 1; /* a quoted seq bit: the ICMP checksum no longer adds up */
	assert_int_equal(parse_icmp(pkt, len, &m), TCPN_ICMP_BAD_CSUM);

	len = icmp_error(pkt, 6, 1, 0, 0, 8, TCPN_PROTO_TCP);
	pkt[8] ^= 1; /* ICMPv6 sums the pseudo-header: a changed source breaks it */
	assert_int_equal(parse_icmp(pkt, len, &m), TCPN_ICMP_BAD_CSUM);

	/* Under ICMP's own 8-byte header. */
	uint8_t tiny[24] = { 0 };
	tcpn_ipv4_build(tiny, v4_b, v4_a, TCPN_PROTO_ICMP, 4, 1);
	assert_int_equal(parse_icmp(tiny, 24, &m), TCPN_ICMP_SHORT);
}

static void test_icmp_echo_reply(void **state)
{
	(void)state;
	for (int family = 4; family <= 6; family += 2) {
		uint8_t pkt[200] = { 0 };
		size_t hl = family == 4 ? 20 : 40;
		uint8_t *msg = pkt + hl;
		msg[0] = family == 4 ? 8 : 128;
		memcpy(msg + 4, "\x12\x34\x00\x01payload!", 12);
		tcpn_icmp_echo_reply((uint8_t)family, family == 4 ? v4_b : v6_b, family == 4 ? v4_a : v6_a, msg, 16);
		msg[0] = family == 4 ? 8 : 128; /* re-sum as the request, as a sender would */
		msg[2] = msg[3] = 0;
		uint16_t c = family == 4 ? tcps_csum_fold(tcps_csum_add(0, msg, 16))
					 : tcpn_l4_csum(6, v6_b, v6_a, TCPN_PROTO_ICMPV6, msg, 16);
		msg[2] = (uint8_t)(c >> 8);
		msg[3] = (uint8_t)c;
		if (family == 4)
			tcpn_ipv4_build(pkt, v4_b, v4_a, TCPN_PROTO_ICMP, 16, 1);
		else
			tcpn_ipv6_build(pkt, v6_b, v6_a, TCPN_PROTO_ICMPV6, 16);
		tcpn_icmp_msg m;
		assert_int_equal(parse_icmp(pkt, hl + 16, &m), 0);
		assert_int_equal(m.kind, TCPN_ICMP_ECHO);

		/* The reply, from a to b, checks out and keeps id, seq and data. */
		tcpn_icmp_echo_reply((uint8_t)family, family == 4 ? v4_a : v6_a, family == 4 ? v4_b : v6_b, msg, 16);
		assert_int_equal(msg[0], family == 4 ? 0 : 129);
		assert_memory_equal(msg + 4, "\x12\x34\x00\x01payload!", 12);
		if (family == 4)
			tcpn_ipv4_build(pkt, v4_a, v4_b, TCPN_PROTO_ICMP, 16, 1);
		else
			tcpn_ipv6_build(pkt, v6_a, v6_b, TCPN_PROTO_ICMPV6, 16);
		tcpn_ip ip;
		uint8_t *copy;
		assert_int_equal(parse_exact(pkt, hl + 16, &ip, &copy), TCPN_IP_OK);
		assert_true(tcpn_l4_csum_ok(&ip));
		free(copy);
	}
}

/* ---- Addresses ---- */

static void test_addr_parse(void **state)
{
	(void)state;
	tcpn_addr a;
	uint8_t p;
	char buf[TCPN_ADDRSTRLEN];
	assert_int_equal(tcpn_prefix_parse("198.18.0.1/15", &a, &p), 0);
	assert_int_equal(a.family, 4);
	assert_int_equal(p, 15);
	assert_string_equal(tcpn_addr_str(&a, buf), "198.18.0.1");
	assert_int_equal(tcpn_prefix_parse("2001:2::1/48", &a, &p), 0);
	assert_int_equal(a.family, 6);
	assert_int_equal(p, 48);
	assert_string_equal(tcpn_addr_str(&a, buf), "2001:2::1");
	assert_int_equal(tcpn_prefix_parse("2001:2::1", &a, &p), 0);
	assert_int_equal(p, 128);
	assert_int_equal(tcpn_prefix_parse("198.18.0.1/33", &a, &p), -1);
	assert_int_equal(tcpn_prefix_parse("198.18.0.1/", &a, &p), -1);
	assert_int_equal(tcpn_prefix_parse("198.18.0.1/-1", &a, &p), -1);
	assert_int_equal(tcpn_addr_parse("localhost", &a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_header_checksum_by_hand),
		cmocka_unit_test(test_ipv4_round_trip),
		cmocka_unit_test(test_ipv4_padding_past_total_length_ignored),
		cmocka_unit_test(test_ipv4_refused),
		cmocka_unit_test(test_ipv4_fragments_refused),
		cmocka_unit_test(test_ipv6_round_trip),
		cmocka_unit_test(test_ipv6_extension_headers),
		cmocka_unit_test(test_tcp_checksum_ipv4_by_hand),
		cmocka_unit_test(test_tcp_checksum_ipv6_by_hand),
		cmocka_unit_test(test_tcp_checksum_verifies_odd_length),
		cmocka_unit_test(test_icmp_unreachable_soft_and_hard),
		cmocka_unit_test(test_icmp_too_big),
		cmocka_unit_test(test_icmp_refused),
		cmocka_unit_test(test_icmp_echo_reply),
		cmocka_unit_test(test_addr_parse),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
