#!/usr/bin/env bash
# tcpstate sockets, from the outside, on real kernel sockets over loopback:
# a process that leaks CLOSE_WAIT sockets is named (its pid, its count);
# 200 short connections closed by the client first give
# time_wait_accumulation naming the remote ip:port; ss-style filters,
# --watch ages, the unprivileged warning, usage errors.  $1 is the binary.
set -u

bin=${1:?usage: test_sockets.sh PATH/TO/tcpstate}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

run() { timeout 30 "$bin" "$@"; }

# The helpers: each listens on a random loopback port, writes it to a file,
# and exits by itself after a minute should this script die first.
cat >"$tmp/leaker.py" <<'PY'
# Accepts connections and never closes them: once the clients close, every
# accepted socket sits in CLOSE_WAIT.  Then makes N clients do just that.
import socket, sys, threading, time
n, portfile = int(sys.argv[1]), sys.argv[2]
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(64)
held = []
def accept():
    while True:
        s, _ = ls.accept()
        held.append(s)          # the leak: never closed
threading.Thread(target=accept, daemon=True).start()
for _ in range(n):
    c = socket.create_connection(("127.0.0.1", ls.getsockname()[1]))
    c.close()
while len(held) < n:
    time.sleep(0.01)
with open(portfile + ".tmp", "w") as f:
    f.write(str(ls.getsockname()[1]))
import os; os.rename(portfile + ".tmp", portfile)
time.sleep(60)
PY

cat >"$tmp/short.py" <<'PY'
# N short connections to a listener that closes once the client has: the
# client closes first, so its end goes through TIME_WAIT.
import socket, sys, threading, time
n, portfile = int(sys.argv[1]), sys.argv[2]
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(256)
port = ls.getsockname()[1]
def serve():
    while True:
        s, _ = ls.accept()
        while s.recv(4096):
            pass
        s.close()
threading.Thread(target=serve, daemon=True).start()
for _ in range(n):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(b"GET / HTTP/1.0\r\n\r\n")
    c.close()
time.sleep(0.5)               # the last FINs cross
with open(portfile + ".tmp", "w") as f:
    f.write(str(port))
import os; os.rename(portfile + ".tmp", portfile)
time.sleep(60)
PY

# Starts a helper; sets $port, or fails the script.
start() {
	local script=$1 n=$2
	rm -f "$tmp/port"
	python3 "$tmp/$script" "$n" "$tmp/port" &
	helper=$!
	pids+=("$helper")
	for _ in $(seq 100); do
		[ -s "$tmp/port" ] && break
		sleep 0.1
	done
	port=$(cat "$tmp/port" 2>/dev/null)
	if [ -z "$port" ]; then
		echo "FAIL: $script did not start" >&2
		exit 1
	fi
}

# --- a CLOSE_WAIT leak, named with its pid and count ------------------------

start leaker.py 5
leaker=$helper
leak_port=$port

# Fresh CLOSE_WAITs are what every server passes through: no alarm yet.
run sockets --json ":$leak_port" >"$tmp/fresh.jsonl" 2>"$tmp/fresh.err" ||
	fail "sockets --json :PORT exited non-zero: $(cat "$tmp/fresh.err")"
if grep -q '"code":"close_wait_stuck"' "$tmp/fresh.jsonl"; then
	fail "close_wait_stuck on CLOSE_WAITs under a second old (default age 10 s)"
fi

sleep 1.5
run sockets --json --close-wait-age 1 ":$leak_port" >"$tmp/leak.jsonl" 2>"$tmp/leak.err" ||
	fail "sockets --json --close-wait-age 1 exited non-zero: $(cat "$tmp/leak.err")"
python3 - "$tmp/leak.jsonl" "$leaker" "$leak_port" <<'PY' || fail "the CLOSE_WAIT leak is not named"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pid, port = int(sys.argv[2]), sys.argv[3]
ok = True
def bad(msg):
    global ok
    print(msg, file=sys.stderr)
    ok = False
cw = [r for r in recs if r["type"] == "socket" and r["state"] == "CLOSE_WAIT"]
if len(cw) != 5:
    bad(f"{len(cw)} CLOSE_WAIT socket records, expected 5")
for r in cw:
    if r.get("pid") != pid or r.get("comm") != "python3" or r["local"] != "127.0.0.1:" + port:
        bad(f"CLOSE_WAIT socket without its owner: {r}")
counts = [r for r in recs if r["type"] == "counts"]
if len(counts) != 1 or counts[0]["states"]["CLOSE_WAIT"] != 5 or counts[0]["states"]["LISTEN"] != 1:
    bad(f"counts: {counts}")
diags = [r for r in recs if r["type"] == "diagnosis"]
stuck = [d for d in diags if d["code"] == "close_wait_stuck"]
if len(stuck) != 1:
    bad(f"expected one close_wait_stuck, got {diags}")
else:
    d = stuck[0]
    if d["pid"] != pid or d["count"] != 5 or d["endpoint"] != "127.0.0.1:" + port:
        bad(f"close_wait_stuck names the wrong process or count: {d}")
    if not (d["since_s"] >= 1 and d["message"] and "close()" in d["hint"]):
        bad(f"close_wait_stuck evidence: {d}")
    # The leaker never reads: each FIN is still queued, no data is.
    if d["rqueue_full"] is not False or d["eof_unread"] != 5 or d["unread"] != 0:
        bad(f"receive-queue evidence: {d}")
# Records come in order: sockets, counts, diagnoses.
order = [r["type"] for r in recs]
if order != sorted(order, key=["socket", "counts", "diagnosis"].index):
    bad(f"record order: {order}")
sys.exit(0 if ok else 1)
PY

# The text table: ss's columns plus the process.
run sockets --close-wait-age 1 ":$leak_port" >"$tmp/leak.txt" 2>&1 || fail "sockets (text) exited non-zero"
grep -q "^CLOSE_WAIT .*127.0.0.1:$leak_port .*python3,pid=$leaker," "$tmp/leak.txt" ||
	fail "text table lacks the CLOSE_WAIT lines with their process: $(cat "$tmp/leak.txt")"
grep -q "^Counts: LISTEN 1, .*CLOSE_WAIT 5," "$tmp/leak.txt" || fail "text counts: $(grep Counts "$tmp/leak.txt")"
grep -q "close_wait_stuck 127.0.0.1:$leak_port: python3 (pid $leaker) holds 5 sockets" "$tmp/leak.txt" ||
	fail "text diagnosis: $(sed -n '/Diagnoses/,$p' "$tmp/leak.txt")"

# --- filters ----------------------------------------------------------------

run sockets --json state close-wait >"$tmp/state.jsonl" 2>/dev/null || fail "state close-wait exited non-zero"
python3 - "$tmp/state.jsonl" "$leak_port" <<'PY' || fail "filter 'state close-wait'"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
socks = [r for r in recs if r["type"] == "socket"]
assert socks and all(r["state"] == "CLOSE_WAIT" for r in socks), socks
assert sum(r["local"].endswith(":" + sys.argv[2]) for r in socks) == 5, socks
PY
run sockets --json state listening sport ":$leak_port" >"$tmp/listen.jsonl" 2>/dev/null
python3 - "$tmp/listen.jsonl" "$leak_port" "$leaker" <<'PY' || fail "filter 'state listening sport :PORT'"
import json, sys
socks = [json.loads(l) for l in open(sys.argv[1])]
socks = [r for r in socks if r["type"] == "socket"]
assert len(socks) == 1 and socks[0]["state"] == "LISTEN", socks
assert socks[0]["backlog"] == 64 and socks[0]["pid"] == int(sys.argv[3]), socks
PY

# --- --watch: ages per socket, -c samples -----------------------------------

run sockets --json --watch 0.5 -c 2 state close-wait ":$leak_port" >"$tmp/watch.jsonl" 2>/dev/null ||
	fail "--watch 0.5 -c 2 exited non-zero"
python3 - "$tmp/watch.jsonl" <<'PY' || fail "--watch samples and ages"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
counts = [r for r in recs if r["type"] == "counts"]
assert [c["sample"] for c in counts] == [1, 2], counts
first = {r["remote"]: r["age_s"] for r in recs if r["type"] == "socket" and r["sample"] == 1}
second = [r for r in recs if r["type"] == "socket" and r["sample"] == 2]
assert len(first) == 5 and len(second) == 5, recs
# Already in CLOSE_WAIT before the first sample: ages are lower bounds,
# and half a second older in the second sample.
assert all(r["age_at_least"] and r["age_s"] >= first[r["remote"]] + 0.4 for r in second), (first, second)
PY

# --- 200 short connections: TIME_WAIT towards one remote --------------------

start short.py 200
short_port=$port
run sockets --json ":$short_port" >"$tmp/tw.jsonl" 2>"$tmp/tw.err" || fail "sockets :PORT (TIME_WAIT) exited non-zero"
python3 - "$tmp/tw.jsonl" "$short_port" <<'PY' || fail "time_wait_accumulation does not name the remote"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
remote = "127.0.0.1:" + sys.argv[2]
tw = [r for r in recs if r["type"] == "socket" and r["state"] == "TIME_WAIT" and r["remote"] == remote]
assert len(tw) >= 200, f"{len(tw)} TIME_WAIT sockets to {remote}"
d = [r for r in recs if r["type"] == "diagnosis" and r["code"] == "time_wait_accumulation"]
assert len(d) == 1 and d[0]["endpoint"] == remote and d[0]["count"] >= 200, d
assert d[0]["direction"] == "outgoing" and "keep-alive" in d[0]["hint"] and "pool" in d[0]["hint"], d
PY
# The threshold counts: 200 is not a pile-up when 1000 are allowed.
run sockets --json --time-wait-threshold 1000 ":$short_port" >"$tmp/tw2.jsonl" 2>/dev/null
grep -q time_wait_accumulation "$tmp/tw2.jsonl" && fail "--time-wait-threshold 1000 still reports 200 TIME_WAITs"

# --- without root: a one-line warning, and the rest still works -------------

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$bin" 2>/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups timeout 30 "$bin" sockets --json ":$leak_port" \
		>"$tmp/nobody.jsonl" 2>"$tmp/nobody.err"
	rc=$?
	[ $rc = 0 ] || fail "unprivileged sockets exited $rc: $(cat "$tmp/nobody.err")"
	[ "$(grep -c . "$tmp/nobody.err")" = 1 ] || fail "unprivileged: expected one line on stderr: $(cat "$tmp/nobody.err")"
	grep -q "not root: the owning process of 6 sockets is missing .*/proc/PID/fd.*needs root" "$tmp/nobody.err" ||
		fail "unprivileged warning: $(cat "$tmp/nobody.err")"
	python3 - "$tmp/nobody.jsonl" <<'PY' || fail "unprivileged output"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
cw = [r for r in recs if r["type"] == "socket" and r["state"] == "CLOSE_WAIT"]
assert len(cw) == 5 and all(r["pid"] is None and r["inode"] for r in cw), cw
c = [r for r in recs if r["type"] == "counts"][0]
assert c["owners_missing"] == 6, c
PY
else
	echo "SKIP: unprivileged run (needs root and setpriv, and a binary nobody can run)" >&2
fi

# --- usage errors: one line, exit status 2 ----------------------------------

for args in "--watch" "--watch 0" "-c 3" "--bogus" "frobnicate :80" "state nosuchstate" "--time-wait-threshold x"; do
	# shellcheck disable=SC2086
	run sockets $args >"$tmp/u.out" 2>"$tmp/u.err"
	rc=$?
	[ $rc = 2 ] || fail "'sockets $args' exited $rc, expected 2"
	[ "$(grep -c . "$tmp/u.err")" = 1 ] || fail "'sockets $args': not one line: $(cat "$tmp/u.err")"
	[ -s "$tmp/u.out" ] && fail "'sockets $args' wrote to stdout"
done
run sockets --help | grep -q "^usage: tcpstate sockets" || fail "--help"

if [ $failures -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "ok"
