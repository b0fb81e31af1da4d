/* The observer: the state machine of src/core run in the shadow of both
 * endpoints of every connection in a capture.
 *
 * Feed it packets in capture order (trace_obs_packet); it calls back with
 * one event per segment (the states of both sides after it, its label) and
 * one record per connection when the connection ends, is replaced by a new
 * one on the same 4-tuple, or when the capture ends (trace_obs_finish).
 *
 * What an endpoint sent is certain.  What it received is inferred the
 * moment the segment is seen (as the seed's diagram draws it), confirmed
 * when the receiver acknowledges it, and revised when the receiver's or the
 * sender's later behaviour contradicts it: the SYN sent again with no
 * SYN,ACK in between never arrived (the server is still in LISTEN); the
 * SYN,ACK sent again after the client's ACK means that ACK never arrived
 * (the server is still in SYN_RCVD); anything but a RST from a side that
 * took a RST, sent once that RST had time to arrive, means it never did.
 * A connection ended by a RST is kept 10 to 40 s of capture time for that
 * reason before its record comes out.
 */
#ifndef TCPS_TRACE_OBSERVER_H
#define TCPS_TRACE_OBSERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpstate/state.h"
#include "trace/packet.h"

enum { TRACE_CLIENT = 0, TRACE_SERVER = 1 };

/* Segment labels (DESIGN.md): the strings are the contract. */
typedef enum trace_label {
	TRACE_L_HANDSHAKE_1, TRACE_L_HANDSHAKE_2, TRACE_L_HANDSHAKE_3,
	TRACE_L_DATA, TRACE_L_ACK,
	TRACE_L_CLOSE_1, TRACE_L_CLOSE_2, TRACE_L_CLOSE_3, TRACE_L_CLOSE_4,
	TRACE_L_CLOSE_SIMULTANEOUS, /* a FIN crossing the peer's FIN */
	TRACE_L_RETRANSMISSION, TRACE_L_RESET, TRACE_L_KEEPALIVE,
	TRACE_L_WINDOW_UPDATE, TRACE_L_ZERO_WINDOW, TRACE_L_WINDOW_PROBE,
	TRACE_L_OUT_OF_ORDER,
	TRACE_L_OTHER,             /* e.g. a RST answering nothing we track */
	TRACE_NLABELS
} trace_label;

/* "handshake 1/3", "data", ... */
const char *trace_label_name(trace_label l);

/* Diagnosis codes (DESIGN.md; the names are the contract). */
typedef enum trace_diag_code {
	TRACE_D_SYN_UNANSWERED,
	TRACE_D_HANDSHAKE_INCOMPLETE,
	TRACE_D_TIME_WAIT_ACCUMULATION,
	TRACE_D_CLOSE_WAIT_STUCK,
	TRACE_D_RESET_ESTABLISHED,
	TRACE_D_CONNECTION_REFUSED,
	TRACE_D_LAST_ACK_HELD,
	TRACE_NDIAGS
} trace_diag_code;

const char *trace_diag_name(trace_diag_code d);

typedef struct trace_endpoint {
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
} trace_endpoint;

/* One segment, as the ladder and the JSON "segment" record need it. */
typedef struct trace_seg_event {
	uint64_t conn;              /* connection number, from 1 */
	uint64_t ts;                /* ns since the epoch */
	uint64_t rel_ts;            /* ns since the connection's first packet */
	uint64_t capture_ts;        /* ns since the capture's first packet (of any
				     * shard; 0 for one stamped earlier) */
	int from;                   /* TRACE_CLIENT or TRACE_SERVER */
	const trace_pkt *pkt;
	uint32_t rel_seq, rel_ack;  /* relative to each side's ISN, as tcpdump */
	uint32_t win;               /* the window the sender offers, scaled */
	trace_label label;
	bool also_ack;              /* a close or handshake label that also acks */
	tcps_state state[2];        /* client, server: after this segment */
	bool revised[2];            /* this segment changed an earlier inference */
	bool first_of_conn;         /* the connection's first segment */
	const trace_endpoint *ep;   /* [2]: client, server */
} trace_seg_event;

/* One connection, as the "connection" record and the summary need it. */
typedef struct trace_conn_record {
	uint64_t conn;
	trace_endpoint ep[2];       /* client, server */
	bool midstream;             /* the capture started after its SYN */
	uint64_t first_ts, last_ts;
	tcps_state states[2][16];   /* each side's states, in order */
	uint8_t nstates[2];
	uint64_t packets[2], bytes[2]; /* per sender: segments, payload bytes */
	uint32_t retransmits[2];
	int closed_by;              /* TRACE_CLIENT, TRACE_SERVER, -1 none, 2 both */
	bool reset;                 /* ended by a RST */
	int reset_by;               /* who sent it */
	uint32_t diagnoses;         /* 1 << trace_diag_code for each diagnosis made */
	char zeek_history[24];      /* Zeek's history letters ("" with skip_zeek) */
	const char *zeek_state;     /* Zeek's conn_state: "SF", "S0", "REJ", ...
				     * (NULL with skip_zeek) */
	bool zeek_orig_is_server;   /* Zeek's originator is the server (zeek_orig_is_server()):
				     * conn.log's id.orig_h/orig_p are then the server's */
} trace_conn_record;

/* A diagnosis: one of the seed's bugs, with its evidence.  conn is 0 for
 * an aggregate over connections (time_wait_accumulation). */
typedef struct trace_diag {
	trace_diag_code code;
	uint64_t conn;
	int endpoint;               /* TRACE_CLIENT or TRACE_SERVER: whose state it is */
	trace_endpoint where;       /* that endpoint's address */
	trace_endpoint peer;        /* the other end (the remote of an aggregate) */
	uint64_t count;             /* SYNs sent, SYN,ACKs sent, connections... */
	uint64_t duration_ns;       /* how long the evidence spans */
	char message[256];          /* the evidence, in words */
	const char *cause;          /* the likely cause, in the seed's words */
	const char *hint;           /* the next step: a command to run */
} trace_diag;

typedef void trace_seg_fn(void *user, const trace_seg_event *ev);
typedef void trace_conn_fn(void *user, const trace_conn_record *rec);
/* Called before the connection's record for its diagnoses, and at
 * trace_obs_finish() for the aggregate ones. */
typedef void trace_diag_fn(void *user, const trace_diag *d);

typedef struct trace_obs_config {
	uint64_t msl;               /* TIME_WAIT lasts 2*msl of capture time (default 30 s) */
	uint32_t initial_conns;     /* connections the flow table has room for at first (4096) */
	trace_seg_fn *on_segment;   /* may be NULL (--summary) */
	trace_conn_fn *on_conn;
	trace_diag_fn *on_diag;     /* may be NULL */
	void *user;
	/* Diagnosis thresholds (defaults in trace_obs_config_default). */
	uint64_t syn_wait;          /* a SYN (or SYN,ACK) unanswered this long, or sent
				     * twice, is diagnosed (3 s: Linux's first RTO is 1 s) */
	uint64_t close_wait_after;  /* CLOSE_WAIT held this long at the end (5 s) */
	uint32_t time_wait_threshold; /* TIME_WAITs to one remote endpoint (100) */
	/* Diagnoses past the first diag_text_limit reach on_diag with an
	 * empty message (the rest filled in), for a caller that only counts
	 * those; 0 (the default): every one has its message. */
	uint64_t diag_text_limit;
	/* Nobody reads the records' zeek_history, zeek_state and
	 * zeek_orig_is_server (the summary): Zeek's view of the connections
	 * is neither followed nor kept (48 bytes less a connection), and
	 * they are left "", NULL and false. */
	bool skip_zeek;
	/* Sharding (DESIGN.md, "Where it runs"): with shards > 1, only the
	 * connections whose 4-tuple hashes to shard (0 .. shards-1) are
	 * followed, so that N processes on N cores (or hosts) can share one
	 * capture without sharing any state; the others' packets only move
	 * the clock on.  Connection numbers stay unique across the shards:
	 * the i-th connection of a shard is numbered i * shards + shard + 1.
	 * The hash is tcpstate's own: every shard must run the same version. */
	uint32_t shard, shards;
} trace_obs_config;

typedef struct trace_obs trace_obs;

void trace_obs_config_default(trace_obs_config *cfg);
/* NULL when out of memory, or when cfg->shard is not below cfg->shards. */
trace_obs *trace_obs_new(const trace_obs_config *cfg);
void trace_obs_free(trace_obs *o);
/* Feeds one packet; returns 0, or -1 when out of memory. */
int trace_obs_packet(trace_obs *o, const trace_pkt *p);
/* Hints, for a caller that reads packets ahead: p will be fed soon.
 * trace_obs_prefetch() when p is read; trace_obs_prefetch_conn() with
 * what it filled in, a few packets later: the memory trace_obs_packet(p)
 * needs (its flow-table bucket, then its connection) is then loaded
 * while the packets before it are processed.  They change nothing else. */
typedef struct trace_obs_hint {
	uint32_t hash;  /* the look-up's hash */
	uint32_t ref;   /* the entry likely p's, 0 unknown */
} trace_obs_hint;
void trace_obs_prefetch(const trace_obs *o, const trace_pkt *p, trace_obs_hint *h);
void trace_obs_prefetch_conn(const trace_obs *o, trace_obs_hint *h);
/* trace_obs_packet, with the hint filled in for p (the look-up's hash not
 * computed again, the likely entry tried first). */
int trace_obs_packet_hinted(trace_obs *o, const trace_pkt *p, const trace_obs_hint *h);
/* A live capture saw nothing until now (ns since the epoch, the clock of
 * its timestamps): time passes all the same, so records held out (a RST's
 * receipt, a close's last ACK) and TIME_WAITs come out when they are due,
 * not at the next packet. */
void trace_obs_idle(trace_obs *o, uint64_t now);
/* The capture ended: emits the record of every connection still open. */
void trace_obs_finish(trace_obs *o);

typedef struct trace_obs_stats {
	uint64_t packets, connections, active, peak_active;
	uint64_t bytes_per_conn;    /* memory one tracked connection takes */
	uint64_t late;              /* stray segments of connections already ended */
} trace_obs_stats;
void trace_obs_get_stats(const trace_obs *o, trace_obs_stats *st);

#endif
