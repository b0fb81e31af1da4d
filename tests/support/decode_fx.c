/* Frames for the capture decoder's tests (tests/unit/test_trace_decode*.c):
 * Ethernet, IPv4, IPv6 and a TCP SYN with Linux's options, built byte by
 * byte, and the checks of what trace_decode() makes of them. */
#include "decode_fx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

_Static_assert(DFX_SYN_TCP_LEN == 20 + sizeof dfx_syn_opts, "DFX_SYN_TCP_LEN counts the SYN's options");

const uint8_t dfx_mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
const uint8_t dfx_mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
const uint8_t dfx_v4_src[4] = { 10, 0, 0, 1 };
const uint8_t dfx_v4_dst[4] = { 10, 0, 0, 2 };
const uint8_t dfx_v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
const uint8_t dfx_v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

void dfx_eth(frame *f, uint16_t type)
{
	put(f, dfx_mac_b, 6);
	put(f, dfx_mac_a, 6);
	put16(f, type);
}

/* A VLAN tag's TCI (priority 0, VLAN id) and the type that follows. */
void dfx_vlan_tag(frame *f, uint16_t vid, uint16_t next)
{
	put16(f, vid);
	put16(f, next);
}

/* IPv4 header without options; payload bytes follow; frag is the
 * flags-and-offset word. */
void dfx_ipv4(frame *f, uint16_t payload, uint8_t proto, uint16_t frag)
{
	put8(f, 0x45);
	put8(f, 0);
	put16(f, (uint16_t)(20 + payload));
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put(f, dfx_v4_src, 4);
	put(f, dfx_v4_dst, 4);
}

void dfx_ipv6(frame *f, uint16_t payload, uint8_t nh)
{
	put32(f, 0x60000000);
	put16(f, payload);
	put8(f, nh);
	put8(f, 64);
	put(f, dfx_v6_src, 16);
	put(f, dfx_v6_dst, 16);
}

/* A SYN's options as Linux sends them: MSS 1460, SACK permitted,
 * TS val 1000 ecr 0, NOP, window scale 7 (20 bytes). */
const uint8_t dfx_syn_opts[20] = {
	2, 4, 0x05, 0xb4,
	4, 2,
	8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0,
	1,
	3, 3, 7,
};


void dfx_tcp(frame *f, uint8_t flags, const uint8_t *opts, size_t optlen)
{
	assert_int_equal(optlen % 4, 0);
	put16(f, DFX_SPORT);
	put16(f, DFX_DPORT);
	put32(f, DFX_SEQ);
	put32(f, DFX_ACK);
	put8(f, (uint8_t)((20 + optlen) / 4 << 4));
	put8(f, flags);
	put16(f, DFX_WND);
	put16(f, 0);
	put16(f, 0);
	put(f, opts, optlen);
}

void dfx_payload(frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, (uint8_t)('a' + i % 26));
}

/* The common case: a SYN with Linux's options and `len` bytes of
 * payload (TCP fast open style, so that the payload is checked too). */
void dfx_syn_segment(frame *f, size_t len)
{
	dfx_tcp(f, TCPS_SYN, dfx_syn_opts, sizeof dfx_syn_opts);
	dfx_payload(f, len);
}


/* Linux cooked v1: packet type, ARPHRD type, address length, 8 address
 * bytes, protocol. */
void dfx_sll(frame *f, uint16_t proto)
{
	put16(f, 4); /* LINUX_SLL_OUTGOING */
	put16(f, 1); /* ARPHRD_ETHER */
	put16(f, 6);
	put(f, dfx_mac_a, 6);
	put16(f, 0);
	put16(f, proto);
}

/* Linux cooked v2: protocol, reserved, ifindex, ARPHRD type, packet
 * type, address length, 8 address bytes. */
void dfx_sll2(frame *f, uint16_t proto)
{
	put16(f, proto);
	put16(f, 0);
	put32(f, 2);
	put16(f, 1);
	put8(f, 0);
	put8(f, 6);
	put(f, dfx_mac_a, 6);
	put16(f, 0);
}

/* ---- Decoding ---- */

#define TS_SENTINEL 0x0123456789abcdefull
#define INDEX_SENTINEL 77u

trace_decode_result dfx_decode_cut(int dlt, const frame *f, size_t caplen, size_t wirelen,
				      trace_pkt *pkt, const char **why)
{
	uint8_t *exact = tcpt_dup_exact(f->b, caplen);
	trace_decode_result r;

	memset(pkt, 0xa5, sizeof *pkt);
	pkt->ts = TS_SENTINEL;
	pkt->index = INDEX_SENTINEL;
	*why = "unset";
	r = trace_decode(dlt, exact, (uint32_t)caplen, (uint32_t)wirelen, pkt, why);
	/* The caller's fields are the caller's. */
	assert_true(pkt->ts == TS_SENTINEL);
	assert_int_equal(pkt->index, INDEX_SENTINEL);
	/* seg.data must point into what was captured: check it while the
	 * block is alive, then forget the address. */
	if (r == TRACE_DEC_TCP && pkt->seg.data) {
		assert_true(pkt->seg.data > exact && pkt->seg.data < exact + caplen);
		assert_memory_equal(pkt->seg.data, "abcdef", exact + caplen - pkt->seg.data < 6
				    ? (size_t)(exact + caplen - pkt->seg.data) : 6);
		pkt->seg.data = (const uint8_t *)1;
	}
	free(exact);
	return r;
}

trace_decode_result dfx_decode(int dlt, const frame *f, trace_pkt *pkt, const char **why)
{
	return dfx_decode_cut(dlt, f, f->n, f->n, pkt, why);
}

void dfx_assert_v4_addrs(const trace_pkt *p)
{
	static const uint8_t zero[12];

	assert_int_equal(p->family, 4);
	assert_memory_equal(p->src, dfx_v4_src, 4);
	assert_memory_equal(p->dst, dfx_v4_dst, 4);
	assert_memory_equal(p->src + 4, zero, 12);
	assert_memory_equal(p->dst + 4, zero, 12);
}

void dfx_assert_v6_addrs(const trace_pkt *p)
{
	assert_int_equal(p->family, 6);
	assert_memory_equal(p->src, dfx_v6_src, 16);
	assert_memory_equal(p->dst, dfx_v6_dst, 16);
}

/* Every header field of the SYN built by dfx_syn_segment(), and its length. */
void dfx_assert_syn(const trace_pkt *p, uint32_t len, bool data_captured)
{
	assert_int_equal(p->seg.sport, DFX_SPORT);
	assert_int_equal(p->seg.dport, DFX_DPORT);
	assert_int_equal(p->seg.seq, DFX_SEQ);
	assert_int_equal(p->seg.ack, DFX_ACK);
	assert_int_equal(p->seg.flags, TCPS_SYN);
	assert_int_equal(p->seg.wnd, DFX_WND);
	assert_int_equal(p->seg.up, 0);
	assert_int_equal(p->seg.options,
			 TCPS_OPT_MSS | TCPS_OPT_SACK_OK | TCPS_OPT_TS | TCPS_OPT_WSCALE);
	assert_int_equal(p->seg.mss, 1460);
	assert_int_equal(p->seg.wscale, 7);
	assert_int_equal(p->seg.tsval, 1000);
	assert_int_equal(p->seg.tsecr, 0);
	assert_int_equal(p->seg.nsack, 0);
	assert_int_equal(p->seg.len, len);
	if (data_captured)
		assert_non_null(p->seg.data);
	else
		assert_null(p->seg.data);
}

/* A whole SYN decoded from f; check_addrs checks its family's addresses. */
static void whole_syn(int dlt, const frame *f, uint32_t len, void (*check_addrs)(const trace_pkt *))
{
	trace_pkt p;
	const char *why;

	assert_int_equal(dfx_decode(dlt, f, &p, &why), TRACE_DEC_TCP);
	assert_null(why);
	check_addrs(&p);
	dfx_assert_syn(&p, len, len > 0);
	assert_false(p.truncated);
}

void dfx_assert_whole_v4_syn(int dlt, const frame *f, uint32_t len)
{
	whole_syn(dlt, f, len, dfx_assert_v4_addrs);
}

void dfx_assert_whole_v6_syn(int dlt, const frame *f, uint32_t len)
{
	whole_syn(dlt, f, len, dfx_assert_v6_addrs);
}

void dfx_assert_result(int dlt, const frame *f, trace_decode_result want, const char *why_part)
{
	trace_pkt p;
	const char *why;

	assert_int_equal(dfx_decode(dlt, f, &p, &why), want);
	assert_non_null(why);
	assert_non_null(strstr(why, why_part));
}
