/* ICMP (RFC 792, RFC 1191) and ICMPv6 (RFC 4443, RFC 8201) messages as
 * TCP needs them: which connection an error is about (from the quoted
 * IP and TCP headers), whether it is soft or hard (RFC 9293 §3.9.2.2,
 * RFC 1122 §4.2.3.9), and the MTU a too-big message reports. */
#ifndef TCPN_ICMP_H
#define TCPN_ICMP_H

#include <stdbool.h>
#include <stdint.h>

#include "net/ip.h"
#include "tcpstate/tcpstate.h"

typedef enum tcpn_icmp_kind {
	TCPN_ICMP_OTHER = 0,   /* nothing TCP acts on (redirects, ND, MLD...) */
	TCPN_ICMP_ECHO,        /* echo request: answer it */
	TCPN_ICMP_UNREACH,     /* destination unreachable (and ICMPv6 parameter
				* problem "next header unrecognized") */
	TCPN_ICMP_TOO_BIG,     /* fragmentation needed / packet too big */
} tcpn_icmp_kind;

typedef struct tcpn_icmp_msg {
	tcpn_icmp_kind kind;
	uint8_t type, code;
	bool hard;             /* UNREACH: protocol or port unreachable */
	int err;               /* UNREACH: TCPS_ERR_REFUSED or TCPS_ERR_UNREACHABLE */
	uint32_t mtu;          /* TOO_BIG: the next hop's MTU */
	tcps_tuple tuple;      /* the quoted TCP segment's: local = its source */
	uint32_t seq;          /* its SEG.SEQ */
} tcpn_icmp_msg;

typedef enum tcpn_icmp_error {
	TCPN_ICMP_SHORT = -1,     /* under the 8-byte ICMP header */
	TCPN_ICMP_BAD_CSUM = -2,
	TCPN_ICMP_BAD_QUOTE = -3, /* an error whose quoted datagram is not a TCP
				   * segment from us with 8 bytes of header */
} tcpn_icmp_error;

/* Classifies the ICMP or ICMPv6 message in ip (ip->proto 1 or 58) and,
 * for errors, reads the quoted segment.  Returns 0 or a tcpn_icmp_error. */
int tcpn_icmp_parse(const tcpn_ip *ip, tcpn_icmp_msg *m);

/* The TCP payload a path of this MTU carries (IP and 20-byte TCP headers
 * off), after the floors of the family: an IPv6 report under 1280 is
 * taken as 1280 (RFC 8201 §4), an IPv4 one under 68 as 68 (RFC 791), an IPv4 0 (a router from
 * before RFC 1191) as 576. */
uint32_t tcpn_icmp_mss_for_mtu(uint8_t family, uint32_t mtu);

/* Turns an echo request (msg[0..len), ICMP header first) into its reply
 * in place, checksum included.  src and dst are the reply's. */
void tcpn_icmp_echo_reply(uint8_t family, const uint8_t *src, const uint8_t *dst, uint8_t *msg, uint32_t len);

#endif
