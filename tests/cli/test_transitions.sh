#!/usr/bin/env bash
# tcpstate transitions, against the kernel: a scripted loopback connection
# (client closes first) and a SO_LINGER 0 close, over IPv4 and IPv6, while
# `transitions --json` and `transitions` (text) run, each in its own tracefs
# instance, beside a plain tracefs instance of this script's own that
# records the tracepoint as the kernel prints it.  Asserts that:
#   - transitions reports, per socket, exactly the changes the tracepoint
#     recorded;
#   - those are what Linux does (client: CLOSED SYN_SENT ESTABLISHED
#     FIN_WAIT_1 FIN_WAIT_2 CLOSED, the TIME_WAIT socket being untraced;
#     server: LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED);
#   - the SO_LINGER 0 close is ESTABLISHED -> CLOSED on both ends, marked
#     as a reset;
#   - times in state are null for a socket's first change only;
#   - SIGINT stops it with status 0 and every instance is removed;
#   - without root, one line says what is missing and what still works.
# $1 is the tcpstate binary.  Needs root and tracefs: else exits 77 (skip).
set -u

bin=${1:?usage: test_transitions.sh PATH/TO/tcpstate}
SKIP=77
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (tracefs)"; exit $SKIP; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit $SKIP; }

tracefs=/sys/kernel/tracing
[ -d $tracefs/instances ] || mount -t tracefs nodev $tracefs 2>/dev/null
[ -d $tracefs/instances ] || tracefs=/sys/kernel/debug/tracing
[ -d $tracefs/instances ] || { echo "SKIP: tracefs is not available"; exit $SKIP; }
[ -d $tracefs/events/sock/inet_sock_set_state ] ||
	{ echo "SKIP: no sock:inet_sock_set_state tracepoint"; exit $SKIP; }

# A port of our own below the ephemeral range keeps other traffic out.
port=$((10000 + $$ % 20000))
tmp=$(mktemp -d)
ref=$tracefs/instances/tcps-cli-$$
pids=()
failures=0

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	if [ -d "$ref" ]; then
		echo 0 >"$ref/events/sock/inet_sock_set_state/enable"
		rmdir "$ref"
	fi
	[ -z "${stale:-}" ] || rmdir "$stale" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# Without these, a signal would end bash without running the EXIT trap.
trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap 'exit 141' PIPE

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# Waits (at most 5 s) until transitions PID has its event enabled: from
# then on every change lands in its buffer.
wait_enabled() {
	local f=$tracefs/instances/tcpstate-$1/events/sock/inet_sock_set_state/enable i
	for i in $(seq 100); do
		[ "$(cat "$f" 2>/dev/null)" = 1 ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# Waits (at most 10 s) for PID to exit; its status in $status.
wait_exit() {
	local i
	for i in $(seq 200); do
		if ! kill -0 "$1" 2>/dev/null; then
			wait "$1"
			status=$?
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# --- an instance left by a tcpstate killed outright ------------------------

# A PID that no longer runs: the next transitions removes its instance.
true &
dead=$!
wait "$dead"
stale=$tracefs/instances/tcpstate-$dead
kill -0 "$dead" 2>/dev/null || mkdir "$stale" 2>/dev/null || stale=

# --- the kernel's own record, in a plain instance --------------------------

mkdir "$ref" || { echo "SKIP: cannot create a tracefs instance"; exit $SKIP; }
echo mono >"$ref/trace_clock"
echo "protocol == 6 && (sport == $port || dport == $port)" >"$ref/events/sock/inet_sock_set_state/filter"
echo 1 >"$ref/events/sock/inet_sock_set_state/enable"

# --- transitions, JSON and text, at once -----------------------------------

# Per family: listener 2 changes, the clean connection 5 + 5, the reset one 3 + 3.
n=36
"$bin" transitions --json -c $n ":$port" >"$tmp/json.out" 2>"$tmp/json.err" &
jpid=$!
pids+=("$jpid")
"$bin" transitions -c 20 "sport :$port" >"$tmp/text-server.out" 2>"$tmp/text.err" &
tpid=$!
pids+=("$tpid")
wait_enabled "$jpid" || fail "transitions --json did not start: $(cat "$tmp/json.err")"
wait_enabled "$tpid" || fail "transitions (text) did not start: $(cat "$tmp/text.err")"

python3 - "$port" >"$tmp/scenario.out" <<'PY' || fail "the scripted connections failed"
import os, socket, struct, sys, time

port = int(sys.argv[1])
print("pid", os.getpid())
for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    lst = socket.socket(family, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind((host, port))
    lst.listen(4)

    # The seed's example: data both ways, the client closes first, the
    # server closes on end of file.
    c = socket.create_connection((host, port), timeout=5)
    s, _ = lst.accept()
    c.sendall(b"hello")
    s.recv(5)
    s.sendall(b"world")
    c.recv(5)
    time.sleep(0.2)
    c.close()
    assert s.recv(1) == b""
    time.sleep(0.1)
    s.close()
    time.sleep(0.1)

    # SO_LINGER {on, 0}: close() sends a RST.
    c = socket.create_connection((host, port), timeout=5)
    s, _ = lst.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.1)
    c.close()
    time.sleep(0.1)
    s.close()
    lst.close()
    time.sleep(0.05)
PY

wait_exit "$jpid" || fail "transitions --json -c $n did not exit within 10 s (it printed $(wc -l <"$tmp/json.out") lines)"
[ "${status:-1}" = 0 ] || fail "transitions --json exited $status: $(cat "$tmp/json.err")"
status=
wait_exit "$tpid" || fail "transitions (text, sport filter) did not exit within 10 s"
[ "${status:-1}" = 0 ] || fail "transitions (text) exited $status: $(cat "$tmp/text.err")"
pids=()
sleep 0.2
cp "$ref/trace" "$tmp/kernel.txt"
[ -z "$stale" ] || [ ! -d "$stale" ] || fail "the instance of a dead tcpstate ($stale) was not removed"
for p in "$jpid" "$tpid"; do
	[ ! -d "$tracefs/instances/tcpstate-$p" ] || fail "transitions left instances/tcpstate-$p behind"
done

python3 - "$port" "$tmp/json.out" "$tmp/kernel.txt" "$tmp/scenario.out" <<'PY' || fail "transitions --json does not match the kernel"
import json, re, sys

port, jpath, kpath, spath = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
scenario_pid = int(open(spath).read().split()[1])
NAMES = {"TCP_ESTABLISHED": "ESTABLISHED", "TCP_SYN_SENT": "SYN_SENT", "TCP_SYN_RECV": "SYN_RCVD",
         "TCP_FIN_WAIT1": "FIN_WAIT_1", "TCP_FIN_WAIT2": "FIN_WAIT_2", "TCP_TIME_WAIT": "TIME_WAIT",
         "TCP_CLOSE": "CLOSED", "TCP_CLOSE_WAIT": "CLOSE_WAIT", "TCP_LAST_ACK": "LAST_ACK",
         "TCP_LISTEN": "LISTEN", "TCP_CLOSING": "CLOSING", "TCP_NEW_SYN_RECV": "SYN_RCVD"}
bad = []

def group(rows):
    """(src, dst) -> [(from, to), ...] in order."""
    g = {}
    for r in rows:
        g.setdefault((r["src"], r["dst"]), []).append(r)
    return g

out = [json.loads(l) for l in open(jpath)]
for r in out:
    if r.get("type") != "transition":
        bad.append("not a transition record: %r" % r)

kernel = []
for line in open(kpath):
    m = re.search(r"inet_sock_set_state: (.*)$", line)
    if not m:
        continue
    kv = dict(w.split("=", 1) for w in m.group(1).split() if "=" in w)
    v6 = kv["family"] == "AF_INET6"
    sa, da = (kv["saddrv6"], kv["daddrv6"]) if v6 else (kv["saddr"], kv["daddr"])
    fmt = "[%s]:%s" if v6 else "%s:%s"
    kernel.append({"src": fmt % (sa, kv["sport"]), "dst": fmt % (da, kv["dport"]),
                   "from": NAMES[kv["oldstate"]], "to": NAMES[kv["newstate"]]})

# 1. The same changes as the tracepoint, socket by socket.
gout, gk = group(out), group(kernel)
pairs = lambda rows: [(r["from"], r["to"]) for r in rows]
if {k: pairs(v) for k, v in gout.items()} != {k: pairs(v) for k, v in gk.items()}:
    bad.append("per-socket changes differ from the tracepoint's:\n  transitions %r\n  kernel      %r"
               % ({k: pairs(v) for k, v in gout.items()}, {k: pairs(v) for k, v in gk.items()}))

# 2. What Linux does.
clean_client = [("SYN_SENT", "ESTABLISHED"), ("ESTABLISHED", "FIN_WAIT_1"),
                ("FIN_WAIT_1", "FIN_WAIT_2"), ("FIN_WAIT_2", "CLOSED")]
clean_server = [("LISTEN", "SYN_RCVD"), ("SYN_RCVD", "ESTABLISHED"), ("ESTABLISHED", "CLOSE_WAIT"),
                ("CLOSE_WAIT", "LAST_ACK"), ("LAST_ACK", "CLOSED")]
reset_client = [("SYN_SENT", "ESTABLISHED"), ("ESTABLISHED", "CLOSED")]
reset_server = [("LISTEN", "SYN_RCVD"), ("SYN_RCVD", "ESTABLISHED"), ("ESTABLISHED", "CLOSED")]
for fam, lo, any_ in (("v4", "127.0.0.1:%d", "0.0.0.0:0"), ("v6", "[::1]:%d", "[::]:0")):
    server = lo % port
    rows = {k: v for k, v in gout.items() if server in k}
    if pairs(rows.get((server, any_), [])) != [("CLOSED", "LISTEN"), ("LISTEN", "CLOSED")]:
        bad.append("%s listener: %r" % (fam, pairs(rows.get((server, any_), []))))
    connects = rows.get((lo % 0, server), [])
    if pairs(connects) != [("CLOSED", "SYN_SENT")] * 2:
        bad.append("%s connect() events (sport 0): %r" % (fam, pairs(connects)))
    for r in connects:
        if r["pid"] != scenario_pid:
            bad.append("%s connect() is reported for pid %r, not the caller %d" % (fam, r["pid"], scenario_pid))
    clients = [v for (s, d), v in rows.items() if d == server and s != lo % 0]
    servers = [v for (s, d), v in rows.items() if s == server and d != any_]
    want_c, want_s = sorted([clean_client, reset_client]), sorted([clean_server, reset_server])
    if sorted(pairs(v) for v in clients) != want_c:
        bad.append("%s client sockets: %r" % (fam, [pairs(v) for v in clients]))
    if sorted(pairs(v) for v in servers) != want_s:
        bad.append("%s server sockets: %r" % (fam, [pairs(v) for v in servers]))
    for v in clients + servers:
        if v[0]["in_state_s"] is not None and v[0]["from"] != "SYN_SENT":
            bad.append("%s first change of %s has a time in state" % (fam, v[0]["src"]))
        for r in v[1:]:
            if not isinstance(r["in_state_s"], (int, float)):
                bad.append("%s %s %s->%s has no time in state" % (fam, r["src"], r["from"], r["to"]))
        for r in v:
            want_reset = r["to"] == "CLOSED" and r["from"] == "ESTABLISHED"
            if r["reset"] != want_reset:
                bad.append("%s %s %s->%s reset=%r" % (fam, r["src"], r["from"], r["to"], r["reset"]))
    for v in clients:
        for r in v:
            if (r["from"], r["to"]) == ("ESTABLISHED", "FIN_WAIT_1") and not 0.15 <= r["in_state_s"] < 5:
                bad.append("%s client was ESTABLISHED for %r s, about 0.2 s expected" % (fam, r["in_state_s"]))
            if r["from"] == "SYN_SENT" and r["in_state_s"] is None:
                bad.append("%s SYN_SENT time not joined to the sport-0 connect event" % fam)

for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

# --- the text form, with sport as the kernel-side filter --------------------

t=$tmp/text-server.out
head -1 "$t" | grep -q "^# .*often not the socket's owner" || fail "text output has no header: $(head -1 "$t")"
# sport :PORT keeps the listener and the server's child sockets: per family
# 2 + 5 + 3.
[ "$(grep -vc '^#' "$t")" = 20 ] || fail "text with 'sport :$port': $(grep -vc '^#' "$t") lines, 20 expected"
[ "$(grep -c 'ESTABLISHED -> CLOSED  (in ESTABLISHED [0-9.]* ms)  reset$' "$t")" = 2 ] ||
	fail "text does not mark the two server-side resets: $(grep -- '-> CLOSED' "$t")"
grep -q "127.0.0.1:$port -> 127.0.0.1:[0-9]*  CLOSE_WAIT -> LAST_ACK  (in CLOSE_WAIT " "$t" ||
	fail "text has no IPv4 CLOSE_WAIT -> LAST_ACK line"
grep -q "\[::1\]:$port -> \[::1\]:[0-9]*  LISTEN -> SYN_RCVD$" "$t" ||
	fail "text has no IPv6 LISTEN -> SYN_RCVD line"
grep -q "^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{6\}  pid [0-9]* (" "$t" || fail "text lines do not start with the time and task"

# --- SIGINT: a clean stop ------------------------------------------------------

"$bin" transitions ":$port" >"$tmp/int.out" 2>"$tmp/int.err" &
ipid=$!
pids=("$ipid")
if wait_enabled "$ipid"; then
	kill -INT "$ipid"
	wait_exit "$ipid" || fail "transitions did not stop within 10 s of SIGINT"
	pids=()
	[ "${status:-1}" = 0 ] || fail "transitions exited $status after SIGINT: $(cat "$tmp/int.err")"
	[ ! -d "$tracefs/instances/tcpstate-$ipid" ] || fail "SIGINT left instances/tcpstate-$ipid behind"
else
	fail "transitions did not start: $(cat "$tmp/int.err")"
fi

# --- usage errors and missing privileges -------------------------------------

"$bin" transitions port 80 >/dev/null 2>"$tmp/usage.err"
[ $? = 2 ] || fail "an unknown filter word should exit 2"
grep -q "unknown filter word 'port'" "$tmp/usage.err" || fail "usage error: $(cat "$tmp/usage.err")"

if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" transitions >"$tmp/priv.out" 2>"$tmp/priv.err"
	st=$?
	[ $st = 1 ] || fail "without root: exit $st, 1 expected"
	[ "$(wc -l <"$tmp/priv.err")" = 1 ] || fail "without root: not one line: $(cat "$tmp/priv.err")"
	grep -q "needs root (or CAP_SYS_ADMIN for tracefs).*still work" "$tmp/priv.err" ||
		fail "without root: $(cat "$tmp/priv.err")"
fi

if [ $failures -ne 0 ]; then
	echo "--- json"; cat "$tmp/json.out"; echo "--- text"; cat "$tmp/text-server.out"
	echo "--- kernel"; grep -v '^#' "$tmp/kernel.txt"
	echo "$failures failure(s)"
	exit 1
fi
echo "ok: transitions matches the tracepoint; resets marked; clean stop; privilege message"
