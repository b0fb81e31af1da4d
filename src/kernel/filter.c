/* ss-style filters: parsing the words and matching a socket (filter.h). */
#include "kernel/filter.h"
#include "kernel/sockdiag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcpstate/state.h"

#define ALL_STATES ((1u << TCPS_NSTATES) - 1)

void kfilter_init(kfilter *f)
{
	memset(f, 0, sizeof *f);
	f->sport = f->dport = f->port = -1;
}

int kfilter_state_from_linux(int tcp_state)
{
	/* The kernel's numbering (ABI: ss and inet_diag use it), one table. */
	if (tcp_state < 1 || tcp_state > 12)
		return -1;
	return (int)kdiag_tcps_state((uint8_t)tcp_state);
}

/* "443" or ":443" (ss writes ports with the colon). */
static int parse_port(const char *s)
{
	if (*s == ':')
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535)
		return -1;
	return (int)v;
}

static int parse_bits(const char *s, unsigned max)
{
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || v > max)
		return -1;
	return (int)v;
}

/* Splits "ADDR/LEN" in place; *bits -1 when there is no "/LEN". */
static int split_bits(char *addr, int *bits)
{
	*bits = -1;
	char *slash = strchr(addr, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	return (*bits = parse_bits(slash + 1, 128)) < 0 ? -1 : 0;
}

/* ADDR[/LEN][:PORT], [IPV6][/LEN][:PORT], [IPV6/LEN][:PORT], IPV6[/LEN],
 * *:PORT or :PORT.  Fills p (unset for "*" or no address) and *port
 * (-1: none). */
static int parse_endpoint(const char *word, kfilter_prefix *p, int *port)
{
	char buf[128];
	if (strlen(word) >= sizeof buf)
		return -1;
	strcpy(buf, word);
	memset(p, 0, sizeof *p);
	*port = -1;

	char *addr = buf, *portpart = NULL;
	int bits = -1;
	if (buf[0] == '[') {
		/* Brackets: the only way to put a port after an IPv6 address. */
		char *close = strchr(buf, ']');
		if (!close)
			return -1;
		*close = '\0';
		addr = buf + 1;
		char *tail = close + 1;
		portpart = strchr(tail, ':');
		if (portpart)
			*portpart++ = '\0';
		if (*tail == '/') {
			if ((bits = parse_bits(tail + 1, 128)) < 0)
				return -1;
		} else if (*tail) {
			return -1;
		}
		if (strchr(addr, '/') && (bits >= 0 || split_bits(addr, &bits) < 0))
			return -1;
	} else {
		char *colon = strchr(buf, ':');
		/* One colon separates the port; two or more make a bare IPv6
		 * address, which cannot carry one. */
		if (colon && !strchr(colon + 1, ':')) {
			*colon = '\0';
			portpart = colon + 1;
		}
		if (split_bits(addr, &bits) < 0)
			return -1;
	}
	if (portpart && (*port = parse_port(portpart)) < 0)
		return -1;
	if (*addr == '\0' || !strcmp(addr, "*"))
		return bits < 0 ? 0 : -1;

	if (inet_pton(AF_INET, addr, p->addr) == 1) {
		p->family = AF_INET;
		p->bits = bits < 0 ? 32 : (unsigned)bits;
		if (p->bits > 32)
			return -1;
	} else if (inet_pton(AF_INET6, addr, p->addr) == 1) {
		p->family = AF_INET6;
		p->bits = bits < 0 ? 128 : (unsigned)bits;
	} else {
		return -1;
	}
	p->set = true;
	return 0;
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, part = bits % 8;
	if (memcmp(a, b, whole))
		return false;
	if (!part)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - part));
	return (a[whole] & mask) == (b[whole] & mask);
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool prefix_match(const kfilter_prefix *p, uint8_t family, const uint8_t addr[16])
{
	if (!p->set)
		return true;
	if (p->family == family)
		return prefix_eq(p->addr, addr, p->bits);
	/* A dual-stack socket talking to an IPv4 peer shows it as ::ffff:a.b.c.d. */
	if (p->family == AF_INET && family == AF_INET6 && !memcmp(addr, v4mapped, 12))
		return prefix_eq(p->addr, addr + 12, p->bits);
	return false;
}

bool kfilter_match_tuple(const kfilter *f, const kfilter_tuple *t)
{
	if (f->sport >= 0 && t->sport != f->sport)
		return false;
	if (f->dport >= 0 && t->dport != f->dport)
		return false;
	if (f->port >= 0 && t->sport != f->port && t->dport != f->port)
		return false;
	return prefix_match(&f->src, t->family, t->src) && prefix_match(&f->dst, t->family, t->dst);
}

bool kfilter_match_state(const kfilter *f, int state)
{
	if (!f->states)
		return true;
	return state >= 0 && state < TCPS_NSTATES && (f->states & (1u << state));
}

bool kfilter_has_userspace_terms(const kfilter *f)
{
	return f->src.set || f->dst.set || f->states;
}

/* ss's state groups, then single states. */
static int parse_states(const char *name, unsigned *mask)
{
	unsigned connected = ALL_STATES & ~(1u << TCPS_LISTEN) & ~(1u << TCPS_CLOSED);
	if (!strcmp(name, "all"))
		*mask = ALL_STATES;
	else if (!strcmp(name, "connected"))
		*mask = connected;
	else if (!strcmp(name, "synchronized"))
		*mask = connected & ~(1u << TCPS_SYN_SENT);
	else {
		int s = tcps_state_parse(name);
		if (s < 0)
			return -1;
		*mask = 1u << s;
	}
	return 0;
}

static int set_port(int *slot, int value, const char *what, char *err)
{
	if (*slot >= 0 && *slot != value) {
		snprintf(err, KFILTER_ERRLEN, "two different %s ports (only one of each is supported)", what);
		return -1;
	}
	*slot = value;
	return 0;
}

/* The operand of sport/dport/src/dst/state: skips ss's optional "=", "==", "eq". */
static const char *operand(int nwords, char *const words[], int *i, char *err)
{
	const char *kw = words[*i];
	if (*i + 1 < nwords && (!strcmp(words[*i + 1], "=") || !strcmp(words[*i + 1], "==") ||
				!strcmp(words[*i + 1], "eq")))
		(*i)++;
	if (*i + 1 >= nwords) {
		snprintf(err, KFILTER_ERRLEN, "'%s' needs a value", kw);
		return NULL;
	}
	return words[++*i];
}

static int parse_word(kfilter *f, int nwords, char *const words[], int *i, char *err)
{
	const char *w = words[*i];
	if (!strcmp(w, "and") || !strcmp(w, "&&"))
		return 0;
	if (!strcmp(w, "or") || !strcmp(w, "||") || !strcmp(w, "not") || !strcmp(w, "!") ||
	    w[0] == '(' || w[0] == ')') {
		snprintf(err, KFILTER_ERRLEN, "'%s' is not supported: every term of the filter must hold", w);
		return -1;
	}
	if (w[0] == ':') {
		int p = parse_port(w);
		if (p < 0) {
			snprintf(err, KFILTER_ERRLEN, "bad port '%s'", w);
			return -1;
		}
		return set_port(&f->port, p, "':PORT'", err);
	}
	bool sport = !strcmp(w, "sport"), dport = !strcmp(w, "dport");
	bool src = !strcmp(w, "src"), dst = !strcmp(w, "dst");
	bool state = !strcmp(w, "state"), exclude = !strcmp(w, "exclude");
	if (!sport && !dport && !src && !dst && !state && !exclude) {
		snprintf(err, KFILTER_ERRLEN,
			 "unknown filter word '%s' (known: :PORT, sport :N, dport :N, src ADDR[/LEN], "
			 "dst ADDR[/LEN], state NAME, exclude NAME)", w);
		return -1;
	}
	const char *v = operand(nwords, words, i, err);
	if (!v)
		return -1;
	if (sport || dport) {
		int p = parse_port(v);
		if (p < 0) {
			snprintf(err, KFILTER_ERRLEN, "bad port '%s' after '%s'", v, w);
			return -1;
		}
		return sport ? set_port(&f->sport, p, "source", err) : set_port(&f->dport, p, "destination", err);
	}
	if (src || dst) {
		kfilter_prefix p;
		int port;
		if (parse_endpoint(v, &p, &port) < 0) {
			snprintf(err, KFILTER_ERRLEN, "bad address '%s' after '%s' (ADDR[/LEN][:PORT], [IPv6][:PORT])", v, w);
			return -1;
		}
		if ((src ? f->src.set : f->dst.set) && p.set) {
			snprintf(err, KFILTER_ERRLEN, "two '%s' addresses (only one is supported)", w);
			return -1;
		}
		if (p.set)
			*(src ? &f->src : &f->dst) = p;
		if (port >= 0)
			return src ? set_port(&f->sport, port, "source", err) : set_port(&f->dport, port, "destination", err);
		return 0;
	}
	unsigned mask;
	if (parse_states(v, &mask) < 0) {
		snprintf(err, KFILTER_ERRLEN, "unknown state '%s'", v);
		return -1;
	}
	if (state)
		f->states |= mask;
	else
		f->states = (f->states ? f->states : ALL_STATES) & ~mask;
	return 0;
}

/* ss takes the expression as one argument or many ("sport = :443" quoted
 * or not): the words are split again on white space. */
#define MAX_WORDS 64

static int split_words(int nwords, char *const words[], char *buf, size_t len, char *out[MAX_WORDS],
		       char *err)
{
	size_t used = 0;
	int n = 0;
	for (int i = 0; i < nwords; i++) {
		size_t l = strlen(words[i]);
		if (used + l + 1 > len) {
			snprintf(err, KFILTER_ERRLEN, "the filter is too long");
			return -1;
		}
		char *copy = memcpy(buf + used, words[i], l + 1);
		used += l + 1;
		char *save;
		for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
			if (n == MAX_WORDS) {
				snprintf(err, KFILTER_ERRLEN, "the filter has too many words");
				return -1;
			}
			out[n++] = w;
		}
	}
	return n;
}

int kfilter_parse(kfilter *f, int nwords, char *const words[], char err[KFILTER_ERRLEN])
{
	char buf[1024], *w[MAX_WORDS];
	kfilter_init(f);
	int n = split_words(nwords, words, buf, sizeof buf, w, err);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (parse_word(f, n, w, &i, err) < 0)
			return -1;
	if (f->states == 0) {
		/* "exclude" of every state leaves nothing: say so instead of
		 * matching everything (0 means "any"). */
		for (int i = 0; i < n; i++)
			if (!strcmp(w[i], "exclude")) {
				snprintf(err, KFILTER_ERRLEN, "the filter excludes every state");
				return -1;
			}
	}
	return 0;
}
