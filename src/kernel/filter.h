/* ss-style filters over the kernel's TCP sockets, shared by `tcpstate
 * sockets` and `tcpstate transitions`.
 *
 * The words users already type after `ss -tan`:
 *
 *     :443                 either port is 443
 *     sport :N  dport :N   (also "sport N", "sport = :N", "sport == :N", "sport eq :N")
 *     src ADDR[/LEN][:PORT]   dst ADDR[/LEN][:PORT]   (IPv6 as [ADDR]:PORT or bare ADDR[/LEN])
 *     state NAME           repeatable; any spelling tcps_state_parse takes, or
 *                          all, connected, synchronized
 *     exclude NAME         removes a state
 *     and, &&              accepted and ignored: every term must hold
 *
 * ss's "or", "not" and parentheses are refused with a message rather than
 * misread: a filter that silently matched more than asked would be worse. */
#ifndef TCPS_KERNEL_FILTER_H
#define TCPS_KERNEL_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#define KFILTER_ERRLEN 256

/* One socket's addresses, the layout of kdiag_sock: network order, IPv4
 * in the first 4 bytes; ports in host order; src is the local end. */
typedef struct kfilter_tuple {
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
} kfilter_tuple;

/* An address with a prefix length, as `src 10.0.0.0/8` gives it. */
typedef struct kfilter_prefix {
	bool set;
	uint8_t family;          /* AF_INET (4 bytes used) or AF_INET6 */
	uint8_t addr[16];
	unsigned bits;           /* 0..32 or 0..128 */
} kfilter_prefix;

typedef struct kfilter {
	int sport, dport, port;  /* -1: any; port: either end */
	kfilter_prefix src, dst;
	unsigned states;         /* bit (1u << tcps_state); 0: any state */
} kfilter;

/* A filter that matches everything. */
void kfilter_init(kfilter *f);

/* Parses the words; 0, or -1 with err filled (one sentence, no prefix).
 * No words: the filter matches everything. */
int kfilter_parse(kfilter *f, int nwords, char *const words[], char err[KFILTER_ERRLEN]);

/* Whether the ports and addresses match (states are not looked at).  A
 * IPv4 filter address also matches an IPv6 socket's IPv4-mapped address. */
bool kfilter_match_tuple(const kfilter *f, const kfilter_tuple *t);

/* Whether state (a tcps_state, or -1 for one tcpstate has no name for) is
 * one the filter asks for. */
bool kfilter_match_state(const kfilter *f, int state);

/* Whether the filter has any address or state term (ports alone can be
 * left to the kernel). */
bool kfilter_has_userspace_terms(const kfilter *f);

/* The kernel's TCP_* state number (include/net/tcp_states.h: 1
 * TCP_ESTABLISHED ... 12 TCP_NEW_SYN_RECV) as a tcps_state, or -1.
 * TCP_SYN_RECV and TCP_NEW_SYN_RECV (the request socket) are both
 * SYN_RCVD; TCP_CLOSE is CLOSED. */
int kfilter_state_from_linux(int tcp_state);

#endif
