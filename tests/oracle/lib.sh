# shellcheck shell=bash
# Oracle test harness: the observer against the Linux kernel's own state
# changes. Sourced by tests/oracle/test_*.sh; see README.md.
#
# A test:
#     source "$(dirname "$0")/lib.sh"
#     tso_init client_closes_first "${1:-}"     # exits 77 when it cannot run
#     tso_netns                                  # tso-<pid>-c / tso-<pid>-s, veth0 in each
#     tso_trace_start; tso_capture_start
#     tso_server "accept,recv_eof,close"; tso_client "connect,send:100,close"
#     tso_settle 5; tso_finish                   # ss, trace buffers, captures -> truth.json
#     tso_assert_kernel 1 client CLOSED SYN_SENT ...
#     tso_compare                                # when `BIN trace --help` works
#     tso_done
#
# Everything created is named tso-<pid>-*, lives in namespaces this test
# creates, and is removed by the EXIT trap even on failure. Every wait is
# bounded in count and time; processes are ended by their PID only.

TSO_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TSO_SKIP=77
TSO_FAILS=0
TSO_CHECKS=0
TSO_PEER_PIDS=()
TSO_CAP_PIDS=()
TSO_NS_MADE=()
TSO_NFT_MADE=()
TSO_INSTANCES=()
TSO_CLEANED=0

tso_log() { printf '%s\n' "$*"; }
tso_skip() {
	tso_log "SKIP: $*"
	exit "$TSO_SKIP"
}
tso_fail() {
	TSO_FAILS=$((TSO_FAILS + 1))
	tso_log "FAIL: $*"
}

# tso_init NAME [TCPSTATE_BINARY]
tso_init() {
	TSO_NAME=$1
	TSO_BIN=${2:-}
	TSO_ID=$$
	[ "$(id -u)" = 0 ] || tso_skip "needs root (network namespaces, nftables, tracefs)"
	local t
	for t in ip ss tcpdump timeout; do
		command -v "$t" >/dev/null 2>&1 || tso_skip "$t is not installed (apt-get install -y iproute2 tcpdump coreutils)"
	done
	if [ -x /usr/bin/python3 ]; then TSO_PY=/usr/bin/python3; else TSO_PY=$(command -v python3 || true); fi
	[ -n "$TSO_PY" ] || tso_skip "python3 is not installed"

	TSO_TRACEFS=/sys/kernel/tracing
	if [ ! -d "$TSO_TRACEFS/instances" ]; then
		mount -t tracefs nodev "$TSO_TRACEFS" 2>/dev/null || true
	fi
	if [ ! -d "$TSO_TRACEFS/instances" ] && [ -d /sys/kernel/debug/tracing/instances ]; then
		TSO_TRACEFS=/sys/kernel/debug/tracing
	fi
	[ -d "$TSO_TRACEFS/instances" ] || tso_skip "tracefs is not available (mount -t tracefs nodev /sys/kernel/tracing)"
	[ -r "$TSO_TRACEFS/events/sock/inet_sock_set_state/format" ] ||
		tso_skip "the sock:inet_sock_set_state tracepoint is missing"

	# The tracepoint sees every namespace of the host: a port of our own
	# (below the ephemeral range) keeps other traffic out of the truth.
	TSO_PORT=${TSO_PORT:-$((10000 + TSO_ID % 20000))}
	TSO_NET=$((TSO_ID % 250 + 1))
	TSO_NS_C=tso-$TSO_ID-c
	TSO_NS_S=tso-$TSO_ID-s
	TSO_C4=10.77.$TSO_NET.1
	TSO_S4=10.77.$TSO_NET.2
	TSO_C6=fd77:$TSO_NET::1
	TSO_S6=fd77:$TSO_NET::2
	tso_family 4
	TSO_WORK=${TSO_WORKDIR:-/tmp}/tso-$TSO_ID-$TSO_NAME
	rm -rf "$TSO_WORK"
	mkdir -p "$TSO_WORK" || tso_skip "cannot create $TSO_WORK"
	: >"$TSO_WORK/expect.txt"
	TSO_T0=$(date +%s.%N)
	trap tso_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	tso_log "== oracle $TSO_NAME: namespaces $TSO_NS_C / $TSO_NS_S, port $TSO_PORT, files in $TSO_WORK"
}

# tso_family 4|6: which addresses the peers use (TSO_CADDR, TSO_SADDR).
# shellcheck disable=SC2034  # TSO_FAMILY is for the tests
tso_family() {
	TSO_FAMILY=$1
	if [ "$1" = 6 ]; then TSO_CADDR=$TSO_C6 TSO_SADDR=$TSO_S6; else TSO_CADDR=$TSO_C4 TSO_SADDR=$TSO_S4; fi
}

tso_ns_of() { if [ "$1" = client ]; then echo "$TSO_NS_C"; else echo "$TSO_NS_S"; fi; }

# Two namespaces joined by a veth pair, veth0 in each; IPv4 and IPv6.
tso_netns() {
	ip netns add "$TSO_NS_C" 2>/dev/null || tso_skip "cannot create network namespaces (ip netns add)"
	TSO_NS_MADE+=("$TSO_NS_C")
	ip netns add "$TSO_NS_S" 2>/dev/null || tso_skip "cannot create network namespaces (ip netns add)"
	TSO_NS_MADE+=("$TSO_NS_S")
	ip link add veth0 netns "$TSO_NS_C" type veth peer name veth0 netns "$TSO_NS_S" 2>/dev/null ||
		tso_skip "cannot create a veth pair"
	local ns a4 a6
	for ns in "$TSO_NS_C" "$TSO_NS_S"; do
		if [ "$ns" = "$TSO_NS_C" ]; then a4=$TSO_C4 a6=$TSO_C6; else a4=$TSO_S4 a6=$TSO_S6; fi
		ip -n "$ns" link set lo up
		ip -n "$ns" addr add "$a4/24" dev veth0
		ip -n "$ns" addr add "$a6/64" dev veth0 nodad
		# One wire segment per skb, as a real NIC puts them on the wire:
		# no 64 KB TSO super-segments in the captures.
		ip -n "$ns" link set veth0 gso_max_segs 1 2>/dev/null ||
			ip -n "$ns" link set veth0 gso_max_size 1500 2>/dev/null || true
		ip -n "$ns" link set veth0 up
	done
	local _
	for _ in $(seq 50); do
		ip -n "$TSO_NS_C" link show veth0 | grep -q 'state UP' && break
		sleep 0.05
	done
}

# tso_nft SIDE RULE...: add RULE to the input chain of table inet tso_<pid>
# in SIDE's namespace (client or server), creating the table on first use.
tso_nft() {
	local side=$1
	shift
	command -v nft >/dev/null 2>&1 || tso_skip "nft is not installed (apt-get install -y nftables)"
	local ns
	ns=$(tso_ns_of "$side")
	if ! ip netns exec "$ns" nft list table inet "tso_$TSO_ID" >/dev/null 2>&1; then
		ip netns exec "$ns" nft add table inet "tso_$TSO_ID" || tso_skip "nftables does not work here"
		TSO_NFT_MADE+=("$ns")
		ip netns exec "$ns" nft add chain inet "tso_$TSO_ID" input \
			'{ type filter hook input priority 0; policy accept; }' || tso_skip "nftables does not work here"
	fi
	# shellcheck disable=SC2068
	ip netns exec "$ns" nft add rule inet "tso_$TSO_ID" input $@ || {
		tso_fail "nft rule rejected: $*"
		return 1
	}
	tso_log "   nft [$side input] $*"
}

tso_nft_flush() {
	local ns
	ns=$(tso_ns_of "$1")
	ip netns exec "$ns" nft flush chain inet "tso_$TSO_ID" input 2>/dev/null || true
	tso_log "   nft [$1 input] flushed"
}

# Two tracing instances: tso-<pid> in the event's own format (IPv6
# addresses) and tso-<pid>-sk with options/fields (skaddr), the same events.
tso_trace_start() {
	local inst d filter="protocol == 6 && (sport == $TSO_PORT || dport == $TSO_PORT)"
	for inst in "tso-$TSO_ID" "tso-$TSO_ID-sk"; do
		d=$TSO_TRACEFS/instances/$inst
		mkdir "$d" 2>/dev/null || tso_skip "cannot create a tracing instance ($d)"
		TSO_INSTANCES+=("$d")
		echo global >"$d/trace_clock" 2>/dev/null || echo mono >"$d/trace_clock" 2>/dev/null || true
		echo 1024 >"$d/buffer_size_kb" 2>/dev/null || true
		if [ "$inst" = "tso-$TSO_ID-sk" ]; then
			echo 1 >"$d/options/fields" 2>/dev/null || {
				# No fields option (before Linux 6.3): 4-tuples only.
				rmdir "$d"
				unset 'TSO_INSTANCES[-1]'
				continue
			}
		fi
		echo "$filter" >"$d/events/sock/inet_sock_set_state/filter" ||
			tso_skip "the tracepoint filter was refused: $filter"
		echo 1 >"$d/events/sock/inet_sock_set_state/enable" || tso_skip "cannot enable sock:inet_sock_set_state"
	done
}

# tcpdump on veth0 inside each namespace: client.pcap and server.pcap.
# Only TCP: IPv6 neighbour discovery and MLD reports come at random times
# and one arriving as the capture stops would make it look incomplete.
tso_capture_start() {
	local side ns
	for side in client server; do
		ns=$(tso_ns_of $side)
		timeout -s TERM 170 ip netns exec "$ns" tcpdump -Z root -U --immediate-mode -n -s 2048 -B 16384 -i veth0 \
			-w "$TSO_WORK/$side.pcap" tcp >"$TSO_WORK/tcpdump-$side.log" 2>&1 &
		TSO_CAP_PIDS+=($!)
	done
	local _ ready
	for _ in $(seq 100); do
		ready=0
		for side in client server; do
			grep -q 'listening on' "$TSO_WORK/tcpdump-$side.log" 2>/dev/null && ready=$((ready + 1))
		done
		[ $ready = 2 ] && return 0
		sleep 0.05
	done
	tso_fail "tcpdump did not start: $(cat "$TSO_WORK"/tcpdump-*.log)"
	return 1
}

# tso_server ACTIONS [peers.py options]: start the server in its
# namespace, wait until it listens. Sets TSO_SERVER_PID.
tso_server() {
	local actions=$1
	shift
	local ready=$TSO_WORK/server.ready
	rm -f "$ready"
	timeout -s TERM "${TSO_PEER_TIMEOUT:-40}" ip netns exec "$TSO_NS_S" "$TSO_PY" "$TSO_LIB_DIR/peers.py" \
		server --bind "$TSO_SADDR" --port "$TSO_PORT" --ready "$ready" \
		--timeout "${TSO_PEER_TIMEOUT:-40}" "$@" "$actions" >>"$TSO_WORK/server.log" 2>&1 &
	TSO_SERVER_PID=$!
	TSO_PEER_PIDS+=($!)
	local _
	for _ in $(seq 100); do
		[ -e "$ready" ] && return 0
		kill -0 "$TSO_SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	tso_fail "server did not start listening: $(cat "$TSO_WORK/server.log")"
	return 1
}

# tso_client ACTIONS [peers.py options]: run the client in its namespace,
# in the foreground. Returns its exit status.
tso_client() {
	local actions=$1
	shift
	timeout -s TERM "${TSO_PEER_TIMEOUT:-40}" ip netns exec "$TSO_NS_C" "$TSO_PY" "$TSO_LIB_DIR/peers.py" \
		client --connect "$TSO_SADDR" --port "$TSO_PORT" --timeout "${TSO_PEER_TIMEOUT:-40}" \
		"$@" "$actions" >>"$TSO_WORK/client.log" 2>&1
	local rc=$?
	[ $rc = 0 ] || tso_fail "client exited $rc: $(tail -5 "$TSO_WORK/client.log")"
	return $rc
}

# tso_client_bg ACTIONS [options]: the same in the background; TSO_CLIENT_PID.
# shellcheck disable=SC2034  # TSO_CLIENT_PID is for the tests
tso_client_bg() {
	local actions=$1
	shift
	timeout -s TERM "${TSO_PEER_TIMEOUT:-40}" ip netns exec "$TSO_NS_C" "$TSO_PY" "$TSO_LIB_DIR/peers.py" \
		client --connect "$TSO_SADDR" --port "$TSO_PORT" --timeout "${TSO_PEER_TIMEOUT:-40}" \
		"$@" "$actions" >>"$TSO_WORK/client.log" 2>&1 &
	TSO_CLIENT_PID=$!
	TSO_PEER_PIDS+=($!)
}

# tso_wait_peer PID SECONDS: wait for a peer we started; fails if it
# does not end in time or ends with an error.
tso_wait_peer() {
	local pid=$1 secs=$2 _
	for _ in $(seq $((secs * 20))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		tso_fail "peer $pid still running after ${secs}s"
		return 1
	fi
	wait "$pid"
	local rc=$?
	[ $rc = 0 ] || tso_fail "peer $pid exited $rc (see $TSO_WORK/*.log)"
	return $rc
}

# Our sockets in a namespace: `ss -tanH` lines with the test's port.
tso_ss() {
	ip netns exec "$(tso_ns_of "$1")" ss -tanH 2>/dev/null | awk -v p=":$TSO_PORT" \
		'{ if (index($4 " ", p " ") || index($5 " ", p " ")) print }'
}

# tso_wait_state SIDE SS-STATE SECONDS [COUNT]: until COUNT (default 1)
# of our sockets in SIDE's namespace are in SS-STATE (TIME-WAIT, ...).
tso_wait_state() {
	local side=$1 st=$2 secs=$3 want=${4:-1} _ n
	for _ in $(seq $((secs * 20))); do
		n=$(tso_ss "$side" | awk -v s="$st" '$1 == s' | wc -l)
		[ "$n" -ge "$want" ] && return 0
		sleep 0.05
	done
	tso_fail "$side: no socket reached $st within ${secs}s: $(tso_ss "$side" | tr '\n' ';')"
	return 1
}

# tso_settle SECONDS [REGEX]: until neither namespace has a socket of ours
# in a state that still has something to send or wait for.
tso_settle() {
	local secs=$1 re=${2:-'^(SYN-SENT|SYN-RECV|FIN-WAIT-1|CLOSING|LAST-ACK)$'} _ busy
	for _ in $(seq $((secs * 20))); do
		busy=$( (tso_ss client; tso_ss server) | awk -v re="$re" '$1 ~ re' | wc -l)
		[ "$busy" = 0 ] && return 0
		sleep 0.05
	done
	tso_log "   note: sockets still busy after ${secs}s: $( (tso_ss client; tso_ss server) | tr '\n' ';')"
	return 1
}

# The end of the scenario: ss in both namespaces, both trace buffers, stop
# both captures, and write truth.json (the kernel's sequences per side).
tso_finish() {
	local ss_time
	ss_time=$(cut -d' ' -f1 /proc/uptime) # the trace clock, near enough for TIMEWAIT_LEN
	ip netns exec "$TSO_NS_C" ss -tanH >"$TSO_WORK/ss-client.txt" 2>&1
	ip netns exec "$TSO_NS_S" ss -tanH >"$TSO_WORK/ss-server.txt" 2>&1
	local d
	for d in "${TSO_INSTANCES[@]}"; do
		echo 0 >"$d/events/sock/inet_sock_set_state/enable" 2>/dev/null
	done
	cat "$TSO_TRACEFS/instances/tso-$TSO_ID/trace" >"$TSO_WORK/trace.txt"
	local sk=()
	if [ -d "$TSO_TRACEFS/instances/tso-$TSO_ID-sk" ]; then
		cat "$TSO_TRACEFS/instances/tso-$TSO_ID-sk/trace" >"$TSO_WORK/trace-sk.txt"
		sk=(--trace-sk "$TSO_WORK/trace-sk.txt")
	fi
	tso_capture_stop
	if ! "$TSO_PY" "$TSO_LIB_DIR/truth.py" build --port "$TSO_PORT" --client "$TSO_CADDR" \
		--server "$TSO_SADDR" --trace "$TSO_WORK/trace.txt" "${sk[@]}" \
		--ss-client "$TSO_WORK/ss-client.txt" --ss-server "$TSO_WORK/ss-server.txt" --ss-time "$ss_time" \
		-o "$TSO_WORK/truth.json" 2>"$TSO_WORK/truth.err"; then
		tso_fail "truth.py build: $(cat "$TSO_WORK/truth.err")"
		return 1
	fi
	"$TSO_PY" "$TSO_LIB_DIR/truth.py" show "$TSO_WORK/truth.json" | sed 's/^/   /' |
		if [ "${TSO_VERBOSE:-0}" = 1 ]; then cat; else head -n 12; fi
}

tso_capture_stop() {
	local pid side
	for pid in "${TSO_CAP_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${TSO_CAP_PIDS[@]}"; do
		local _
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	TSO_CAP_PIDS=()
	local got seen
	for side in client server; do
		got=$(sed -n 's/^\([0-9]*\) packets\? captured$/\1/p' "$TSO_WORK/tcpdump-$side.log")
		seen=$(sed -n 's/^\([0-9]*\) packets\? received by filter$/\1/p' "$TSO_WORK/tcpdump-$side.log")
		if grep -Eq '^[1-9][0-9]* packets? dropped by kernel' "$TSO_WORK/tcpdump-$side.log" ||
			[ -z "$got" ] || [ "$got" != "$seen" ]; then
			tso_fail "the $side capture is incomplete: $(tr '\n' ' ' <"$TSO_WORK/tcpdump-$side.log")"
			TSO_INCOMPLETE=1
		fi
	done
}

# tso_assert_capture SIDE MIN FILTER WHAT: the scenario happened as meant:
# SIDE's capture holds at least MIN packets matching the BPF FILTER.
tso_assert_capture() {
	local side=$1 min=$2 filter=$3 what=$4 n
	TSO_CHECKS=$((TSO_CHECKS + 1))
	n=$(tcpdump -nr "$TSO_WORK/$side.pcap" "$filter" 2>/dev/null | wc -l)
	if [ "$n" -ge "$min" ]; then
		tso_log "ok   capture ($side side): $what: $n"
	else
		tso_fail "capture ($side side): $what: $n, expected at least $min"
	fi
}

# tso_assert_kernel CONN SIDE STATE...: the kernel's own sequence for one
# connection (or "all") is what the RFC says.
tso_assert_kernel() {
	TSO_CHECKS=$((TSO_CHECKS + 1))
	"$TSO_PY" "$TSO_LIB_DIR/truth.py" assert "$TSO_WORK/truth.json" "$@" || TSO_FAILS=$((TSO_FAILS + 1))
}

tso_assert_count() {
	TSO_CHECKS=$((TSO_CHECKS + 1))
	"$TSO_PY" "$TSO_LIB_DIR/truth.py" count "$TSO_WORK/truth.json" "$1" || TSO_FAILS=$((TSO_FAILS + 1))
}

# tso_expect CAPTURE CONN SIDE STATE...: what trace must print from CAPTURE
# (client, server, both) where the capture cannot show the kernel's whole
# sequence. tso_expect_diag CAPTURE CONN CODE. tso_note CAPTURE CONN TEXT.
tso_expect() { echo "states $*" >>"$TSO_WORK/expect.txt"; }
tso_expect_diag() { echo "diag $*" >>"$TSO_WORK/expect.txt"; }
tso_allow_diag() { echo "may $*" >>"$TSO_WORK/expect.txt"; }
tso_note() { echo "note $*" >>"$TSO_WORK/expect.txt"; }

# Whether the binary has a working `trace` command.
tso_have_trace() {
	[ -n "$TSO_BIN" ] && [ -x "$TSO_BIN" ] && timeout 10 "$TSO_BIN" trace --help >/dev/null 2>&1
}

# A scenario's own check of trace's output, one per capture: FN SIDE for
# client and server, with tso_compare's $TSO_WORK/trace-SIDE.jsonl and
# .err to read; FN logs "ok" or calls tso_fail.  Nothing when trace is not
# there to run.
tso_each_trace() {
	tso_have_trace || return 0
	local side
	for side in client server; do
		TSO_CHECKS=$((TSO_CHECKS + 1))
		"$1" "$side"
	done
}

# Run `trace -r CAPTURE --json` on both captures and compare with the truth.
tso_compare() {
	if ! tso_have_trace; then
		tso_log "   note: ${TSO_BIN:-no binary given}: no working 'trace' command yet; kernel truth only"
		return 0
	fi
	# Diagnoses: required once `trace --help` mentions them (the JSON
	# records of DESIGN.md), until then reported as pending. Override with
	# TSO_DIAGNOSES=require or pending.
	local cap rc diag=${TSO_DIAGNOSES:-auto}
	if [ "$diag" = auto ]; then
		if timeout 10 "$TSO_BIN" trace --help 2>&1 | grep -qi diagnos; then diag=require; else diag=pending; fi
	fi
	for cap in client server; do
		TSO_CHECKS=$((TSO_CHECKS + 1))
		timeout 60 "$TSO_BIN" trace -r "$TSO_WORK/$cap.pcap" --json >"$TSO_WORK/trace-$cap.jsonl" \
			2>"$TSO_WORK/trace-$cap.err"
		rc=$?
		if [ $rc != 0 ]; then
			tso_fail "tcpstate trace -r $TSO_WORK/$cap.pcap --json exited $rc: $(head -c 400 "$TSO_WORK/trace-$cap.err")"
			continue
		fi
		"$TSO_PY" "$TSO_LIB_DIR/compare.py" "$TSO_WORK/truth.json" "$TSO_WORK/trace-$cap.jsonl" \
			--capture "$cap" --expect "$TSO_WORK/expect.txt" --diagnoses "$diag" ${TSO_VERBOSE:+-v} |
			sed 's/^/   /'
		[ "${PIPESTATUS[0]}" = 0 ] || TSO_FAILS=$((TSO_FAILS + 1))
	done
	tso_tshark_labels
}

# The second opinion: trace's segment labels against tshark's analysis
# flags, frame by frame, on both captures (tests/peer/tshark_frames.py:
# a difference fails unless the capture shows it to be one of those
# docs/trace-vs-tshark.md explains).
tso_tshark_labels() {
	if ! command -v tshark >/dev/null; then
		tso_log "   note: no tshark: labels not compared"
		return 0
	fi
	TSO_CHECKS=$((TSO_CHECKS + 1))
	if "$TSO_PY" "$TSO_LIB_DIR/../peer/tshark_frames.py" "$TSO_BIN" "$TSO_WORK/client.pcap" \
		"$TSO_WORK/server.pcap" >"$TSO_WORK/tshark-frames.txt" 2>&1; then
		tso_log "   ok   labels vs tshark's flags, $(tail -1 "$TSO_WORK/tshark-frames.txt")"
	else
		tso_fail "labels vs tshark's flags: $(grep -E 'UNEXPLAINED|already|FAIL|Error' "$TSO_WORK/tshark-frames.txt" | head -5)"
	fi
}

tso_done() {
	local secs
	secs=$(awk -v a="$TSO_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	if [ "$TSO_FAILS" = 0 ]; then
		tso_log "PASS: $TSO_NAME ($TSO_CHECKS checks, ${secs}s)"
		[ "${TSO_KEEP:-0}" = 1 ] || TSO_REMOVE_WORK=1
		exit 0
	fi
	tso_log "FAIL: $TSO_NAME: $TSO_FAILS failures (${secs}s); captures, trace buffers, truth.json kept in $TSO_WORK"
	# An incomplete capture shows nothing about trace: retry.sh runs the
	# scenario once more.
	[ "${TSO_INCOMPLETE:-0}" = 1 ] && exit 75
	exit 1
}

tso_cleanup() {
	local rc=$?
	[ "$TSO_CLEANED" = 1 ] && return
	TSO_CLEANED=1
	trap - INT TERM
	local pid _ d ns
	for pid in "${TSO_PEER_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${TSO_PEER_PIDS[@]}"; do
		for _ in $(seq 40); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	[ "${#TSO_CAP_PIDS[@]}" -gt 0 ] && tso_capture_stop >/dev/null 2>&1
	for d in "${TSO_INSTANCES[@]}"; do
		echo 0 >"$d/events/sock/inet_sock_set_state/enable" 2>/dev/null
		echo 0 >"$d/events/sock/inet_sock_set_state/filter" 2>/dev/null
		rmdir "$d" 2>/dev/null || tso_log "warning: could not remove tracing instance $d"
	done
	for ns in "${TSO_NFT_MADE[@]}"; do
		ip netns exec "$ns" nft delete table inet "tso_$TSO_ID" 2>/dev/null
	done
	for ns in "${TSO_NS_MADE[@]}"; do
		ip netns del "$ns" 2>/dev/null || tso_log "warning: could not delete namespace $ns"
	done
	if [ "${TSO_REMOVE_WORK:-0}" = 1 ] && [ -n "${TSO_WORK:-}" ]; then
		rm -rf "$TSO_WORK"
	fi
	exit $rc
}
