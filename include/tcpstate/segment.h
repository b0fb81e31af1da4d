/* tcpstate — a TCP segment as a plain struct, and its wire format.
 *
 * The engine and the observer work on tcps_segment; tcps_segment_parse()
 * and tcps_segment_emit() convert to and from the bytes of a TCP header
 * (RFC 9293 §3.1) with its options (RFC 9293 §3.2, RFC 7323, RFC 2018).
 * The IP pseudo-header checksum belongs to the network layer
 * (tcps_checksum_* below help it).
 */
#ifndef TCPSTATE_SEGMENT_H
#define TCPSTATE_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Control bits, as on the wire (low byte of header word 3). */
enum {
	TCPS_FIN = 0x01,
	TCPS_SYN = 0x02,
	TCPS_RST = 0x04,
	TCPS_PSH = 0x08,
	TCPS_ACK = 0x10,
	TCPS_URG = 0x20,
	TCPS_ECE = 0x40,
	TCPS_CWR = 0x80,
};

/* Which options a segment carries. */
enum {
	TCPS_OPT_MSS = 0x01,     /* RFC 9293 §3.7.1 */
	TCPS_OPT_WSCALE = 0x02,  /* RFC 7323 §2 */
	TCPS_OPT_SACK_OK = 0x04, /* RFC 2018 §2 */
	TCPS_OPT_TS = 0x08,      /* RFC 7323 §3 */
	TCPS_OPT_SACK = 0x10,    /* RFC 2018 §3 */
};

#define TCPS_MAX_SACK_BLOCKS 4
#define TCPS_HEADER_MIN 20
#define TCPS_HEADER_MAX 60

typedef struct tcps_sack_block {
	uint32_t left, right; /* [left, right) in sequence space */
} tcps_sack_block;

typedef struct tcps_segment {
	uint16_t sport, dport;
	uint32_t seq;       /* SEG.SEQ */
	uint32_t ack;       /* SEG.ACK (meaningful when TCPS_ACK is set) */
	uint16_t wnd;       /* SEG.WND as on the wire, not yet scaled */
	uint8_t flags;      /* TCPS_SYN | TCPS_ACK | ... */
	uint16_t up;        /* SEG.UP */
	uint8_t options;    /* TCPS_OPT_* present */
	uint8_t wscale;     /* shift count, when TCPS_OPT_WSCALE */
	uint16_t mss;       /* when TCPS_OPT_MSS */
	uint32_t tsval, tsecr;  /* when TCPS_OPT_TS */
	uint8_t nsack;      /* SACK blocks, when TCPS_OPT_SACK */
	tcps_sack_block sack[TCPS_MAX_SACK_BLOCKS];
	const uint8_t *data; /* payload; not owned */
	uint32_t len;        /* payload bytes (SEG.LEN less SYN and FIN) */
} tcps_segment;

/* SEG.LEN: payload plus one for SYN and one for FIN (RFC 9293 §3.4). */
static inline uint32_t tcps_seg_len(const tcps_segment *s)
{
	return s->len + !!(s->flags & TCPS_SYN) + !!(s->flags & TCPS_FIN);
}

/* Parse errors: why a header was refused. */
typedef enum tcps_parse_error {
	TCPS_PARSE_OK = 0,
	TCPS_PARSE_SHORT = -1,       /* fewer than 20 bytes */
	TCPS_PARSE_BAD_OFFSET = -2,  /* data offset < 5 or past the bytes given */
	TCPS_PARSE_BAD_OPTION = -3,  /* an option's length is under 2 or runs past the header */
} tcps_parse_error;

/* Parses the TCP header and options in buf[0..len).  The payload is what
 * follows the header (seg->data points into buf).  Unknown options are
 * skipped; a known option with the wrong length is ignored (RFC 9293
 * §3.2: MUST be prepared to handle an illegal option length without
 * crashing).  Returns TCPS_PARSE_OK or a negative tcps_parse_error; on
 * error *seg is partly filled and must not be used.  The AE (NS) bit is
 * not kept. */
int tcps_segment_parse(const uint8_t *buf, size_t len, tcps_segment *seg);

/* The header length tcps_segment_emit() would write (20..60). */
size_t tcps_segment_header_len(const tcps_segment *seg);

/* Writes header, options and payload into buf (checksum field zero).
 * SACK blocks that do not fit beside the other options are left out and
 * wscale is clamped to 14.  Returns the bytes written, or 0 when cap is
 * too small (or len > 0 with no data). */
size_t tcps_segment_emit(const tcps_segment *seg, uint8_t *buf, size_t cap);

/* The parse error's meaning, for messages. */
const char *tcps_parse_strerror(int err);

/* tcpdump's notation for the flags without brackets: "S", "S.", ".",
 * "P.", "F.", "R", "R."; writes at most 9 bytes including NUL. */
const char *tcps_flags_str(uint8_t flags, char buf[9]);

/* Internet checksum (RFC 1071) helpers for the network layer: sums
 * big-endian 16-bit words (only the last chunk may have an odd length);
 * store the folded result big-endian.  A received segment checks out when
 * the fold over pseudo-header and segment is 0. */
uint32_t tcps_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t tcps_csum_fold(uint32_t sum);

#ifdef __cplusplus
}
#endif
#endif
