#include "net_app.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

uint64_t tcpt_net_now = 1000 * TCPS_NS_PER_S;

static uint64_t net_clock(void *user)
{
	(void)user;
	return tcpt_net_now;
}

tcpn_stack *tcpt_net_stack(int fd, const char *local, bool vnet_hdr)
{
	tcpn_config cfg;
	tcpn_config_default(&cfg);
	cfg.fd = fd;
	cfg.fd_vnet_hdr = vnet_hdr;
	cfg.clock = net_clock;
	cfg.local6.family = 0;
	tcpn_addr_parse(local, &cfg.local4);
	char err[128];
	tcpn_stack *st = tcpn_stack_new(&cfg, err, sizeof err);
	assert_non_null(st);
	return st;
}

static uint8_t pattern(uint32_t i, uint8_t salt)
{
	return (uint8_t)(i * 7 + salt + (i >> 8));
}

bool tcpt_app_pump(tcpt_app *a)
{
	static uint8_t buf[8192];
	bool moved = false;
	while (a->sent < a->bytes) {
		uint32_t n = a->bytes - a->sent < sizeof buf ? a->bytes - a->sent : (uint32_t)sizeof buf;
		for (uint32_t i = 0; i < n; i++)
			buf[i] = pattern(a->sent + i, a->salt_out);
		long r = tcpn_send(a->s, buf, n);
		if (r <= 0)
			break;
		a->sent += (uint32_t)r;
		moved = true;
	}
	if (a->sent == a->bytes && !a->shut) {
		assert_int_equal(tcpn_shutdown(a->s), 0);
		a->shut = true;
		moved = true;
	}
	for (;;) {
		long r = tcpn_recv(a->s, buf, sizeof buf);
		if (r == TCPS_ERR_AGAIN)
			break;
		if (r == 0) {
			a->eof = true;
			break;
		}
		assert_true(r > 0);
		for (long i = 0; i < r; i++)
			assert_int_equal(buf[i], pattern(a->rcvd + (uint32_t)i, a->salt_in));
		a->rcvd += (uint32_t)r;
		moved = true;
	}
	return moved;
}

bool tcpt_app_over(const tcpt_app *a)
{
	tcps_state s = tcpn_state(a->s);
	return a->eof && a->shut && (s == TCPS_CLOSED || s == TCPS_TIME_WAIT);
}

int tcpt_net_run(tcpn_stack *client, tcpn_stack *server, tcpn_sock *l, tcpt_app *c, tcpt_app *s, int rounds,
		 bool (*relay)(void *arg), void *arg)
{
	int err, n;
	for (n = 0; n < rounds && !(s->s && tcpt_app_over(c) && tcpt_app_over(s)); n++) {
		uint64_t before = tcpn_stack_stats(client)->packets_in + tcpn_stack_stats(server)->packets_in;
		bool moved = relay && relay(arg);
		tcpn_stack_process(server, tcpt_net_now);
		moved |= relay && relay(arg);
		tcpn_stack_process(client, tcpt_net_now);
		if (!s->s)
			s->s = tcpn_accept(l, &err);
		moved |= tcpt_app_pump(c);
		if (s->s)
			moved |= tcpt_app_pump(s);
		uint64_t after = tcpn_stack_stats(client)->packets_in + tcpn_stack_stats(server)->packets_in;
		if (!moved && after == before) {
			/* Nothing in flight: on to the next timer (delayed ACK...). */
			uint64_t a = tcpn_stack_next_deadline(client), b = tcpn_stack_next_deadline(server);
			uint64_t next = a < b ? a : b;
			assert_true(next != TCPS_NEVER);
			if (next > tcpt_net_now)
				tcpt_net_now = next;
		}
	}
	return n;
}
