/* sock_diag over netlink with libmnl.  See sockdiag.h. */
#include "kernel/sockdiag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/* A dump comes in messages of up to 32 KiB (the kernel sizes them from
 * the page size); a smaller buffer would truncate them. */
#define DUMP_BUF 32768

/* ss's names (iproute2 misc/ss.c), by the kernel's TCP_* numbers:
 * tcpstate's states are the RFC's, these are what `ss -tan` prints. */
static const char *const ss_names[] = {
	[0] = "UNKNOWN",     [1] = "ESTAB",      [2] = "SYN-SENT",
	[3] = "SYN-RECV",    [4] = "FIN-WAIT-1", [5] = "FIN-WAIT-2",
	[6] = "TIME-WAIT",   [7] = "UNCONN",     [8] = "CLOSE-WAIT",
	[9] = "LAST-ACK",    [10] = "LISTEN",    [11] = "CLOSING",
	[12] = "SYN-RECV",   /* TCP_NEW_SYN_RECV: a request socket; ss says SYN-RECV */
};

const char *kdiag_state_name(uint8_t state)
{
	return state < sizeof ss_names / sizeof ss_names[0] ? ss_names[state] : "UNKNOWN";
}

/* include/net/tcp_states.h, in the RFC's names. */
static const uint8_t to_tcps[] = {
	[0] = TCPS_CLOSED,       [1] = TCPS_ESTABLISHED, [2] = TCPS_SYN_SENT,
	[3] = TCPS_SYN_RCVD,     [4] = TCPS_FIN_WAIT_1,  [5] = TCPS_FIN_WAIT_2,
	[6] = TCPS_TIME_WAIT,    [7] = TCPS_CLOSED,      [8] = TCPS_CLOSE_WAIT,
	[9] = TCPS_LAST_ACK,     [10] = TCPS_LISTEN,     [11] = TCPS_CLOSING,
	[12] = TCPS_SYN_RCVD,
};

tcps_state kdiag_tcps_state(uint8_t state)
{
	return state < sizeof to_tcps ? (tcps_state)to_tcps[state] : TCPS_CLOSED;
}

/* "sport == port || dport == port" in inet_diag bytecode, laid out as ss
 * lays out an "or".  An op goes on by `yes` or `no` bytes; landing exactly
 * on the end accepts the socket, going past it rejects.  An *_EQ op
 * carries its port in the next op's `no` field.  The kernel's audit
 * follows the `yes` jumps and insists that every `no` lands on an op they
 * reach, hence the JMP (which always takes `no`) between the two tests:
 *
 *   0  S_EQ  yes 8 (to the JMP: accept)  no 12 (to the D_EQ)
 *   4  port
 *   8  JMP   no 12 (to the end: accept)
 *  12  D_EQ  yes 8 (to the end: accept)  no 12 (past the end: reject)
 *  16  port */
typedef struct port_filter {
	struct inet_diag_bc_op s_eq, s_port, jmp, d_eq, d_port;
} port_filter;

static void port_filter_init(port_filter *f, uint16_t port)
{
	memset(f, 0, sizeof *f);
	f->s_eq = (struct inet_diag_bc_op){ INET_DIAG_BC_S_EQ, 8, 12 };
	f->s_port.no = port;
	f->jmp = (struct inet_diag_bc_op){ INET_DIAG_BC_JMP, 4, 12 };
	f->d_eq = (struct inet_diag_bc_op){ INET_DIAG_BC_D_EQ, 8, 12 };
	f->d_port.no = port;
}

typedef struct dump_ctx {
	kdiag_fn *fn;
	void *user;
	int stopped;        /* the callback's non-zero return */
} dump_ctx;

/* The parts of tcp_info we use.  A kernel may send a shorter or longer
 * struct than ours: copy what both have, the rest stays zero. */
static void read_info(kdiag_sock *s, const struct nlattr *a)
{
	struct tcp_info ti;
	size_t len = mnl_attr_get_payload_len(a);
	memset(&ti, 0, sizeof ti);
	memcpy(&ti, mnl_attr_get_payload(a), len < sizeof ti ? len : sizeof ti);
	if (len < offsetof(struct tcp_info, tcpi_last_ack_recv) + sizeof ti.tcpi_last_ack_recv)
		return;
	/* The peer's last segment: the later of its last data and its last
	 * ACK (a bare FIN is neither data nor, alone, counted as data). */
	s->idle_ms = ti.tcpi_last_data_recv < ti.tcpi_last_ack_recv ? ti.tcpi_last_data_recv
								    : ti.tcpi_last_ack_recv;
	s->rto_us = ti.tcpi_rto;
}

static void read_meminfo(kdiag_sock *s, const struct nlattr *a)
{
	if (mnl_attr_get_payload_len(a) < SK_MEMINFO_RCVBUF * sizeof(uint32_t) + sizeof(uint32_t))
		return;
	const uint32_t *m = mnl_attr_get_payload(a);
	s->rmem = m[SK_MEMINFO_RMEM_ALLOC];
	s->rcvbuf = m[SK_MEMINFO_RCVBUF];
}

static void read_attrs(kdiag_sock *s, const struct nlmsghdr *nlh, size_t hdrlen)
{
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, hdrlen) {
		if (mnl_attr_get_type(a) == INET_DIAG_INFO)
			read_info(s, a);
		else if (mnl_attr_get_type(a) == INET_DIAG_SKMEMINFO)
			read_meminfo(s, a);
	}
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	dump_ctx *ctx = data;
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	kdiag_sock s;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof *m)
		return MNL_CB_OK;
	memset(&s, 0, sizeof s);
	s.family = m->idiag_family;
	s.state = m->idiag_state;
	memcpy(s.src, m->id.idiag_src, m->idiag_family == AF_INET6 ? 16 : 4);
	memcpy(s.dst, m->id.idiag_dst, m->idiag_family == AF_INET6 ? 16 : 4);
	s.sport = ntohs(m->id.idiag_sport);
	s.dport = ntohs(m->id.idiag_dport);
	s.timer = m->idiag_timer;
	s.retrans = m->idiag_retrans;
	s.expires_ms = m->idiag_timer ? m->idiag_expires : 0;
	s.rqueue = m->idiag_rqueue;
	s.wqueue = m->idiag_wqueue;
	s.uid = m->idiag_uid;
	s.inode = m->idiag_inode;
	s.idle_ms = KDIAG_IDLE_UNKNOWN;
	read_attrs(&s, nlh, sizeof *m);
	ctx->stopped = ctx->fn(ctx->user, &s);
	return ctx->stopped ? MNL_CB_STOP : MNL_CB_OK;
}

static struct nlmsghdr *build_request(char *buf, int family, uint16_t port, unsigned seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2 *req;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof *req);
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = ~0u; /* every state, TIME_WAIT and SYN-RECV included */
	/* tcp_info (idle time, RTO) and the memory counters: full sockets
	 * only, so 100,000 TIME_WAITs cost nothing more. */
	req->idiag_ext = (uint8_t)(1u << (INET_DIAG_INFO - 1) | 1u << (INET_DIAG_SKMEMINFO - 1));
	if (port) {
		port_filter f;

		port_filter_init(&f, port);
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, sizeof f, &f);
	}
	return nlh;
}

static int run_dump(struct mnl_socket *nl, char *buf, int family, uint16_t port,
		    dump_ctx *ctx, char err[KDIAG_ERRLEN])
{
	unsigned seq = (unsigned)time(NULL), portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh = build_request(buf, family, port, seq);
	ssize_t n;
	int rc;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		snprintf(err, KDIAG_ERRLEN, "sock_diag request: %s", strerror(errno));
		return -1;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, DUMP_BUF);
		if (n < 0) {
			snprintf(err, KDIAG_ERRLEN, "sock_diag reply: %s", strerror(errno));
			return -1;
		}
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, on_msg, ctx);
	} while (rc > MNL_CB_STOP);
	if (rc < 0) {
		snprintf(err, KDIAG_ERRLEN, "sock_diag: %s", strerror(errno));
		return -1;
	}
	return ctx->stopped;
}

int kdiag_tcp_dump(int family, uint16_t port, kdiag_fn *fn, void *user, char err[KDIAG_ERRLEN])
{
	dump_ctx ctx = { .fn = fn, .user = user };
	struct mnl_socket *nl;
	char *buf;
	int rc;

	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!nl) {
		snprintf(err, KDIAG_ERRLEN, "netlink sock_diag socket: %s", strerror(errno));
		return -1;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, KDIAG_ERRLEN, "netlink sock_diag bind: %s", strerror(errno));
		mnl_socket_close(nl);
		return -1;
	}
	buf = malloc(DUMP_BUF);
	if (!buf) {
		snprintf(err, KDIAG_ERRLEN, "out of memory");
		mnl_socket_close(nl);
		return -1;
	}
	rc = run_dump(nl, buf, family, port, &ctx, err);
	free(buf);
	mnl_socket_close(nl);
	return rc;
}

/* ---- the whole table in an array ---- */

void kdiag_list_free(kdiag_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Returns 1 (stopping the dump) when memory runs out. */
static int push(void *user, const kdiag_sock *s)
{
	kdiag_list *l = user;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		kdiag_sock *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return 1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
	return 0;
}

int kdiag_dump_all(kdiag_list *l, uint16_t port, char err[KDIAG_ERRLEN])
{
	static const int families[] = { AF_INET, AF_INET6 };
	l->n = 0;
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
		int rc = kdiag_tcp_dump(families[i], port, push, l, err);
		if (rc > 0)
			snprintf(err, KDIAG_ERRLEN, "out of memory after %zu sockets", l->n);
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- printing ---- */

char *kdiag_addr_str(int family, const uint8_t addr[16], char *buf)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, INET6_ADDRSTRLEN))
		strcpy(buf, "?");
	return buf;
}

static char *endpoint(int family, const uint8_t addr[16], uint16_t port, bool wild, char *buf)
{
	char a[INET6_ADDRSTRLEN], p[8] = "*";
	kdiag_addr_str(family, addr, a);
	if (!wild)
		snprintf(p, sizeof p, "%u", port);
	if (family == AF_INET6)
		snprintf(buf, KDIAG_EPLEN, "[%s]:%s", a, p);
	else
		snprintf(buf, KDIAG_EPLEN, "%s:%s", a, p);
	return buf;
}

char *kdiag_local_str(const kdiag_sock *s, char *buf)
{
	return endpoint(s->family, s->src, s->sport, false, buf);
}

char *kdiag_remote_str(const kdiag_sock *s, char *buf)
{
	return endpoint(s->family, s->dst, s->dport, s->dport == 0, buf);
}

const char *kdiag_timer_name(unsigned timer)
{
	static const char *const names[] = { "", "on", "keepalive", "timewait", "persist" };
	return timer < sizeof names / sizeof names[0] ? names[timer] : "?";
}
