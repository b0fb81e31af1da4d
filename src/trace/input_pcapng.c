/* pcapng blocks.  See input_pcapng.h.  Block layouts are those of the
 * pcapng specification (draft-ietf-opsawg-pcapng); the checks and their
 * messages follow libpcap's reader. */
#include "trace/input_pcapng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	BYTE_ORDER_MAGIC = 0x1A2B3C4D,
	TYPE_PB = 2,         /* Packet Block (obsolete) */
	TYPE_SPB = 3,        /* Simple Packet Block */
	TYPE_EPB = 6,        /* Enhanced Packet Block */
	OPT_END = 0,
	OPT_TSRESOL = 9,
	OPT_TSOFFSET = 14,
	/* libpcap's maximum snap length for every link type the decoder
	 * reads: what a snap length of 0 means. */
	MAX_SNAPLEN = 262144,
	NS = 1000000000,
};

static uint32_t rd32(const ng_reader *r, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return r->swapped ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const ng_reader *r, const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return r->swapped ? __builtin_bswap16(v) : v;
}

bool ng_magic(const uint8_t *p, size_t n, bool *swapped)
{
	uint32_t type, magic;
	if (n < 12)
		return false;
	memcpy(&type, p, 4);
	memcpy(&magic, p + 8, 4);
	if (type != NG_TYPE_SHB)
		return false;
	*swapped = magic == __builtin_bswap32(BYTE_ORDER_MAGIC);
	return *swapped || magic == BYTE_ORDER_MAGIC;
}

uint32_t ng_block_length(const ng_reader *r, const uint8_t *p, char err[PCAP_ERRBUF_SIZE])
{
	uint32_t len = rd32(r, p + 4);
	if (len < NG_BLOCK_MIN)
		snprintf(err, PCAP_ERRBUF_SIZE, "block in pcapng dump file has a length of %u < %d",
			 len, NG_BLOCK_MIN);
	else if (len % 4)
		snprintf(err, PCAP_ERRBUF_SIZE,
			 "block in pcapng dump file has a length of %u that is not a multiple of 4", len);
	else if (len > NG_BLOCK_MAX)
		snprintf(err, PCAP_ERRBUF_SIZE, "pcapng block size %u > maximum %u", len,
			 (unsigned)NG_BLOCK_MAX);
	else
		return len;
	return 0;
}

/* What is left of a block's body as it is read. */
typedef struct cursor {
	const uint8_t *p;
	size_t left;
	uint32_t type;
} cursor;

static const uint8_t *take(cursor *c, size_t n, char *err)
{
	if (c->left < n) {
		snprintf(err, PCAP_ERRBUF_SIZE, "block of type %u in pcapng dump file is too short",
			 c->type);
		return NULL;
	}
	const uint8_t *at = c->p;
	c->p += n;
	c->left -= n;
	return at;
}

/* As libpcap 1.10 adjusts it (pcap_snapshot() must fit an int); later
 * versions also cut it to MAX_SNAPLEN, which changes nothing here but
 * which damaged interface is reported first. */
static uint32_t adjust_snaplen(uint32_t snaplen)
{
	return snaplen == 0 || snaplen > INT32_MAX ? MAX_SNAPLEN : snaplen;
}

/* An option that may come once, its value `want` bytes long. */
static int option_once(uint16_t len, uint16_t want, bool *saw, const char *name, char *err)
{
	if (len != want) {
		snprintf(err, PCAP_ERRBUF_SIZE,
			 "Interface Description Block has %s option with length %u != %u", name, len,
			 want);
		return -1;
	}
	if (*saw) {
		snprintf(err, PCAP_ERRBUF_SIZE,
			 "Interface Description Block has more than one %s option", name);
		return -1;
	}
	*saw = true;
	return 0;
}

/* An interface's time stamp options; the defaults are microseconds and
 * no offset. */
static int idb_options(const ng_reader *r, cursor *c, ng_iface *ifc, char *err)
{
	bool saw_resol = false, saw_offset = false;
	ifc->tsresol = 1000000;
	ifc->tsoffset = 0;
	while (c->left) {
		const uint8_t *oh = take(c, 4, err), *v;
		if (!oh)
			return -1;
		uint16_t code = rd16(r, oh), len = rd16(r, oh + 2);
		if (!(v = take(c, ((size_t)len + 3) & ~(size_t)3, err)))
			return -1;
		if (code == OPT_END) {
			if (!len)
				return 0;
			snprintf(err, PCAP_ERRBUF_SIZE,
				 "Interface Description Block has opt_endofopt option with length %u != 0",
				 len);
			return -1;
		}
		if (code == OPT_TSRESOL) {
			if (option_once(len, 1, &saw_resol, "if_tsresol", err) < 0)
				return -1;
			unsigned exp = v[0] & 0x7f;
			bool binary = v[0] & 0x80; /* 2^-exp, else 10^-exp */
			if (exp > (binary ? 63u : 19u)) {
				snprintf(err, PCAP_ERRBUF_SIZE,
					 "Interface Description Block if_tsresol option resolution %s^-%u is too high",
					 binary ? "2" : "10", exp);
				return -1;
			}
			ifc->tsresol = 1;
			for (unsigned i = 0; i < exp; i++)
				ifc->tsresol *= binary ? 2 : 10;
		} else if (code == OPT_TSOFFSET) {
			if (option_once(len, 8, &saw_offset, "if_tsoffset", err) < 0)
				return -1;
			uint64_t off;
			memcpy(&off, v, 8);
			ifc->tsoffset = (int64_t)(r->swapped ? __builtin_bswap64(off) : off);
		}
	}
	return 0;
}

static int interface(ng_reader *r, cursor *c, char *err)
{
	const uint8_t *idb = take(c, 8, err);
	if (!idb)
		return -1;
	if (r->nifaces == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 4;
		ng_iface *n = cap > r->cap ? realloc(r->ifaces, (size_t)cap * sizeof *n) : NULL;
		if (!n) {
			snprintf(err, PCAP_ERRBUF_SIZE,
				 "out of memory for per-interface information (%u interfaces)",
				 r->nifaces + 1);
			return -1;
		}
		r->ifaces = n;
		r->cap = cap;
	}
	ng_iface *ifc = &r->ifaces[r->nifaces];
	ifc->linktype = rd16(r, idb);
	ifc->snapshot = adjust_snaplen(rd32(r, idb + 4));
	if (idb_options(r, c, ifc, err) < 0)
		return -1;
	r->nifaces++;
	return 0;
}

static int section(ng_reader *r, cursor *c, char *err)
{
	const uint8_t *shb = take(c, 16, err);
	if (!shb)
		return -1;
	uint32_t magic = rd32(r, shb);
	if (magic == __builtin_bswap32(BYTE_ORDER_MAGIC)) {
		snprintf(err, PCAP_ERRBUF_SIZE, "the file has sections with different byte orders");
		return -1;
	}
	if (magic != BYTE_ORDER_MAGIC) {
		snprintf(err, PCAP_ERRBUF_SIZE,
			 "the file has a section with a bad byte order magic field");
		return -1;
	}
	if (rd16(r, shb + 4) != 1) {
		snprintf(err, PCAP_ERRBUF_SIZE, "unknown pcapng savefile major version number %u",
			 rd16(r, shb + 4));
		return -1;
	}
	r->nifaces = 0; /* a section has interfaces of its own */
	return 0;
}

/* Ticks of an interface's clock since the epoch, as seconds and
 * nanoseconds (in tv_sec and tv_usec, as libpcap gives them when asked
 * for nanoseconds). */
static void timestamp(const ng_iface *ifc, uint64_t t, struct pcap_pkthdr *h)
{
	uint64_t frac = t % ifc->tsresol;
	h->ts.tv_sec = (time_t)(t / ifc->tsresol + (uint64_t)ifc->tsoffset);
	if (ifc->tsresol <= NS && NS % ifc->tsresol == 0)
		frac *= NS / ifc->tsresol;
	else if (ifc->tsresol > NS && ifc->tsresol % NS == 0)
		frac /= ifc->tsresol / NS;
	else /* a power of 2: exact in 128 bits, where libpcap's 64 may wrap */
		frac = (uint64_t)((unsigned __int128)frac * NS / ifc->tsresol);
	h->ts.tv_usec = (suseconds_t)frac;
}

int ng_block(ng_reader *r, const uint8_t *p, uint32_t len, struct pcap_pkthdr *h,
	     const uint8_t **data, int *linktype, char err[PCAP_ERRBUF_SIZE])
{
	uint32_t trailer = rd32(r, p + len - 4);
	if (trailer != len) {
		snprintf(err, PCAP_ERRBUF_SIZE,
			 "block total length in header %u and trailer %u don't match", len, trailer);
		return -1;
	}
	cursor c = { p + NG_BLOCK_HDR, len - NG_BLOCK_MIN, rd32(r, p) };
	const uint8_t *f;
	uint32_t ifid;
	uint64_t t;
	switch (c.type) {
	case TYPE_EPB:
	case TYPE_PB: /* the same, but for a 16-bit interface and a drop count */
		if (!(f = take(&c, 20, err)))
			return -1;
		ifid = c.type == TYPE_EPB ? rd32(r, f) : rd16(r, f);
		t = (uint64_t)rd32(r, f + 4) << 32 | rd32(r, f + 8);
		h->caplen = rd32(r, f + 12);
		h->len = rd32(r, f + 16);
		break;
	case TYPE_SPB:
		if (!(f = take(&c, 4, err)))
			return -1;
		ifid = 0; /* the first interface's, and no time stamp */
		t = 0;
		h->len = rd32(r, f);
		h->caplen = r->nifaces && h->len > r->ifaces[0].snapshot ? r->ifaces[0].snapshot : h->len;
		break;
	case NG_TYPE_IDB:
		return interface(r, &c, err);
	case NG_TYPE_SHB:
		return section(r, &c, err);
	default:
		return 0;
	}
	if (ifid >= r->nifaces) {
		snprintf(err, PCAP_ERRBUF_SIZE,
			 "a packet arrived on interface %u, but there's no Interface Description Block for that interface",
			 ifid);
		return -1;
	}
	const ng_iface *ifc = &r->ifaces[ifid];
	if (h->caplen > ifc->snapshot) {
		snprintf(err, PCAP_ERRBUF_SIZE,
			 "invalid packet capture length %u, bigger than snaplen of %u", h->caplen,
			 ifc->snapshot);
		return -1;
	}
	timestamp(ifc, t, h);
	if (!(*data = take(&c, h->caplen, err)))
		return -1;
	*linktype = ifc->linktype;
	return 1;
}

void ng_free(ng_reader *r)
{
	free(r->ifaces);
	r->ifaces = NULL;
	r->nifaces = r->cap = 0;
}
