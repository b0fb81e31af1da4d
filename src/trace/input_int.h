/* Between input.c (opening, libpcap, the reading API) and input_raw.c
 * (the files tcpstate reads itself: classic pcap and pcapng): the inside
 * of a trace_input. */
#ifndef TCPS_TRACE_INPUT_INT_H
#define TCPS_TRACE_INPUT_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <pcap/pcap.h>

#include "trace/decode.h"
#include "trace/input.h"

typedef struct counted counted;
typedef struct rawpcap rawpcap;

struct trace_input {
	pcap_t *p;
	counted *src;          /* libpcap's stream, counted (the rare pcap kinds) */
	FILE *stream;          /* the stdio stream over src */
	rawpcap *raw;          /* classic pcap or pcapng, read by input_raw.c */
	char *name;            /* file or interface, for messages */
	int linktype;
	bool nano;             /* timestamps are in ns, else in µs */
	int live_fd;           /* a live capture's, polled for packets: -1 for a file */
	volatile sig_atomic_t stop;
	uint64_t limit;        /* -c: 0 for none */
	off_t rec_start;       /* where the record being read starts */
	trace_input_stats st;
	char err[TRACE_INPUT_ERRLEN];
};

/* ---- The file: what was read of it before libpcap sees it ----
 *
 * A capture file or pipe is opened by reading its first 24 bytes (a
 * classic pcap file header's size) ourselves, to see what it is.  A
 * classic pcap or a pcapng file (by far the commonest) is then read by
 * input_raw.c; anything else goes to libpcap through input.c's counting
 * stream, which hands it those 24 bytes first. */

enum { FILE_HDR = 24 };

typedef struct source {
	int fd;
	FILE *under;           /* owns fd */
	bool close_fp;         /* not stdin */
	off_t start;           /* the file offset of head[0] */
	uint8_t head[FILE_HDR];
	size_t nhead;          /* bytes in head */
} source;

void source_close(source *s);

/* ---- input_raw.c ---- */

/* A reader over the source when its head shows a classic pcap or a pcapng
 * file (NULL otherwise, the source untouched, perr empty; or NULL with
 * perr saying why libpcap refused it).  On success the source is its own,
 * and in->p is libpcap's handle over the file's header alone. */
rawpcap *raw_open(trace_input *in, const source *s, char *perr);
void raw_free(rawpcap *r);
/* The compiled filter (and its text, for pcapng interfaces of other link
 * types) are the reader's from now on; -1 with err set when out of
 * memory. */
int raw_set_filter(trace_input *in, struct bpf_program *prog, const char *filter, char *err);
/* trace_input_next over the reader. */
int raw_input_next(trace_input *in, trace_pkt *pkt);

/* ---- input.c ---- */

/* libpcap's name of a link type, or "unknown". */
const char *input_dlt_name(int dlt);
/* Counts a record that was not a TCP segment. */
void input_count(trace_input *in, trace_decode_result r, const char *why);

#endif
