#!/usr/bin/env bash
# Observer benchmark: `tcpstate trace --summary` against a bare libpcap
# read loop (bench_pcap_loop) and tshark, on the same synthetic captures,
# in the same run, everything pinned to one core (CPU 0); rates are packets
# over CPU time (user + sys), the shortest of three runs.
#
#   bench/bench_trace.sh [--quick] [-B BUILD_DIR] [-d DATA_DIR]
#
# Captures (gen_capture, deterministic, reused when already there):
#   normal  10M packets, 1,000 connections open at a time (steady churn)
#   many    10M packets, 1,000,000 connections open at once
#   tiny    1,000 packets: the resident size of trace with ~nothing tracked
# --quick: 1M packets and 100,000 open at once, to check the bench itself.
#
# tshark is far slower, so it reads a prefix of each capture (editcap -r),
# and its start-up cost, measured on the tiny file, is taken off its time.
# Memory per connection = (peak RSS on many - peak RSS on tiny) / the peak
# number of connections the observer tracked at once (its own count, which
# bench_observer prints and trace does not; the generator's if that fails).
# bench_observer's rate (the observer without rendering) is shown too.
set -euo pipefail

usage() {
	echo "usage: $0 [--quick] [-B BUILD_DIR] [-d DATA_DIR]"
}

quick=0
build=build
data=${TCPS_BENCH_DIR:-${TMPDIR:-/tmp}/tcpstate-bench}
reps=3
while (($#)); do
	case $1 in
	--quick) quick=1 ;;
	-B) build=$2; shift ;;
	-d) data=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

gen=$build/bench/gen_capture
loop=$build/bench/bench_pcap_loop
obs=$build/bench/bench_observer
trace=$build/tcpstate
for b in "$gen" "$loop" "$obs" "$trace"; do
	[ -x "$b" ] || { echo "$0: $b missing: build first (cmake --build $build)" >&2; exit 1; }
done
if ! command -v tshark >/dev/null || ! command -v editcap >/dev/null; then
	echo "installing tshark" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tshark >/dev/null
fi
mkdir -p "$data"

if ((quick)); then
	n=1000000 many_c=100000 prefix=100000
else
	n=10000000 many_c=1000000 prefix=1000000
fi

# capture NAME GEN_ARGS...: makes $data/NAME.pcap once; the generator's
# report (packets, peak_open) is kept beside it in NAME.info.
capture() {
	local name=$1
	shift
	local f=$data/$name.pcap
	if [ ! -s "$f" ] || [ ! -s "$data/$name.info" ] || [ "$(head -1 "$data/$name.info")" != "$*" ]; then
		echo "generating $name: gen_capture $*" >&2
		"$gen" "$@" -o "$f" 2>"$data/$name.gen"
		{ echo "$*"; cat "$data/$name.gen"; } >"$data/$name.info"
	fi
}
info() { # info NAME KEY
	grep -o "$2=[0-9]*" "$data/$1.info" | head -1 | cut -d= -f2
}

# Capture time runs at 100k packets/s for the churn file (a busy server) and
# at 1M/s for the many file, so that each of its connections sees a packet
# a second, well inside any idle timeout.
capture normal -n "$n" -c 1000 -r 100000 -S 1
capture many -n "$n" -c "$many_c" -r 1000000 -S 2
capture tiny -n 1000 -c 10 -S 3
for name in normal many; do
	p=$data/$name-prefix$prefix.pcap
	[ -s "$p" ] || editcap -F pcap -r "$data/$name.pcap" "$p" "1-$prefix"
done
# The normal file again as pcapng (Wireshark's and dumpcap's format).
ng=$data/normal.pcapng
[ -s "$ng" ] && [ "$ng" -nt "$data/normal.pcap" ] || editcap -F pcapng "$data/normal.pcap" "$ng"
# Read every file once so that all runs read from the page cache.
cat "$data"/*.pcap >/dev/null

# timed CMD...: runs CMD on CPU 0; sets T (CPU seconds, user + sys, from
# the child's rusage) and RSS (peak KiB).  CPU time, not wall time: this
# machine is shared (other builds and test suites run on both cores), and
# the time a process waits for the core says nothing about its speed.
# bash's clock for the CPU time, to the millisecond (GNU time's %U and %S
# come in 10 ms steps: 4 % of the bare loop's 0.5 s at worst), GNU time
# for the peak RSS.
timed() {
	local TIMEFORMAT='%3U %3S' u s
	# stderr kept aside: trace reports the snap length on every run
	{ time /usr/bin/time -f "%M" -o "$data/rss" taskset -c 0 "$@" 2>"$data/stderr"; } 2>"$data/cpu" ||
		{ cat "$data/stderr" >&2; return 1; }
	read -r u s <"$data/cpu"
	RSS=$(tail -1 "$data/rss")
	T=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
}
# best3 FILE: runs the loop, the observer and trace on FILE $reps times,
# interleaved, so that load from elsewhere on the machine falls on all
# three alike; sets t_loop, t_obs, t_trace (the shortest of each) and RSS
# (trace's).
best3() {
	local f=$1 i
	t_loop="" t_obs="" t_trace=""
	for ((i = 0; i < reps; i++)); do
		timed "$loop" "$f" >/dev/null
		t_loop=$(awk -v t="$T" -v b="$t_loop" 'BEGIN { print (b == "" || t < b) ? t : b }')
		timed "$obs" "$f" >/dev/null
		t_obs=$(awk -v t="$T" -v b="$t_obs" 'BEGIN { print (b == "" || t < b) ? t : b }')
		timed "$trace" trace --summary -r "$f" >/dev/null
		t_trace=$(awk -v t="$T" -v b="$t_trace" 'BEGIN { print (b == "" || t < b) ? t : b }')
	done
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "# $(date -u +%F) $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# trace:  $trace trace --summary -r FILE   (best of $reps, interleaved with the others, CPU time, taskset -c 0)"
echo "# loop:   $loop FILE"
echo "# obs:    $obs FILE   (the observer alone, no rendering)"
echo "# tshark: tshark -n -r PREFIX -q -z conv,tcp   and   tshark -n -r PREFIX   ($prefix-packet prefix, less start-up)"

# The resident size with next to nothing tracked, and tshark's start-up.
timed "$trace" trace --summary -r "$data/tiny.pcap" >/dev/null
rss_tiny=$RSS
timed tshark -n -r "$data/tiny.pcap" -q -z conv,tcp >/dev/null
t_tshark0=$T

declare -A res
for name in normal many; do
	f=$data/$name.pcap
	pk=$(info "$name" packets)
	# a first run of each, untimed, keeps the output
	timed "$trace" trace --summary -r "$f" >"$data/$name.summary"
	timed "$obs" "$f" >"$data/$name.observer" || true
	best3 "$f"
	rss=$RSS
	peak=$(grep -o 'peak_active=[0-9]*' "$data/$name.observer" | cut -d= -f2 || true)
	peak_src=observer
	if [ -z "$peak" ]; then
		peak=$(info "$name" peak_open)
		peak_src=generator
	fi
	p=$data/$name-prefix$prefix.pcap
	timed tshark -n -r "$p" -q -z conv,tcp >/dev/null
	t_conv=$(awk -v t="$T" -v s="$t_tshark0" 'BEGIN { printf "%.4f", t - s }')
	timed tshark -n -r "$p" >/dev/null
	t_plain=$(awk -v t="$T" -v s="$t_tshark0" 'BEGIN { printf "%.4f", t - s }')
	res[$name]="$pk $t_loop $t_obs $t_trace $rss $peak $peak_src $t_conv $t_plain"
done

echo
printf "%-7s %9s %11s %11s %11s %10s %13s %13s %12s\n" file packets "loop pkt/s" "obs pkt/s" \
	"trace pkt/s" "trace/loop" "tshark conv/s" "tshark text/s" "trace/tshark"
for name in normal many; do
	read -r pk tl to tt rss peak src tc tp <<<"${res[$name]}"
	rl=$(rate "$pk" "$tl")
	ro=$(rate "$pk" "$to")
	rt=$(rate "$pk" "$tt")
	rc=$(rate "$prefix" "$tc")
	rp=$(rate "$prefix" "$tp")
	# the faster of the two tshark runs: the ratio is not flattered
	rs=$((rc > rp ? rc : rp))
	printf "%-7s %9s %11s %11s %11s %10s %13s %13s %11sx\n" "$name" "$pk" "$rl" "$ro" "$rt" \
		"$(ratio "$rt" "$rl")" "$rc" "$rp" "$(ratio "$rt" "$rs")"
done
echo
read -r pk tl to tt rss peak src tc tp <<<"${res[many]}"
bpc=$(awk -v a="$rss" -v b="$rss_tiny" -v p="$peak" 'BEGIN { printf "%.1f", (a - b) * 1024 / p }')
echo "memory: peak RSS many $rss KiB - tiny $rss_tiny KiB over $peak connections at once ($src) = $bpc bytes/connection"
read -r pk tl to tt rss peak src tc tp <<<"${res[normal]}"
echo "        (normal: peak RSS $rss KiB, $peak connections at once ($src))"

# pcapng: the same packets; libpcap reads them for the loop, tcpstate
# reads them itself (input_pcapng.c).
cat "$ng" >/dev/null
t_loop="" t_trace=""
for ((i = 0; i < reps; i++)); do
	timed "$loop" "$ng" >/dev/null
	t_loop=$(awk -v t="$T" -v b="$t_loop" 'BEGIN { print (b == "" || t < b) ? t : b }')
	timed "$trace" trace --summary -r "$ng" >/dev/null
	t_trace=$(awk -v t="$T" -v b="$t_trace" 'BEGIN { print (b == "" || t < b) ? t : b }')
done
pk=$(info normal packets)
echo "pcapng: normal file as pcapng: loop $(rate "$pk" "$t_loop") pkt/s, trace $(rate "$pk" "$t_trace") pkt/s, trace/loop $(ratio "$t_loop" "$t_trace")"
echo
echo "targets: trace/loop >= 0.60, trace/tshark >= 50x, bytes/connection <= 200"
