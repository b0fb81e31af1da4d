/* Engine benchmark: two tcpstate engines joined by an in-memory link on
 * one core, against the Linux kernel's TCP over loopback doing the same
 * work in the same run (the baseline), and memcpy as the ceiling for bulk.
 *
 *   lifecycles: handshake, a 100-byte request, a 100-byte reply, four-way
 *               close, TIME_WAIT expiry: connections per second
 *   bulk:       one direction, MSS 1448 (1460 less timestamps): goodput
 *
 * Usage: bench_engine [-n LIFECYCLES] [-b BULK_MIB] [-k KERNEL_LIFECYCLES]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcpstate/tcpstate.h"

#define QCAP 512
#define SLOT_DATA 1500

/* One direction of the link: a FIFO of segments, payload copied once by
 * tcps_output() straight into the slot. */
typedef struct slot {
	tcps_segment seg;
	uint8_t data[SLOT_DATA];
} slot;

typedef struct pipe_dir {
	slot q[QCAP];
	unsigned head, len;
} pipe_dir;

static uint64_t segments;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fill(tcps_conn *from, pipe_dir *p, uint64_t now)
{
	while (p->len < QCAP) {
		slot *s = &p->q[(p->head + p->len) % QCAP];
		if (tcps_output(from, &s->seg, s->data, sizeof s->data, now) <= 0)
			break;
		p->len++;
	}
}

static unsigned deliver(tcps_conn *to, pipe_dir *p, uint64_t now)
{
	unsigned n = p->len;
	while (p->len) {
		tcps_segment_arrives(to, &p->q[p->head].seg, now);
		p->head = (p->head + 1) % QCAP;
		p->len--;
	}
	segments += n;
	return n;
}

/* Moves segments both ways until neither side has anything to send. */
static void pump(tcps_conn *a, tcps_conn *b, pipe_dir *ab, pipe_dir *ba, uint64_t now)
{
	for (;;) {
		fill(a, ab, now);
		fill(b, ba, now);
		if (!ab->len && !ba->len)
			return;
		deliver(b, ab, now);
		deliver(a, ba, now);
	}
}

static const tcps_tuple client_tuple = { 4, { 10, 0, 0, 1 }, { 10, 0, 0, 2 }, 40000, 80 };
static const tcps_tuple server_tuple = { 4, { 10, 0, 0, 2 }, { 10, 0, 0, 1 }, 80, 0 };

static void fail(const char *what)
{
	fprintf(stderr, "bench_engine: %s\n", what);
	exit(1);
}

/* ---- tcpstate ---- */

static double engine_lifecycles(long n, size_t *conn_bytes)
{
	static pipe_dir ab, ba;
	tcps_config cfg;
	tcps_config_default(&cfg);
	cfg.snd_buf = cfg.rcv_buf = 4096;
	cfg.msl = TCPS_NS_PER_S;
	tcps_conn *c = tcps_conn_new(&cfg), *s = tcps_conn_new(&cfg);
	if (!c || !s)
		fail("out of memory");
	*conn_bytes = tcps_conn_size(&cfg);
	uint8_t req[100], buf[4096];
	memset(req, 'q', sizeof req);
	uint64_t now = TCPS_NS_PER_S;
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		tcps_conn_reset(c, NULL);
		tcps_conn_reset(s, NULL);
		tcps_open_passive(s, &server_tuple, now);
		tcps_open_active(c, &client_tuple, now);
		pump(c, s, &ab, &ba, now);
		tcps_send(c, req, sizeof req, now);
		pump(c, s, &ab, &ba, now);
		if (tcps_recv(s, buf, sizeof buf, now) != sizeof req)
			fail("request lost");
		tcps_send(s, req, sizeof req, now);
		pump(c, s, &ab, &ba, now);
		if (tcps_recv(c, buf, sizeof buf, now) != sizeof req)
			fail("reply lost");
		tcps_close(c, now);
		pump(c, s, &ab, &ba, now);
		tcps_close(s, now);
		pump(c, s, &ab, &ba, now);
		now += 3 * TCPS_NS_PER_S; /* past 2*MSL */
		tcps_handle_expiry(c, now);
		if (tcps_get_state(c) != TCPS_CLOSED || tcps_get_state(s) != TCPS_CLOSED)
			fail("lifecycle did not end in CLOSED");
	}
	double dt = now_s() - t0;
	tcps_conn_free(c);
	tcps_conn_free(s);
	return dt;
}

static double engine_bulk(uint64_t bytes)
{
	static pipe_dir ab, ba;
	tcps_config cfg;
	tcps_config_default(&cfg);
	cfg.snd_buf = cfg.rcv_buf = 256 * 1024;
	tcps_conn *c = tcps_conn_new(&cfg), *s = tcps_conn_new(&cfg);
	if (!c || !s)
		fail("out of memory");
	uint64_t now = TCPS_NS_PER_S;
	tcps_open_passive(s, &server_tuple, now);
	tcps_open_active(c, &client_tuple, now);
	pump(c, s, &ab, &ba, now);
	tcps_status st;
	tcps_get_status(c, &st);
	if (st.snd_mss != 1448)
		fail("MSS in use is not 1448");
	static uint8_t chunk[65536], sink[65536];
	memset(chunk, 'b', sizeof chunk);
	uint64_t sent = 0, got = 0;
	double t0 = now_s();
	while (got < bytes) {
		if (sent < bytes) {
			long w = tcps_send(c, chunk, sizeof chunk, now);
			if (w > 0)
				sent += (uint64_t)w;
		}
		fill(c, &ab, now);
		deliver(s, &ab, now);
		long r;
		while ((r = tcps_recv(s, sink, sizeof sink, now)) > 0)
			got += (uint64_t)r;
		fill(s, &ba, now);
		deliver(c, &ba, now);
		now += 1000;
		if (tcps_get_expiry(s) <= now)
			tcps_handle_expiry(s, now);
	}
	double dt = now_s() - t0;
	tcps_conn_free(c);
	tcps_conn_free(s);
	return dt;
}

/* ---- Linux over loopback: the same work ---- */

static int kernel_listener(struct sockaddr_in *addr)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof *addr;
	if (l < 0 || bind(l, (struct sockaddr *)addr, len) || listen(l, 128) ||
	    getsockname(l, (struct sockaddr *)addr, &len))
		fail("cannot listen on loopback");
	return l;
}

static double kernel_lifecycles(long n)
{
	struct sockaddr_in addr;
	int l = kernel_listener(&addr);
	char req[100], buf[4096];
	memset(req, 'q', sizeof req);
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		/* The client closes first and keeps TIME_WAIT, as in the engine
		 * run; keep -k below the ephemeral port range. */
		if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof addr))
			fail("connect failed");
		int s = accept(l, NULL, NULL);
		if (s < 0 || write(c, req, sizeof req) != sizeof req || read(s, buf, sizeof buf) != sizeof req ||
		    write(s, req, sizeof req) != sizeof req || read(c, buf, sizeof buf) != sizeof req)
			fail("loopback exchange failed");
		close(c);
		if (read(s, buf, sizeof buf) != 0)
			fail("no FIN from the client");
		close(s);
	}
	double dt = now_s() - t0;
	close(l);
	return dt;
}

static double kernel_bulk(uint64_t bytes)
{
	struct sockaddr_in addr;
	int l = kernel_listener(&addr);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof addr))
		fail("connect failed");
	int s = accept(l, NULL, NULL);
	static char chunk[65536];
	memset(chunk, 'b', sizeof chunk);
	double t0 = now_s();
	pid_t pid = fork();
	if (pid == 0) { /* the writer on the other core, as the kernel's own TCP would */
		for (uint64_t sent = 0; sent < bytes;) {
			ssize_t w = write(c, chunk, sizeof chunk);
			if (w <= 0)
				_exit(1);
			sent += (uint64_t)w;
		}
		_exit(0);
	}
	uint64_t got = 0;
	while (got < bytes) {
		ssize_t r = read(s, chunk, sizeof chunk);
		if (r <= 0)
			fail("loopback read failed");
		got += (uint64_t)r;
	}
	double dt = now_s() - t0;
	close(c);
	close(s);
	close(l);
	return dt;
}

static double memcpy_bulk(uint64_t bytes)
{
	static uint8_t a[65536], b[65536];
	memset(a, 1, sizeof a);
	double t0 = now_s();
	for (uint64_t done = 0; done < bytes; done += sizeof a) {
		memcpy(b, a, sizeof a);
		__asm__ volatile("" : : "r"(b) : "memory");
	}
	return now_s() - t0;
}

int main(int argc, char **argv)
{
	long n = 1000000, kn = 20000;
	uint64_t mib = 4096;
	int opt;
	while ((opt = getopt(argc, argv, "n:b:k:")) != -1) {
		switch (opt) {
		case 'n': n = atol(optarg); break;
		case 'b': mib = (uint64_t)atol(optarg); break;
		case 'k': kn = atol(optarg); break;
		default:
			fprintf(stderr, "usage: bench_engine [-n LIFECYCLES] [-b BULK_MIB] [-k KERNEL_LIFECYCLES]\n");
			return 2;
		}
	}
	if (n <= 0 || kn <= 0 || mib == 0) {
		fprintf(stderr, "bench_engine: counts must be positive\n");
		return 2;
	}
	size_t conn_bytes;
	segments = 0;
	double te = engine_lifecycles(n, &conn_bytes);
	uint64_t lseg = segments;
	double tk = kernel_lifecycles(kn);
	double e_rate = (double)n / te, k_rate = (double)kn / tk;
	printf("lifecycles   tcpstate %.0f/s (%.1f ns/segment, %.1f segments each, %zu bytes/connection:"
	       " %zu TCB + 2 x 4096 buffers)\n",
	       e_rate, te * 1e9 / (double)lseg, (double)lseg / (double)n, conn_bytes, conn_bytes - 8192);
	printf("lifecycles   linux loopback %.0f/s   ratio tcpstate/linux %.1fx\n", k_rate, e_rate / k_rate);

	uint64_t bytes = mib << 20;
	segments = 0;
	double tb = engine_bulk(bytes);
	double tkb = kernel_bulk(bytes);
	double tm = memcpy_bulk(bytes);
	double e_gbps = (double)bytes * 8 / tb / 1e9, k_gbps = (double)bytes * 8 / tkb / 1e9;
	double m_gbps = (double)bytes * 8 / tm / 1e9;
	printf("bulk         tcpstate %.2f Gbit/s goodput (%.1f ns/segment)\n", e_gbps, tb * 1e9 / (double)segments);
	printf("bulk         linux loopback %.2f Gbit/s   ratio tcpstate/linux %.2fx\n", k_gbps, e_gbps / k_gbps);
	printf("bulk         memcpy %.2f Gbit/s   ratio tcpstate/memcpy %.3fx\n", m_gbps, e_gbps / m_gbps);
	return 0;
}
