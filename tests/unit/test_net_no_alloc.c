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

#include "alloc_count.h"
#include "net_app.h"

#define BYTES (1u << 20)

static void test_transfer_without_allocation(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds), 0);
	int big = 4 << 20;
	setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	tcpn_stack *client = tcpt_net_stack(fds[0], "198.18.0.2", false);
	tcpn_stack *server = tcpt_net_stack(fds[1], "198.18.0.1", false);
	int err;
	tcpn_sock *l = tcpn_listen(server, 9000, 8, &err);
	assert_non_null(l);
	tcpn_addr to;
	tcpn_addr_parse("198.18.0.1", &to);

	tcpt_allocations = 0;
	tcpt_app c = { .bytes = BYTES, .salt_out = 1, .salt_in = 2 };
	tcpt_app s = { .bytes = BYTES, .salt_out = 2, .salt_in = 1 };
	c.s = tcpn_connect(client, &to, 9000, &err);
	assert_non_null(c.s);
	uint64_t start = tcpt_net_now;
	int rounds = tcpt_net_run(client, server, l, &c, &s, 100000, NULL, NULL);
	assert_true(tcpt_app_over(&c));
	assert_true(tcpt_app_over(&s));
	assert_int_equal(c.rcvd, BYTES);
	assert_int_equal(s.rcvd, BYTES);
	assert_int_equal(tcpn_stack_stats(client)->write_errors, 0);
	assert_int_equal(tcpt_allocations, 0);
	print_message("%d rounds, %lu packets out, %.3f s of virtual time\n", rounds,
		      (unsigned long)(tcpn_stack_stats(client)->packets_out + tcpn_stack_stats(server)->packets_out),
		      (double)(tcpt_net_now - start) / TCPS_NS_PER_S);

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
