/* The TCP header on the wire (RFC 9293 §3.1) and its options (§3.2,
 * RFC 7323, RFC 2018), to and from tcps_segment.  See tcpstate/segment.h.
 *
 * Multi-byte fields are read and written a byte at a time with shifts, so
 * the code needs no alignment and no byte-order macros; compilers turn
 * these into single loads and byte swaps. */
#include "tcpstate/segment.h"

#include <string.h>

/* Option kinds (RFC 9293 §3.2, RFC 7323 §2-3, RFC 2018 §2-3). */
enum {
	OPT_EOL = 0,
	OPT_NOP = 1,
	OPT_MSS = 2,
	OPT_WSCALE = 3,
	OPT_SACK_OK = 4,
	OPT_SACK = 5,
	OPT_TS = 8,
};

/* Option lengths, kind and length bytes included. */
enum {
	OPTLEN_MSS = 4,
	OPTLEN_WSCALE = 3,
	OPTLEN_SACK_OK = 2,
	OPTLEN_SACK_BLOCK = 8,
	OPTLEN_TS = 10,
};

/* RFC 7323 §2.3: a shift above 14 would let the window exceed 2^30, the
 * most that sequence-number comparison can tell apart. */
#define WSCALE_MAX 14

#define OPTIONS_MAX (TCPS_HEADER_MAX - TCPS_HEADER_MIN)

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static inline uint8_t *put4(uint8_t *p, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	return p + 4;
}

/* ---- Parsing ---- */

static void take_sack(const uint8_t *v, size_t vlen, tcps_segment *seg)
{
	size_t n = vlen / OPTLEN_SACK_BLOCK;

	/* RFC 2018 §3: the option is 2 + 8n bytes; 40 bytes of option space
	 * hold at most four blocks, so n > 4 cannot occur in a valid header. */
	if (n == 0 || n > TCPS_MAX_SACK_BLOCKS || vlen % OPTLEN_SACK_BLOCK)
		return;
	for (size_t i = 0; i < n; i++, v += OPTLEN_SACK_BLOCK) {
		seg->sack[i].left = get32(v);
		seg->sack[i].right = get32(v + 4);
	}
	seg->nsack = (uint8_t)n;
	seg->options |= TCPS_OPT_SACK;
}

/* One option with its value v[0..vlen).  A known kind with the wrong
 * length is dropped rather than refused: the rest of the header is still
 * good, and RFC 9293 §3.2 only asks that we not be hurt by it. */
static void take_option(uint8_t kind, const uint8_t *v, size_t vlen, tcps_segment *seg)
{
	switch (kind) {
	case OPT_MSS:
		if (vlen != OPTLEN_MSS - 2)
			return;
		seg->mss = get16(v);
		seg->options |= TCPS_OPT_MSS;
		return;
	case OPT_WSCALE:
		if (vlen != OPTLEN_WSCALE - 2)
			return;
		seg->wscale = v[0] > WSCALE_MAX ? WSCALE_MAX : v[0];
		seg->options |= TCPS_OPT_WSCALE;
		return;
	case OPT_SACK_OK:
		if (vlen != OPTLEN_SACK_OK - 2)
			return;
		seg->options |= TCPS_OPT_SACK_OK;
		return;
	case OPT_SACK:
		take_sack(v, vlen, seg);
		return;
	case OPT_TS:
		if (vlen != OPTLEN_TS - 2)
			return;
		seg->tsval = get32(v);
		seg->tsecr = get32(v + 4);
		seg->options |= TCPS_OPT_TS;
		return;
	default:
		return; /* unknown: skipped by its length */
	}
}

/* Walks the options in p[0..end).  Every kind but EOL and NOP has a
 * length byte that counts itself and the kind (RFC 9293 §3.2), so a
 * length below 2 would loop forever or step backwards: refuse it, and
 * one that runs past the header, instead of guessing. */
static int parse_options(const uint8_t *p, const uint8_t *end, tcps_segment *seg)
{
	while (p < end) {
		uint8_t kind = p[0];
		size_t optlen;

		if (kind == OPT_EOL)
			break;
		if (kind == OPT_NOP) {
			p++;
			continue;
		}
		if (end - p < 2)
			return TCPS_PARSE_BAD_OPTION;
		optlen = p[1];
		if (optlen < 2 || optlen > (size_t)(end - p))
			return TCPS_PARSE_BAD_OPTION;
		take_option(kind, p + 2, optlen - 2, seg);
		p += optlen;
	}
	return TCPS_PARSE_OK;
}

/* On error *seg holds whatever was read so far; callers must not use it. */
int tcps_segment_parse(const uint8_t *buf, size_t len, tcps_segment *seg)
{
	size_t hlen;

	if (len < TCPS_HEADER_MIN)
		return TCPS_PARSE_SHORT;
	hlen = (size_t)(buf[12] >> 4) * 4;
	if (hlen < TCPS_HEADER_MIN || hlen > len)
		return TCPS_PARSE_BAD_OFFSET;

	/* Field by field, not a memset of the whole struct: this runs once
	 * per captured packet in the observer. */
	seg->sport = get16(buf);
	seg->dport = get16(buf + 2);
	seg->seq = get32(buf + 4);
	seg->ack = get32(buf + 8);
	seg->flags = buf[13];
	seg->wnd = get16(buf + 14);
	seg->up = get16(buf + 18);
	seg->options = 0;
	seg->wscale = 0;
	seg->mss = 0;
	seg->tsval = seg->tsecr = 0;
	seg->nsack = 0;
	memset(seg->sack, 0, sizeof seg->sack);
	seg->data = buf + hlen;
	/* An IP datagram carries less than 4 GiB, so this cannot truncate. */
	seg->len = (uint32_t)(len - hlen);
	if (hlen == TCPS_HEADER_MIN)
		return TCPS_PARSE_OK;
	/* The commonest options once synchronized: NOP, NOP, timestamps. */
	if (hlen == TCPS_HEADER_MIN + 12 && buf[20] == OPT_NOP && buf[21] == OPT_NOP &&
	    buf[22] == OPT_TS && buf[23] == OPTLEN_TS) {
		seg->tsval = get32(buf + 24);
		seg->tsecr = get32(buf + 28);
		seg->options = TCPS_OPT_TS;
		return TCPS_PARSE_OK;
	}
	return parse_options(buf + TCPS_HEADER_MIN, buf + hlen, seg);
}

const char *tcps_parse_strerror(int err)
{
	switch (err) {
	case TCPS_PARSE_OK:
		return "ok";
	case TCPS_PARSE_SHORT:
		return "shorter than a TCP header (20 bytes)";
	case TCPS_PARSE_BAD_OFFSET:
		return "data offset below 5 words or past the end of the segment";
	case TCPS_PARSE_BAD_OPTION:
		return "option length below 2 or past the end of the header";
	default:
		return "unknown parse error";
	}
}

/* ---- Emitting ----
 *
 * Options go in the order Linux writes them on a SYN, so that a capture
 * of tcpstate reads like one of Linux (tcpdump: "mss 1460,sackOK,TS val
 * ... ecr 0,nop,wscale 7"):
 *
 *   MSS                    02 04 mm mm
 *   SACK-permitted + TS    04 02 08 0a <tsval> <tsecr>
 *   or TS alone            01 01 08 0a <tsval> <tsecr>
 *   or SACK-permitted      01 01 04 02
 *   window scale           01 03 03 ss
 *   SACK blocks            01 01 05 ll <left right>...
 *
 * Each group is padded with NOPs to a 4-byte boundary in front, so the
 * 32-bit fields stay aligned and the header needs no padding at the end.
 * At most 20 bytes go to everything but SACK; the blocks get what is left
 * of the 40, first blocks first (RFC 2018 §4: the first block reports the
 * most recent data, so it is the one to keep). */

static bool has(const tcps_segment *seg, uint8_t opt)
{
	return (seg->options & opt) != 0;
}

/* Option bytes before the SACK blocks. */
static size_t fixed_options_len(const tcps_segment *seg)
{
	size_t n = 0;

	if (has(seg, TCPS_OPT_MSS))
		n += 4;
	if (has(seg, TCPS_OPT_TS))
		n += 12;
	else if (has(seg, TCPS_OPT_SACK_OK))
		n += 4;
	if (has(seg, TCPS_OPT_WSCALE))
		n += 4;
	return n;
}

/* How many of seg's SACK blocks fit after `used` option bytes. */
static size_t sack_blocks_fitting(const tcps_segment *seg, size_t used)
{
	size_t room, n;

	if (!has(seg, TCPS_OPT_SACK) || used + 4 + OPTLEN_SACK_BLOCK > OPTIONS_MAX)
		return 0;
	room = (OPTIONS_MAX - used - 4) / OPTLEN_SACK_BLOCK;
	n = seg->nsack < TCPS_MAX_SACK_BLOCKS ? seg->nsack : TCPS_MAX_SACK_BLOCKS;
	return n < room ? n : room;
}

static size_t options_len(const tcps_segment *seg)
{
	size_t used = fixed_options_len(seg);
	size_t nsack = sack_blocks_fitting(seg, used);

	return used + (nsack ? 4 + nsack * OPTLEN_SACK_BLOCK : 0);
}

size_t tcps_segment_header_len(const tcps_segment *seg)
{
	size_t hlen = TCPS_HEADER_MIN + options_len(seg);

	/* Every group is a multiple of 4 already; the rounding keeps the data
	 * offset honest should a group ever be added that is not. */
	return (hlen + 3) & ~(size_t)3;
}

static uint8_t *emit_ts(const tcps_segment *seg, uint8_t *p)
{
	if (has(seg, TCPS_OPT_SACK_OK))
		p = put4(p, OPT_SACK_OK, OPTLEN_SACK_OK, OPT_TS, OPTLEN_TS);
	else
		p = put4(p, OPT_NOP, OPT_NOP, OPT_TS, OPTLEN_TS);
	p = put32(p, seg->tsval);
	return put32(p, seg->tsecr);
}

static uint8_t *emit_sack(const tcps_segment *seg, uint8_t *p, size_t n)
{
	p = put4(p, OPT_NOP, OPT_NOP, OPT_SACK, (uint8_t)(2 + n * OPTLEN_SACK_BLOCK));
	for (size_t i = 0; i < n; i++) {
		p = put32(p, seg->sack[i].left);
		p = put32(p, seg->sack[i].right);
	}
	return p;
}

static uint8_t *emit_options(const tcps_segment *seg, uint8_t *p)
{
	size_t nsack = sack_blocks_fitting(seg, fixed_options_len(seg));

	if (has(seg, TCPS_OPT_MSS)) {
		p[0] = OPT_MSS;
		p[1] = OPTLEN_MSS;
		p = put16(p + 2, seg->mss);
	}
	if (has(seg, TCPS_OPT_TS))
		p = emit_ts(seg, p);
	else if (has(seg, TCPS_OPT_SACK_OK))
		p = put4(p, OPT_NOP, OPT_NOP, OPT_SACK_OK, OPTLEN_SACK_OK);
	if (has(seg, TCPS_OPT_WSCALE)) {
		/* Never offer what RFC 7323 §2.3 makes the peer clamp anyway. */
		uint8_t shift = seg->wscale > WSCALE_MAX ? WSCALE_MAX : seg->wscale;
		p = put4(p, OPT_NOP, OPT_WSCALE, OPTLEN_WSCALE, shift);
	}
	if (nsack)
		p = emit_sack(seg, p, nsack);
	return p;
}

static void emit_fixed_header(const tcps_segment *seg, size_t hlen, uint8_t *buf)
{
	put16(buf, seg->sport);
	put16(buf + 2, seg->dport);
	put32(buf + 4, seg->seq);
	put32(buf + 8, seg->ack);
	buf[12] = (uint8_t)(hlen / 4 << 4);
	buf[13] = seg->flags;
	put16(buf + 14, seg->wnd);
	put16(buf + 16, 0); /* checksum: the network layer's, over the pseudo-header */
	put16(buf + 18, seg->up);
}

size_t tcps_segment_emit(const tcps_segment *seg, uint8_t *buf, size_t cap)
{
	size_t hlen = tcps_segment_header_len(seg);
	uint8_t *p;

	if (cap < hlen || cap - hlen < seg->len || (seg->len && !seg->data))
		return 0;
	emit_fixed_header(seg, hlen, buf);
	p = emit_options(seg, buf + TCPS_HEADER_MIN);
	while (p < buf + hlen)
		*p++ = OPT_EOL;
	/* memmove: a driver may have placed the payload in buf already. */
	if (seg->len && seg->data != buf + hlen)
		memmove(buf + hlen, seg->data, seg->len);
	return hlen + seg->len;
}

/* ---- Flags in tcpdump's notation ---- */

/* tcpdump (print-tcp.c) prints the set bits in this order, ACK as '.'
 * between PSH and URG: "S", "S.", "P.", "FP.", "S.E", "SEW". */
static const struct {
	uint8_t bit;
	char letter;
} flag_letters[] = {
	{ TCPS_FIN, 'F' }, { TCPS_SYN, 'S' }, { TCPS_RST, 'R' }, { TCPS_PSH, 'P' },
	{ TCPS_ACK, '.' }, { TCPS_URG, 'U' }, { TCPS_ECE, 'E' }, { TCPS_CWR, 'W' },
};

const char *tcps_flags_str(uint8_t flags, char buf[9])
{
	size_t n = 0;

	if (!flags) {
		memcpy(buf, "none", 5); /* tcpdump's word for no bits set */
		return buf;
	}
	for (size_t i = 0; i < sizeof flag_letters / sizeof flag_letters[0]; i++)
		if (flags & flag_letters[i].bit)
			buf[n++] = flag_letters[i].letter;
	buf[n] = '\0';
	return buf;
}

/* ---- Internet checksum (RFC 1071) ----
 *
 * The sum is over big-endian 16-bit words; tcps_csum_fold() gives a
 * number to store big-endian, like every other header field.  Summing
 * 32-bit words instead is the same sum: 2^16 = 1 in ones'-complement
 * arithmetic (modulo 0xffff), so a 32-bit word adds its two halves.  The
 * 64-bit accumulator cannot overflow below 16 GiB in one call (2^32
 * words of less than 2^32 each), and is folded to 32 bits on return with
 * the carries added back in, which again preserves the sum mod 0xffff.
 *
 * Only the last chunk given to tcps_csum_add() may have an odd length:
 * its final byte is taken as the high half of a word padded with zero,
 * which is right only at the very end of the data. */

static uint32_t fold64(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	return (uint32_t)sum;
}

uint32_t tcps_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	for (; len >= 4; len -= 4, p += 4)
		acc += get32(p);
	if (len >= 2) {
		acc += get16(p);
		len -= 2;
		p += 2;
	}
	if (len)
		acc += (uint32_t)p[0] << 8;
	return fold64(acc);
}

uint16_t tcps_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
