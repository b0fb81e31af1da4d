/* Addresses as users write them, and the network layer's error names. */
#include "net/net_int.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

int tcpn_addr_parse(const char *s, tcpn_addr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->family = 6;
		return 0;
	}
	return -1;
}

int tcpn_prefix_parse(const char *s, tcpn_addr *a, uint8_t *prefix)
{
	char buf[TCPN_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= TCPN_ADDRSTRLEN)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (tcpn_addr_parse(buf, a))
		return -1;
	unsigned max = a->family == 4 ? 32 : 128;
	if (!slash) {
		*prefix = (uint8_t)max;
		return 0;
	}
	char *end;
	const char *p = slash + 1;
	if (*p < '0' || *p > '9')
		return -1;
	unsigned long v = strtoul(p, &end, 10);
	if (*end || v > max)
		return -1;
	*prefix = (uint8_t)v;
	return 0;
}

const char *tcpn_addr_str(const tcpn_addr *a, char buf[TCPN_ADDRSTRLEN])
{
	if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->bytes, buf, TCPN_ADDRSTRLEN))
		strcpy(buf, "?");
	return buf;
}

const char *tcpn_strerror(int err)
{
	switch (err) {
	case TCPN_ERR_ADDRINUSE:
		return "address already in use";
	case TCPN_ERR_NOADDR:
		return "no address of that family on the TUN device";
	case TCPN_ERR_LIMIT:
		return "too many connections";
	default:
		return tcps_strerror(err);
	}
}
