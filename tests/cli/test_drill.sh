#!/usr/bin/env bash
# tcpstate drill, from the outside: the seed's Mini Drill run for real on
# loopback must show every labelled segment in order, the observer's
# states at the end (client TIME_WAIT, server CLOSED) and the kernel's own
# (server CLOSE-WAIT after the client's close, client TIME-WAIT at the
# end, as ss sees it too); without CAP_NET_RAW, port in use and bad flags,
# one line and the right exit status.  $1 is the tcpstate binary.
#
# The drill itself needs CAP_NET_RAW (root in CI); without it only the
# error paths are checked and the test ends with 77 (CTest: skipped).
set -u

bin=${1:?usage: test_drill.sh PATH/TO/tcpstate}
tmp=$(mktemp -d)
holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
skipped=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# A port nothing listens on now (the drill's own bind is the real test).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# One line on stderr, starting "tcpstate drill: " and containing $2.
one_line() {
	local file=$1 want=$2 what=$3
	[ "$(wc -l <"$file")" -eq 1 ] || fail "$what: expected one line on stderr, got: $(cat "$file")"
	grep -q "^tcpstate drill: " "$file" || fail "$what: no 'tcpstate drill: ' prefix: $(cat "$file")"
	grep -qF -- "$want" "$file" || fail "$what: expected '$want' in: $(cat "$file")"
}

# --- the drill's output ---------------------------------------------------

# The ladder's labels, in order, with what the observer says at the end and
# what the kernel said after each step.
check_drill() {
	local out=$1 port=$2
	python3 - "$out" <<'PY' || fail "tcpstate drill output is wrong (see above); output in full:$(printf '\n'; cat "$out")"
import re, sys

text = open(sys.argv[1]).read()
ok = True

def bad(msg):
    global ok
    print(msg, file=sys.stderr)
    ok = False

# Labels sit at the end of the ladder's arrow lines.
arrow = re.compile(r"^\s+\d+\.\d{6}  (---|<--) .*-+>?  (\S.*)$")
labels = [m.group(2) for m in map(arrow.match, text.splitlines()) if m]
want = ["handshake 1/3", "handshake 2/3", "handshake 3/3", "data",
        "close 1/4", "close 2/4", "close 3/4", "close 4/4"]
it = iter(labels)
if not all(w in it for w in want):
    bad(f"labels {labels} do not contain {want} in order")

# Each step's line, then the kernel's view after it.
steps = {}
step = None
for line in text.splitlines():
    m = re.match(r"^step (\d+): ", line)
    if m:
        step = int(m.group(1))
    m = re.match(r"^\s*kernel:\s+client (\S+)\s+server (\S+)", line)
    if m and step is not None:
        steps[step] = (m.group(1), m.group(2))
if sorted(steps) != list(range(1, 9)):
    bad(f"expected a kernel line after each of steps 1-8, got steps {sorted(steps)}")
else:
    expect = {
        2: ("ESTAB", "ESTAB"),             # connect() returned: both established
        6: ("FIN-WAIT-2", "CLOSE-WAIT"),   # after the client's close
        7: ("FIN-WAIT-2", "CLOSE-WAIT"),   # the server read EOF, has not closed
        8: ("TIME-WAIT", "-"),             # the client waits; the server is gone
    }
    for s, (c, sv) in expect.items():
        if steps[s] != (c, sv):
            bad(f"kernel after step {s}: client {steps[s][0]} server {steps[s][1]}, "
                f"expected client {c} server {sv}")

# The observer's states, first to last.
m = re.search(r"^  client  (.*)$", text, re.M)
if not m or m.group(1).split(" -> ")[-1] != "TIME_WAIT" or not m.group(1).startswith("CLOSED"):
    bad(f"observer: client should go CLOSED ... TIME_WAIT: {m and m.group(1)}")
m = re.search(r"^  server  (.*)$", text, re.M)
if not m or m.group(1) != "LISTEN -> SYN_RCVD -> ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED":
    bad(f"observer: server states {m and m.group(1)}")
if "connection 1: closed by the client" not in text:
    bad("no connection record 'closed by the client'")
if "Check yourself" not in text:
    bad("no Check yourself section")
sys.exit(0 if ok else 1)
PY
	# The kernel's view came from sock_diag, not from ss: ss must agree
	# that the client's 4-tuple is in TIME-WAIT now.
	local cport
	cport=$(sed -n 's/.*connect()s from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$out" | head -1)
	if [ -z "$cport" ]; then
		fail "no client port in the drill's output"
	elif command -v ss >/dev/null 2>&1; then
		ss -Htan state time-wait "( sport = :$cport and dport = :$port )" | grep -q . ||
			fail "ss does not show 127.0.0.1:$cport -> :$port in TIME-WAIT"
	fi
}

# Runs the drill on a free port; a port taken between the choice and the
# drill's bind is retried.  Sets rc and port.
run_drill() {
	for _ in 1 2 3; do
		port=$(free_port)
		"$bin" drill --port "$port" >"$tmp/drill.out" 2>"$tmp/drill.err"
		rc=$?
		grep -q "is in use" "$tmp/drill.err" || return
	done
}

priv_msg="capturing on lo needs CAP_NET_RAW (run as root, or: setcap cap_net_raw+ep \$(command -v tcpstate)); the drill's sockets would still work but could not be watched"

if [ "$(id -u)" -eq 0 ]; then
	run_drill
	if [ "$rc" -ne 0 ]; then
		fail "tcpstate drill --port $port exited $rc: $(cat "$tmp/drill.err")"
	else
		check_drill "$tmp/drill.out" "$port"
	fi
	[ -s "$tmp/drill.err" ] && fail "tcpstate drill wrote to stderr: $(cat "$tmp/drill.err")"

	# --- the port in use: a listener of our own holds it ---
	python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$tmp/held" &
	holder=$!
	for _ in $(seq 50); do [ -s "$tmp/held" ] && break; sleep 0.1; done
	held=$(cat "$tmp/held")
	"$bin" drill --port "$held" >"$tmp/busy.out" 2>"$tmp/busy.err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "drill on a port in use exited $rc, expected 1"
	one_line "$tmp/busy.err" "port $held on 127.0.0.1 is in use" "port in use"
	[ -s "$tmp/busy.out" ] && fail "drill on a port in use wrote to stdout: $(cat "$tmp/busy.out")"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	holder=

	# --- without the privilege: the same binary as nobody ---
	if command -v setpriv >/dev/null 2>&1 && getent passwd 65534 >/dev/null 2>&1; then
		# The build directory may not be readable by nobody: a copy is.
		chmod 755 "$tmp"
		cp "$bin" "$tmp/tcpstate" && chmod 755 "$tmp/tcpstate"
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$tmp/tcpstate" drill --port "$(free_port)" >"$tmp/priv.out" 2>"$tmp/priv.err"
		rc=$?
		[ "$rc" -eq 1 ] || fail "drill without CAP_NET_RAW exited $rc, expected 1: $(cat "$tmp/priv.err")"
		one_line "$tmp/priv.err" "$priv_msg" "no CAP_NET_RAW"
		[ -s "$tmp/priv.out" ] && fail "drill without CAP_NET_RAW wrote to stdout"
	else
		echo "SKIP: the missing-privilege path (no setpriv or no uid 65534)"
	fi
else
	# Unprivileged: the drill either has file capabilities and runs, or
	# must say which privilege is missing.
	run_drill
	if [ "$rc" -eq 0 ]; then
		check_drill "$tmp/drill.out" "$port"
	else
		[ "$rc" -eq 1 ] || fail "drill without CAP_NET_RAW exited $rc, expected 1"
		one_line "$tmp/drill.err" "$priv_msg" "no CAP_NET_RAW"
		echo "SKIP: the drill itself (needs CAP_NET_RAW; run as root)"
		skipped=1
	fi
fi

# --- bad usage: one line, exit 2 (parsed before any capture) --------------

usage_case() {
	local want=$1
	shift
	"$bin" drill "$@" >"$tmp/usage.out" 2>"$tmp/usage.err"
	local rc=$?
	[ "$rc" -eq 2 ] || fail "drill $* exited $rc, expected 2"
	one_line "$tmp/usage.err" "$want" "drill $*"
}
usage_case "unknown option '--bogus'" --bogus
usage_case "--port needs a port number" --port
usage_case "not '0'" --port 0
usage_case "not '65536'" --port 65536
usage_case "not 'abc'" --port abc
usage_case "not '-5'" --port=-5
usage_case "unexpected argument 'now'" now

"$bin" drill --help >"$tmp/help.out" 2>&1 || fail "drill --help exited non-zero"
grep -q "^usage: tcpstate drill \[--port N\]" "$tmp/help.out" || fail "drill --help has no usage line"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
[ "$skipped" -eq 1 ] && exit 77
echo "ok"
