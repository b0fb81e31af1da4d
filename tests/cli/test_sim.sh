#!/usr/bin/env bash
# tcpstate sim, from the outside: the seed's Concrete Example segment by
# segment in --json, every scenario's exit status, and one-line errors
# with exit status 2 for bad usage.  $1 is the tcpstate binary.
set -u

bin=${1:?usage: test_sim.sh PATH/TO/tcpstate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# --- the seed's segments and states, exactly -------------------------------

if ! "$bin" sim --json >"$tmp/seed.jsonl" 2>"$tmp/seed.err"; then
	fail "tcpstate sim --json exited non-zero: $(cat "$tmp/seed.err")"
fi

python3 - "$tmp/seed.jsonl" <<'PY' || fail "tcpstate sim --json does not match the seed"
import json, sys

# from, flags, seq, ack, len, client state, server state, label: the seed's
# Concrete Example, its data exchange as 499 bytes each way.
expected = [
    ("client", "S",  1000, 0,    0,   "SYN_SENT",    "SYN_RCVD",    "handshake 1/3"),
    ("server", "S.", 4000, 1001, 0,   "ESTABLISHED", "SYN_RCVD",    "handshake 2/3"),
    ("client", ".",  1001, 4001, 0,   "ESTABLISHED", "ESTABLISHED", "handshake 3/3"),
    ("client", "P.", 1001, 4001, 499, "ESTABLISHED", "ESTABLISHED", "data"),
    ("server", "P.", 4001, 1500, 499, "ESTABLISHED", "ESTABLISHED", "data"),
    ("client", "F.", 1500, 4500, 0,   "FIN_WAIT_1",  "CLOSE_WAIT",  "close 1/4"),
    ("server", ".",  4500, 1501, 0,   "FIN_WAIT_2",  "CLOSE_WAIT",  "close 2/4"),
    ("server", "F.", 4500, 1501, 0,   "TIME_WAIT",   "LAST_ACK",    "close 3/4"),
    ("client", ".",  1501, 4501, 0,   "TIME_WAIT",   "CLOSED",      "close 4/4"),
]
keys = ("from", "flags", "seq", "ack", "len", "client", "server", "label")

records = [json.loads(line) for line in open(sys.argv[1])]
segments = [r for r in records if r["type"] == "segment"]
conns = [r for r in records if r["type"] == "connection"]
ok = True
if len(segments) != len(expected):
    print(f"{len(segments)} segment records, expected {len(expected)}", file=sys.stderr)
    ok = False
for i, (seg, want) in enumerate(zip(segments, expected), 1):
    got = tuple(seg[k] for k in keys)
    # PSH on data is the sender's choice: accept "." for "P.".
    if got[1] == "." and want[1] == "P.":
        got = got[:1] + ("P.",) + got[2:]
    if got != want:
        print(f"segment {i}: got {got}, expected {want}", file=sys.stderr)
        ok = False
    if seg["conn"] != 1 or not isinstance(seg["t"], float) or not isinstance(seg["win"], int):
        print(f"segment {i}: bad conn/t/win in {seg}", file=sys.stderr)
        ok = False
times = [s["t"] for s in segments]
if times != sorted(times):
    print(f"segment times go backwards: {times}", file=sys.stderr)
    ok = False

want_conn = {
    "type": "connection", "conn": 1,
    "client": "127.0.0.1:43236", "server": "127.0.0.1:9000", "start": "handshake",
    "states": {
        "client": ["CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                   "TIME_WAIT", "CLOSED"],
        "server": ["LISTEN", "SYN_RCVD", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"],
    },
    "packets": {"client": 5, "server": 4},
    "bytes": {"client": 499, "server": 499},
    "closed_by": "client", "diagnoses": [],
}
if len(conns) != 1:
    print(f"{len(conns)} connection records, expected 1", file=sys.stderr)
    ok = False
else:
    for k, v in want_conn.items():
        if conns[0].get(k) != v:
            print(f"connection {k}: got {conns[0].get(k)!r}, expected {v!r}", file=sys.stderr)
            ok = False
if records and records[-1]["type"] != "connection":
    print("the connection record is not last", file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)
PY

# --- the ladder draws the seed's arrows --------------------------------------

"$bin" sim >"$tmp/seed.txt" 2>&1 || fail "tcpstate sim exited non-zero"
for arrow in '--- SYN seq=1000 ---' '<-- SYN seq=4000, ACK=1001 ---' '--- ACK=4001 ---' \
	'--- FIN seq=1500, ACK=4500 ---' '<-- ACK=1501 ---' '<-- FIN seq=4500, ACK=1501 ---' \
	'--- ACK=4501 ---' 'state=TIME_WAIT (waits 2*MSL)'; do
	grep -qF -- "$arrow" "$tmp/seed.txt" || fail "ladder lacks '$arrow'"
done

# --- every scenario ends as expected -------------------------------------------

scenarios=$("$bin" sim --list | awk '{print $1}')
[ -n "$scenarios" ] || fail "tcpstate sim --list printed nothing"
for s in $scenarios; do
	for fmt in "" --json; do
		"$bin" sim --scenario "$s" $fmt >/dev/null 2>"$tmp/err" ||
			fail "scenario $s $fmt: exit $?: $(cat "$tmp/err")"
	done
done
for s in seed simultaneous-open simultaneous-close half-close refused reset lossy time-wait; do
	grep -qx "$s" <<<"$scenarios" || fail "scenario $s missing from --list"
done
"$bin" sim --scenario lossy --loss 10 --seed 7 >/dev/null 2>&1 || fail "lossy --loss 10 --seed 7"
"$bin" sim --scenario=half-close --seed=3 >/dev/null 2>&1 || fail "--flag=value form"

# JSON Lines: every line of every scenario is one JSON object of a known type.
for s in $scenarios; do
	"$bin" sim --scenario "$s" --json >"$tmp/$s.jsonl" 2>/dev/null
done
python3 - "$tmp" $scenarios <<'PY' || fail "a scenario's --json output is not JSON Lines"
import json, os, sys
ok = True
for s in sys.argv[2:]:
    for n, line in enumerate(open(os.path.join(sys.argv[1], s + ".jsonl")), 1):
        try:
            r = json.loads(line)
        except ValueError as e:
            print(f"{s} line {n}: {e}", file=sys.stderr)
            ok = False
            continue
        if r.get("type") not in ("segment", "connection", "diagnosis"):
            print(f"{s} line {n}: type {r.get('type')!r}", file=sys.stderr)
            ok = False
# The diagnoses the seed names, on the scenarios that show them.
def codes(s):
    return [json.loads(l).get("code") for l in open(os.path.join(sys.argv[1], s + ".jsonl"))
            if json.loads(l)["type"] == "diagnosis"]
if codes("refused") != ["connection_refused"]:
    print(f"refused: diagnoses {codes('refused')}", file=sys.stderr)
    ok = False
if codes("reset") != ["reset_established"]:
    print(f"reset: diagnoses {codes('reset')}", file=sys.stderr)
    ok = False
if codes("seed"):
    print(f"seed: diagnoses {codes('seed')}", file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)
PY

# A run that cannot end as expected exits 1 with a message.
"$bin" sim --loss 100 >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "--loss 100: exit $rc, expected 1"
grep -q "timed out" "$tmp/err" || fail "--loss 100: no reason given: $(cat "$tmp/err")"

# --- usage errors: one line naming the problem, exit 2 -------------------------

expect_usage_error() {
	local what=$1 pattern=$2
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$tmp/err")"
	grep -q -- "$pattern" "$tmp/err" || fail "$what: stderr does not name '$pattern': $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || fail "$what: wrote to stdout"
}
expect_usage_error "unknown scenario" "no-such" sim --scenario no-such
expect_usage_error "missing scenario" "--scenario" sim --scenario
expect_usage_error "loss not a number" "abc" sim --loss abc
expect_usage_error "loss above 100" "150" sim --loss 150
expect_usage_error "negative loss" "-5" sim --loss -5
expect_usage_error "loss with junk" "5x" sim --loss 5x
expect_usage_error "missing loss" "--loss" sim --loss
expect_usage_error "seed not a number" "x1" sim --seed x1
expect_usage_error "negative seed" "-1" sim --seed -1
expect_usage_error "unknown flag" "--bogus" sim --bogus
expect_usage_error "unknown subcommand" "frobnicate" frobnicate
"$bin" >/dev/null 2>&1
[ $? -eq 2 ] || fail "no subcommand: expected exit 2"

# --- help -----------------------------------------------------------------------

"$bin" --help | grep -q "sim" || fail "tcpstate --help does not list sim"
"$bin" help >/dev/null || fail "tcpstate help exited non-zero"
"$bin" help sim | grep -q -- "--scenario" || fail "tcpstate help sim"
"$bin" sim --help | grep -q -- "--loss" || fail "tcpstate sim --help"
"$bin" sim -h >/dev/null || fail "tcpstate sim -h"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "ok"
