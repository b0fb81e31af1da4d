/* Lines of the sock:inet_sock_set_state tracepoint -> ktp_event
 * (tracepoint.h).  The per-socket tracking is in tracepoint_track.c. */
#include "kernel/tracepoint.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcpstate/state.h"

/* The kernel's names, indexed by its numbers (include/net/tcp_states.h). */
static const char *const linux_names[] = {
	NULL, "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_FIN_WAIT1",
	"TCP_FIN_WAIT2", "TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT", "TCP_LAST_ACK",
	"TCP_LISTEN", "TCP_CLOSING", "TCP_NEW_SYN_RECV", "TCP_BOUND_INACTIVE",
};
#define NLINUX ((int)(sizeof linux_names / sizeof linux_names[0]))

#define MARKER ": inet_sock_set_state: "

const char *ktp_state_name(int state, int linux_state, char *buf, size_t len)
{
	if (state >= 0 && state < TCPS_NSTATES)
		return tcps_state_name((tcps_state)state);
	if (linux_state > 0)
		snprintf(buf, len, "TCP_STATE_%d", linux_state);
	else
		snprintf(buf, len, "UNKNOWN");
	return buf;
}

bool ktp_is_reset(int from, int to)
{
	return to == TCPS_CLOSED &&
	       (from == TCPS_ESTABLISHED || from == TCPS_CLOSE_WAIT || from == TCPS_FIN_WAIT_1);
}

int ktp_kernel_filter(const kfilter *f, char *buf, size_t len)
{
	char sport[32] = "", dport[32] = "", port[64] = "";
	if (f->sport >= 0)
		snprintf(sport, sizeof sport, " && sport == %d", f->sport);
	if (f->dport >= 0)
		snprintf(dport, sizeof dport, " && dport == %d", f->dport);
	if (f->port >= 0)
		snprintf(port, sizeof port, " && (sport == %d || dport == %d)", f->port, f->port);
	/* protocol is TCP's number: the tracepoint also fires for SCTP and
	 * MPTCP sockets. */
	int n = snprintf(buf, len, "protocol == 6%s%s%s", sport, dport, port);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* ---- the ftrace header: "  comm-pid (tgid) [cpu] flags  ts" -------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "9828.801990" (any number of fraction digits up to 9) -> ns. */
static bool parse_ts(const char *s, const char *end, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	int fdigits = 0;
	const char *p = s;
	for (; p < end && is_digit(*p); p++)
		sec = sec * 10 + (uint64_t)(*p - '0');
	if (p == s)
		return false;
	if (p < end && *p == '.')
		for (p++; p < end && is_digit(*p) && fdigits < 9; p++, fdigits++)
			frac = frac * 10 + (uint64_t)(*p - '0');
	if (p != end)
		return false;
	for (int i = fdigits; i < 9; i++)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	return true;
}

/* The token that ends at end (exclusive), after skipping spaces back. */
static const char *token_before(const char *start, const char *end, const char **tok_end)
{
	while (end > start && end[-1] == ' ')
		end--;
	*tok_end = end;
	const char *p = end;
	while (p > start && p[-1] != ' ')
		p--;
	return p;
}

static bool parse_header(const char *line, const char *marker, ktp_event *ev)
{
	const char *te, *ts = token_before(line, marker, &te);
	if (!parse_ts(ts, te, &ev->ts_ns))
		return false;
	/* Before the timestamp: the flags ("..s2.", absent with some
	 * options), then "[cpu]". */
	const char *ce, *cpu = token_before(line, ts, &ce);
	if (cpu < ce && *cpu != '[')
		cpu = token_before(line, cpu, &ce);
	if (ce - cpu < 3 || *cpu != '[' || ce[-1] != ']' || !is_digit(cpu[1]))
		return false;
	ev->cpu = atoi(cpu + 1);

	/* The task: "comm-pid", maybe followed by "(tgid)" (options/record-tgid). */
	const char *end = cpu;
	while (end > line && end[-1] == ' ')
		end--;
	if (end > line && end[-1] == ')') {
		while (end > line && end[-1] != '(')
			end--;
		if (end == line)
			return false;
		end--;
		while (end > line && end[-1] == ' ')
			end--;
	}
	const char *dash = end;
	while (dash > line && is_digit(dash[-1]))
		dash--;
	if (dash == end || dash == line || dash[-1] != '-')
		return false;
	ev->pid = atoi(dash);
	const char *comm = line;
	while (comm < dash - 1 && *comm == ' ')
		comm++;
	size_t n = (size_t)(dash - 1 - comm);
	if (n >= sizeof ev->comm)
		n = sizeof ev->comm - 1;
	memcpy(ev->comm, comm, n);
	ev->comm[n] = '\0';
	return true;
}

/* ---- the event: "key=value" words -------------------------------------- */

typedef struct fields {
	bool family, old, new, sport, dport, saddr, daddr, saddr6, daddr6, tcp;
	uint8_t s4[4], d4[4], s6[16], d6[16];
} fields;

static bool parse_num(const char *v, uint64_t *out)
{
	if (!is_digit(*v))
		return false;
	char *end;
	*out = strtoull(v, &end, 0);
	return *end == '\0';
}

/* TCP_ESTABLISHED or 0x1 / 1 -> the kernel's number, -1 if unknown. */
static int parse_linux_state(const char *v)
{
	uint64_t n;
	if (parse_num(v, &n))
		return n < 1000 ? (int)n : -1;
	for (int i = 1; i < NLINUX; i++)
		if (!strcmp(v, linux_names[i]))
			return i;
	return -1;
}

static bool parse_v4(const char *v, uint8_t out[4])
{
	if (inet_pton(AF_INET, v, out) == 1)
		return true;
	/* The fields form prints __u8[4] as one native-endian number. */
	uint64_t n;
	if (!parse_num(v, &n) || n > 0xffffffffu)
		return false;
	uint32_t u = (uint32_t)n;
	memcpy(out, &u, 4);
	return true;
}

static void field(fields *f, ktp_event *ev, const char *k, const char *v)
{
	uint64_t n;
	if (!strcmp(k, "skaddr")) {
		if (parse_num(v, &n))
			ev->skaddr = n;
	} else if (!strcmp(k, "family")) {
		if (!strcmp(v, "AF_INET"))
			ev->tuple.family = AF_INET;
		else if (!strcmp(v, "AF_INET6"))
			ev->tuple.family = AF_INET6;
		else if (parse_num(v, &n) && n < 256)
			ev->tuple.family = (uint8_t)n;
		else
			return;
		f->family = true;
	} else if (!strcmp(k, "protocol")) {
		f->tcp = !strcmp(v, "IPPROTO_TCP") || (parse_num(v, &n) && n == 6);
	} else if (!strcmp(k, "sport") || !strcmp(k, "dport")) {
		if (!parse_num(v, &n) || n > 65535)
			return;
		if (k[0] == 's') {
			ev->tuple.sport = (uint16_t)n;
			f->sport = true;
		} else {
			ev->tuple.dport = (uint16_t)n;
			f->dport = true;
		}
	} else if (!strcmp(k, "saddr")) {
		f->saddr = parse_v4(v, f->s4);
	} else if (!strcmp(k, "daddr")) {
		f->daddr = parse_v4(v, f->d4);
	} else if (!strcmp(k, "saddrv6") || !strcmp(k, "saddr_v6")) {
		f->saddr6 = inet_pton(AF_INET6, v, f->s6) == 1;
	} else if (!strcmp(k, "daddrv6") || !strcmp(k, "daddr_v6")) {
		f->daddr6 = inet_pton(AF_INET6, v, f->d6) == 1;
	} else if (!strcmp(k, "oldstate")) {
		ev->from_linux = parse_linux_state(v);
		f->old = true;
	} else if (!strcmp(k, "newstate")) {
		ev->to_linux = parse_linux_state(v);
		f->new = true;
	}
}

/* Walks "k=v k=v (dec) k=v": the fields form follows a number with its
 * decimal value in parentheses, which is skipped. */
static void parse_body(const char *p, fields *f, ktp_event *ev)
{
	char key[32], val[64];
	while (*p) {
		while (*p == ' ')
			p++;
		if (*p == '(') {
			while (*p && *p != ')')
				p++;
			if (*p)
				p++;
			continue;
		}
		const char *eq = p;
		while (*eq && *eq != '=' && *eq != ' ')
			eq++;
		const char *ve = eq;
		while (*ve && *ve != ' ')
			ve++;
		size_t kl = (size_t)(eq - p), vl = *eq == '=' ? (size_t)(ve - eq - 1) : 0;
		if (*eq == '=' && kl && kl < sizeof key && vl < sizeof val) {
			memcpy(key, p, kl);
			key[kl] = '\0';
			memcpy(val, eq + 1, vl);
			val[vl] = '\0';
			field(f, ev, key, val);
		}
		p = ve;
	}
}

static void set_addresses(const fields *f, ktp_event *ev)
{
	kfilter_tuple *t = &ev->tuple;
	if (t->family == AF_INET && f->saddr && f->daddr) {
		memcpy(t->src, f->s4, 4);
		memcpy(t->dst, f->d4, 4);
		ev->addr_known = true;
	} else if (t->family == AF_INET6 && f->saddr6 && f->daddr6) {
		memcpy(t->src, f->s6, 16);
		memcpy(t->dst, f->d6, 16);
		ev->addr_known = true;
	}
}

int ktp_parse_line(const char *line, ktp_event *ev, uint64_t *lost)
{
	char buf[1024];
	size_t len = strcspn(line, "\r\n");
	if (len >= sizeof buf)
		return KTP_BAD;
	memcpy(buf, line, len);
	buf[len] = '\0';

	const char *p = buf;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return KTP_NOT_EVENT;
	int cpu;
	uint64_t n;
	if (sscanf(p, "CPU:%d [LOST %" SCNu64 " EVENTS]", &cpu, &n) == 2) {
		if (lost)
			*lost = n;
		return KTP_LOST;
	}
	char *marker = strstr(buf, MARKER);
	if (!marker)
		return KTP_NOT_EVENT;

	memset(ev, 0, sizeof *ev);
	ev->from = ev->to = ev->from_linux = ev->to_linux = -1;
	if (!parse_header(buf, marker, ev))
		return KTP_BAD;
	fields f = { .tcp = true };  /* kernels before the protocol field traced TCP only */
	parse_body(marker + strlen(MARKER), &f, ev);
	if (!f.family || !f.old || !f.new || !f.sport || !f.dport)
		return KTP_BAD;
	if (!f.tcp)
		return KTP_NOT_EVENT;
	ev->from = kfilter_state_from_linux(ev->from_linux);
	ev->to = kfilter_state_from_linux(ev->to_linux);
	set_addresses(&f, ev);
	return KTP_EVENT;
}
