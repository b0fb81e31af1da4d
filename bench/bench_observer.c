/* The observer alone over a capture: trace_input + trace_obs, with a
 * connection callback that only counts, no rendering.  It prints the
 * observer's own statistics, which `tcpstate trace --summary` does not:
 * bench_trace.sh takes the number of connections tracked at once
 * (peak_active) from here to turn peak RSS into bytes per connection, and
 * the rate here beside trace's says how much of trace's time is the
 * observer and how much the rendering.
 *
 * Usage: bench_observer FILE
 * Prints: packets=N connections=C peak_active=P entry_bytes=B seconds=S pps=R
 */
#include <stdio.h>
#include <time.h>

#include "trace/input.h"
#include "trace/observer.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count_conn(void *user, const trace_conn_record *rec)
{
	(void)rec;
	++*(unsigned long long *)user;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: bench_observer FILE\n", stderr);
		return 2;
	}
	char err[TRACE_INPUT_ERRLEN];
	double t0 = now_s();
	trace_input *in = trace_input_open_file(argv[1], NULL, err);
	if (!in) {
		fprintf(stderr, "bench_observer: %s\n", err);
		return 1;
	}
	unsigned long long records = 0;
	trace_obs_config cfg;
	trace_obs_config_default(&cfg);
	cfg.on_conn = count_conn;
	cfg.user = &records;
	trace_obs *o = trace_obs_new(&cfg);
	if (!o) {
		fputs("bench_observer: out of memory\n", stderr);
		return 1;
	}
	trace_pkt p;
	int r;
	while ((r = trace_input_next(in, &p)) == 1) {
		if (trace_obs_packet(o, &p) < 0) {
			fputs("bench_observer: out of memory\n", stderr);
			return 1;
		}
	}
	if (r < 0) {
		fprintf(stderr, "bench_observer: %s\n", trace_input_error(in));
		return 1;
	}
	trace_obs_finish(o);
	trace_obs_stats st;
	trace_obs_get_stats(o, &st);
	trace_obs_free(o);
	trace_input_close(in);
	double dt = now_s() - t0;
	printf("packets=%llu connections=%llu peak_active=%llu entry_bytes=%llu seconds=%.3f pps=%.0f\n",
	       (unsigned long long)st.packets, (unsigned long long)st.connections,
	       (unsigned long long)st.peak_active, (unsigned long long)st.bytes_per_conn, dt,
	       (double)st.packets / dt);
	return 0;
}
