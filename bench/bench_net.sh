#!/usr/bin/env bash
# bench_net.sh: tcpstate's endpoint (the engine on a TUN device) against the
# Linux kernel's TCP, next to kernel-to-kernel TCP over a veth pair, in the
# same run, on the same machine.
#
#   bash bench/bench_net.sh PATH/TO/tcpstate [BULK_MB] [CONNECTIONS]
#
# A release build (RelWithDebInfo); needs root (network namespaces, TUN) and
# a C compiler.  Everything runs in namespaces made for the run and removed
# at the end.  Figures:
#
#   bulk        one direction, BULK_MB (default 1024) of zeros from a file:
#               tcpstate nc -> a kernel sink over TUN (GSO trains, the
#               default); a kernel sender -> the same sink over veth (GSO
#               on, the kernel's default); both again without GSO (nc
#               --no-gso: one segment per TUN write; veth gso_max_size
#               1500: one segment per skb); and kernel -> tcpstate nc over
#               TUN.  The sink times first byte to end of stream (the last
#               kind: nc's whole run).  The median of BENCH_RUNS (default 5)
#               runs, the kinds alternating.  Ratio tcpstate /
#               kernel-to-kernel (target: at least 0.5).
#   connections per second: connect, a 100-byte request, a 100-byte reply,
#               the server closes, the client closes; one at a time,
#               CONNECTIONS of them (default 20000, under the ephemeral port
#               range).  The tcpstate client uses the tcpn_ API directly
#               (one stack, one TUN device per run); the kernel client uses
#               sockets over veth, and over loopback in the TUN namespace;
#               the server is the same kernel program for all three.  The
#               median of BENCH_RUNS runs, alternating.
#   where the time goes: for 256 MB of tcpstate -> kernel, nc's system
#               calls (perf stat on the syscalls tracepoints) per TCP segment
#               sent, its CPU split user / system, and the inclusive share of
#               perf record's samples in the kernel and tcpstate functions
#               that matter.
#
# The helper programs (sink, sender, request/response server and clients)
# are C, written out and compiled into the run's temporary directory
# against the build's libtcpstate_net.a and libtcpstate.a.
set -eu

bin=${1:?usage: bench_net.sh PATH/TO/tcpstate [BULK_MB] [CONNECTIONS]}
mb=${2:-1024}
nconn=${3:-20000}
runs=${BENCH_RUNS:-5}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
build=$(dirname "$bin")
src=$(cd "$(dirname "$0")/.." && pwd)

[ "$(id -u)" = 0 ] || {
	echo "bench_net.sh: needs root (network namespaces, TUN)" >&2
	exit 1
}
for f in "$build/libtcpstate_net.a" "$build/libtcpstate.a"; do
	[ -f "$f" ] || {
		echo "bench_net.sh: $f not found: give the tcpstate of a build directory" >&2
		exit 1
	}
done
cc=${CC:-cc}
command -v "$cc" >/dev/null || {
	echo "bench_net.sh: needs a C compiler ($cc)" >&2
	exit 1
}
have_perf=0
command -v perf >/dev/null && have_perf=1

id=$$
tmp=$(mktemp -d "/tmp/bench-net-$id.XXXXXX")
T=bn-$id-tun V1=bn-$id-v1 V2=bn-$id-v2 V3=bn-$id-v3 V4=bn-$id-v4
pids=()
cleanup() {
	set +e # a process already gone must not stop the rest of the cleanup
	local p n
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for n in "$T" "$V1" "$V2" "$V3" "$V4"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- the helpers --------------------------------------------------------------
cat >"$tmp/netbench.c" <<'C'
/* bench_net.sh's helpers: kernel sockets and a tcpn_ client. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcpstate/net.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int listener(int port)
{
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 128))
		die("listen");
	return l;
}

static int connect_to(const char *host, int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, host, &a.sin_addr);
	if (connect(s, (struct sockaddr *)&a, sizeof a))
		die("connect");
	return s;
}

static char big[1 << 18];

/* sink PORT READY: one connection, read to the end; "bytes seconds". */
static int sink(int port, const char *ready)
{
	int l = listener(port);
	close(open(ready, O_CREAT | O_WRONLY, 0644));
	int s = accept(l, NULL, NULL);
	if (s < 0)
		die("accept");
	long long total = 0;
	double t0 = 0;
	for (;;) {
		ssize_t n = read(s, big, sizeof big);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!total)
			t0 = now_s();
		total += n;
	}
	printf("%lld %.6f\n", total, now_s() - t0);
	return 0;
}

/* send HOST PORT FILE: the file in 64 KiB reads (as tcpstate nc reads its
 * input), then shutdown and wait for the peer's close. */
static int sendf(const char *host, int port, const char *file)
{
	int s = connect_to(host, port), f = open(file, O_RDONLY);
	if (f < 0)
		die(file);
	static char buf[65536];
	for (;;) {
		ssize_t n = read(f, buf, sizeof buf);
		if (n <= 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(s, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				die("write");
			off += w;
		}
	}
	shutdown(s, SHUT_WR);
	while (read(s, buf, sizeof buf) > 0)
		;
	return 0;
}

/* sendsrv PORT READY FILE: accept one, send the file, close. */
static int sendsrv(int port, const char *ready, const char *file)
{
	int l = listener(port);
	close(open(ready, O_CREAT | O_WRONLY, 0644));
	int s = accept(l, NULL, NULL), f = open(file, O_RDONLY);
	if (s < 0 || f < 0)
		die("sendsrv");
	static char buf[65536];
	for (;;) {
		ssize_t n = read(f, buf, sizeof buf);
		if (n <= 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(s, buf + off, (size_t)(n - off));
			if (w <= 0)
				die("write");
			off += w;
		}
	}
	close(s);
	return 0;
}

/* rrserver PORT READY: forever (until killed), one at a time: accept, read
 * the 100-byte request, write a 100-byte reply, close. */
static int rrserver(int port, const char *ready)
{
	int l = listener(port);
	close(open(ready, O_CREAT | O_WRONLY, 0644));
	char buf[100];
	memset(buf, 'r', sizeof buf);
	for (;;) {
		int s = accept(l, NULL, NULL);
		if (s < 0)
			continue;
		size_t got = 0;
		while (got < 100) {
			ssize_t n = read(s, big, 100 - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (write(s, buf, sizeof buf) < 0) {
		}
		close(s);
	}
}

/* rrclient HOST PORT N: kernel sockets; "connections seconds". */
static int rrclient(const char *host, int port, int count)
{
	char req[100];
	memset(req, 'q', sizeof req);
	double t0 = now_s();
	int i;
	for (i = 0; i < count; i++) {
		int s = connect_to(host, port);
		if (write(s, req, sizeof req) != sizeof req)
			die("write");
		size_t got = 0;
		for (;;) {
			ssize_t n = read(s, big, sizeof big);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got != 100) {
			fprintf(stderr, "reply of %zu bytes\n", got);
			return 1;
		}
		close(s);
	}
	printf("%d %.6f\n", i, now_s() - t0);
	return 0;
}

/* tcpn-rrclient HOST PORT N: the same through tcpstate's stack. */
static int tcpn_rrclient(const char *host, int port, int count)
{
	tcpn_config cfg;
	tcpn_config_default(&cfg);
	cfg.max_conns = 65536;
	char err[256];
	tcpn_stack *st = tcpn_stack_new(&cfg, err, sizeof err);
	if (!st) {
		fprintf(stderr, "tcpn_stack_new: %s\n", err);
		return 1;
	}
	tcpn_addr a;
	tcpn_addr_parse(host, &a);
	char req[100];
	memset(req, 'q', sizeof req);
	double t0 = now_s();
	int i;
	for (i = 0; i < count; i++) {
		int e;
		tcpn_sock *s = tcpn_connect(st, &a, (uint16_t)port, &e);
		if (!s) {
			fprintf(stderr, "connect #%d: %s\n", i, tcpn_strerror(e));
			return 1;
		}
		int ev = tcpn_wait(s, TCPN_WRITABLE, 5000);
		if (!(ev & TCPN_WRITABLE) || (ev & TCPN_ERROR) || tcpn_send(s, req, sizeof req) != sizeof req) {
			fprintf(stderr, "connect #%d failed: %s\n", i, tcpn_strerror(tcpn_error(s)));
			return 1;
		}
		size_t got = 0;
		for (int k = 0; k < 1000; k++) {
			long n = tcpn_recv(s, big, sizeof big);
			if (n == 0)
				break;
			if (n > 0) {
				got += (size_t)n;
				continue;
			}
			if (n != TCPS_ERR_AGAIN) {
				fprintf(stderr, "recv #%d: %s\n", i, tcpn_strerror((int)n));
				return 1;
			}
			if (tcpn_wait(s, TCPN_READABLE, 5000) <= 0) {
				fprintf(stderr, "recv #%d timed out\n", i);
				return 1;
			}
		}
		if (got != 100) {
			fprintf(stderr, "reply of %zu bytes\n", got);
			return 1;
		}
		tcpn_close(s);
	}
	double secs = now_s() - t0;
	/* Let the last LAST_ACKs finish. */
	for (int k = 0; k < 20; k++)
		tcpn_stack_wait(st, 10);
	printf("%d %.6f\n", i, secs);
	tcpn_stack_free(st);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "sink"))
		return sink(atoi(argv[2]), argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "send"))
		return sendf(argv[2], atoi(argv[3]), argv[4]);
	if (argc >= 5 && !strcmp(argv[1], "sendsrv"))
		return sendsrv(atoi(argv[2]), argv[3], argv[4]);
	if (argc >= 4 && !strcmp(argv[1], "rrserver"))
		return rrserver(atoi(argv[2]), argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "rrclient"))
		return rrclient(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc >= 5 && !strcmp(argv[1], "tcpn-rrclient"))
		return tcpn_rrclient(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "netbench: bad arguments\n");
	return 2;
}
C
# shellcheck disable=SC2046
"$cc" -O2 -D_GNU_SOURCE -I"$src/include" -o "$tmp/netbench" "$tmp/netbench.c" \
	"$build/libtcpstate_net.a" "$build/libtcpstate.a" $(pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
nb=$tmp/netbench

# --- the namespaces -----------------------------------------------------------
ip netns add "$T"
ip -n "$T" link set lo up
veth_pair() { # NS_A NS_B NET GSO(on|off)
	ip netns add "$1"
	ip netns add "$2"
	ip link add veth0 netns "$1" type veth peer name veth0 netns "$2"
	ip -n "$1" addr add "$3.1/24" dev veth0
	ip -n "$2" addr add "$3.2/24" dev veth0
	local n
	for n in "$1" "$2"; do
		ip -n "$n" link set lo up
		# No GSO: at most one 1500-byte segment per skb.  (gso_max_segs 1
		# does the same but slows the kernel's sender far more.)
		[ "$4" = off ] && ip -n "$n" link set veth0 gso_max_size 1500
		ip -n "$n" link set veth0 up
	done
}
veth_pair "$V1" "$V2" 10.201.0 on
veth_pair "$V3" "$V4" 10.202.0 off
sleep 0.5

wait_file() {
	local _
	for _ in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "bench_net.sh: $1 never appeared" >&2
	exit 1
}

file=$tmp/zero.bin
head -c "${mb}M" /dev/zero >"$file"
bytes=$(stat -c %s "$file")

# sink_run NS PORT -- COMMAND...: the sink in NS, COMMAND as the sender;
# prints the sink's "bytes seconds".
sink_run() {
	local ns=$1 port=$2
	shift 3
	rm -f "$tmp/ready"
	ip netns exec "$ns" "$nb" sink "$port" "$tmp/ready" >"$tmp/sink.out" &
	local sp=$!
	pids+=("$sp")
	wait_file "$tmp/ready"
	"$@" >/dev/null 2>"$tmp/sender.err" || {
		echo "bench_net.sh: sender failed: $(cat "$tmp/sender.err")" >&2
		exit 1
	}
	wait "$sp"
	cat "$tmp/sink.out"
}

gbit() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.2f", b * 8 / s / 1e9 }'; }
# median: of the numbers on standard input, one a line
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "bench_net: $mb MB bulk, $nconn connections; $(nproc) CPUs, $(uname -r)"

# --- bulk -----------------------------------------------------------------
runs_tun='' runs_tun1='' runs_veth='' runs_veth1='' runs_in=''
for _ in $(seq "$runs"); do
	out=$(sink_run "$T" 5001 -- ip netns exec "$T" "$bin" nc -w 5 198.18.0.1 5001 <"$file")
	runs_tun+="$(gbit $out) "
	out=$(sink_run "$T" 5001 -- ip netns exec "$T" "$bin" nc --no-gso -w 5 198.18.0.1 5001 <"$file")
	runs_tun1+="$(gbit $out) "
	out=$(sink_run "$V2" 5001 -- ip netns exec "$V1" "$nb" send 10.201.0.2 5001 "$file")
	runs_veth+="$(gbit $out) "
	out=$(sink_run "$V4" 5001 -- ip netns exec "$V3" "$nb" send 10.202.0.2 5001 "$file")
	runs_veth1+="$(gbit $out) "
	# kernel -> tcpstate: nc's whole run (connect to exit), output discarded.
	rm -f "$tmp/ready"
	ip netns exec "$T" "$nb" sendsrv 5003 "$tmp/ready" "$file" &
	sp=$!
	pids+=("$sp")
	wait_file "$tmp/ready"
	t0=$(date +%s.%N)
	ip netns exec "$T" "$bin" nc -w 5 198.18.0.1 5003 </dev/null >/dev/null
	t1=$(date +%s.%N)
	wait "$sp"
	runs_in+="$(gbit "$bytes" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')") "
done
tun=$(echo "$runs_tun" | tr ' ' '\n' | grep . | median)
tun1=$(echo "$runs_tun1" | tr ' ' '\n' | grep . | median)
veth=$(echo "$runs_veth" | tr ' ' '\n' | grep . | median)
veth1=$(echo "$runs_veth1" | tr ' ' '\n' | grep . | median)
tin=$(echo "$runs_in" | tr ' ' '\n' | grep . | median)
ratio=$(awk -v a="$tun" -v b="$veth" 'BEGIN { printf "%.2f", a / b }')
ratio1=$(awk -v a="$tun1" -v b="$veth1" 'BEGIN { printf "%.2f", a / b }')
gain=$(awk -v a="$tun" -v b="$tun1" 'BEGIN { printf "%.2f", a / b }')
echo "bulk   tcpstate -> kernel over TUN       $tun Gbit/s   (runs: $runs_tun)"
echo "bulk   kernel -> kernel over veth        $veth Gbit/s   (runs: $runs_veth)   ratio tcpstate/kernel $ratio"
echo "bulk   tcpstate -> kernel, TUN, --no-gso $tun1 Gbit/s   (runs: $runs_tun1)   GSO trains gain ${gain}x"
echo "bulk   kernel -> kernel, veth, GSO off   $veth1 Gbit/s   (runs: $runs_veth1)   ratio tcpstate/kernel, both without GSO $ratio1"
echo "bulk   kernel -> tcpstate over TUN       $tin Gbit/s   (runs: $runs_in; nc's whole run)"

# --- connections per second ----------------------------------------------------
rr() { # NS_SERVER NS_CLIENT CLIENT-MODE HOST
	rm -f "$tmp/ready"
	ip netns exec "$1" "$nb" rrserver 5002 "$tmp/ready" &
	local sp=$!
	pids+=("$sp")
	wait_file "$tmp/ready"
	ip netns exec "$2" "$nb" "$3" "$4" 5002 "$nconn" >"$tmp/rr.out" || {
		echo "bench_net.sh: $3 failed" >&2
		exit 1
	}
	kill "$sp"
	wait "$sp" 2>/dev/null || true
	awk '{ printf "%.0f", $1 / $2 }' "$tmp/rr.out"
}
# Alternating, $runs each; the median.
runs_ct='' runs_cv='' runs_cl=''
for _ in $(seq "$runs"); do
	runs_ct+="$(rr "$T" "$T" tcpn-rrclient 198.18.0.1) "
	runs_cv+="$(rr "$V2" "$V1" rrclient 10.201.0.2) "
	runs_cl+="$(rr "$T" "$T" rrclient 127.0.0.1) "
done
cps_tun=$(echo "$runs_ct" | tr ' ' '\n' | grep . | median)
cps_veth=$(echo "$runs_cv" | tr ' ' '\n' | grep . | median)
cps_lo=$(echo "$runs_cl" | tr ' ' '\n' | grep . | median)
cratio=$(awk -v a="$cps_tun" -v b="$cps_veth" 'BEGIN { printf "%.2f", a / b }')
cratio_lo=$(awk -v a="$cps_tun" -v b="$cps_lo" 'BEGIN { printf "%.2f", a / b }')
echo "conn/s tcpstate -> kernel over TUN       $cps_tun   (runs: $runs_ct)"
echo "conn/s kernel -> kernel over veth        $cps_veth   (runs: $runs_cv)   ratio tcpstate/kernel $cratio"
echo "conn/s kernel -> kernel over loopback    $cps_lo   (runs: $runs_cl)   ratio tcpstate/kernel $cratio_lo"

# --- where the time goes ------------------------------------------------------------
if [ "$have_perf" = 1 ]; then
	pf=$tmp/p256.bin
	head -c 256M /dev/zero >"$pf"
	segs=$(((256 * 1048576 + 1447) / 1448))
	sink_run "$T" 5001 -- perf stat -o "$tmp/stat.txt" \
		-e task-clock,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_poll \
		-- ip netns exec "$T" "$bin" nc -w 5 198.18.0.1 5001 <"$pf" >/dev/null
	awk -v segs="$segs" '
		/sys_enter_read/ { r = $1 } /sys_enter_write/ { w = $1 } /sys_enter_poll/ { p = $1 }
		/seconds user/ { u = $1 } /seconds sys/ { k = $1 }
		END {
			gsub(",", "", r); gsub(",", "", w); gsub(",", "", p)
			printf "perf   256 MB tcpstate -> kernel, %d data segments of 1448 bytes; tcpstate nc made\n", segs
			printf "       %d writes, %d reads, %d polls: %.2f system calls per segment (%.2f writes, %.2f reads, %.2f polls)\n", w, r, p, (r + w + p) / segs, w / segs, r / segs, p / segs
			printf "       CPU %.3f s user + %.3f s system: %.0f ns user and %.0f ns system per segment\n", u, k, u * 1e9 / segs, k * 1e9 / segs
		}' "$tmp/stat.txt"
	# nc and the sink on CPUs of their own when there are two: with the
	# sink preempting nc, cpu-clock samples (no hardware counters in a VM)
	# pile up at finish_task_switch and hide the rest.
	pin_nc=() pin_sink=()
	if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
		pin_nc=(taskset -c 0) pin_sink=(taskset -c 1)
	fi
	rm -f "$tmp/ready"
	ip netns exec "$T" "${pin_sink[@]}" "$nb" sink 5001 "$tmp/ready" >/dev/null &
	sp=$!
	pids+=("$sp")
	wait_file "$tmp/ready"
	perf record -q -e cpu-clock -F 4000 -g -o "$tmp/perf.data" -- \
		"${pin_nc[@]}" ip netns exec "$T" "$bin" nc -w 5 198.18.0.1 5001 <"$pf" >/dev/null 2>&1 || true
	wait "$sp"
	# Inclusive shares (a function and what it calls) of nc's samples.
	perf report -i "$tmp/perf.data" --stdio --children --sort sym 2>/dev/null >"$tmp/report.txt" || true
	share() { awk -v f="$1" '$NF == f && $1 ~ /%$/ { print $1; found = 1; exit } END { if (!found) print "no samples" }' "$tmp/report.txt"; }
	echo "perf   where nc's time goes (perf record -g, cpu-clock; inclusive share of its samples):"
	printf '       %-34s %s\n' \
		"write() to the TUN device" "$(share tun_chr_write_iter)" \
		"  the kernel's receive path in it" "$(share netif_receive_skb)" \
		"    tcp_v4_rcv" "$(share tcp_v4_rcv)" \
		"    waking the reader" "$(share sock_def_readable)" \
		"  skb allocation" "$(share sock_alloc_send_pskb)" \
		"read() of ACKs from the TUN device" "$(share tun_chr_read_iter)" \
		"read() of nc's input file" "$(share filemap_read)" \
		"poll()" "$(share do_sys_poll)" \
		"scheduler (finish_task_switch)" "$(share finish_task_switch.isra.0)" \
		"tcpstate: checksums" "$(share tcps_csum_add)" \
		"tcpstate: tcps_output" "$(share tcps_output)" \
		"tcpstate: tcps_segment_arrives" "$(share tcps_segment_arrives)" \
		"tcpstate: tcps_send (copy in)" "$(share tcps_send)"
else
	echo "perf   not installed: no breakdown"
fi

echo
echo "| figure | tcpstate (TUN) | kernel (veth) | ratio |"
echo "|---|---|---|---|"
echo "| bulk, one direction, Gbit/s | $tun | $veth (GSO on) | $ratio |"
echo "| bulk, Gbit/s, both without GSO (nc --no-gso; veth gso_max_size 1500) | $tun1 | $veth1 | $ratio1 |"
echo "| bulk into tcpstate (kernel sends), Gbit/s | $tin | | |"
echo "| connections per second (connect, 100 B each way, close) | $cps_tun | $cps_veth | $cratio |"
echo "| connections per second, kernel over loopback | $cps_tun | $cps_lo | $cratio_lo |"
