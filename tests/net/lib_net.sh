# shellcheck shell=bash
# Helpers for tests/net/test_*.sh: tcpstate nc against the Linux kernel's
# TCP over TUN, in network namespaces the test creates.  Sourced:
#
#     source "$(dirname "$0")/lib_net.sh"
#     tn_init bulk "$1"               # exits 77 when it cannot run
#     tn_ns a; NS=$TN_NS              # tn-<pid>-a, lo up
#     tn_nc NS NAME STDIN ARGS...     # tcpstate nc in NS, in the background:
#                                     # TN_PID, NAME.out, NAME.err in $TN_WORK
#     tn_peer NS NAME ARGS...         # tests/net/peer.py in NS, in the background:
#                                     # TN_PID, NAME.log (its stdout), NAME.err
#     tn_wait PID SECS                # bounded wait; its exit status (124: killed)
#     tn_done
#
# Everything is named tn-<pid>-*, lives in namespaces this test creates and
# is removed by the EXIT trap, even on failure; processes are ended by PID
# only; every wait is bounded in count and time.

TN_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TN_FAILS=0
TN_PIDS=()
TN_NS_MADE=()
TN_CLEANED=0

tn_log() { printf '%s\n' "$*"; }
tn_skip() {
	tn_log "SKIP: $*"
	exit 77
}
tn_fail() {
	TN_FAILS=$((TN_FAILS + 1))
	tn_log "FAIL: $*"
}
tn_ok() { tn_log "ok: $*"; }

# tn_init NAME BINARY
tn_init() {
	TN_NAME=$1
	TN_BIN=${2:-}
	[ -n "$TN_BIN" ] || {
		echo "usage: $0 path/to/tcpstate" >&2
		exit 2
	}
	TN_BIN=$(realpath "$TN_BIN")
	[ "$(id -u)" = 0 ] || tn_skip "needs root (network namespaces, TUN)"
	[ -c /dev/net/tun ] || tn_skip "no /dev/net/tun"
	local t
	for t in ip ss timeout sha256sum; do
		command -v "$t" >/dev/null 2>&1 || tn_skip "$t is not installed"
	done
	if [ -x /usr/bin/python3 ]; then TN_PY=/usr/bin/python3; else TN_PY=$(command -v python3 || true); fi
	[ -n "$TN_PY" ] || tn_skip "python3 is not installed"
	TN_ID=$$
	TN_WORK=$(mktemp -d "/tmp/tn-$TN_ID-$TN_NAME.XXXXXX") || tn_skip "cannot create a work directory"
	TN_T0=$(date +%s.%N)
	trap tn_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	tn_log "== net $TN_NAME: files in $TN_WORK"
}

tn_need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || tn_skip "$t is not installed"
	done
}

# tn_ns SUFFIX: creates namespace tn-<pid>-SUFFIX with lo up; its name in
# TN_NS.  (Not a command substitution: the list of namespaces to remove and
# tn_skip must act in the test's own shell.)
tn_ns() {
	TN_NS=tn-$TN_ID-$1
	ip netns add "$TN_NS" 2>/dev/null || tn_skip "cannot create a network namespace"
	TN_NS_MADE+=("$TN_NS")
	ip -n "$TN_NS" link set lo up
}

# tn_tun NS [NAME]: a persistent TUN device (default tcps0) made ahead of
# tcpstate nc, which attaches to it, with one TCP segment per skb on the
# kernel's side (gso_max_segs 1): nftables and captures then see each
# segment the kernel sends rather than 64 KB GSO super-packets.
tn_tun() {
	local dev=${2:-tcps0}
	ip -n "$1" tuntap add dev "$dev" mode tun 2>/dev/null || tn_skip "cannot create a TUN device in a namespace"
	ip -n "$1" link set "$dev" gso_max_segs 1 2>/dev/null ||
		ip -n "$1" link set "$dev" gso_max_size 1500 2>/dev/null ||
		tn_skip "cannot turn GSO off on $dev (ip link set gso_max_segs)"
}

# tn_nc NS NAME STDIN ARGS...: `tcpstate nc ARGS` in NS with standard input
# from STDIN (a file, a FIFO, /dev/null); NAME.out and NAME.err in TN_WORK.
# TN_PID is tcpstate's own PID (`ip netns exec` execs it).
tn_nc() {
	local ns=$1 name=$2 in=$3
	shift 3
	ip netns exec "$ns" "$TN_BIN" nc "$@" <"$in" >"$TN_WORK/$name.out" 2>"$TN_WORK/$name.err" &
	TN_PID=$!
	TN_PIDS+=("$TN_PID")
}

# tn_peer NS NAME ARGS...: tests/net/peer.py ARGS in NS; its stdout in
# NAME.log, its stderr in NAME.err.  TN_PID is the peer's PID.
tn_peer() {
	local ns=$1 name=$2
	shift 2
	ip netns exec "$ns" "$TN_PY" "$TN_LIB_DIR/peer.py" "$@" >"$TN_WORK/$name.log" 2>"$TN_WORK/$name.err" &
	TN_PID=$!
	TN_PIDS+=("$TN_PID")
}

# tn_peer_server NS NAME PORT ARGS...: a listening peer; returns once it
# listens (5 s at most).
tn_peer_server() {
	local ns=$1 name=$2 port=$3
	shift 3
	rm -f "$TN_WORK/$name.ready"
	tn_peer "$ns" "$name" server --port "$port" --ready "$TN_WORK/$name.ready" "$@"
	local _
	for _ in $(seq 100); do
		[ -e "$TN_WORK/$name.ready" ] && return 0
		kill -0 "$TN_PID" 2>/dev/null || break
		sleep 0.05
	done
	tn_fail "$name: the kernel's listener did not start: $(cat "$TN_WORK/$name.err")"
	return 1
}

# tn_feed FIFO STEP...: writes tcpstate nc's standard input through FIFO
# (made here) in steps, then closes it (end of input: nc's FIN).  Steps:
#   cat:FILE  file:FILE (wait until FILE exists)  state:ERRFILE:STATE (until
#   nc -v's latest state is STATE)  sleep:S
# Each wait is bounded (30 s).  TN_PID is the feeder's PID.
tn_feed() {
	local fifo=$1
	shift
	rm -f "$fifo"
	mkfifo "$fifo"
	(
		for step in "$@"; do
			case $step in
			cat:*) cat "${step#cat:}" || exit 1 ;;
			file:*) tn_wait_file "${step#file:}" 30 || exit 1 ;;
			state:*)
				local rest=${step#state:}
				tn_wait_nc_state "${rest%:*}" "${rest##*:}" 30 || exit 1
				;;
			sleep:*) sleep "${step#sleep:}" ;;
			esac
		done
	) >"$fifo" &
	TN_PID=$!
	TN_PIDS+=("$TN_PID")
}

# tn_wait PID SECS: waits at most SECS for PID (a child of this shell),
# then kills it; returns its exit status (124 when it had to be killed).
tn_wait() {
	local pid=$1 secs=$2 _
	for _ in $(seq $((secs * 20))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		sleep 0.2
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
}

# tn_wait_addr NS ADDR: until the TUN device in NS has the kernel's ADDR
# (tcpstate nc configures it at start), 5 s at most.
tn_wait_addr() {
	local ns=$1 addr=$2 dev=${3:-tcps0} _
	for _ in $(seq 100); do
		ip -n "$ns" addr show dev "$dev" 2>/dev/null | grep -q "inet6\? $addr/" && return 0
		sleep 0.05
	done
	tn_fail "the TUN device in $ns never got $addr"
	return 1
}

# tn_wait_file FILE SECS
tn_wait_file() {
	local _
	for _ in $(seq $(($2 * 20))); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# tn_states FILE: nc -v's state lines, space separated.
tn_states() { grep '^state=' "$1" | sed 's/^state=//' | tr '\n' ' ' | sed 's/ $//'; }
# tn_last_state FILE: the latest one.
tn_last_state() { grep '^state=' "$1" | tail -n 1 | sed 's/^state=//'; }

# tn_wait_nc_state ERRFILE STATE SECS: until nc -v's latest state is STATE.
tn_wait_nc_state() {
	local _
	for _ in $(seq $(($3 * 20))); do
		[ "$(tn_last_state "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# tn_ss NS PORT: the kernel's TCP sockets in NS with PORT at either end
# (`ss -tanH` lines, listeners included).
tn_ss() {
	ip netns exec "$1" ss -tanH 2>/dev/null | awk -v p=":$2" \
		'{ if (index($4 " ", p " ") || index($5 " ", p " ")) print }'
}

# tn_ss_state NS PORT: the state of the one connected socket with PORT
# (ss's names: ESTAB, CLOSE-WAIT, ...), empty when none.
tn_ss_state() { tn_ss "$1" "$2" | awk '$1 != "LISTEN" { print $1; exit }'; }

# tn_wait_ss NS PORT STATE SECS
tn_wait_ss() {
	local _
	for _ in $(seq $(($4 * 20))); do
		[ "$(tn_ss_state "$1" "$2")" = "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

# tn_nft NS HOOK RULE...: a rule in table inet tn_<pid>, chain HOOK (input
# or output, created on first use) of NS.  The namespace's deletion takes
# the table with it; tn_nft_flush NS HOOK empties a chain.
tn_nft() {
	local ns=$1 hook=$2
	shift 2
	tn_need nft
	if ! ip netns exec "$ns" nft list table inet "tn_$TN_ID" >/dev/null 2>&1; then
		ip netns exec "$ns" nft add table inet "tn_$TN_ID" || tn_skip "nftables does not work here"
	fi
	if ! ip netns exec "$ns" nft list chain inet "tn_$TN_ID" "$hook" >/dev/null 2>&1; then
		ip netns exec "$ns" nft add chain inet "tn_$TN_ID" "$hook" \
			"{ type filter hook $hook priority 0; policy accept; }" || tn_skip "nftables does not work here"
	fi
	# shellcheck disable=SC2068
	ip netns exec "$ns" nft add rule inet "tn_$TN_ID" "$hook" $@ || {
		tn_fail "nft rule rejected: $*"
		return 1
	}
}
# tn_nft_packets NS HOOK: packets counted by the chain's `counter` rules.
tn_nft_packets() {
	ip netns exec "$1" nft list chain inet "tn_$TN_ID" "$2" 2>/dev/null |
		awk '{ for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }'
}
tn_nft_flush() { ip netns exec "$1" nft flush chain inet "tn_$TN_ID" "$2" 2>/dev/null || true; }

# tn_sha FILE: its SHA-256.
tn_sha() { sha256sum "$1" | cut -d' ' -f1; }

# tn_random FILE SIZE: SIZE (head -c syntax: 10M) random bytes.
tn_random() { head -c "$2" /dev/urandom >"$1"; }

# tn_check_recv NAME WANTBYTES WANTSHA: the peer's "recv BYTES SHA eof" line.
tn_check_recv() {
	local name=$1 bytes=$2 sha=$3 line
	line=$(grep '^recv ' "$TN_WORK/$name.log" | tail -n 1)
	if [ "$line" = "recv $bytes $sha eof" ]; then
		return 0
	fi
	tn_fail "$name: the kernel received '${line:-nothing}', wanted $bytes bytes with SHA-256 $sha; $(tail -n 3 "$TN_WORK/$name.err")"
	return 1
}

# tn_check_out NAME FILE: tcpstate nc's standard output equals FILE.
tn_check_out() {
	local name=$1 want=$2
	if cmp -s "$TN_WORK/$name.out" "$want"; then
		return 0
	fi
	tn_fail "$name: tcpstate received $(stat -c %s "$TN_WORK/$name.out") bytes (SHA-256 $(tn_sha "$TN_WORK/$name.out")), wanted $(stat -c %s "$want") ($(tn_sha "$want")); $(grep -v '^state=' "$TN_WORK/$name.err" | tail -n 3)"
	return 1
}

tn_elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

tn_done() {
	if [ "$TN_FAILS" = 0 ]; then
		tn_log "PASS: $TN_NAME ($(tn_elapsed "$TN_T0")s)"
		exit 0
	fi
	tn_log "FAIL: $TN_NAME: $TN_FAILS failures ($(tn_elapsed "$TN_T0")s); files kept in $TN_WORK"
	exit 1
}

tn_cleanup() {
	local rc=$?
	[ "$TN_CLEANED" = 1 ] && return
	TN_CLEANED=1
	trap - INT TERM
	local pid _ ns
	for pid in "${TN_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${TN_PIDS[@]}"; do
		for _ in $(seq 40); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	# Every namespace named after this test's PID, whichever shell made it.
	for ns in "${TN_NS_MADE[@]}" $(ip netns list 2>/dev/null | awk -v p="tn-$TN_ID-" 'index($1, p) == 1 { print $1 }'); do
		ip netns pids "$ns" >/dev/null 2>&1 || continue
		ip netns del "$ns" 2>/dev/null || tn_log "warning: could not delete namespace $ns"
	done
	if [ "${TN_KEEP:-0}" = 1 ]; then
		tn_log "kept $TN_WORK"
	elif [ "$rc" = 0 ]; then
		rm -rf "$TN_WORK"
	elif [ -n "${TN_WORK:-}" ]; then
		# Kept for a look, without the large data files.
		find "$TN_WORK" -type f -size +1M -delete 2>/dev/null
	fi
	exit $rc
}
