/* "No allocation on the per-packet path", for the network layer too: two
 * stacks joined by a socketpair (one plays the kernel's side, with its
 * address), a handshake, 1 MiB each way, both closes, and not one
 * malloc, calloc or realloc from the first SYN to the last ACK (the test
 * links with -Wl,--wrap=...).  Each stack keeps one connection ready from
 * tcpn_stack_new(); more would be allocated once, per connection, and
 * then recycled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "tcpstate/net.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static unsigned long allocations;

void *__wrap_malloc(size_t n)
{
	allocations++;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	allocations++;
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	allocations++;
	return __real_realloc(p, n);
}

#define BYTES (1u << 20)

static uint64_t now_ns = 1000 * TCPS_NS_PER_S;

static uint64_t test_clock(void *user)
{
	(void)user;
	return now_ns;
}

static tcpn_stack *stack_on(int fd, const char *local)
{
	tcpn_config cfg;
	tcpn_config_default(&cfg);
	cfg.fd = fd;
	cfg.clock = test_clock;
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

/* One direction's application: send BYTES of a pattern, then shut down;
 * receive and check the other's. */
typedef struct app {
	tcpn_sock *s;
	uint32_t sent, rcvd;
	uint8_t salt_out, salt_in;
	bool shut, eof;
} app;

static bool pump(app *a)
{
	static uint8_t buf[8192];
	bool moved = false;
	while (a->sent < BYTES) {
		uint32_t n = BYTES - a->sent < sizeof buf ? BYTES - a->sent : (uint32_t)sizeof buf;
		for (uint32_t i = 0; i < n; i++)
			buf[i] = pattern(a->sent + i, a->salt_out);
		long r = tcpn_send(a->s, buf, n);
		if (r <= 0)
			break;
		a->sent += (uint32_t)r;
		moved = true;
	}
	if (a->sent == BYTES && !a->shut) {
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

static bool over(const app *a)
{
	tcps_state s = tcpn_state(a->s);
	return a->eof && a->shut && (s == TCPS_CLOSED || s == TCPS_TIME_WAIT);
}

static void test_transfer_without_allocation(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds), 0);
	int big = 4 << 20;
	setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	tcpn_stack *client = stack_on(fds[0], "198.18.0.2");
	tcpn_stack *server = stack_on(fds[1], "198.18.0.1");
	int err;
	tcpn_sock *l = tcpn_listen(server, 9000, 8, &err);
	assert_non_null(l);
	tcpn_addr to;
	tcpn_addr_parse("198.18.0.1", &to);

	allocations = 0;
	app c = { .salt_out = 1, .salt_in = 2 }, s = { .salt_out = 2, .salt_in = 1 };
	c.s = tcpn_connect(client, &to, 9000, &err);
	assert_non_null(c.s);
	int rounds;
	for (rounds = 0; rounds < 100000 && !(s.s && over(&c) && over(&s)); rounds++) {
		uint64_t before = tcpn_stack_stats(client)->packets_in + tcpn_stack_stats(server)->packets_in;
		tcpn_stack_process(server, now_ns);
		tcpn_stack_process(client, now_ns);
		if (!s.s)
			s.s = tcpn_accept(l, &err);
		bool moved = pump(&c);
		if (s.s)
			moved |= pump(&s);
		uint64_t after = tcpn_stack_stats(client)->packets_in + tcpn_stack_stats(server)->packets_in;
		if (!moved && after == before) {
			/* Nothing in flight: on to the next timer (delayed ACK...). */
			uint64_t a = tcpn_stack_next_deadline(client), b = tcpn_stack_next_deadline(server);
			uint64_t next = a < b ? a : b;
			assert_true(next != TCPS_NEVER);
			if (next > now_ns)
				now_ns = next;
		}
	}
	assert_true(over(&c));
	assert_true(over(&s));
	assert_int_equal(c.rcvd, BYTES);
	assert_int_equal(s.rcvd, BYTES);
	assert_int_equal(tcpn_stack_stats(client)->write_errors, 0);
	assert_int_equal(allocations, 0);
	print_message("%d rounds, %lu packets out, %.3f s of virtual time\n", rounds,
		      (unsigned long)(tcpn_stack_stats(client)->packets_out + tcpn_stack_stats(server)->packets_out),
		      (double)(now_ns - 1000 * TCPS_NS_PER_S) / TCPS_NS_PER_S);

	tcpn_close(c.s);
	tcpn_close(s.s);
	tcpn_close(l);
	tcpn_stack_free(client);
	tcpn_stack_free(server);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transfer_without_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
