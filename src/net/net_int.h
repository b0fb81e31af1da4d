/* The network layer's internals: the stack, a socket, and the interfaces
 * between src/net's files (one mechanism each). */
#ifndef TCPN_NET_INT_H
#define TCPN_NET_INT_H

#include <net/if.h>

#include "tcpstate/net.h"
#include "net/demux.h"
#include "net/heap.h"
#include "net/ip.h"

/* Room in front of a segment's payload for the TCP header (options
 * included), the IP header and the virtio_net_hdr, so that the engine's
 * one copy of the payload is the only copy: headers are written in place
 * before it. */
#define TCPN_VNET_HLEN 10 /* sizeof(struct virtio_net_hdr) */
#define TCPN_HEADROOM (TCPN_VNET_HLEN + TCPN_IPV6_HLEN + TCPS_HEADER_MAX + 2)
/* A GSO train's payload at most: the IP length fields are 16 bits. */
#define TCPN_TRAIN_MAX (65535 - TCPN_IPV6_HLEN - TCPS_HEADER_MAX)
/* Packets read per wakeup: enough to batch, few enough that timers and
 * user calls are not starved by a flood. */
#define TCPN_RX_BATCH 64
/* Released connections kept for reuse rather than freed. */
#define TCPN_FREE_MAX 64
/* A connection the program closed that sits in FIN_WAIT_2 has nobody to
 * wait for but a peer that may never close: like Linux's tcp_fin_timeout,
 * it is dropped after this long (RFC 9293 leaves FIN_WAIT_2 unbounded). */
#define TCPN_ORPHAN_FIN_WAIT_2 (60 * TCPS_NS_PER_S)
/* Segments sent per engine call at most: the windows bound it anyway;
 * this only guards the loop. */
#define TCPN_TX_BURST 4096

enum tcpn_sock_flags {
	TCPN_SK_USER = 0x01,     /* the program holds the handle */
	TCPN_SK_HALFOPEN = 0x02, /* a listener's connection still in SYN_RCVD */
	TCPN_SK_QUEUED = 0x04,   /* established, waiting for tcpn_accept */
	TCPN_SK_HASHED = 0x08,   /* in the demux table */
};

typedef struct tcpn_listener {
	uint16_t port;
	uint32_t backlog;
	uint32_t half_open;      /* children in SYN_RCVD */
	uint32_t queued;         /* children waiting for accept */
	tcpn_sock *qhead, *qtail;
	uint64_t cookies_until;  /* cookies may come back until then */
	tcpn_sock *next;         /* the stack's list of listeners */
} tcpn_listener;

struct tcpn_sock {
	tcpn_stack *st;
	tcps_conn *conn;         /* NULL for a listener */
	tcps_tuple tuple;
	uint8_t flags;
	bool listener;
	tcpn_sock *hnext;        /* demux chain */
	tcpn_sock *qnext;        /* accept queue, or the free list */
	tcpn_sock *parent;       /* the listener, until accepted */
	uint32_t heap_idx;       /* TCPN_HEAP_NONE when no timer is due */
	uint64_t deadline;       /* the heap's key: the engine's expiry or orphan_until */
	uint64_t orphan_until;   /* closed by the program and in FIN_WAIT_2: given
				  * up then if the peer never closes (TCPS_NEVER) */
	void *user;
	tcpn_listener l;         /* when listener */
};

struct tcpn_stack {
	int fd;
	bool own_fd;
	char ifname[IF_NAMESIZE];
	tcpn_config cfg;
	tcps_config tcp4, tcp6;  /* per family: MSS from the MTU */
	tcpn_stats stats;
	uint8_t cookie_key[16];
	tcpn_table table;
	tcpn_heap heap;
	tcpn_sock *listeners;
	tcpn_sock *free_socks;
	uint32_t nfree;
	uint32_t port_seed;      /* where the ephemeral port search starts */
	uint16_t ip_id;
	bool vnet;               /* the device takes and gives virtio_net_hdr */
	uint8_t *rx;             /* one received packet (mtu bytes) */
	uint8_t *tx;             /* headroom + one packet */
	size_t rx_cap, tx_cap;
	uint8_t scratch[4096];   /* discarded text: orphans, cookie SYN,ACKs */
};

/* ---- stack.c ---- */
uint64_t tcpn_clock(const tcpn_stack *st);

/* ---- sock.c: lifetime ---- */
/* A connection socket with a fresh engine for `t` (configuration by
 * family), entered in the demux table; NULL with *err. */
tcpn_sock *tcpn_sock_new_conn(tcpn_stack *st, const tcps_tuple *t, const tcps_config *cfg, int *err);
/* After any engine call on s: send what it has to send, move its timer,
 * keep the listener's books, and release it when nobody needs it any
 * more.  Returns false when s was released. */
bool tcpn_sock_settle(tcpn_sock *s, uint64_t now);
void tcpn_sock_release(tcpn_sock *s);
const tcps_config *tcpn_tcp_config(const tcpn_stack *st, int family);

/* ---- output.c ---- */
/* Sends seg (its payload, if any, already at tx + TCPN_HEADROOM) inside
 * an IP packet for tuple t. */
void tcpn_output_segment(tcpn_stack *st, const tcps_tuple *t, const tcps_segment *seg);
/* Sends everything s's engine has to send now. */
void tcpn_output_conn(tcpn_sock *s, uint64_t now);
/* Builds and sends an ICMP/ICMPv6 message body already placed at
 * tx + TCPN_HEADROOM (len bytes) from src to dst. */
void tcpn_output_icmp(tcpn_stack *st, uint8_t family, const uint8_t *src, const uint8_t *dst, size_t len);

/* ---- input.c ---- */
/* What the device's virtio_net_hdr said of a packet read (all zero
 * without one). */
typedef struct tcpn_offload {
	bool csum_trusted;  /* see tcpn_ip */
	uint16_t gso_size;
} tcpn_offload;
void tcpn_input(tcpn_stack *st, const uint8_t *pkt, size_t len, const tcpn_offload *off, uint64_t now);
/* RST for a segment that reached no connection (RFC 9293 §3.10.7.1). */
void tcpn_reply_rst(tcpn_stack *st, const tcps_tuple *t, const tcps_segment *in);

/* ---- listen.c ---- */
/* A segment for no connection reached a listener's port. */
void tcpn_listener_input(tcpn_sock *l, const tcps_tuple *t, const tcps_segment *seg, uint64_t now);
/* A listener's connection changed state: move it between half-open and
 * the accept queue, or drop it. */
void tcpn_listener_child(tcpn_sock *s);
tcpn_sock *tcpn_listener_find(const tcpn_stack *st, uint16_t port);
void tcpn_listener_close(tcpn_sock *l);

/* ---- icmp_input.c ---- */
void tcpn_icmp_input(tcpn_stack *st, const tcpn_ip *ip, uint64_t now);

/* ---- tun.c, rtnl.c ---- */
/* Creates or attaches to the TUN device `name` (in: wanted name, may be
 * empty; out: the name given), with virtio_net_hdr and TCP offloads when
 * vnet; nonblocking.  fd, or -errno with err set. */
int tcpn_tun_open(char name[IF_NAMESIZE], bool vnet, char *err, size_t errlen);
/* Reads a received packet's virtio_net_hdr; false for a kind of offload
 * tcpstate cannot take (the packet is dropped). */
bool tcpn_tun_offload(const uint8_t *hdr, tcpn_offload *off);
/* Sets MTU and up, then adds the kernel side's addresses.  0 or -errno
 * with err set. */
int tcpn_rtnl_setup(const char *ifname, const tcpn_config *cfg, bool *v6_ok, char *err, size_t errlen);

#endif
