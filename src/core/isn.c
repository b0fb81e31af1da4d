/* Initial sequence numbers, RFC 6528 §3:
 *
 *   ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 *
 * M, a clock ticking every 4 µs, keeps successive incarnations of one
 * connection moving forward through sequence space (RFC 9293 §3.4.1), so
 * old duplicates do not land in a new connection's window.  F, a keyed
 * hash of the 4-tuple, gives every connection its own offset, so an
 * off-path attacker who sees one connection's ISN learns nothing about
 * another's and cannot guess where to inject. */
#include "tcpstate/tcpstate.h"

#include <string.h>

#include "siphash.h"

/* RFC 6528 keeps RFC 793's 4 µs tick: 2^32 ticks take about 4.77 hours
 * (RFC 9293 §3.4.1 says "approximately 4.55"), far beyond any MSL. */
#define ISN_TICK_NS 4000u

/* Address bytes of a family: IPv4 uses only the first 4, so whatever the
 * rest of the array holds must not change the hash. */
static size_t addr_len(const tcps_tuple *t)
{
	return t->family == 4 ? 4 : 16;
}

/* The tuple as F's message: local address, local port, remote address,
 * remote port, ports big-endian as on the wire.  Returns its length. */
static size_t tuple_bytes(const tcps_tuple *t, uint8_t out[36])
{
	size_t alen = addr_len(t), n = 0;

	memcpy(out + n, t->local_addr, alen);
	n += alen;
	out[n++] = (uint8_t)(t->local_port >> 8);
	out[n++] = (uint8_t)t->local_port;
	memcpy(out + n, t->remote_addr, alen);
	n += alen;
	out[n++] = (uint8_t)(t->remote_port >> 8);
	out[n++] = (uint8_t)t->remote_port;
	return n;
}

uint32_t tcps_isn(const tcps_tuple *t, const uint8_t key[16], uint64_t now)
{
	uint8_t msg[36];
	size_t n = tuple_bytes(t, msg);
	uint32_t m = (uint32_t)(now / ISN_TICK_NS); /* wraps mod 2^32, as seq space does */
	uint32_t f = (uint32_t)tcps_siphash24(key, msg, n);

	return m + f;
}
