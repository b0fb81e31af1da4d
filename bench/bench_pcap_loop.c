/* The baseline of the observer benchmark: a bare libpcap read loop.
 * pcap_open_offline() and pcap_next_ex() over the whole file, counting
 * packets and captured bytes and nothing else, so the figure is what
 * reading the capture alone costs; bench_trace.sh sets `tcpstate trace`
 * against it on the same file in the same run.
 *
 * Usage: bench_pcap_loop FILE
 * Prints: packets=N bytes=B seconds=S pps=R
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: bench_pcap_loop FILE\n", stderr);
		return 2;
	}
	char err[PCAP_ERRBUF_SIZE];
	double t0 = now_s();
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "bench_pcap_loop: %s\n", err);
		return 1;
	}
	struct pcap_pkthdr *h;
	const unsigned char *data;
	unsigned long long packets = 0, bytes = 0;
	int r;
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
	}
	if (r != PCAP_ERROR_BREAK) {
		fprintf(stderr, "bench_pcap_loop: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_close(p);
	double dt = now_s() - t0;
	printf("packets=%llu bytes=%llu seconds=%.3f pps=%.0f\n", packets, bytes, dt,
	       (double)packets / dt);
	return 0;
}
