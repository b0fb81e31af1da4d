/* IPv4 (RFC 791) and IPv6 (RFC 8200) headers: parse what the TUN device
 * hands us, build what we send, and the pseudo-header checksums of TCP
 * (RFC 9293 §3.1) and ICMPv6 (RFC 4443 §2.3). */
#ifndef TCPN_IP_H
#define TCPN_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCPN_IPV4_HLEN 20
#define TCPN_IPV6_HLEN 40
#define TCPN_PROTO_ICMP 1
#define TCPN_PROTO_TCP 6
#define TCPN_PROTO_ICMPV6 58

/* A parsed packet: addresses, the upper-layer protocol and its bytes. */
typedef struct tcpn_ip {
	uint8_t family;          /* 4 or 6 */
	uint8_t proto;           /* after any IPv6 extension headers */
	uint8_t ttl;             /* TTL or hop limit */
	uint8_t src[16], dst[16];/* IPv4: first 4 bytes, the rest zero */
	const uint8_t *payload;  /* upper-layer header and data */
	uint32_t len;
	uint32_t tot_len;        /* the whole datagram, headers included, as its header says */
	/* From the device's virtio_net_hdr (zero without one): */
	bool csum_trusted;       /* the kernel checked the upper-layer checksum, or
				  * left it partial for a local reader */
	uint16_t gso_size;       /* TCP: the payload is a train of segments this size */
} tcpn_ip;

typedef enum tcpn_ip_error {
	TCPN_IP_OK = 0,
	TCPN_IP_SHORT = -1,      /* fewer bytes than a header, or than its length field says */
	TCPN_IP_VERSION = -2,    /* neither 4 nor 6 */
	TCPN_IP_BAD_HEADER = -3, /* IHL < 5, an extension header runs past the packet */
	TCPN_IP_BAD_CSUM = -4,   /* IPv4 header checksum */
	TCPN_IP_FRAGMENT = -5,   /* a fragment (IPv4 MF/offset, IPv6 Fragment header) */
	TCPN_IP_NO_NEXT = -6,    /* IPv6 No Next Header, ESP, AH: nothing for us */
} tcpn_ip_error;

/* Parses pkt[0..len).  Bytes past the datagram's own length (padding)
 * are ignored.  Returns TCPN_IP_OK or a tcpn_ip_error.  A fragment is
 * still parsed enough to fill addresses and protocol. */
int tcpn_ip_parse(const uint8_t *pkt, size_t len, tcpn_ip *ip);

/* Parses the datagram an ICMP error quotes: as much as the router kept,
 * which may be less than its length field says.  The checksum is not
 * checked (a router may have changed TTL on the way). */
int tcpn_ip_parse_quoted(const uint8_t *pkt, size_t len, tcpn_ip *ip);

/* Writes a 20-byte IPv4 header (DF set: we never fragment, RFC 1191)
 * with its checksum.  Returns 20. */
size_t tcpn_ipv4_build(uint8_t *hdr, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		       uint16_t payload_len, uint16_t id);
/* Writes a 40-byte IPv6 header.  Returns 40. */
size_t tcpn_ipv6_build(uint8_t *hdr, const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
		       uint16_t payload_len);

/* The pseudo-header's sum (IPv4: RFC 9293 §3.1; IPv6: RFC 8200 §8.1),
 * to start a tcps_csum_add() over the upper-layer bytes. */
uint32_t tcpn_pseudo_sum(uint8_t family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
			 uint32_t len);
/* The checksum to store in an upper-layer header whose checksum field is
 * zero (data[0..len)). */
uint16_t tcpn_l4_csum(uint8_t family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
		      const uint8_t *data, uint32_t len);
/* True when a received upper-layer message's checksum is right, or the
 * kernel vouched for it (csum_trusted). */
bool tcpn_l4_csum_ok(const tcpn_ip *ip);

/* Address bytes of a family: 4 or 16. */
static inline size_t tcpn_alen(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

#endif
