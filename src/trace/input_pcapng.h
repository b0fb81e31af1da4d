/* pcapng blocks, parsed where they lie.  input.c reads each block whole
 * into its buffer and hands it here; this file only reads bytes.
 *
 * The rules are libpcap's (its sf-pcapng.c, as of 1.10), so that a file
 * reads the same whether libpcap or tcpstate reads it, and a bad one is
 * told in the words libpcap users know: packets in Enhanced, Simple and
 * (obsolete) Packet Blocks; interfaces from Interface Description Blocks,
 * with their if_tsresol and if_tsoffset; new sections; every other block
 * skipped.  One deliberate difference: libpcap reads only files whose
 * interfaces share one link type and one snap length, where here each
 * interface keeps its own (dumpcap -i eth0 -i wg0 writes Ethernet and raw
 * IP interfaces into one file). */
#ifndef TCPS_TRACE_INPUT_PCAPNG_H
#define TCPS_TRACE_INPUT_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

enum {
	NG_BLOCK_HDR = 8,                 /* type and total length */
	NG_BLOCK_MIN = 12,                /* header and trailer */
	NG_BLOCK_MAX = 16 * 1024 * 1024,  /* libpcap's limit on a block */
	NG_TYPE_SHB = 0x0A0D0D0A,
	NG_TYPE_IDB = 1,
};

typedef struct ng_iface {
	uint64_t tsresol;    /* time stamp units per second */
	int64_t tsoffset;    /* seconds to add */
	uint32_t snapshot;   /* its snap length, adjusted as libpcap does */
	uint16_t linktype;   /* LINKTYPE_ value, as the file has it */
} ng_iface;

typedef struct ng_reader {
	bool swapped;        /* the file's byte order is not ours */
	uint32_t nifaces, cap;
	ng_iface *ifaces;    /* of the current section */
} ng_reader;

/* Whether the file starts like a pcapng one: a Section Header Block with
 * a byte-order magic (n >= 12).  Sets *swapped. */
bool ng_magic(const uint8_t *p, size_t n, bool *swapped);

/* The total length of the block whose header is at p, in the file's
 * byte order; 0 with err set when no block can be that long. */
uint32_t ng_block_length(const ng_reader *r, const uint8_t *p, char err[PCAP_ERRBUF_SIZE]);

/* A whole block, p[0..len).  A packet: 1, with *h (the time stamp in
 * nanoseconds, in ts.tv_usec), *data (inside p) and *linktype (its
 * interface's LINKTYPE_ value).  An interface or a new section is taken
 * in, any other block skipped: 0.  -1 with err. */
int ng_block(ng_reader *r, const uint8_t *p, uint32_t len, struct pcap_pkthdr *h,
	     const uint8_t **data, int *linktype, char err[PCAP_ERRBUF_SIZE]);

void ng_free(ng_reader *r);

#endif
