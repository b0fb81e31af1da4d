#!/usr/bin/env bash
# bench_sockets.sh: `tcpstate sockets` on 100,000 kernel sockets, mostly
# TIME_WAIT, next to `ss -tanp` on the same sockets in the same run.
#
#   bash bench/bench_sockets.sh PATH/TO/tcpstate [SOCKETS] [--update-readme]
#
# Needs root: everything runs in a network namespace made for the run, so
# the TIME_WAIT limit (net.ipv4.tcp_max_tw_buckets) and the port range can
# be raised there while the host's settings stay untouched.  The sockets:
# SOCKETS connections over loopback, each closed by the client first (so
# the client's end is left in TIME_WAIT for 60 s), from 16 loopback source
# addresses to 4 listener ports so no 4-tuple is used twice; plus the
# listeners.  CPU time (user + sys) of each command is measured three times,
# alternating, and the median is reported.  With --update-readme the
# section "## Kernel sockets: bench_sockets.sh" of bench/README.md is
# replaced (or added) with the figures.
set -eu

bin=${1:?usage: bench_sockets.sh PATH/TO/tcpstate [SOCKETS] [--update-readme]}
count=${2:-100000}
update=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

if [ "${TCPS_BENCH_NETNS:-}" = "" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "bench_sockets.sh: needs root (it creates a network namespace)" >&2
		exit 1
	fi
	ns=tcps-bench-$$
	ip netns add "$ns"
	trap 'ip netns del "$ns" 2>/dev/null' EXIT
	ip netns exec "$ns" env TCPS_BENCH_NETNS="$ns" bash "$0" "$bin" "$count" "$update"
	exit $?
fi

# --- inside the namespace ---------------------------------------------------

ip link set lo up
sysctl -qw net.ipv4.tcp_max_tw_buckets=$((count * 2))
sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
sysctl -qw net.ipv4.tcp_tw_reuse=0 # keep every TIME_WAIT: none reused by a new connect()
# The generator closes what it opens; ss and tcpstate open a few files.  Raise
# the limit anyway, as far as allowed, so a larger run is not capped by it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

tmp=$(mktemp -d)
gen=
cleanup() {
	[ -n "$gen" ] && kill "$gen" 2>/dev/null && wait "$gen" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The generator: the client connects, closes; the server reads the end of
# stream and closes: the client's end goes to TIME_WAIT, the server's to
# CLOSED.  Then it holds the listeners until killed (at most 5 minutes).
cat >"$tmp/gen.py" <<'PY'
import socket, sys, time
count, ready = int(sys.argv[1]), sys.argv[2]
IP_BIND_ADDRESS_NO_PORT = 24   # let connect() pick the port per 4-tuple
ports = [7001, 7002, 7003, 7004]
listeners = []
for p in ports:
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", p))
    ls.listen(128)
    listeners.append(ls)
t0 = time.time()
for i in range(count):
    c = socket.socket()
    c.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
    c.bind(("127.0.1.%d" % (i % 16 + 1), 0))
    c.connect(("127.0.0.1", ports[i // 16 % 4]))
    s, _ = listeners[i // 16 % 4].accept()
    c.close()
    s.recv(1)
    s.close()
print("generated %d connections in %.1f s" % (count, time.time() - t0), file=sys.stderr)
open(ready, "w").close()
time.sleep(300)
PY
python3 "$tmp/gen.py" "$count" "$tmp/ready" &
gen=$!
for _ in $(seq 1200); do
	[ -e "$tmp/ready" ] && break
	kill -0 "$gen" 2>/dev/null || { echo "bench_sockets.sh: the generator failed" >&2; exit 1; }
	sleep 0.1
done
[ -e "$tmp/ready" ] || { echo "bench_sockets.sh: the generator took over 2 minutes" >&2; exit 1; }

total=$(ss -Htan | wc -l)
tw=$(ss -Htan state time-wait | wc -l)

# CPU seconds (user + sys) of one run of "$@", output discarded: the
# child's rusage, to the microsecond (/usr/bin/time rounds to 10 ms).
cpu() {
	python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f" % (r.ru_utime + r.ru_stime))' "$@"
}
median() { sort -n | sed -n 2p; }

: >"$tmp/ts"
: >"$tmp/tt"
: >"$tmp/ss"
for _ in 1 2 3; do
	cpu "$bin" sockets --json >>"$tmp/ts"
	cpu ss -tanp >>"$tmp/ss"
	cpu "$bin" sockets >>"$tmp/tt"
done
ts=$(median <"$tmp/ts")
tt=$(median <"$tmp/tt")
sst=$(median <"$tmp/ss")
# What the diagnoses said, to show they ran on the whole table.
diags=$("$bin" sockets --json | grep -c '"type":"diagnosis"' || true)
lines=$("$bin" sockets --json | grep -c '"type":"socket"' || true)
ratio=$(awk -v a="$ts" -v b="$sst" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
date=$(date -u +%Y-%m-%d)
cores=$(nproc)

report=$(cat <<EOF
## Kernel sockets: bench_sockets.sh

\`tcpstate sockets --json\` lists and diagnoses the kernel's TCP sockets
(sock_diag dump of IPv4 and IPv6, the /proc owner scan, the JSON records,
the per-state counts and the diagnoses); \`ss -tanp\` does the same listing
with owners and no diagnoses, on the same sockets, in the same run. The
sockets are made by the script in a network namespace of its own: $count
loopback connections closed by the client first (16 source addresses,
4 listener ports), so nearly all are in TIME_WAIT. CPU time is user + sys
from the child's rusage, the median of three runs of each, alternating.

Reproduce (release build, as root):

    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build -j
    bash bench/bench_sockets.sh build/tcpstate 100000 --update-readme

One run on the project machine (Debian 12, $cores cores, $date):

| | sockets | CPU (user+sys) |
|---|---|---|
| \`tcpstate sockets --json\` | $lines listed ($tw in TIME_WAIT), $diags diagnoses | ${ts} s |
| \`tcpstate sockets\` (text) | the same | ${tt} s |
| \`ss -tanp\` | $total listed | ${sst} s |
| ratio tcpstate / ss | | ${ratio}x |

Target (issue): under one second of CPU for 100,000 sockets.
EOF
)
echo "$report"

if [ "$update" = "--update-readme" ]; then
	readme=$here/README.md
	python3 - "$readme" "$report" <<'PY'
import sys
path, section = sys.argv[1], sys.argv[2].rstrip() + "\n"
text = open(path).read()
title = "## Kernel sockets: bench_sockets.sh"
start = text.find(title)
if start < 0:
    text = text.rstrip("\n") + "\n\n" + section
else:
    end = text.find("\n## ", start + len(title))
    text = text[:start] + section + (text[end:] if end >= 0 else "")
open(path, "w").write(text)
PY
	echo "bench_sockets.sh: $readme updated" >&2
fi
