/* The renderer's entry points and the helpers both formats share. */
#include "sim/render.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "sim/render_int.h"

void sim_render_init(sim_render *r, FILE *out, sim_format format)
{
	memset(r, 0, sizeof *r);
	r->out = out;
	r->format = format;
}

void sim_render_segment(sim_render *r, const sim_conn_rec *c, const sim_seg_event *ev,
			const char *label)
{
	if (r->format == SIM_FORMAT_JSON)
		sim_json_segment(r, c, ev, label);
	else
		sim_text_segment(r, c, ev, label);
}

void sim_render_conn_end(sim_render *r, const sim_conn_rec *c)
{
	if (r->format == SIM_FORMAT_JSON)
		sim_json_conn_end(r, c);
	else
		sim_text_conn_end(r, c);
}

char *sim_endpoint_str(const uint8_t addr[16], uint16_t port, int family, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	if (family == 6) {
		inet_ntop(AF_INET6, addr, a, sizeof a);
		snprintf(buf, cap, "[%s]:%u", a, port);
	} else {
		inet_ntop(AF_INET, addr, a, sizeof a);
		snprintf(buf, cap, "%s:%u", a, port);
	}
	return buf;
}

void sim_conn_endpoints(const sim_conn_rec *c, char client[64], char server[64])
{
	const tcps_tuple *t = &c->tuple;
	sim_endpoint_str(t->local_addr, t->local_port, t->family, client, 64);
	sim_endpoint_str(t->remote_addr, t->remote_port, t->family, server, 64);
}

void sim_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			/* Other control characters have no short escape. */
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

char *sim_time_str(uint64_t t, char buf[32])
{
	/* Integer arithmetic: the same digits on every platform and libc. */
	snprintf(buf, 32, "%" PRIu64 ".%06" PRIu64, (uint64_t)(t / TCPS_NS_PER_S),
		 (uint64_t)(t % TCPS_NS_PER_S / 1000));
	return buf;
}

const char *sim_diag_message(sim_diag_code code)
{
	if (code == SIM_DIAG_CONNECTION_REFUSED)
		return "the SYN was answered by RST: nothing was listening on that port";
	return "RST in the middle of an established connection: it ended abruptly, "
	       "without a graceful close";
}

const char *sim_diag_hint(sim_diag_code code)
{
	if (code == SIM_DIAG_CONNECTION_REFUSED)
		return "check that the server is running and listening on the port; "
		       "the client sees ECONNREFUSED";
	return "the sender aborted (a crash, close() with SO_LINGER 0) or got data for a "
	       "connection it no longer had; the peer sees ECONNRESET";
}
