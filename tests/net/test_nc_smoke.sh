#!/usr/bin/env bash
# tcpstate nc against the Linux kernel over TUN, in a network namespace of
# its own: one line each way, both ends close.
#   1. tcpstate listens (IPv4), the kernel connects
#   2. the kernel listens, tcpstate connects (IPv4)
#   3. tcpstate listens (IPv6), the kernel connects
#   4. without CAP_NET_ADMIN: the one-line error
# Usage: test_nc_smoke.sh path/to/tcpstate   (exit 77: skipped, needs root)
set -u
BIN=${1:?usage: $0 path/to/tcpstate}
BIN=$(realpath "$BIN")

[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
[ -c /dev/net/tun ] || { echo "skip: no /dev/net/tun"; exit 77; }
command -v python3 >/dev/null || { echo "skip: needs python3"; exit 77; }

NS=tcps-smoke-$$
WORK=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NS" 2>/dev/null || { echo "skip: cannot create a network namespace"; exit 77; }
ip -n "$NS" link set lo up

FAIL=0
fail() { echo "FAIL: $*"; FAIL=1; }
in_ns() { ip netns exec "$NS" "$@"; }

# Waits (at most 5 s) until the kernel side of the TUN device has $1.
wait_addr() {
	for _ in $(seq 50); do
		ip -n "$NS" addr show dev tcps0 2>/dev/null | grep -q "inet6\? $1/" && return 0
		sleep 0.1
	done
	return 1
}

# The kernel as client: connect, send a line, half-close, read to the end.
kernel_client() { # HOST PORT OUTFILE
	in_ns timeout 20 python3 - "$@" <<'EOF'
import socket, sys
host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.create_connection((host, port), timeout=10)
s.sendall(b"hello from the kernel\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
s.close()
open(out, "wb").write(data)
EOF
}

# The kernel as server: accept one, read to the end, answer a line, close.
kernel_server() { # PORT READYFILE OUTFILE
	in_ns timeout 20 python3 - "$@" <<'EOF'
import socket, sys
port, ready, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("0.0.0.0", port))
l.listen(1)
l.settimeout(15)
open(ready, "w").close()
c, _ = l.accept()
c.settimeout(10)
data = b""
while True:
    chunk = c.recv(4096)
    if not chunk:
        break
    data += chunk
open(out, "wb").write(data)
c.sendall(b"hello from the kernel\n")
c.close()
EOF
}

states() { grep '^state=' "$1" | sed 's/^state=//' | tr '\n' ' ' | sed 's/ $//'; }

# ---- 1 and 3: tcpstate listens, the kernel connects ----
listen_case() { # NAME KERNELADDR OURADDR
	local name=$1 kaddr=$2 ours=$3
	# Standard input a second late: the kernel's FIN arrives first, so the
	# states are the seed's server side exactly.
	( sleep 1; echo "hello from tcpstate" ) |
		in_ns timeout 20 "$BIN" nc -l -v -w 15 9000 >"$WORK/$name.out" 2>"$WORK/$name.err" &
	local nc=$!
	PIDS+=("$nc")
	wait_addr "$kaddr" || { fail "$name: the TUN device never got $kaddr"; cat "$WORK/$name.err"; return; }
	kernel_client "$ours" 9000 "$WORK/$name.kernel" || fail "$name: kernel client failed"
	wait "$nc"; local rc=$?
	[ "$rc" = 0 ] || fail "$name: tcpstate nc exited $rc: $(cat "$WORK/$name.err")"
	[ "$(cat "$WORK/$name.out")" = "hello from the kernel" ] || fail "$name: tcpstate got '$(cat "$WORK/$name.out")'"
	[ "$(cat "$WORK/$name.kernel" 2>/dev/null)" = "hello from tcpstate" ] ||
		fail "$name: the kernel got '$(cat "$WORK/$name.kernel" 2>/dev/null)'"
	local want="LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"
	[ "$(states "$WORK/$name.err")" = "$want" ] || fail "$name: states '$(states "$WORK/$name.err")', want '$want'"
	echo "$name: $(states "$WORK/$name.err")"
}

listen_case ipv4_listen 198.18.0.1 198.18.0.2
listen_case ipv6_listen 2001:2::1 2001:2::2

# ---- 2: the kernel listens, tcpstate connects ----
kernel_server 9001 "$WORK/ready" "$WORK/connect.kernel" &
PIDS+=("$!")
KS=$!
for _ in $(seq 50); do [ -e "$WORK/ready" ] && break; sleep 0.1; done
echo "hello from tcpstate" | in_ns timeout 20 "$BIN" nc -v -w 10 198.18.0.1 9001 >"$WORK/connect.out" 2>"$WORK/connect.err"
rc=$?
wait "$KS" || fail "connect: kernel server failed"
[ "$rc" = 0 ] || fail "connect: tcpstate nc exited $rc: $(cat "$WORK/connect.err")"
[ "$(cat "$WORK/connect.out")" = "hello from the kernel" ] || fail "connect: tcpstate got '$(cat "$WORK/connect.out")'"
[ "$(cat "$WORK/connect.kernel" 2>/dev/null)" = "hello from tcpstate" ] ||
	fail "connect: the kernel got '$(cat "$WORK/connect.kernel" 2>/dev/null)'"
# Our FIN goes first (input ends at once); the kernel's ACK of it may or
# may not come before its own FIN.
case "$(states "$WORK/connect.err")" in
"CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT" | \
	"CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 TIME_WAIT" | \
	"CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT") ;;
*) fail "connect: states '$(states "$WORK/connect.err")'" ;;
esac
echo "ipv4_connect: $(states "$WORK/connect.err")"

# ---- 4: without the privilege ----
if command -v setpriv >/dev/null; then
	msg=$(in_ns timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$BIN" nc 198.18.0.1 9 2>&1 </dev/null)
	rc=$?
	want="tcpstate nc: creating a TUN device needs CAP_NET_ADMIN (run as root)"
	[ "$rc" = 1 ] && [ "$msg" = "$want" ] || fail "unprivileged: exit $rc, '$msg'"
	echo "unprivileged: $msg"
fi

[ "$FAIL" = 0 ] && echo "PASS"
exit "$FAIL"
