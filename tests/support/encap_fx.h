/* Frames for the decoder's encapsulation tests: outer headers patched
 * once what they carry is built, the traced SYN inside (the addresses of
 * decode_fx.h), and checks of what trace_decode() makes of a frame.
 * Each frame goes to the decoder in a heap block of exactly the captured
 * length, so that AddressSanitizer reports any read past it. */
#ifndef TCPS_TEST_ENCAP_FX_H
#define TCPS_TEST_ENCAP_FX_H

#include <stddef.h>
#include <stdint.h>

#include "decode_fx.h"
#include "frame.h"
#include "trace/decode.h"

/* The tunnel's endpoints, which must never show in the result. */
extern const uint8_t efx_outer4_src[4], efx_outer4_dst[4];
extern const uint8_t efx_outer6_src[16], efx_outer6_dst[16];
/* The inner SYN's options: MSS 1460, SACK permitted, NOP, window scale 7. */
extern const uint8_t efx_syn_opts[12];

#define EFX_SPORT 40000
#define EFX_DPORT 443
#define EFX_SEQ 0x11223344u
#define EFX_WND 64240

/* Builders: a 16-bit length patched in place; outer IPv4 (no options)
 * and IPv6 headers and a UDP header, each returning where it starts, whose
 * length fields efx_ip_end() / efx_udp_end() set once the frame is built;
 * the traced SYN (`len` bytes of payload) and an inner IPv4 or IPv6
 * packet carrying it between decode_fx.h's addresses. */
void efx_patch16(frame *f, size_t at, size_t v);
size_t efx_ipv4_from(frame *f, uint8_t proto, uint16_t frag, const uint8_t *src, const uint8_t *dst);
size_t efx_ipv6_from(frame *f, uint8_t nh, const uint8_t *src, const uint8_t *dst);
void efx_ip_end(frame *f, size_t at);
size_t efx_udp(frame *f, uint16_t sport, uint16_t dport);
void efx_udp_end(frame *f, size_t at);
void efx_syn(frame *f, size_t len);
void efx_inner_v4(frame *f, size_t len);
void efx_inner_v6(frame *f, size_t len);
/* trace_decode() of the first caplen bytes of an Ethernet frame, from a
 * heap block of exactly that size. */
trace_decode_result efx_decode_cut(const frame *f, size_t caplen, trace_pkt *pkt, const char **why);
trace_decode_result efx_decode(const frame *f, trace_pkt *pkt, const char **why);
/* Checks: the inner SYN's fields; a whole frame decoded to the inner
 * IPv4 or IPv6 SYN; a refusal whose reason contains why_part; and every
 * prefix of the frame decoded without reading past it (the TCP header
 * starts at tcp_at). */
void efx_assert_syn(const trace_pkt *p, uint32_t len);
void efx_assert_inner_v4(const frame *f, uint32_t len);
void efx_assert_inner_v6(const frame *f, uint32_t len);
void efx_assert_result(const frame *f, trace_decode_result want, const char *why_part);
void efx_assert_every_cut(const frame *f, size_t tcp_at);

#endif
