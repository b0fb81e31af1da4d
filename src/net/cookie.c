/* SYN cookie encoding and validation. */
#include "net/cookie.h"

#include <string.h>

#include "net/ip.h"
#include "core/siphash.h"

/* MSS values a cookie can name: the common ones (RFC 879's default,
 * IPv6's minimum path less headers, tunnels, Ethernet, jumbo frames). */
static const uint16_t mss_table[8] = { 536, 1220, 1300, 1360, 1400, 1440, 1460, 8960 };

#define MAC_BITS 24
#define MAC_MASK ((1u << MAC_BITS) - 1)

static uint32_t mac(const uint8_t key[16], const tcps_tuple *t, uint32_t irs, uint32_t tick, uint32_t idx)
{
	uint8_t msg[48];
	size_t n = tcpn_alen(t->family), len = 0;
	memcpy(msg + len, t->local_addr, n);
	len += n;
	memcpy(msg + len, t->remote_addr, n);
	len += n;
	uint32_t words[4] = { (uint32_t)t->local_port << 16 | t->remote_port, irs, tick, idx };
	memcpy(msg + len, words, sizeof words);
	len += sizeof words;
	return (uint32_t)tcps_siphash24(key, msg, len) & MAC_MASK;
}

uint32_t tcpn_cookie_make(const uint8_t key[16], const tcps_tuple *t, uint32_t irs, uint16_t mss,
			  uint64_t now, uint16_t *mss_used)
{
	if (!mss)
		mss = 536; /* RFC 9293 §3.7.1: the default when the SYN has none */
	uint32_t idx = 0;
	for (uint32_t i = 0; i < 8; i++)
		if (mss_table[i] <= mss)
			idx = i;
	uint32_t tick = (uint32_t)(now / TCPN_COOKIE_TICK);
	*mss_used = mss_table[idx];
	return (tick & 31u) << 27 | idx << MAC_BITS | mac(key, t, irs, tick, idx);
}

uint16_t tcpn_cookie_check(const uint8_t key[16], const tcps_tuple *t, uint32_t irs, uint32_t cookie,
			   uint64_t now)
{
	uint32_t cur = (uint32_t)(now / TCPN_COOKIE_TICK);
	uint32_t idx = (cookie >> MAC_BITS) & 7;
	for (uint32_t age = 0; age <= TCPN_COOKIE_AGE; age++) {
		uint32_t tick = cur - age;
		if ((tick & 31u) != cookie >> 27)
			continue;
		if (mac(key, t, irs, tick, idx) == (cookie & MAC_MASK))
			return mss_table[idx];
		return 0;
	}
	return 0;
}
