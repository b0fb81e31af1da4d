/* The stack: its device, its tables, and the loop's three steps (read a
 * batch of packets, run the timers due, and, through every engine call,
 * send what the connections have to send). */
#include "net/net_int.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

void tcpn_config_default(tcpn_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->tun_name = "tcps0";
	cfg->fd = -1;
	cfg->configure = true;
	/* RFC 2544's benchmarking range and RFC 5180's IPv6 one: never
	 * routed, so nothing here can collide with a real network. */
	tcpn_addr_parse("198.18.0.2", &cfg->local4);
	tcpn_addr_parse("198.18.0.1", &cfg->peer4);
	cfg->prefix4 = 15;
	tcpn_addr_parse("2001:2::2", &cfg->local6);
	tcpn_addr_parse("2001:2::1", &cfg->peer6);
	cfg->prefix6 = 48;
	cfg->mtu = 1500;
	cfg->max_conns = 1024;
	tcps_config_default(&cfg->tcp);
}

uint64_t tcpn_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * TCPS_NS_PER_S + (uint64_t)ts.tv_nsec;
}

uint64_t tcpn_clock(const tcpn_stack *st)
{
	return st->cfg.clock ? st->cfg.clock(st->cfg.user) : tcpn_now();
}

static int fill_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static bool config_ok(const tcpn_config *cfg, char *err, size_t errlen)
{
	if (cfg->local4.family != 4 && cfg->local6.family != 6) {
		snprintf(err, errlen, "no IPv4 or IPv6 address for tcpstate");
		return false;
	}
	uint32_t min = cfg->local6.family == 6 ? 1280 : 576; /* RFC 8200 §5, RFC 791 */
	if (cfg->mtu < min || cfg->mtu > 65535) {
		snprintf(err, errlen, "MTU %u out of range (%u-65535)", cfg->mtu, min);
		return false;
	}
	if (cfg->max_conns < 1) {
		snprintf(err, errlen, "max_conns must be at least 1");
		return false;
	}
	return true;
}

/* The engine's configuration per family: the MSS the MTU allows with IP
 * and TCP headers without options (RFC 9293 §3.7.1), and a secret ISN
 * key (MUST-9). */
static void tcp_configs(tcpn_stack *st, const uint8_t key[16])
{
	st->tcp4 = st->tcp6 = st->cfg.tcp;
	uint32_t m4 = st->cfg.mtu - TCPN_IPV4_HLEN - 20, m6 = st->cfg.mtu - TCPN_IPV6_HLEN - 20;
	if (st->tcp4.mss > m4)
		st->tcp4.mss = (uint16_t)m4;
	if (st->tcp6.mss > m6)
		st->tcp6.mss = (uint16_t)m6;
	memcpy(st->tcp4.isn_key, key, 16);
	memcpy(st->tcp6.isn_key, key, 16);
}

static int open_device(tcpn_stack *st, char *err, size_t errlen)
{
	if (st->cfg.fd >= 0) {
		st->fd = st->cfg.fd;
		return 0;
	}
	snprintf(st->ifname, sizeof st->ifname, "%s", st->cfg.tun_name ? st->cfg.tun_name : "");
	int fd = tcpn_tun_open(st->ifname, st->vnet, err, errlen);
	if (fd < 0)
		return fd;
	st->fd = fd;
	st->own_fd = true;
	if (!st->cfg.configure)
		return 0;
	bool v6_ok = false;
	int r = tcpn_rtnl_setup(st->ifname, &st->cfg, &v6_ok, err, errlen);
	if (r)
		return r;
	if (!v6_ok)
		st->cfg.local6.family = 0;
	return 0;
}

tcpn_stack *tcpn_stack_new(const tcpn_config *cfg, char *err, size_t errlen)
{
	char dummy[8];
	if (!err) {
		err = dummy;
		errlen = sizeof dummy;
	}
	if (!config_ok(cfg, err, errlen)) {
		errno = EINVAL;
		return NULL;
	}
	tcpn_stack *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	st->cfg = *cfg;
	st->fd = -1;
	uint8_t keys[48];
	int r = fill_random(keys, sizeof keys);
	if (!r)
		r = fill_random(&st->port_seed, sizeof st->port_seed);
	if (r) {
		snprintf(err, errlen, "getrandom: %s", strerror(-r));
		goto fail;
	}
	tcp_configs(st, keys);
	memcpy(st->cookie_key, keys + 32, 16);
	/* A TUN read cuts a packet to the buffer: take any. */
	st->rx_cap = TCPN_VNET_HLEN + 65535;
	st->vnet = cfg->fd >= 0 ? cfg->fd_vnet_hdr : !cfg->no_gso;
	st->tx_cap = TCPN_HEADROOM + (st->vnet ? TCPN_TRAIN_MAX : st->cfg.mtu);
	st->rx = malloc(st->rx_cap);
	st->tx = malloc(st->tx_cap);
	r = TCPS_ERR_NOMEM;
	if (!st->rx || !st->tx || tcpn_table_init(&st->table, st->cfg.max_conns, keys + 16) ||
	    tcpn_heap_init(&st->heap, 64)) {
		snprintf(err, errlen, "out of memory");
		r = -ENOMEM;
		goto fail;
	}
	/* One connection up front: it checks the engine configuration, and
	 * waits on the free list for the first connection. */
	tcps_conn *c = tcps_conn_new(&st->tcp4);
	tcpn_sock *s = c ? calloc(1, sizeof *s) : NULL;
	if (!s) {
		tcps_conn_free(c);
		snprintf(err, errlen, c ? "out of memory" : "invalid TCP configuration");
		r = c ? -ENOMEM : -EINVAL;
		goto fail;
	}
	s->conn = c;
	st->free_socks = s;
	st->nfree = 1;
	r = open_device(st, err, errlen);
	if (r)
		goto fail;
	return st;
fail:
	tcpn_stack_free(st);
	errno = r < 0 ? -r : EINVAL;
	return NULL;
}

static void free_sock(tcpn_sock *s, void *arg)
{
	(void)arg;
	tcps_conn_free(s->conn);
	free(s);
}

void tcpn_stack_free(tcpn_stack *st)
{
	if (!st)
		return;
	if (st->table.bucket)
		tcpn_table_foreach(&st->table, free_sock, NULL);
	while (st->listeners) {
		tcpn_sock *l = st->listeners;
		st->listeners = l->l.next;
		free(l);
	}
	while (st->free_socks) {
		tcpn_sock *s = st->free_socks;
		st->free_socks = s->qnext;
		free_sock(s, NULL);
	}
	tcpn_table_free(&st->table);
	tcpn_heap_free(&st->heap);
	if (st->own_fd)
		close(st->fd);
	free(st->rx);
	free(st->tx);
	free(st);
}

int tcpn_stack_fd(const tcpn_stack *st)
{
	return st->fd;
}

uint64_t tcpn_stack_next_deadline(const tcpn_stack *st)
{
	tcpn_sock *s = tcpn_heap_top(&st->heap);
	return s ? s->deadline : TCPS_NEVER;
}

int tcpn_stack_timeout_ms(const tcpn_stack *st, uint64_t now)
{
	uint64_t d = tcpn_stack_next_deadline(st);
	if (d == TCPS_NEVER)
		return -1;
	if (d <= now)
		return 0;
	uint64_t ms = (d - now + TCPS_NS_PER_MS - 1) / TCPS_NS_PER_MS;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* One socket's timer came due. */
static void fire(tcpn_sock *s, uint64_t now)
{
	if (s->orphan_until <= now && tcps_get_state(s->conn) == TCPS_FIN_WAIT_2) {
		tcpn_sock_release(s);
		return;
	}
	if (tcps_get_expiry(s->conn) <= now)
		tcps_handle_expiry(s->conn, now);
	tcpn_sock_settle(s, now);
}

static void run_timers(tcpn_stack *st, uint64_t now)
{
	/* Bounded: a timer the engine leaves due waits for the next call
	 * rather than spinning here. */
	for (uint32_t n = st->heap.n + 1; n > 0; n--) {
		tcpn_sock *s = tcpn_heap_top(&st->heap);
		if (!s || s->deadline > now)
			break;
		tcpn_heap_set(&st->heap, s, TCPS_NEVER);
		fire(s, now);
	}
}

void tcpn_stack_process(tcpn_stack *st, uint64_t now)
{
	for (int i = 0; i < TCPN_RX_BATCH; i++) {
		ssize_t n = read(st->fd, st->rx, st->rx_cap);
		if (n <= 0)
			break; /* EAGAIN: drained */
		tcpn_offload off = { 0 };
		size_t skip = st->vnet ? TCPN_VNET_HLEN : 0;
		if ((size_t)n <= skip || (skip && !tcpn_tun_offload(st->rx, &off))) {
			st->stats.bad_ip++;
			continue;
		}
		tcpn_input(st, st->rx + skip, (size_t)n - skip, &off, now);
	}
	run_timers(st, now);
}

int tcpn_stack_wait(tcpn_stack *st, int timeout_ms)
{
	int t = tcpn_stack_timeout_ms(st, tcpn_clock(st));
	if (timeout_ms >= 0 && (t < 0 || timeout_ms < t))
		t = timeout_ms;
	struct pollfd p = { .fd = st->fd, .events = POLLIN };
	int r = poll(&p, 1, t);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	uint64_t now = tcpn_clock(st);
	if (r == 0 && tcpn_stack_next_deadline(st) > now)
		return 0;
	tcpn_stack_process(st, now);
	return 1;
}

int tcpn_wait(tcpn_sock *s, unsigned events, int timeout_ms)
{
	tcpn_stack *st = s->st;
	uint64_t limit = timeout_ms < 0 ? TCPS_NEVER : tcpn_clock(st) + (uint64_t)timeout_ms * TCPS_NS_PER_MS;
	/* Like poll(): an ended connection reports it whatever was asked. */
	events |= TCPN_HUP | TCPN_ERROR;
	for (;;) {
		unsigned ev = tcpn_events(s) & events;
		if (ev)
			return (int)ev;
		uint64_t now = tcpn_clock(st);
		if (now >= limit)
			return 0;
		int left = -1;
		if (limit != TCPS_NEVER) {
			uint64_t ms = (limit - now + TCPS_NS_PER_MS - 1) / TCPS_NS_PER_MS;
			left = ms > INT_MAX ? INT_MAX : (int)ms;
		}
		int r = tcpn_stack_wait(st, left);
		if (r < 0)
			return r;
	}
}

const tcpn_stats *tcpn_stack_stats(const tcpn_stack *st)
{
	return &st->stats;
}

const char *tcpn_stack_ifname(const tcpn_stack *st)
{
	return st->ifname;
}

const tcpn_addr *tcpn_stack_local(const tcpn_stack *st, int family)
{
	if (family == 4 && st->cfg.local4.family == 4)
		return &st->cfg.local4;
	if (family == 6 && st->cfg.local6.family == 6)
		return &st->cfg.local6;
	return NULL;
}
