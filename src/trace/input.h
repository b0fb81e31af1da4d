/* Capture input through libpcap: pcap and pcapng files (standard input
 * too), live interfaces, a BPF filter as tcpdump takes it.  Hands out the
 * TCP packets, decoded, and counts everything else.
 *
 * Errors are sentences for the user: opening fills the caller's buffer,
 * reading leaves the message in trace_input_error().  A file that stops
 * in the middle of a record, or holds a broken one, gives every packet
 * before it and then the error, which names the byte offset where the bad
 * record starts. */
#ifndef TCPS_TRACE_INPUT_H
#define TCPS_TRACE_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/packet.h"

/* Room enough for any message these functions write. */
#define TRACE_INPUT_ERRLEN 512

/* How many malformed packets are remembered, with their reasons. */
#define TRACE_INPUT_REASONS 8

typedef struct trace_input trace_input;

typedef struct trace_input_reason {
	uint64_t index;      /* packet number, from 1 */
	const char *why;     /* static string from the decoder */
} trace_input_reason;

typedef struct trace_input_stats {
	uint64_t packets;    /* records read (past the BPF filter) */
	uint64_t tcp;        /* handed out by trace_input_next */
	uint64_t not_tcp;    /* well-formed, another protocol */
	uint64_t fragments;  /* non-first IP fragments of TCP */
	uint64_t malformed;  /* broken headers */
	uint64_t truncated;  /* TCP packets whose payload the snap length cut */
	uint64_t dropped;    /* live: lost by the kernel or the interface */
	trace_input_reason reasons[TRACE_INPUT_REASONS]; /* the first malformed */
	unsigned nreasons;
} trace_input_stats;

/* Opens a capture file; path "-" is standard input.  filter is a BPF
 * expression (NULL or "" for none).  Returns NULL with err filled. */
trace_input *trace_input_open_file(const char *path, const char *filter,
				   char err[TRACE_INPUT_ERRLEN]);

/* The same over an open stream, named name in messages.  fp belongs to
 * the input from this call on, whatever the outcome (stdin excepted,
 * which is never closed).  Its file descriptor is read directly, so
 * nothing may have been read from fp through stdio before.  A pipe works:
 * the byte offsets in messages are counted as it is read. */
trace_input *trace_input_open_fp(FILE *fp, const char *name, const char *filter,
				 char err[TRACE_INPUT_ERRLEN]);

/* Captures live on iface, not promiscuous, each packet as it arrives.
 * Without the privilege, err says which one is missing. */
trace_input *trace_input_open_live(const char *iface, const char *filter,
				   char err[TRACE_INPUT_ERRLEN]);

void trace_input_close(trace_input *in);

/* Joins the trailing command-line words into one filter expression, as
 * tcpdump does ("tcp", "port", "80" -> "tcp port 80").  Returns a string
 * to free(), or NULL when there are no words or memory ran out. */
char *trace_input_join_filter(int nwords, char *const words[]);

/* Stop after n records (tcpdump's -c: counted past the filter, of any
 * protocol); 0 means no limit. */
void trace_input_count_limit(trace_input *in, uint64_t n);

/* The next TCP packet, with ts (ns since the epoch) and index set: 1.
 * The end of the capture, the count limit, or a break: 0.  A read error:
 * -1, with trace_input_error() saying what and where.  pkt->seg.data
 * stays valid until the next call. */
int trace_input_next(trace_input *in, trace_pkt *pkt);
/* The same, but a live capture whose timeout (100 ms) passed with no
 * packet returns TRACE_INPUT_IDLE, so that the caller can let time pass
 * where nothing comes (trace_obs_idle). */
#define TRACE_INPUT_IDLE 2
int trace_input_next_or_idle(trace_input *in, trace_pkt *pkt);

/* Makes trace_input_next return 0 soon.  Safe in a signal handler. */
void trace_input_breakloop(trace_input *in);

/* The last error, or "" when there was none. */
const char *trace_input_error(const trace_input *in);

/* Counters so far (dropped is asked of the kernel on each call). */
void trace_input_get_stats(trace_input *in, trace_input_stats *st);

/* The link type (DLT_ value) and its name, e.g. "EN10MB". */
int trace_input_linktype(const trace_input *in);
const char *trace_input_linktype_name(const trace_input *in);

#endif
