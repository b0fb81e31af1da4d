/* The transmission control block (RFC 9293 §3.3.1) and the engine's
 * internal interfaces between its files. */
#ifndef TCPS_CONN_H
#define TCPS_CONN_H

#include "tcpstate/tcpstate.h"
#include "ring.h"
#include "seq.h"

/* Out-of-order ranges held in the receive buffer.  A segment that would
 * need more is dropped, and the sender repairs it. */
#define TCPS_REASM_MAX 16
/* RFC 9293 §3.7.1: the send MSS when the peer gave none. */
#define TCPS_DEFAULT_MSS_V4 536
#define TCPS_DEFAULT_MSS_V6 1220
/* RFC 5681 §3.2: duplicate ACKs that trigger fast retransmit. */
#define TCPS_DUPACK_THRESH 3

typedef struct tcps_range {
	uint32_t start, end; /* [start, end) */
} tcps_range;

struct tcps_conn {
	tcps_state state;
	tcps_origin origin;     /* how this connection was opened */
	int error;              /* TCPS_ERR_* that ended it, 0 if none */
	int soft_error;         /* ICMP soft error: reported if it times out */
	tcps_tuple tuple;
	uint16_t listen_remote_port; /* as passive OPEN gave it: restored on RST */
	tcps_config cfg;

	/* Send sequence space (RFC 9293 §3.3.1, Figure 3). */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;       /* next to send; pulled back to snd_una on timeout */
	uint32_t snd_max;       /* highest sent + 1: what an ACK may cover */
	uint32_t snd_wnd;       /* scaled */
	uint32_t snd_wl1, snd_wl2;
	uint32_t max_snd_wnd;   /* largest window seen: RFC 5961 §5, sender SWS */
	uint32_t snd_up;
	uint32_t snd_mss;       /* payload per segment, options subtracted */
	uint32_t data_seq;      /* sequence number of the first byte in snd */
	bool fin_queued;        /* CLOSE called: FIN follows the data */
	ring snd;

	/* Receive sequence space (Figure 4). */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_adv;       /* right edge last advertised: never shrinks */
	uint32_t rcv_up;
	bool fin_rcvd;          /* the peer's FIN is in sequence and counted */
	bool fin_pending;       /* a FIN arrived out of order at fin_seq_rcvd */
	uint32_t fin_seq_rcvd;
	uint8_t nreasm;
	tcps_range reasm[TCPS_REASM_MAX];
	uint32_t sack_recent;   /* start of the range that grew last */
	ring rcv;

	/* Options (RFC 7323, RFC 2018). */
	uint8_t snd_wscale, rcv_wscale;
	bool ws_ok, ts_ok, sack_ok;
	uint32_t ts_recent;
	uint32_t last_ack_sent;

	/* Retransmission (RFC 6298). */
	uint64_t srtt, rttvar, rto;
	bool rtt_valid;            /* srtt holds a sample */
	uint32_t backoff;          /* consecutive timeouts */
	bool rtt_timing;
	uint32_t rtt_seq;          /* sample when an ACK covers this (Karn) */
	uint64_t rtt_start;
	uint64_t first_rexmit_at;  /* start of the current run of timeouts */
	uint32_t rto_ts;           /* the timestamp clock at the last timeout ... */
	bool rto_ts_set;           /* ... if there was one */
	bool rexmit_one;           /* fast retransmit: resend snd_una's segment */
	/* Tail loss probe (RFC 8985 §7). */
	uint64_t pto_at;           /* its timer */
	bool tlp_pending;          /* the probe is due: tcps_output sends it */
	bool tlp_out;              /* a probe is out, SND.MAX was tlp_high then */
	bool tlp_rexmit;           /* it resent the last segment (no new text) */
	uint32_t tlp_high;
	uint32_t tlp_flight;       /* FlightSize when it went */
	bool rexmit_marked;        /* that segment was resent in this recovery ... */
	uint32_t rexmit_mark;      /* ... when SND.MAX stood here */

	/* Congestion control (RFC 5681, RFC 6582). */
	uint32_t cwnd, ssthresh;
	uint32_t dupacks;
	uint32_t recover;
	bool in_recovery;
	uint32_t bytes_acked;      /* congestion avoidance accumulator */
	uint32_t lt_bytes;         /* sent by Limited Transmit since the last new ACK */

	/* ACK generation (RFC 9293 §3.8.6.3). */
	bool ack_now;
	uint32_t rcv_unacked;      /* text received since our last ACK */
	uint32_t rcv_mss;          /* largest text seen: "full-sized" */

	/* Pending one-shot segments. */
	bool rst_pending;          /* reply RST (or ABORT's RST) */
	uint32_t rst_seq, rst_ack;
	uint8_t rst_flags;
	uint16_t rst_sport, rst_dport; /* the tuple's, or the answered segment's */
	bool probe_pending;        /* zero-window probe */
	bool keepalive_pending;
	uint32_t keepalive_sent;   /* unanswered probes */

	/* Timers: absolute deadlines, TCPS_NEVER when off. */
	uint64_t rexmt_at;         /* retransmission */
	uint64_t persist_at;       /* zero-window probe */
	uint32_t persist_shift;    /* probe backoff (SHLD-30) */
	uint64_t probe_since;      /* first probe the peer has not answered */
	uint64_t delack_at;
	uint64_t keepalive_at;
	uint64_t timewait_at;
	uint64_t last_rcv_at;

	/* Counters for STATUS. */
	uint64_t retransmits, segs_in, segs_out;

	size_t mem_size;           /* bytes allocated for this block */
};

/* conn.c */
void conn_apply(tcps_conn *c, tcps_event ev);
void conn_closed(tcps_conn *c, int err, tcps_event why);
void conn_init_rcv(tcps_conn *c, uint32_t irs);
void conn_choose_iss(tcps_conn *c, uint64_t now);
uint32_t conn_rcv_wnd(const tcps_conn *c);
/* After RECEIVE frees space: schedules a window update when one is due. */
void conn_window_opened(tcps_conn *c);
/* Clears the protocol state, keeping state, origin, tuple and counters. */
void conn_rewind(tcps_conn *c);
/* Sets what our SYN offers (window scale, default MSS) from the config. */
void conn_prepare_offer(tcps_conn *c);
/* The handshake completed: RFC 6298 (5.7) and keep-alive bookkeeping. */
void conn_established(tcps_conn *c, uint64_t now);

/* input.c */
void conn_options_from_syn(tcps_conn *c, const tcps_segment *seg);

/* rcv.c: receive buffer and reassembly */
/* Takes in-window text; returns true when it filled a gap or was out of order
 * (both want an immediate ACK, RFC 5681 §4.2). */
bool rcv_text(tcps_conn *c, uint32_t seq, const uint8_t *data, uint32_t len);
uint8_t rcv_sack_blocks(const tcps_conn *c, tcps_sack_block *out, uint8_t max);

/* output.c */
void out_queue_rst(tcps_conn *c, uint32_t seq, uint32_t ack, uint8_t flags);

/* timer.c */
void rtt_sample(tcps_conn *c, uint64_t rtt);
void rexmt_arm(tcps_conn *c, uint64_t now);
/* After a transmission or an ACK: (re)arms the tail loss probe when one
 * is due before the retransmission timer, or stops it. */
void tlp_arm(tcps_conn *c, uint64_t now);
/* An ACK of new data arrived: settles a probe it covers. */
void tlp_acked(tcps_conn *c, const tcps_segment *seg);
/* The probe timer expired: the probe goes with the next tcps_output. */
void tlp_fire(tcps_conn *c);
void rexmt_restart(tcps_conn *c, uint64_t now);
void timewait_start(tcps_conn *c, uint64_t now);
void keepalive_reset(tcps_conn *c, uint64_t now);

/* cc.c */
void cc_init(tcps_conn *c);
void cc_on_ack(tcps_conn *c, uint32_t acked);
bool cc_on_dupack(tcps_conn *c);  /* true: retransmit now */
/* Fast retransmit's window cut (RFC 5681 §3.2 steps 2-3, RFC 6582). */
void cc_enter_recovery(tcps_conn *c);
void cc_on_timeout(tcps_conn *c);
/* A loss repaired without fast recovery (a tail loss probe's): the same
 * window cut, from the FlightSize when the loss was found. */
void cc_on_loss_repaired(tcps_conn *c, uint32_t flight);
static inline uint32_t conn_flight(const tcps_conn *c) { return c->snd_max - c->snd_una; }

/* The timestamp clock (RFC 7323 §5.4): milliseconds. */
static inline uint32_t conn_ts_clock(uint64_t now) { return (uint32_t)(now / TCPS_NS_PER_MS); }

#endif
