/* A tracked connection: two shadow endpoints and what the records need.
 * Kept small (the budget is 200 bytes per tracked connection,
 * everything included), so counters are narrow where they can be, and
 * IPv6 addresses and Zeek's view live outside the entry (flow.c). */
#ifndef TCPS_TRACE_TCONN_H
#define TCPS_TRACE_TCONN_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpstate/state.h"

/* What a shadow endpoint's last inferred transition rests on, so that a
 * contradiction can take it back (observer.h explains the idea). */
enum {
	TENT_NONE,
	TENT_RCV_SYN,     /* it received the peer's SYN */
	TENT_RCV_FIN,     /* it received the peer's FIN */
	TENT_RCV_ACK,     /* it received the peer's ACK of its SYN or FIN */
	TENT_RCV_RST,     /* it received the peer's RST: it can only fall silent */
};

enum { /* trace_side.flags */
	SIDE_SYN_SENT = 0x01,   /* sent a SYN: isn is known */
	SIDE_FIN_SENT = 0x02,
	SIDE_ACK_SENT = 0x04,   /* ack is meaningful */
	SIDE_WS = 0x08,         /* offered window scaling in its SYN */
	SIDE_ZERO_WND = 0x10,   /* its last window was zero */
	SIDE_RST_SENT = 0x20,
	SIDE_DATA_SENT = 0x40,
	SIDE_FIN_RCVD = 0x80,   /* its state counts the peer's FIN as received */
};

typedef struct trace_side {
	uint64_t bytes;      /* payload bytes sent */
	uint64_t hist;       /* states entered, 4 bits each, oldest in the low bits */
	uint32_t isn;        /* its SYN's sequence number, or its first one */
	uint32_t nxt;        /* highest sequence number it sent + 1 (its SND.MAX) */
	uint32_t ack;        /* highest ACK it sent: what it surely received */
	uint32_t tent_seq;   /* the peer's sequence number a tentative receipt rests on */
	uint32_t packets;
	uint16_t wnd;        /* its last window field, unscaled */
	uint16_t retrans;
	uint16_t tent_at;    /* when its tentative SYN, FIN or RST receipt came: ms after first_ts, wrapping */
	uint8_t state;       /* tcps_state */
	uint8_t nstates;     /* entries in hist */
	uint8_t flags;       /* SIDE_* */
	uint8_t tent;        /* TENT_* */
	/* Read seldom, so packed. */
	uint8_t wscale : 4;  /* its shift, once both SYNs showed the option (at most 14) */
	uint8_t tent_state : 4; /* its state before the tentative transition */
	uint8_t active : 1;  /* opened actively: sent a bare SYN */
	uint8_t synack_sent : 1;
	uint8_t fin_acks_peer : 1; /* its latest FIN also acknowledged the peer's */
	uint8_t tent_nstates : 5; /* at most 16 */
} trace_side;

/* The span of holes in one side's sequence space, where a segment is the
 * first sight of its bytes: [gap_lo, gap_lo + gap_len), or everything
 * above gap_lo when it is wider than 16 bits count (label.c, shadow.c). */
#define GAP_UNBOUNDED UINT16_MAX

typedef struct trace_conn {
	/* What a flow-table look-up reads comes first.  Zeek's view is kept
	 * beside the entry, and only when a record shows it (flow_extra):
	 * the summary's entries are a quarter smaller without it. */
	uint32_t ref;           /* its index in the flow table + 1; while free, the next free one's */
	uint32_t addr[2];       /* IPv4 addresses as stored, or [0] indexes the IPv6 pair */
	uint16_t port[2];
	uint8_t family;
	uint8_t midstream : 1;
	uint8_t reset : 1;
	uint8_t reset_by : 1;
	uint8_t gap_side : 1;
	uint8_t closed_first : 2; /* 0 none, 1 client, 2 server, 3 both at once */
	uint8_t irtt_known : 1;
	uint8_t held : 1;       /* over, its record waiting out LAST_ACK_HOLD (observer.c) */
	uint16_t gap_at;        /* when the gap opened: gap_ticks() */
	uint16_t irtt;          /* the handshake's round trip (the client's latest SYN to its ACK):
				 * irtt_us(); until irtt_known, when that SYN came (conn_ms()) */
	uint16_t gap_len;       /* the hole's bytes above gap_lo, 0 none, GAP_UNBOUNDED 65535 or more */
	uint32_t gap_lo;        /* where gap_side's span of holes (bytes not yet seen) begins */
	uint32_t id;            /* connection number - 1 */
	uint64_t first_ts, last_ts;
	trace_side side[2];     /* [0] the client (first SYN or first sender) */
} trace_conn;

/* Capture time ts as milliseconds into the connection, wrapping. */
static inline uint16_t conn_ms(const trace_conn *c, uint64_t ts)
{
	return ts > c->first_ts ? (uint16_t)((ts - c->first_ts) / 1000000) : 0;
}

/* The handshake's round trip to the microsecond where it is short (a
 * LAN's is tens of them), in 256 µs steps from 32,768 µs on, to about
 * 8.4 s; 0 while unknown.  It counts from the client's latest SYN, as
 * Wireshark's does: a SYN sent again a second later says nothing of the
 * path.  That SYN's time is kept to the millisecond only (in irtt itself,
 * until the handshake ends), which a round trip after a lost SYN can
 * afford. */
#define IRTT_FINE 32768u

static inline uint16_t irtt_code(uint64_t us)
{
	if (us < IRTT_FINE)
		return (uint16_t)us;
	uint64_t steps = (us - IRTT_FINE) >> 8;
	return (uint16_t)(IRTT_FINE + (steps < IRTT_FINE - 1 ? steps : IRTT_FINE - 1));
}

static inline uint32_t irtt_us(const trace_conn *c)
{
	if (!c->irtt_known)
		return 0;
	return c->irtt < IRTT_FINE ? c->irtt : IRTT_FINE + ((uint32_t)(c->irtt - IRTT_FINE) << 8);
}

/* The clock of the out-of-order window: microseconds after first_ts, or
 * 256 µs ticks for a round trip that long, so that the window always
 * fits in 15 bits and a 16-bit time wraps only well after it. */
static inline unsigned gap_shift(const trace_conn *c)
{
	return irtt_us(c) >= IRTT_FINE ? 8 : 0;
}

static inline uint16_t gap_ticks(const trace_conn *c, uint64_t ts)
{
	return (uint16_t)(((ts - c->first_ts) / 1000) >> gap_shift(c));
}

/* How long a hole stays fresh, in gap ticks: a segment that fills it
 * sooner is out of order rather than retransmitted.  A round trip (the
 * handshake's, as Wireshark measures it), or Wireshark's 3 ms when the
 * capture has no handshake. */
#define OOO_DEFAULT_US 3000u

static inline bool gap_fresh(const trace_conn *c, uint64_t ts)
{
	uint32_t rtt = irtt_us(c), window = (rtt ? rtt : OOO_DEFAULT_US) >> gap_shift(c);
	return c->gap_len && (uint16_t)(gap_ticks(c, ts) - c->gap_at) < window;
}

#endif
