#!/usr/bin/env bash
# tcpstate trace -i, live: a connection whose record waits (the close's
# last ACK held 3 s, in case the FIN comes again) comes out on time while
# the capture goes on with nothing more to show, not at the next packet or
# at the end.  In a network namespace of its own, on its loopback: the
# client sends a line and closes, the server closes; then silence.  $1 is
# the tcpstate binary.  Needs root (namespaces, capture): else 77, skipped.
set -u

bin=${1:?usage: test_trace_live.sh PATH/TO/tcpstate}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
ns=tcps-live-$$
tmp=$(mktemp -d)
tracer=
cleanup() {
	[ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns" 2>/dev/null || { echo "SKIP: cannot make a network namespace"; exit 77; }
ip -n "$ns" link set lo up

port=9099
ip netns exec "$ns" "$bin" trace -i lo --json "tcp port $port" >"$tmp/out.jsonl" 2>"$tmp/err" &
tracer=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/err" && break; sleep 0.05; done
grep -q "listening on" "$tmp/err" || { echo "FAIL: trace -i lo did not start: $(cat "$tmp/err")"; exit 1; }

# The exchange, then when its last packet left.
ip netns exec "$ns" python3 - "$port" >"$tmp/done" <<'PY' || { echo "FAIL: the exchange itself failed"; exit 1; }
import socket, sys, time
port = int(sys.argv[1])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(1)
cl = socket.create_connection(("127.0.0.1", port), timeout=5)
conn, _ = srv.accept()
cl.sendall(b"hello\n")
conn.recv(100)
cl.close()                      # the client closes first: TIME_WAIT
conn.settimeout(5)
assert conn.recv(100) == b""    # the server reads the FIN, then closes
conn.close()
time.sleep(0.05)                # the last ACK is on the wire
print(time.time())
PY

# Silence from here: the record must come out about 3 s after the last ACK,
# while trace still runs.
seen=
for _ in $(seq 120); do
	if grep -q '"type":"connection"' "$tmp/out.jsonl"; then
		seen=$(date +%s.%N)
		break
	fi
	sleep 0.05
done
kill -0 "$tracer" 2>/dev/null || { echo "FAIL: trace -i ended on its own: $(cat "$tmp/err")"; exit 1; }
[ -n "$seen" ] || { echo "FAIL: no connection record within 6 s of silence (held until the next packet?)"; exit 1; }
python3 - "$tmp/out.jsonl" "$(cat "$tmp/done")" "$seen" <<'PY' || exit 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
conn = [r for r in recs if r["type"] == "connection"]
after = float(sys.argv[3]) - float(sys.argv[2])
ok = True
def bad(msg):
    global ok
    print("FAIL:", msg)
    ok = False
if len(conn) != 1:
    bad(f"expected one connection record, got {len(conn)}")
else:
    st = conn[0]["states"]
    if st["client"][-1] != "TIME_WAIT" or st["server"][-2:] != ["LAST_ACK", "CLOSED"]:
        bad(f"states {st}")
if not 2.5 <= after <= 5.5:
    bad(f"the record came {after:.2f} s after the exchange, not about 3 s (the hold)")
if ok:
    print(f"ok   record out {after:.2f} s after the last ACK, while the capture went on in silence")
sys.exit(0 if ok else 1)
PY
