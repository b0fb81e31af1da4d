/* Frames for the decoder's encapsulation tests
 * (tests/unit/test_trace_decode_encap.c, test_trace_decode_tunnel.c):
 * outer IP and UDP headers whose lengths are patched once what they carry
 * is built, the traced SYN inside, and the checks of what trace_decode()
 * makes of a frame, every prefix of it included. */
#include "encap_fx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

/* Patches a 16-bit length written earlier, once what it covers is built. */
void efx_patch16(frame *f, size_t at, size_t v)
{
	assert_true(v <= 0xffff);
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* The tunnel's endpoints, which must never show in the result. */
const uint8_t efx_outer4_src[4] = { 192, 0, 2, 1 };
const uint8_t efx_outer4_dst[4] = { 192, 0, 2, 2 };
const uint8_t efx_outer6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 1 };
const uint8_t efx_outer6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 2 };

/* An IPv4 header without options; its total length is patched by
 * efx_ip_end().  Returns where the header starts. */
size_t efx_ipv4_from(frame *f, uint8_t proto, uint16_t frag, const uint8_t *src,
			const uint8_t *dst)
{
	size_t at = f->n;

	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0);
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put(f, src, 4);
	put(f, dst, 4);
	return at;
}

size_t efx_ipv6_from(frame *f, uint8_t nh, const uint8_t *src, const uint8_t *dst)
{
	size_t at = f->n;

	put32(f, 0x60000000);
	put16(f, 0);
	put8(f, nh);
	put8(f, 64);
	put(f, src, 16);
	put(f, dst, 16);
	return at;
}

/* Sets the length field of the IP header at `at` to end where the frame
 * now ends. */
void efx_ip_end(frame *f, size_t at)
{
	if (f->b[at] >> 4 == 4)
		efx_patch16(f, at + 2, f->n - at);
	else
		efx_patch16(f, at + 4, f->n - at - 40);
}

/* A UDP header; its length is patched by efx_udp_end(). */
size_t efx_udp(frame *f, uint16_t sport, uint16_t dport)
{
	size_t at = f->n;

	put16(f, sport);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
	return at;
}

void efx_udp_end(frame *f, size_t at)
{
	efx_patch16(f, at + 4, f->n - at);
}

/* MSS 1460, SACK permitted, NOP, window scale 7 (12 bytes). */
const uint8_t efx_syn_opts[12] = { 2, 4, 0x05, 0xb4, 4, 2, 1, 3, 3, 7, 1, 1 };


/* A SYN with `len` bytes of payload, "abc...". */
void efx_syn(frame *f, size_t len)
{
	put16(f, EFX_SPORT);
	put16(f, EFX_DPORT);
	put32(f, EFX_SEQ);
	put32(f, 0);
	put8(f, (20 + sizeof efx_syn_opts) / 4 << 4);
	put8(f, TCPS_SYN);
	put16(f, EFX_WND);
	put16(f, 0);
	put16(f, 0);
	put(f, efx_syn_opts, sizeof efx_syn_opts);
	for (size_t i = 0; i < len; i++)
		put8(f, (uint8_t)('a' + i % 26));
}

/* The traced packet: IPv4 or IPv6 with the SYN in it. */
void efx_inner_v4(frame *f, size_t len)
{
	size_t ip = efx_ipv4_from(f, 6, 0, dfx_v4_src, dfx_v4_dst);

	efx_syn(f, len);
	efx_ip_end(f, ip);
}

void efx_inner_v6(frame *f, size_t len)
{
	size_t ip = efx_ipv6_from(f, 6, dfx_v6_src, dfx_v6_dst);

	efx_syn(f, len);
	efx_ip_end(f, ip);
}

/* ---- Decoding ---- */

trace_decode_result efx_decode_cut(const frame *f, size_t caplen, trace_pkt *pkt,
				      const char **why)
{
	uint8_t *exact = tcpt_dup_exact(f->b, caplen);
	trace_decode_result r;

	memset(pkt, 0xa5, sizeof *pkt);
	*why = "unset";
	r = trace_decode(TRACE_DLT_EN10MB, exact, (uint32_t)caplen, (uint32_t)f->n, pkt, why);
	if (r == TRACE_DEC_TCP && pkt->seg.data) {
		assert_true(pkt->seg.data > exact && pkt->seg.data < exact + caplen);
		assert_int_equal(pkt->seg.data[0], 'a');
		pkt->seg.data = (const uint8_t *)1;
	}
	free(exact);
	return r;
}

trace_decode_result efx_decode(const frame *f, trace_pkt *pkt, const char **why)
{
	return efx_decode_cut(f, f->n, pkt, why);
}

void efx_assert_syn(const trace_pkt *p, uint32_t len)
{
	assert_int_equal(p->seg.sport, EFX_SPORT);
	assert_int_equal(p->seg.dport, EFX_DPORT);
	assert_int_equal(p->seg.seq, EFX_SEQ);
	assert_int_equal(p->seg.flags, TCPS_SYN);
	assert_int_equal(p->seg.wnd, EFX_WND);
	assert_int_equal(p->seg.options, TCPS_OPT_MSS | TCPS_OPT_SACK_OK | TCPS_OPT_WSCALE);
	assert_int_equal(p->seg.mss, 1460);
	assert_int_equal(p->seg.len, len);
}

/* The whole frame decodes to the inner SYN with the inner addresses
 * (check_addrs: decode_fx.h's, for its family). */
static void inner_syn(const frame *f, uint32_t len, void (*check_addrs)(const trace_pkt *))
{
	trace_pkt p;
	const char *why;

	assert_int_equal(efx_decode(f, &p, &why), TRACE_DEC_TCP);
	assert_null(why);
	check_addrs(&p);
	efx_assert_syn(&p, len);
	assert_false(p.truncated);
}

void efx_assert_inner_v4(const frame *f, uint32_t len)
{
	inner_syn(f, len, dfx_assert_v4_addrs);
}

void efx_assert_inner_v6(const frame *f, uint32_t len)
{
	inner_syn(f, len, dfx_assert_v6_addrs);
}

void efx_assert_result(const frame *f, trace_decode_result want, const char *why_part)
{
	trace_pkt p;
	const char *why;

	assert_int_equal(efx_decode(f, &p, &why), want);
	assert_non_null(why);
	assert_non_null(strstr(why, why_part));
}

/* Every prefix of the frame, as a snap length would cut it: nothing is
 * read past the cut (ASan), and the SYN comes out exactly when its
 * fixed header was captured. */
void efx_assert_every_cut(const frame *f, size_t tcp_at)
{
	for (size_t cap = 0; cap < f->n; cap++) {
		trace_pkt p;
		const char *why;
		trace_decode_result r = efx_decode_cut(f, cap, &p, &why);

		if (cap >= tcp_at + 20) {
			assert_int_equal(r, TRACE_DEC_TCP);
			assert_int_equal(p.seg.seq, EFX_SEQ);
		} else {
			assert_int_not_equal(r, TRACE_DEC_TCP);
		}
	}
}
