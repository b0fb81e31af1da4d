/* `tcpstate sockets` output, text and JSON Lines.  See sockets_print.h. */
#include "cli/sockets_print.h"

#include <inttypes.h>
#include <string.h>

#include "tcpstate/state.h"

/* A JSON string.  Process names are the only strings here not of our
 * making (a comm may hold quotes, backslashes, control bytes or bytes
 * that are not UTF-8). */
static void json_str(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c); /* a comm need not be UTF-8: stay valid JSON */
		else
			putc(c, out);
	}
	putc('"', out);
}

/* "timewait,59.0s", "on,0.2s,r2" (retransmissions so far), "" without a timer. */
static char *timer_str(const kdiag_sock *k, char *buf, size_t n)
{
	if (!k->timer) {
		buf[0] = '\0';
		return buf;
	}
	int w = snprintf(buf, n, "%s,%.1fs", kdiag_timer_name(k->timer), k->expires_ms / 1000.0);
	if (k->retrans && w > 0 && (size_t)w < n)
		snprintf(buf + w, n - (size_t)w, ",r%u", (unsigned)k->retrans);
	return buf;
}

/* ---- text ---- */

static void text_header(const sock_sample *s)
{
	if (s->sample)
		fprintf(s->out, "%s# sample %u at +%.1f s\n", s->sample > 1 ? "\n" : "", s->sample, s->t);
	fprintf(s->out, "%-12s %6s %6s %-27s %-27s %-16s %s%s\n", "State", "Recv-Q", "Send-Q",
		"Local Address:Port", "Peer Address:Port", "Timer", s->in->age_s ? "      Age " : "",
		"Process");
}

static void text_process(FILE *out, const kdiag_sock *k, const owner *o)
{
	if (o)
		fprintf(out, "%s,pid=%d,fd=%d\n", o->comm, (int)o->pid, (int)o->fd);
	else
		fputs(k->inode ? "?\n" : "-\n", out);
}

static void text_socket(const sock_sample *s, size_t i)
{
	const kdiag_sock *k = &s->in->v[i];
	char l[KDIAG_EPLEN], r[KDIAG_EPLEN], t[40];
	fprintf(s->out, "%-12s %6" PRIu32 " %6" PRIu32 " %-27s %-27s %-16s ", tcps_state_name(kdiag_tcps_state(k->state)),
		k->rqueue, k->wqueue, kdiag_local_str(k, l), kdiag_remote_str(k, r), timer_str(k, t, sizeof t));
	if (s->in->age_s) {
		char age[32];
		snprintf(age, sizeof age, "%s%.1fs", s->at_least && s->at_least[i] ? ">" : "", s->in->age_s[i]);
		fprintf(s->out, "%9s ", age);
	}
	text_process(s->out, k, s->in->who ? s->in->who[i] : NULL);
}

/* ---- JSON ---- */

static void json_socket(const sock_sample *s, size_t i)
{
	const kdiag_sock *k = &s->in->v[i];
	const owner *o = s->in->who ? s->in->who[i] : NULL;
	char l[KDIAG_EPLEN], r[KDIAG_EPLEN];
	FILE *out = s->out;
	fprintf(out, "{\"type\":\"socket\",\"state\":\"%s\",\"local\":\"%s\",\"remote\":\"%s\"",
		tcps_state_name(kdiag_tcps_state(k->state)), kdiag_local_str(k, l), kdiag_remote_str(k, r));
	if (kdiag_tcps_state(k->state) == TCPS_LISTEN)
		fprintf(out, ",\"accept_queue\":%" PRIu32 ",\"backlog\":%" PRIu32, k->rqueue, k->wqueue);
	else
		fprintf(out, ",\"rqueue\":%" PRIu32 ",\"wqueue\":%" PRIu32, k->rqueue, k->wqueue);
	if (k->timer)
		fprintf(out, ",\"timer\":\"%s\",\"expires_ms\":%" PRIu32 ",\"retrans\":%u",
			kdiag_timer_name(k->timer), k->expires_ms, (unsigned)k->retrans);
	if (k->idle_ms != KDIAG_IDLE_UNKNOWN && kdiag_tcps_state(k->state) != TCPS_LISTEN)
		fprintf(out, ",\"idle_ms\":%" PRIu32, k->idle_ms);
	fprintf(out, ",\"uid\":%" PRIu32 ",\"inode\":%" PRIu32, k->uid, k->inode);
	if (o) {
		fprintf(out, ",\"pid\":%d,\"fd\":%d,\"comm\":", (int)o->pid, (int)o->fd);
		json_str(out, o->comm);
	} else if (k->inode) {
		fputs(",\"pid\":null", out); /* held by a process we may not see */
	}
	if (s->in->age_s)
		fprintf(out, ",\"age_s\":%.1f%s", s->in->age_s[i],
			s->at_least && s->at_least[i] ? ",\"age_at_least\":true" : "");
	if (s->sample)
		fprintf(out, ",\"sample\":%u", s->sample);
	fputs("}\n", out);
}

void sockets_print_table(const sock_sample *s)
{
	if (!s->json)
		text_header(s);
	for (size_t i = 0; i < s->in->n; i++) {
		if (s->in->keep && !s->in->keep[i])
			continue;
		if (s->json)
			json_socket(s, i);
		else
			text_socket(s, i);
	}
}

void sockets_print_counts(const sock_sample *s)
{
	uint64_t count[TCPS_NSTATES] = { 0 }, total = 0;
	for (size_t i = 0; i < s->in->n; i++)
		if (!s->in->keep || s->in->keep[i]) {
			count[kdiag_tcps_state(s->in->v[i].state)]++;
			total++;
		}
	FILE *out = s->out;
	if (s->json) {
		fprintf(out, "{\"type\":\"counts\",\"total\":%" PRIu64 ",\"states\":{", total);
		for (int st = 0; st < TCPS_NSTATES; st++)
			fprintf(out, "%s\"%s\":%" PRIu64, st ? "," : "", tcps_state_name((tcps_state)st), count[st]);
		fputc('}', out);
		if (s->owners_missing)
			fprintf(out, ",\"owners_missing\":%zu", s->owners_missing);
		if (s->sample)
			fprintf(out, ",\"sample\":%u,\"t\":%.3f", s->sample, s->t);
		fputs("}\n", out);
		return;
	}
	fputs("\nCounts:", out);
	for (int st = 0; st < TCPS_NSTATES; st++)
		if (count[st])
			fprintf(out, " %s %" PRIu64 ",", tcps_state_name((tcps_state)st), count[st]);
	fprintf(out, " total %" PRIu64 "\n", total);
}

void sockets_print_diag_start(const sock_sample *s)
{
	if (!s->json)
		fputs("\nDiagnoses:\n", s->out);
}

static void json_diag(const sock_sample *s, const sdiag *d)
{
	FILE *out = s->out;
	fprintf(out, "{\"type\":\"diagnosis\",\"code\":\"%s\",\"endpoint\":\"%s\",\"message\":", sdiag_name(d->code),
		d->endpoint);
	json_str(out, d->message);
	fputs(",\"hint\":", out);
	json_str(out, d->hint);
	/* The evidence: extra keys, which the contract allows. */
	fprintf(out, ",\"count\":%" PRIu64 ",\"since_s\":%.1f,\"uid\":%" PRIu32, d->count, d->since_s, d->uid);
	if (d->pid >= 0) {
		fprintf(out, ",\"pid\":%d,\"comm\":", (int)d->pid);
		json_str(out, d->comm);
	} else {
		fputs(",\"pid\":null", out);
	}
	if (d->code == SDIAG_CLOSE_WAIT_STUCK)
		fprintf(out, ",\"unread\":%" PRIu64 ",\"eof_unread\":%" PRIu64 ",\"rqueue_full\":%s", d->unread,
			d->eof_unread, d->rqueue_full ? "true" : "false");
	else if (d->code == SDIAG_TIME_WAIT_ACCUMULATION)
		fprintf(out, ",\"direction\":\"%s\"", d->incoming ? "incoming" : "outgoing");
	else if (d->code == SDIAG_HANDSHAKE_INCOMPLETE)
		fprintf(out, ",\"syn_flood\":%s", d->flood ? "true" : "false");
	if (s->sample)
		fprintf(out, ",\"sample\":%u", s->sample);
	fputs("}\n", out);
}

void sockets_print_diag(void *user, const sdiag *d)
{
	const sock_sample *s = user;
	if (s->json) {
		json_diag(s, d);
		return;
	}
	fprintf(s->out, "  %s %s: %s\n      hint: %s\n", sdiag_name(d->code), d->endpoint, d->message, d->hint);
}

void sockets_print_diag_end(const sock_sample *s, long ndiag)
{
	if (!s->json && ndiag == 0)
		fputs("  none\n", s->out);
}
