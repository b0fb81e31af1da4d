/* libFuzzer target: the capture decoder and, behind it, flow tracking.
 *
 * Input layout (so that one input is a whole little capture, and the
 * observer sees conversations rather than lone packets):
 *
 *   byte 0            link type: linktypes[b % 10]; b / 10 * 64 bytes are
 *                     added to every packet's wire length, as if a snap
 *                     length had cut them (0: packets are whole)
 *   then, repeated    a 2-byte big-endian prefix: low 12 bits the packet's
 *                     length, high 4 bits k the time step before it
 *                     (0 for none, else 2^(6+2k) ns: up to ~69 s, past
 *                     2*MSL, so TIME_WAIT expiry is reached), then the
 *                     packet's bytes (cut short at the end of the input)
 *
 * Each packet is copied to the very end of a heap block so that a read
 * past it lands in AddressSanitizer's redzone: inside the fuzzer's input
 * buffer it would go unnoticed.  The observer is made and freed per input,
 * so LeakSanitizer sees any connection it forgets to release. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace/decode.h"
#ifdef TCPS_FUZZ_OBSERVER
#include "trace/observer.h"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {
	TRACE_DLT_EN10MB, TRACE_DLT_LINUX_SLL, TRACE_DLT_LINUX_SLL2, TRACE_DLT_RAW,
	TRACE_DLT_RAW_OPENBSD, TRACE_LINKTYPE_RAW, TRACE_DLT_IPV4, TRACE_DLT_IPV6,
	TRACE_DLT_NULL, TRACE_DLT_LOOP,
};
#define NLINKTYPES (sizeof linktypes / sizeof linktypes[0])

enum { PKT_MAX = 4096 };

/* Where the callbacks' reads end up, so they are not optimised away. */
static volatile size_t sink_out;

/* What the decoder promises, checked on every TCP packet: a violation is
 * a bug even when no sanitizer would notice it. */
static void check(const trace_pkt *p, const uint8_t *bytes, uint32_t caplen)
{
	const uint8_t *end = bytes + caplen;

	if (p->family != 4 && p->family != 6)
		abort();
	if (p->seg.data) {
		if (p->seg.data < bytes || p->seg.data >= end)
			abort();
		/* Payload not cut: all of it was captured. */
		if (!p->truncated && p->seg.len > (size_t)(end - p->seg.data))
			abort();
	} else if (!p->truncated && p->seg.len) {
		abort();
	}
}

#ifdef TCPS_FUZZ_OBSERVER
/* Reads what a renderer would, so a bad pointer or state shows up here. */
static void on_segment(void *user, const trace_seg_event *ev)
{
	size_t *sink = user;

	*sink += strlen(trace_label_name(ev->label)) + ev->pkt->seg.len;
	*sink += (size_t)ev->state[0] + (size_t)ev->state[1] + ev->ep[0].port + ev->ep[1].port;
}

static void on_conn(void *user, const trace_conn_record *rec)
{
	size_t *sink = user;

	if (rec->nstates[0] > 16 || rec->nstates[1] > 16)
		abort();
	*sink += strlen(rec->zeek_history) + (rec->zeek_state ? strlen(rec->zeek_state) : 0);
	for (int side = 0; side < 2; side++)
		for (unsigned i = 0; i < rec->nstates[side]; i++)
			*sink += (size_t)rec->states[side][i];
}

static trace_obs *observer(size_t *sink)
{
	trace_obs_config cfg;

	trace_obs_config_default(&cfg);
	/* Small, so that the table's growth is exercised too. */
	cfg.initial_conns = 4;
	cfg.on_segment = on_segment;
	cfg.on_conn = on_conn;
	cfg.user = sink;
	return trace_obs_new(&cfg);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *block;
	size_t sink = 0;
	uint64_t ts = 1700000000ull * 1000000000ull, index = 0;
	uint32_t extra;
	int dlt;
#ifdef TCPS_FUZZ_OBSERVER
	trace_obs *obs;
#endif

	if (size < 1)
		return 0;
	if (!block && !(block = malloc(PKT_MAX)))
		abort();
	dlt = linktypes[data[0] % NLINKTYPES];
	extra = (uint32_t)(data[0] / NLINKTYPES) * 64;
	data++;
	size--;
#ifdef TCPS_FUZZ_OBSERVER
	obs = observer(&sink);
	if (!obs)
		abort();
#endif
	while (size >= 2) {
		uint16_t v = (uint16_t)(data[0] << 8 | data[1]);
		uint32_t len = v & 0x0fff, step = v >> 12;
		uint8_t *pkt;
		trace_pkt p;
		const char *why;

		data += 2;
		size -= 2;
		if (len > size)
			len = (uint32_t)size;
		pkt = block + PKT_MAX - len;
		memcpy(pkt, data, len);
		data += len;
		size -= len;
		ts += step ? 1ull << (6 + 2 * step) : 0;

		if (trace_decode(dlt, pkt, len, len + extra, &p, &why) != TRACE_DEC_TCP) {
			if (!why)
				abort();
			continue;
		}
		check(&p, pkt, len);
		p.ts = ts;
		p.index = ++index;
#ifdef TCPS_FUZZ_OBSERVER
		if (trace_obs_packet(obs, &p) != 0)
			abort();
#endif
	}
#ifdef TCPS_FUZZ_OBSERVER
	trace_obs_finish(obs);
	trace_obs_free(obs);
#endif
	sink_out = sink;
	return 0;
}
