/* Synthetic capture generator for the observer benchmark: a pcap file of
 * protocol-correct TCP connections, deterministic from a seed.
 *
 *   gen_capture [-n PACKETS] [-c CONCURRENT] [-s SNAPLEN] [-r PPS] [-S SEED] -o FILE
 *
 * Link type Ethernet (DLT_EN10MB): that is what production captures
 * (tcpdump -i eth0, a switch's mirror port) almost always have, so the
 * observer's link-layer path is the one users pay for.  Raw IPv4 would save
 * 14 of roughly 100 bytes per record; not worth being unrepresentative.
 *
 * Connections are served round-robin from CONCURRENT slots: each round
 * every live connection sends its next segment, and a connection that ends
 * hands its slot to a new one while the packet budget lasts.  So with
 * -c 1000000 the first rounds are a million handshakes, the middle rounds
 * data on all of them, the last rounds their closes: a million connections
 * open at once.  With a small -c the same schedule gives a steady churn.
 * One round of CONCURRENT packets is also each connection's round trip.
 *
 * The mix (per connection): a normal life (handshake, one or more
 * request/response exchanges, a close from either side, three- or
 * four-segment), resets in ESTABLISHED, refused SYNs, unanswered SYNs,
 * unfinished handshakes, connections stuck in CLOSE_WAIT, connections still
 * open when the capture ends, connections already running when it began
 * (midstream), and retransmitted SYNs, SYN,ACKs and data segments.
 * Sequence and acknowledgment numbers, TCP timestamps (Linux's option
 * layout), IP and TCP checksums and IP lengths are all correct; with the
 * default snap length of 96 bytes the payload is cut as tcpdump -s 96 cuts
 * it, with the real length in orig_len and in the IP header.
 *
 * The pcap format is written directly (global header, then a 16-byte record
 * header per packet) through one large buffer: pcap_dump() per packet
 * would cost a call and a stdio lock each for no benefit.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXOPS 48          /* segments one connection may send; fits a slot */
#define MSS 1448           /* 1460 less the 12 bytes of the timestamp option */
#define WSCALE 7
#define OUTBUF (8u << 20)

/* One op is one segment: the kind in the high 5 bits, a payload length in
 * the low 11 (MSS < 2048). */
enum op {
	OP_SYN, OP_SYN_RETX, OP_SYNACK, OP_SYNACK_RETX,
	OP_ACK_C, OP_ACK_S,        /* pure ACK from the client / server */
	OP_DATA_C, OP_DATA_S,      /* payload, PSH on the last of a burst */
	OP_MORE_S,                 /* payload without PSH (a burst goes on) */
	OP_RETX_C, OP_RETX_S,      /* the side's last data segment again */
	OP_FIN_C, OP_FIN_S,
	OP_RST_C, OP_RST_S,        /* RST,ACK from a synchronized side */
	OP_REFUSE,                 /* RST,ACK answering the SYN */
};
#define OPW(op, len) ((uint16_t)((op) << 11 | (len)))

/* Connection kinds, for the mix and the closing statistics. */
enum kind {
	K_NORMAL, K_RESET, K_REFUSED, K_UNANSWERED, K_INCOMPLETE,
	K_CLOSE_WAIT, K_OPEN, K_MIDSTREAM, K_NKINDS
};
static const char *const kind_name[K_NKINDS] = {
	"normal", "reset", "refused", "syn_unanswered", "handshake_incomplete",
	"close_wait", "left_open", "midstream",
};

typedef struct gconn {
	uint32_t addr[2];          /* client, server (host order) */
	uint16_t port[2];
	uint32_t nxt[2];           /* next sequence number each side sends */
	uint32_t last_seq[2];      /* each side's last data segment, for OP_RETX */
	uint16_t last_len[2];
	uint16_t ipid[2];
	uint32_t ts_off[2];        /* each side's TSval clock offset */
	uint32_t tsecr[2];         /* the last TSval each side received */
	uint8_t pc, nops;
	uint16_t ops[MAXOPS];
} gconn;

/* ---- deterministic randomness ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64: fast, and every seed gives a good stream */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (bias is irrelevant at these n). */
static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * n) >> 32);
}

static int chance(unsigned percent)
{
	return rnd_below(100) < percent;
}

/* ---- 4-tuples ---- */

/* Connection k gets the client address 10.x.y.z and port 32768 + p from a
 * bijection of k over 39 bits (24 address bits, 15 port bits), so no two
 * connections in a file share a 4-tuple however many there are (up to
 * 2^39), and addresses and ports are spread, not sequential.  Multiplying
 * by an odd number and xor-shifting right are both invertible mod 2^39. */
static void tuple_for(uint64_t k, gconn *g)
{
	const uint64_t mask = (1ull << 39) - 1;
	uint64_t x = ((k + 1) * 0x5851f42d4c957f2dull) & mask; /* k+1: never 10.0.0.0 */
	x ^= x >> 19;
	x = (x * 0x2545f4914f6cdd1dull) & mask;
	x ^= x >> 17;
	g->addr[0] = 0x0a000000u | (uint32_t)(x & 0xffffff);
	g->port[0] = (uint16_t)(32768 + (x >> 24));
	/* Servers: fewer of them, as in real traffic, anywhere in 10/8. */
	static const uint16_t ports[] = { 443, 443, 443, 443, 80, 80, 8080, 5432, 6379, 3306, 22, 9000 };
	uint64_t h = (k + 1) * 0x9e3779b97f4a7c15ull;
	g->addr[1] = 0x0a000000u | (uint32_t)((h >> 40) & 0xfff000) | (uint32_t)((h >> 20) & 0xfff);
	g->port[1] = ports[(h >> 8) % (sizeof ports / sizeof ports[0])];
}

/* ---- scripts ---- */

static void put(gconn *g, int op, unsigned len)
{
	g->ops[g->nops++] = OPW(op, len);
}

/* One request and its response in at most `room` segments (room >= 2):
 * a request segment, the response in MSS-sized segments with the client's
 * delayed ACK after every second one, retransmissions now and then. */
static void exchange(gconn *g, unsigned room)
{
	unsigned used = 0;
	put(g, OP_DATA_C, 40 + rnd_below(900));
	used++;
	if (room - used > 2 && chance(2)) {
		put(g, OP_RETX_C, 0);
		used++;
	}
	/* Response: 1 to 12 segments, most of them short. */
	unsigned segs = chance(70) ? 1 : 2 + rnd_below(11);
	unsigned last = 100 + rnd_below(MSS - 100);
	for (unsigned i = 0; i < segs && used < room; i++) {
		int final = i + 1 == segs || used + 1 == room;
		put(g, final ? OP_DATA_S : OP_MORE_S, final ? last : MSS);
		used++;
		if (final)
			break;
		if (used < room - 1 && chance(2)) {
			put(g, OP_RETX_S, 0);
			used++;
		}
		if (i % 2 == 1 && used < room - 1) {
			put(g, OP_ACK_C, 0);
			used++;
		}
	}
}

/* Fills exchanges into `room` segments: short ones stop early when a
 * coin says so, so lifetimes vary. */
static void exchanges(gconn *g, unsigned room)
{
	unsigned start = g->nops;
	while (room >= 2) {
		unsigned before = g->nops;
		exchange(g, room);
		room -= g->nops - before;
		if (chance(50))
			break;
	}
	/* An ACK of the last response when room is left (the close would
	 * otherwise carry it); with no exchange it would be a duplicate. */
	if (g->nops > start && room >= 1 && chance(50))
		put(g, OP_ACK_C, 0);
}

static void handshake(gconn *g, unsigned *room)
{
	put(g, OP_SYN, 0);
	if (*room > 8 && chance(2))
		put(g, OP_SYN_RETX, 0);
	put(g, OP_SYNACK, 0);
	if (*room > 8 && chance(1))
		put(g, OP_SYNACK_RETX, 0);
	put(g, OP_ACK_C, 0);
	*room -= g->nops;
}

/* Either side closes first; the second FIN rides on the ACK of the first
 * half the time (three segments), else four. */
static void close_conn(gconn *g, unsigned room)
{
	int first = chance(55) ? OP_FIN_C : OP_FIN_S;
	int second = first == OP_FIN_C ? OP_FIN_S : OP_FIN_C;
	int ack_first = first == OP_FIN_C ? OP_ACK_S : OP_ACK_C;
	int ack_second = first == OP_FIN_C ? OP_ACK_C : OP_ACK_S;
	put(g, first, 0);
	if (room >= 4 && chance(50))
		put(g, ack_first, 0);
	put(g, second, 0);
	put(g, ack_second, 0);
}

/* Builds the connection's segments, at most `cap` of them (cap >= 1). */
static enum kind build(gconn *g, unsigned cap)
{
	g->nops = g->pc = 0;
	if (cap > MAXOPS)
		cap = MAXOPS;
	unsigned r = rnd_below(100);
	enum kind k = r < 80 ? K_NORMAL : r < 84 ? K_RESET : r < 87 ? K_REFUSED :
		      r < 89 ? K_UNANSWERED : r < 91 ? K_INCOMPLETE :
		      r < 93 ? K_CLOSE_WAIT : r < 95 ? K_OPEN : K_MIDSTREAM;
	/* Too little budget left for this kind (the file's last connections,
	 * or a million of them sharing ten million packets): what fits. */
	static const unsigned min_ops[K_NKINDS] = { 8, 4, 2, 1, 2, 5, 3, 6 };
	if (cap < min_ops[k])
		k = cap >= 4 ? K_RESET : cap == 3 ? K_OPEN : cap == 2 ? K_REFUSED : K_UNANSWERED;
	unsigned room = cap;
	switch (k) {
	case K_REFUSED:
		put(g, OP_SYN, 0);
		put(g, OP_REFUSE, 0);
		break;
	case K_UNANSWERED:
		/* The SYN and its retransmissions (1 s, 3 s... apart in life). */
		for (unsigned i = 0; i < 3 && i < cap; i++)
			put(g, i ? OP_SYN_RETX : OP_SYN, 0);
		break;
	case K_INCOMPLETE:
		/* SYN,ACK sent again and again: the final ACK never comes. */
		put(g, OP_SYN, 0);
		for (unsigned i = 0; i < 3 && i + 1 < cap; i++)
			put(g, i ? OP_SYNACK_RETX : OP_SYNACK, 0);
		break;
	case K_MIDSTREAM:
		/* The capture began after the handshake. */
		exchanges(g, room - 4);
		close_conn(g, 4);
		break;
	case K_NORMAL:
		handshake(g, &room);
		if (room < 5) { /* an edge of the budget: finish it cleanly */
			close_conn(g, room);
			break;
		}
		exchanges(g, room - 4);
		close_conn(g, 4);
		break;
	case K_RESET:
		handshake(g, &room);
		if (room >= 3)
			exchanges(g, room - 1);
		put(g, chance(50) ? OP_RST_C : OP_RST_S, 0);
		break;
	case K_CLOSE_WAIT:
		/* The client closes, the server acknowledges and never closes. */
		handshake(g, &room);
		if (room >= 4)
			exchanges(g, room - 2);
		put(g, OP_FIN_C, 0);
		put(g, OP_ACK_S, 0);
		break;
	case K_OPEN:
		handshake(g, &room);
		if (room >= 2)
			exchanges(g, room);
		break;
	case K_NKINDS:
		break;
	}
	return k;
}

/* ---- wire format ---- */

static const uint8_t mac[2][6] = {
	{ 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 },  /* the client side's */
	{ 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 },  /* the server side's */
};

/* The payload of every segment is a prefix of this pattern, so the TCP
 * checksum of any payload length is one table look-up (psum). */
static uint8_t pattern[MSS + 1];
static uint32_t psum[MSS + 1];

static void init_pattern(void)
{
	static const char text[] = "tcpstate synthetic payload 0123456789 ";
	for (unsigned i = 0; i <= MSS; i++)
		pattern[i] = (uint8_t)text[i % (sizeof text - 1)];
	uint32_t s = 0;
	psum[0] = 0;
	for (unsigned i = 1; i <= MSS; i++) {
		/* bytes at even offsets are the high half of a 16-bit word */
		s += (i - 1) % 2 == 0 ? (uint32_t)pattern[i - 1] << 8 : pattern[i - 1];
		psum[i] = s;
	}
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t sum16(const uint8_t *p, unsigned n)
{
	uint32_t s = 0;
	for (unsigned i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	return s;
}

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint8_t *out, *outp;
static FILE *outf;
static unsigned snaplen;
static uint64_t total_bytes, total_packets;

static void flush(void)
{
	size_t n = (size_t)(outp - out);
	if (n && fwrite(out, 1, n, outf) != n) {
		perror("gen_capture: write");
		exit(1);
	}
	total_bytes += n;
	outp = out;
}

/* Writes one record: Ethernet, IPv4 (DF, no options), TCP, payload. */
static void emit(gconn *g, int from, uint8_t flags, uint32_t seq, uint32_t ack,
		 unsigned len, uint64_t now_ns)
{
	uint8_t h[14 + 20 + 40];
	int to = !from;
	int syn = flags & 0x02, rst = flags & 0x04;
	unsigned optlen = syn ? 20 : rst ? 0 : 12;
	unsigned thl = 20 + optlen, frame = 14 + 20 + thl + len;

	memcpy(h, mac[to], 6);
	memcpy(h + 6, mac[from], 6);
	be16(h + 12, 0x0800);

	uint8_t *ip = h + 14;
	ip[0] = 0x45;
	ip[1] = 0;
	be16(ip + 2, 20 + thl + len);
	be16(ip + 4, g->ipid[from]++);
	be16(ip + 6, 0x4000);           /* DF, as Linux sends TCP */
	ip[8] = 64;
	ip[9] = 6;
	be16(ip + 10, 0);
	be32(ip + 12, g->addr[from]);
	be32(ip + 16, g->addr[to]);
	be16(ip + 10, fold(sum16(ip, 20)));

	uint8_t *t = ip + 20;
	be16(t, g->port[from]);
	be16(t + 2, g->port[to]);
	be32(t + 4, seq);
	be32(t + 8, (flags & 0x10) ? ack : 0);
	t[12] = (uint8_t)(thl / 4 << 4);
	t[13] = flags;
	uint32_t wnd = syn ? (from ? 65160 : 64240) : rst ? 0 : 501 + (seq & 7);
	be16(t + 14, wnd);
	be16(t + 16, 0);
	be16(t + 18, 0);
	uint32_t tsval = (uint32_t)(now_ns / 1000000) + g->ts_off[from];
	uint8_t *o = t + 20;
	if (syn) {
		/* Linux's SYN layout: MSS, SACK-permitted, timestamps, NOP, WS */
		o[0] = 2, o[1] = 4, be16(o + 2, 1460);
		o[4] = 4, o[5] = 2;
		o[6] = 8, o[7] = 10, be32(o + 8, tsval), be32(o + 12, g->tsecr[from]);
		o[16] = 1, o[17] = 3, o[18] = 3, o[19] = WSCALE;
	} else if (!rst) {
		o[0] = 1, o[1] = 1, o[2] = 8, o[3] = 10;
		be32(o + 4, tsval), be32(o + 8, g->tsecr[from]);
	}
	g->tsecr[to] = tsval;

	/* TCP checksum: pseudo-header, header, then the payload's sum from
	 * the table (the header length is even, so words stay aligned). */
	uint32_t s = (g->addr[from] >> 16) + (g->addr[from] & 0xffff) +
		     (g->addr[to] >> 16) + (g->addr[to] & 0xffff) + 6 + thl + len;
	s += sum16(t, thl) + psum[len];
	be16(t + 16, fold(s));

	unsigned cap = frame < snaplen ? frame : snaplen;
	unsigned hdr = 14 + 20 + thl;
	if ((size_t)(outp - out) + 16 + cap > OUTBUF)
		flush();
	uint8_t *r = outp;
	uint32_t sec = (uint32_t)(now_ns / 1000000000u), usec = (uint32_t)(now_ns % 1000000000u / 1000);
	memcpy(r, &sec, 4);              /* the record header is host order, */
	memcpy(r + 4, &usec, 4);         /* as the magic number tells readers */
	memcpy(r + 8, &cap, 4);
	memcpy(r + 12, &frame, 4);
	if (cap <= hdr) {
		memcpy(r + 16, h, cap);
	} else {
		memcpy(r + 16, h, hdr);
		memcpy(r + 16 + hdr, pattern, cap - hdr);
	}
	outp = r + 16 + cap;
	total_packets++;
}

/* Sends the connection's next segment. */
static void step(gconn *g, uint64_t now)
{
	uint16_t w = g->ops[g->pc++];
	int op = w >> 11;
	unsigned len = w & 0x7ff;
	uint32_t *nxt = g->nxt;
	switch (op) {
	case OP_SYN:
		emit(g, 0, 0x02, nxt[0]++, 0, 0, now);
		break;
	case OP_SYN_RETX:
		emit(g, 0, 0x02, nxt[0] - 1, 0, 0, now);
		break;
	case OP_SYNACK:
		emit(g, 1, 0x12, nxt[1]++, nxt[0], 0, now);
		break;
	case OP_SYNACK_RETX:
		emit(g, 1, 0x12, nxt[1] - 1, nxt[0], 0, now);
		break;
	case OP_ACK_C:
	case OP_ACK_S: {
		int f = op == OP_ACK_S;
		emit(g, f, 0x10, nxt[f], nxt[!f], 0, now);
		break;
	}
	case OP_DATA_C:
	case OP_DATA_S:
	case OP_MORE_S: {
		int f = op != OP_DATA_C;
		g->last_seq[f] = nxt[f];
		g->last_len[f] = (uint16_t)len;
		emit(g, f, op == OP_MORE_S ? 0x10 : 0x18, nxt[f], nxt[!f], len, now);
		nxt[f] += len;
		break;
	}
	case OP_RETX_C:
	case OP_RETX_S: {
		int f = op == OP_RETX_S;
		emit(g, f, 0x18, g->last_seq[f], nxt[!f], g->last_len[f], now);
		break;
	}
	case OP_FIN_C:
	case OP_FIN_S: {
		int f = op == OP_FIN_S;
		emit(g, f, 0x11, nxt[f]++, nxt[!f], 0, now);
		break;
	}
	case OP_RST_C:
	case OP_RST_S: {
		int f = op == OP_RST_S;
		emit(g, f, 0x14, nxt[f], nxt[!f], 0, now);
		break;
	}
	case OP_REFUSE:
		/* RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		emit(g, 1, 0x14, 0, nxt[0], 0, now);
		break;
	}
}

static void start(gconn *g, uint64_t k, unsigned cap, uint64_t *kinds)
{
	tuple_for(k, g);
	uint64_t r = rnd();
	g->nxt[0] = (uint32_t)r;
	g->nxt[1] = (uint32_t)(r >> 32);
	r = rnd();
	g->ipid[0] = (uint16_t)r;
	g->ipid[1] = (uint16_t)(r >> 16);
	g->ts_off[0] = (uint32_t)(r >> 32);
	g->ts_off[1] = (uint32_t)(r >> 32) * 2654435761u;
	g->tsecr[0] = g->tsecr[1] = 0;
	g->last_seq[0] = g->last_seq[1] = 0;
	g->last_len[0] = g->last_len[1] = 0;
	enum kind kd = build(g, cap);
	if (kd == K_MIDSTREAM) /* the peer's TSval was seen before the capture */
		g->tsecr[0] = g->ts_off[1] + 1, g->tsecr[1] = g->ts_off[0] + 1;
	kinds[kd]++;
}

static void usage(FILE *f)
{
	fputs("usage: gen_capture [-n PACKETS] [-c CONCURRENT] [-s SNAPLEN] [-r PPS] [-S SEED] -o FILE\n"
	      "  -n  packets to write (default 10000000)\n"
	      "  -c  connections served at once, round-robin (default 1000)\n"
	      "  -s  snap length (default 96; 0 = whole packets)\n"
	      "  -r  packets per second of capture time (default 100000)\n"
	      "  -S  seed (default 1)\n"
	      "  -o  output pcap file ('-' for standard output)\n", f);
}

static uint64_t num(const char *s, const char *what)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || end == s) {
		fprintf(stderr, "gen_capture: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	uint64_t npackets = 10000000, conc = 1000, pps = 100000, seed = 1;
	const char *path = NULL;
	snaplen = 96;
	int ch;
	while ((ch = getopt(argc, argv, "n:c:s:r:S:o:h")) != -1) {
		switch (ch) {
		case 'n': npackets = num(optarg, "packet count"); break;
		case 'c': conc = num(optarg, "concurrency"); break;
		case 's': snaplen = (unsigned)num(optarg, "snap length"); break;
		case 'r': pps = num(optarg, "rate"); break;
		case 'S': seed = num(optarg, "seed"); break;
		case 'o': path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!path || optind != argc || !conc || !pps || conc > npackets) {
		usage(stderr);
		return 2;
	}
	if (snaplen == 0 || snaplen > 65535)
		snaplen = 65535;
	rng_state = seed;
	init_pattern();

	outf = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	out = malloc(OUTBUF);
	gconn *slots = calloc(conc, sizeof *slots);
	if (!outf || !out || !slots) {
		perror(path);
		return 1;
	}
	/* pcap global header: microsecond magic, v2.4, link type 1 */
	uint32_t gh[6] = { 0xa1b2c3d4, 2 | 4u << 16, 0, 0, snaplen, 1 };
	memcpy(out, gh, sizeof gh);
	outp = out + sizeof gh;

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t kinds[K_NKINDS] = { 0 };
	uint64_t budget = npackets, started = 0;
	/* Every slot starts a connection, with an equal share of the budget
	 * so that all CONCURRENT of them fit; later ones get what is left. */
	for (uint64_t i = 0; i < conc; i++) {
		uint64_t share = budget / (conc - i);
		gconn *g = &slots[i];
		start(g, started++, share > MAXOPS ? MAXOPS : (unsigned)share, kinds);
		budget -= g->nops;
	}
	uint64_t live = conc, open = 0, peak_open = 0;
	uint64_t now = 1764000000ull * 1000000000u; /* late 2025, in ns */
	uint64_t gap = 1000000000u / pps;
	while (live) {
		for (uint64_t i = 0; i < live;) {
			gconn *g = &slots[i];
			if (g->pc == 0 && ++open > peak_open)
				peak_open = open;
			/* jitter of +-50% keeps arrival times irregular, never backwards */
			now += gap / 2 + rnd_below((uint32_t)gap + 1);
			step(g, now);
			if (g->pc < g->nops) {
				i++;
				continue;
			}
			open--;
			if (budget) {
				start(g, started++, budget > MAXOPS ? MAXOPS : (unsigned)budget, kinds);
				budget -= g->nops;
				i++;
			} else {
				/* retire the slot: the last live one takes its
				 * place and its turn in this round */
				slots[i] = slots[--live];
			}
		}
	}
	flush();
	if (outf != stdout ? fclose(outf) : fflush(outf)) {
		perror(path);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "gen_capture: packets=%llu bytes=%llu connections=%llu peak_open=%llu seconds=%.2f\n",
		(unsigned long long)total_packets, (unsigned long long)total_bytes,
		(unsigned long long)started, (unsigned long long)peak_open, dt);
	fputs("gen_capture: kinds", stderr);
	for (int k = 0; k < K_NKINDS; k++)
		fprintf(stderr, " %s=%llu", kind_name[k], (unsigned long long)kinds[k]);
	fputc('\n', stderr);
	free(slots);
	free(out);
	return 0;
}
