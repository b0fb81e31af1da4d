/* Frames for the capture decoder's tests: builders (network byte order),
 * and checks of what trace_decode() makes of a frame.  The decoder gets
 * each frame in a heap block of exactly the captured length, so that
 * AddressSanitizer reports any read past what was captured. */
#ifndef TCPS_TEST_DECODE_FX_H
#define TCPS_TEST_DECODE_FX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "trace/decode.h"

/* The traced connection's addresses and the link's. */
extern const uint8_t dfx_mac_a[6], dfx_mac_b[6];
extern const uint8_t dfx_v4_src[4], dfx_v4_dst[4];
extern const uint8_t dfx_v6_src[16], dfx_v6_dst[16];
/* A SYN's options as Linux sends them: MSS 1460, SACK permitted,
 * TS val 1000 ecr 0, NOP, window scale 7 (20 bytes). */
extern const uint8_t dfx_syn_opts[20];

/* The TCP header's fields dfx_tcp() writes. */
#define DFX_SPORT 40000
#define DFX_DPORT 80
#define DFX_SEQ 0x11223344u
#define DFX_ACK 0x55667788u
#define DFX_WND 64240
#define DFX_SYN_TCP_LEN (20 + 20)

/* Builders: an Ethernet header (dfx_mac_b to dfx_mac_a), a VLAN tag's
 * TCI and next type, IPv4 (no options; frag is the flags-and-offset word)
 * and IPv6 headers between the addresses above with `payload` bytes to
 * follow, a TCP header (ports, numbers and window above, options a
 * multiple of 4), payload bytes 'a'..'z' repeated, and the common case: a
 * SYN with Linux's options and `len` bytes of payload. */
void dfx_eth(frame *f, uint16_t type);
void dfx_vlan_tag(frame *f, uint16_t vid, uint16_t next);
void dfx_ipv4(frame *f, uint16_t payload, uint8_t proto, uint16_t frag);
void dfx_ipv6(frame *f, uint16_t payload, uint8_t nh);
void dfx_tcp(frame *f, uint8_t flags, const uint8_t *opts, size_t optlen);
void dfx_payload(frame *f, size_t n);
void dfx_syn_segment(frame *f, size_t len);
/* Linux cooked capture headers (SLL, SLL2) of an outgoing packet of
 * protocol proto (an ethertype). */
void dfx_sll(frame *f, uint16_t proto);
void dfx_sll2(frame *f, uint16_t proto);
/* trace_decode() of the first caplen bytes of f, wirelen on the wire, in
 * a heap block of exactly caplen; checks that it leaves the caller's
 * fields alone and that the payload pointer lies in what was captured. */
trace_decode_result dfx_decode_cut(int dlt, const frame *f, size_t caplen, size_t wirelen, trace_pkt *pkt, const char **why);
trace_decode_result dfx_decode(int dlt, const frame *f, trace_pkt *pkt, const char **why);
/* Checks: the addresses, every field of dfx_syn_segment()'s SYN, a whole
 * SYN decoded from f, and a refusal whose reason contains why_part. */
void dfx_assert_v4_addrs(const trace_pkt *p);
void dfx_assert_v6_addrs(const trace_pkt *p);
void dfx_assert_syn(const trace_pkt *p, uint32_t len, bool data_captured);
void dfx_assert_whole_v4_syn(int dlt, const frame *f, uint32_t len);
void dfx_assert_whole_v6_syn(int dlt, const frame *f, uint32_t len);
void dfx_assert_result(int dlt, const frame *f, trace_decode_result want, const char *why_part);

#endif
