#!/usr/bin/env bash
# tcpstate explain, from the outside: every state under every spelling a
# user may type, the diagram with all eleven states, --json that parses,
# and one-line errors with exit status 2.  $1 is the tcpstate binary.
set -u

bin=${1:?usage: test_explain.sh PATH/TO/tcpstate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

states="CLOSED LISTEN SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT"

# --- every state, as the seed spells it and as ss does -------------------------

for s in $states; do
	lower=$(tr 'A-Z_' 'a-z-' <<<"$s")
	for name in "$s" "$lower"; do
		"$bin" explain "$name" >"$tmp/out" 2>"$tmp/err" || fail "explain $name: exit $?: $(cat "$tmp/err")"
		[ ! -s "$tmp/err" ] || fail "explain $name wrote to stderr: $(cat "$tmp/err")"
		head -n1 "$tmp/out" | grep -q "^$s: " || fail "explain $name: first line does not name $s"
		for section in "What it means" "Who is in it" "Waiting for" "Normal?" \
			"When it is a bug" "How to confirm"; do
			grep -qxF "$section" "$tmp/out" || fail "explain $name: no '$section' section"
		done
	done
	"$bin" explain "$s" --json >"$tmp/$s.json" 2>"$tmp/err" || fail "explain $s --json: exit $?"
	python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/$s.json" ||
		fail "explain $s --json is not JSON"
done

# The spellings of ss, the RFC and common usage.
for pair in syn-recv:SYN_RCVD SYN-RECEIVED:SYN_RCVD ESTAB:ESTABLISHED close-wait:CLOSE_WAIT \
	TIME-WAIT:TIME_WAIT syn-sent:SYN_SENT FIN_WAIT2:FIN_WAIT_2 listening:LISTEN; do
	"$bin" explain "${pair%%:*}" | head -n1 | grep -q "^${pair#*:}: " ||
		fail "explain ${pair%%:*} is not ${pair#*:}"
done

# The seed's bugs under the state they show as, with their diagnosis codes.
for pair in SYN_SENT:syn_unanswered SYN_RCVD:handshake_incomplete CLOSE_WAIT:close_wait_stuck \
	TIME_WAIT:time_wait_accumulation ESTABLISHED:reset_established SYN_SENT:connection_refused \
	CLOSED:connection_refused LISTEN:accept_queue_full FIN_WAIT_2:fin_wait_2_held \
	LAST_ACK:last_ack_held; do
	"$bin" explain "${pair%%:*}" | grep -qF "${pair#*:}" || fail "explain ${pair%%:*} lacks ${pair#*:}"
done
"$bin" explain close-wait | grep -qF 'ss -tanp state close-wait' || fail "close-wait: no ss command"

# --json: the keys scripts rely on, and rows that agree with the text.
python3 - "$tmp" $states <<'PY' || fail "explain --json lacks keys or rows"
import json, os, sys
ok = True
for s in sys.argv[2:]:
    d = json.load(open(os.path.join(sys.argv[1], s + ".json")))
    for k in ("state", "meaning", "side", "incoming", "outgoing", "normal", "bugs", "confirm"):
        if k not in d:
            print(f"{s}: no {k}", file=sys.stderr)
            ok = False
    if d.get("state") != s:
        print(f"{s}: state is {d.get('state')!r}", file=sys.stderr)
        ok = False
    if d.get("normal") not in ("normal", "normal if brief", "usually a bug"):
        print(f"{s}: normal is {d.get('normal')!r}", file=sys.stderr)
        ok = False
    if not d.get("outgoing") or any(not {"to", "event", "send"} <= set(r) for r in d["outgoing"]):
        print(f"{s}: bad outgoing {d.get('outgoing')!r}", file=sys.stderr)
        ok = False
    if not d.get("incoming") or any(not {"from", "event", "send"} <= set(r) for r in d["incoming"]):
        print(f"{s}: bad incoming {d.get('incoming')!r}", file=sys.stderr)
        ok = False
    if any("code" not in b for b in d.get("bugs", [])):
        print(f"{s}: a bug without a code key", file=sys.stderr)
        ok = False
cw = json.load(open(os.path.join(sys.argv[1], "CLOSE_WAIT.json")))
if [b["code"] for b in cw["bugs"]] != ["close_wait_stuck"] or cw["normal"] != "usually a bug":
    print(f"CLOSE_WAIT: {cw['bugs']}, {cw['normal']}", file=sys.stderr)
    ok = False
if [r["from"] for r in cw["incoming"]] != ["ESTABLISHED"]:
    print(f"CLOSE_WAIT incoming: {cw['incoming']}", file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)
PY

# --- explain alone: the diagram ---------------------------------------------------

"$bin" explain >"$tmp/diagram" 2>"$tmp/err" || fail "explain: exit $?: $(cat "$tmp/err")"
for s in $states; do
	grep -q "^  $s " "$tmp/diagram" || fail "explain: the list of states lacks $s"
	grep -q -- "--> $s " "$tmp/diagram" || fail "explain: no transition into $s"
done
for text in 'Check yourself' 'CLOSE_WAIT versus TIME_WAIT' 'SYN_SENT --rcv SYN,ACK / ACK--> ESTABLISHED' \
	'TIME_WAIT --timeout 2*MSL--> CLOSED' 'simultaneous close'; do
	grep -qF -- "$text" "$tmp/diagram" || fail "explain: lacks '$text'"
done
"$bin" explain --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["states"]) == 11' ||
	fail "explain --json"
"$bin" explain --questions >"$tmp/q" || fail "explain --questions: exit $?"
grep -qF 'sequence number' "$tmp/q" && grep -qF 'CLOSE_WAIT versus TIME_WAIT' "$tmp/q" ||
	fail "explain --questions lacks an answer"
"$bin" explain --questions --json | python3 -c 'import json,sys; json.load(sys.stdin)' ||
	fail "explain --questions --json"

# --- usage errors: one line naming the problem, exit 2 -----------------------------

expect_usage_error() {
	local what=$1 pattern=$2
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$tmp/err")"
	grep -qF -- "$pattern" "$tmp/err" || fail "$what: stderr does not name '$pattern': $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || fail "$what: wrote to stdout"
}
expect_usage_error "unknown state" "unknown state 'SYN_WAIT' (try: CLOSED, LISTEN," explain SYN_WAIT
expect_usage_error "unknown state, json" "unknown state 'nope'" explain nope --json
expect_usage_error "two states" "one too many" explain LISTEN CLOSED
expect_usage_error "unknown flag" "--bogus" explain --bogus
expect_usage_error "questions with a state" "--questions" explain --questions LISTEN

# --- help -------------------------------------------------------------------------

"$bin" explain --help | grep -q -- "--json" || fail "tcpstate explain --help"
"$bin" help explain | grep -q "STATE" || fail "tcpstate help explain"
"$bin" --help | grep -q "explain" || fail "tcpstate --help does not list explain"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "ok"
