/* --zeek: a conn.log in Zeek's TSV layout, one row per connection as it
 * ends, the originator and responder as Zeek would name them (zeek.c).
 *
 * Columns tcpstate cannot know are unset ("-"): service (no protocol
 * detection), local_orig/local_resp (no Site::local_nets), the IP-level
 * byte counts (the observer counts payload), tunnel_parents. */
#include <string.h>
#include <time.h>

#include "trace/render_int.h"

static const char *const fields =
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration"
	"\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory"
	"\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n";
static const char *const types =
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount"
	"\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n";

/* Zeek stamps #open and #close with the wall clock, in its own format. */
static void stamp(trace_line *l, const char *what, time_t t)
{
	struct tm tm;
	char buf[32];
	if (!localtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d-%H-%M-%S", &tm))
		strcpy(buf, "-");
	trace_line_str(l, what);
	trace_line_str(l, buf);
	trace_line_str(l, "\n");
}

static void header(trace_render *r)
{
	trace_line l;
	l.n = 0;
	trace_line_str(&l, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
			   "#unset_field\t-\n#path\tconn\n");
	stamp(&l, "#open\t", r->opened);
	trace_line_str(&l, fields);
	trace_line_str(&l, types);
	trace_line_flush(r, &l);
	r->zeek_header = true;
}

/* splitmix64's finaliser: the uid's bits. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Zeek's uids are "C" and random base62; these are derived from the
 * connection's number and start, so the same capture gives the same
 * uids on every run. */
static void uid(trace_line *l, const trace_conn_record *rec)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint64_t a = mix(rec->conn ^ mix(rec->first_ts)), b = mix(a);
	char s[19];
	s[0] = 'C';
	for (int i = 1; i < 18; i++) {
		uint64_t *w = i < 10 ? &a : &b;
		s[i] = b62[*w % 62];
		*w /= 62;
	}
	s[18] = '\0';
	trace_line_str(l, s);
}

void trace_zeek_conn(trace_render *r, const trace_conn_record *rec)
{
	if (!r->zeek_header)
		header(r);
	int o = rec->zeek_orig_is_server ? TRACE_SERVER : TRACE_CLIENT, p = !o;
	uint64_t duration = rec->last_ts - rec->first_ts;
	trace_line l;
	l.n = 0;
	trace_line_secs(&l, rec->first_ts);
	trace_line_str(&l, "\t");
	uid(&l, rec);
	trace_line_str(&l, "\t");
	trace_line_addr(&l, &rec->ep[o]);
	trace_line_str(&l, "\t");
	trace_line_u64(&l, rec->ep[o].port);
	trace_line_str(&l, "\t");
	trace_line_addr(&l, &rec->ep[p]);
	trace_line_str(&l, "\t");
	trace_line_u64(&l, rec->ep[p].port);
	trace_line_str(&l, "\ttcp\t-\t");
	/* Zeek leaves duration and byte counts unset for a connection of
	 * one instant. */
	if (duration) {
		trace_line_secs(&l, duration);
		trace_line_str(&l, "\t");
		trace_line_u64(&l, rec->bytes[o]);
		trace_line_str(&l, "\t");
		trace_line_u64(&l, rec->bytes[p]);
	} else {
		trace_line_str(&l, "-\t-\t-");
	}
	trace_line_str(&l, "\t");
	trace_line_str(&l, rec->zeek_state ? rec->zeek_state : "OTH");
	trace_line_str(&l, "\t-\t-\t0\t");
	trace_line_str(&l, rec->zeek_history[0] ? rec->zeek_history : "-");
	trace_line_str(&l, "\t");
	trace_line_u64(&l, rec->packets[o]);
	trace_line_str(&l, "\t-\t");
	trace_line_u64(&l, rec->packets[p]);
	trace_line_str(&l, "\t-\t-\n");
	trace_line_flush(r, &l);
}

void trace_zeek_finish(trace_render *r)
{
	if (!r->zeek_header)
		header(r);
	trace_line l;
	l.n = 0;
	stamp(&l, "#close\t", time(NULL));
	trace_line_flush(r, &l);
}
