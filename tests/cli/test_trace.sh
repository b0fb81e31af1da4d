#!/usr/bin/env bash
# tcpstate trace, from the outside, on captures written by mkpcap.py: the
# seed's Concrete Example segment by segment in --json (states and labels
# as the seed draws them), over IPv4 and IPv6; the ladder; --summary;
# --zeek; -c, -S and a filter; a refused connection; interleaved
# connections; a capture cut in the middle of a record; one-line errors
# with exit status 2 for bad usage and 1 for an unreadable capture.
# $1 is the tcpstate binary.
set -u

bin=${1:?usage: test_trace.sh PATH/TO/tcpstate}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# The seed's exchange: client 10.0.0.1:43236, server 10.0.0.2:9000, ISNs
# 1000 and 4000, 499 bytes each way.
seed_spec() {
	local c=$1 s=$2
	cat <<EOF
1700000000.000000 $c 43236 $s 9000 S  1000 0    0   64240
1700000000.000100 $s 9000 $c 43236 S. 4000 1001 0   65160
1700000000.000200 $c 43236 $s 9000 .  1001 4001 0   502
1700000000.001000 $c 43236 $s 9000 P. 1001 4001 499 502
1700000000.002000 $s 9000 $c 43236 P. 4001 1500 499 509
1700000000.003000 $c 43236 $s 9000 F. 1500 4500 0   502
1700000000.003100 $s 9000 $c 43236 .  4500 1501 0   509
1700000000.004000 $s 9000 $c 43236 F. 4500 1501 0   509
1700000000.004100 $c 43236 $s 9000 .  1501 4501 0   502
EOF
}
seed_spec 10.0.0.1 10.0.0.2 | python3 "$here/mkpcap.py" "$tmp/seed.pcap" || fail "mkpcap.py seed"
seed_spec 2001:db8::1 2001:db8::2 | python3 "$here/mkpcap.py" "$tmp/seed6.pcap" --ipv6 ||
	fail "mkpcap.py seed --ipv6"

# --- the seed's segments and states, exactly (--json) ---------------------------

check_seed_json() {
	local pcap=$1 client=$2 server=$3
	"$bin" trace -r "$pcap" --json >"$tmp/seed.jsonl" 2>"$tmp/err" ||
		fail "trace --json $pcap exited non-zero: $(cat "$tmp/err")"
	python3 - "$tmp/seed.jsonl" "$client" "$server" <<'PY' || fail "trace --json $pcap does not match the seed"
import json, sys

# from, flags, seq, ack, len, client state, server state, label: the
# seed's diagram.  Sequence numbers relative, as tcpdump prints them (a
# SYN's as on the wire).
expected = [
    ("client", "S",  1000, 0,    0,   "SYN_SENT",    "SYN_RCVD",    "handshake 1/3"),
    ("server", "S.", 4000, 1001, 0,   "ESTABLISHED", "SYN_RCVD",    "handshake 2/3"),
    ("client", ".",  1,    1,    0,   "ESTABLISHED", "ESTABLISHED", "handshake 3/3"),
    ("client", "P.", 1,    1,    499, "ESTABLISHED", "ESTABLISHED", "data"),
    ("server", "P.", 1,    500,  499, "ESTABLISHED", "ESTABLISHED", "data"),
    ("client", "F.", 500,  500,  0,   "FIN_WAIT_1",  "CLOSE_WAIT",  "close 1/4"),
    ("server", ".",  500,  501,  0,   "FIN_WAIT_2",  "CLOSE_WAIT",  "close 2/4"),
    ("server", "F.", 500,  501,  0,   "TIME_WAIT",   "LAST_ACK",    "close 3/4"),
    ("client", ".",  501,  501,  0,   "TIME_WAIT",   "CLOSED",      "close 4/4"),
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
    if got != want:
        print(f"segment {i}: got {got}, expected {want}", file=sys.stderr)
        ok = False
    if seg["conn"] != 1 or not isinstance(seg["t"], float) or not isinstance(seg["win"], int):
        print(f"segment {i}: bad conn/t/win in {seg}", file=sys.stderr)
        ok = False
times = [s["t"] for s in segments]
if times[0] != 0.0 or abs(times[-1] - 0.0041) > 1e-9:
    print(f"t is not seconds since the first packet: {times}", file=sys.stderr)
    ok = False
want_conn = {
    "type": "connection", "conn": 1, "client": sys.argv[2], "server": sys.argv[3],
    "start": "handshake",
    "states": {
        "client": ["CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"],
        "server": ["LISTEN", "SYN_RCVD", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"],
    },
    "packets": {"client": 5, "server": 4},
    "bytes": {"client": 499, "server": 499},
    "closed_by": "client", "diagnoses": [],
    "zeek_state": "SF", "history": "ShADdFaf",
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
}
check_seed_json "$tmp/seed.pcap" 10.0.0.1:43236 10.0.0.2:9000
check_seed_json "$tmp/seed6.pcap" '[2001:db8::1]:43236' '[2001:db8::2]:9000'

# -S: the numbers as on the wire, as in the seed's diagram.
"$bin" trace -S -r "$tmp/seed.pcap" --json >"$tmp/abs.jsonl" 2>&1 || fail "trace -S --json"
python3 - "$tmp/abs.jsonl" <<'PY' || fail "trace -S: sequence numbers not absolute"
import json, sys
segs = [json.loads(l) for l in open(sys.argv[1]) if '"segment"' in l]
got = [(s["seq"], s["ack"]) for s in segs]
want = [(1000, 0), (4000, 1001), (1001, 4001), (1001, 4001), (4001, 1500), (1500, 4500),
        (4500, 1501), (4500, 1501), (1501, 4501)]
if got != want:
    print(f"got {got}", file=sys.stderr)
    sys.exit(1)
PY

# --- the ladder draws the seed's diagram ------------------------------------------

"$bin" trace -S -r "$tmp/seed.pcap" >"$tmp/seed.txt" 2>&1 || fail "trace -S (ladder) exited non-zero"
for line in 'connection 1: client 10.0.0.1:43236, server 10.0.0.2:9000 (handshake)' \
	'--- SYN seq=1000 ---' '<-- SYN seq=4000, ACK=1001 ---' '--- ACK=4001 ---' \
	'--- 499 bytes seq=1001, ACK=4001 ---' '--- FIN seq=1500, ACK=4500 ---' \
	'<-- ACK=1501 ---' '<-- FIN seq=4500, ACK=1501 ---' '--- ACK=4501 ---' \
	'state=CLOSED                                     state=LISTEN' \
	'state=SYN_SENT                                   state=SYN_RCVD' \
	'state=FIN_WAIT_1                                 state=CLOSE_WAIT' \
	'state=TIME_WAIT (waits 2*MSL)                    state=LAST_ACK' \
	'handshake 1/3' 'close 4/4' 'closed by the client'; do
	grep -qF -- "$line" "$tmp/seed.txt" || fail "ladder lacks '$line'"
done
# One connection: no line carries a connection number.
if grep -qE '^ +1  ' "$tmp/seed.txt"; then
	fail "single-connection ladder has numbered lines"
fi
"$bin" trace -r "$tmp/seed.pcap" | grep -qF -- '--- ACK=1 ---' || fail "ladder: relative ACK by default"

# --- --summary, --zeek -------------------------------------------------------------

"$bin" trace --summary -r "$tmp/seed.pcap" >"$tmp/sum.txt" 2>&1 || fail "--summary exited non-zero"
[ "$(wc -l <"$tmp/sum.txt")" -eq 2 ] || fail "--summary: expected a line and the totals: $(cat "$tmp/sum.txt")"
grep -q '10.0.0.1:43236 > 10.0.0.2:9000  TIME_WAIT/CLOSED  5/4 pkts  499/499 bytes' "$tmp/sum.txt" ||
	fail "--summary line: $(head -1 "$tmp/sum.txt")"
grep -q '^1 connection (1 closed' "$tmp/sum.txt" || fail "--summary totals: $(tail -1 "$tmp/sum.txt")"
"$bin" trace --summary --json -r "$tmp/seed.pcap" >"$tmp/sumjson.txt" 2>&1 || fail "--summary --json"
[ "$(grep -c '"type":"segment"' "$tmp/sumjson.txt")" -eq 0 ] &&
	[ "$(grep -c '"type":"connection"' "$tmp/sumjson.txt")" -eq 1 ] ||
	fail "--summary --json: want the connection record alone"

"$bin" trace --zeek -r "$tmp/seed.pcap" >"$tmp/conn.log" 2>&1 || fail "--zeek exited non-zero"
python3 - "$tmp/conn.log" <<'PY' || fail "--zeek: not the conn.log expected"
import re, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "no final newline"
lines = lines[:-1]
heads = [l.split("\t")[0].split(" ")[0] for l in lines if l.startswith("#")]
assert heads == ["#separator", "#set_separator", "#empty_field", "#unset_field", "#path",
                 "#open", "#fields", "#types", "#close"], heads
assert lines[0] == "#separator \\x09", lines[0]
assert re.fullmatch(r"#open\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d", lines[5]), lines[5]
assert re.fullmatch(r"#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d", lines[-1]), lines[-1]
fields = lines[6].split("\t")[1:]
assert fields == ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
                  "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig",
                  "local_resp", "missed_bytes", "history", "orig_pkts", "orig_ip_bytes",
                  "resp_pkts", "resp_ip_bytes", "tunnel_parents"], fields
rows = [l for l in lines if not l.startswith("#")]
assert len(rows) == 1, rows
row = dict(zip(fields, rows[0].split("\t")))
want = {"ts": "1700000000.000000", "id.orig_h": "10.0.0.1", "id.orig_p": "43236",
        "id.resp_h": "10.0.0.2", "id.resp_p": "9000", "proto": "tcp", "duration": "0.004100",
        "orig_bytes": "499", "resp_bytes": "499", "conn_state": "SF", "history": "ShADdFaf",
        "orig_pkts": "5", "resp_pkts": "4", "service": "-", "tunnel_parents": "-"}
for k, v in want.items():
    assert row[k] == v, (k, row[k], v)
assert re.fullmatch(r"C[0-9A-Za-z]{17}", row["uid"]), row["uid"]
PY

# --- -c and a filter ------------------------------------------------------------------

n=$("$bin" trace -c 3 -r "$tmp/seed.pcap" --json | grep -c '"type":"segment"')
[ "$n" -eq 3 ] || fail "-c 3: $n segment records"
n=$("$bin" trace -r "$tmp/seed.pcap" --json port 9999 | wc -l)
[ "$n" -eq 0 ] || fail "filter 'port 9999': $n records"
n=$("$bin" trace -r "$tmp/seed.pcap" --json tcp port 9000 | grep -c '"type":"segment"')
[ "$n" -eq 9 ] || fail "filter 'tcp port 9000': $n segment records"
"$bin" trace --json -r - <"$tmp/seed.pcap" | grep -q '"history":"ShADdFaf"' || fail "-r - (standard input)"

# --- a refused connection, and connections interleaved ------------------------------

cat >"$tmp/two.spec" <<'EOF'
1700000100.000000 10.0.0.1 43300 10.0.0.2 9000 S  1000 0    0
1700000100.000050 10.0.0.3 43400 10.0.0.2 9001 S  7000 0    0
1700000100.000100 10.0.0.2 9001 10.0.0.3 43400 R. 0    7001 0 0
1700000100.000200 10.0.0.2 9000 10.0.0.1 43300 S. 4000 1001 0
1700000100.000300 10.0.0.1 43300 10.0.0.2 9000 .  1001 4001 0
EOF
python3 "$here/mkpcap.py" "$tmp/two.pcap" <"$tmp/two.spec" || fail "mkpcap.py two"
"$bin" trace -r "$tmp/two.pcap" --json >"$tmp/two.jsonl" 2>&1 || fail "trace two.pcap --json"
python3 - "$tmp/two.jsonl" <<'PY' || fail "two.pcap: refused connection or interleaving wrong"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
segs = [(r["conn"], r["label"]) for r in recs if r["type"] == "segment"]
assert segs == [(1, "handshake 1/3"), (2, "handshake 1/3"), (2, "reset"), (1, "handshake 2/3"),
                (1, "handshake 3/3")], segs
conns = {r["conn"]: r for r in recs if r["type"] == "connection"}
assert conns[2]["zeek_state"] == "REJ" and conns[2]["history"] == "Sr", conns[2]
assert conns[2]["closed_by"] == "server", conns[2]
assert conns[1]["zeek_state"] == "S1" and conns[1]["history"] == "ShA", conns[1]
PY
"$bin" trace -r "$tmp/two.pcap" >"$tmp/two.txt" 2>&1 || fail "trace two.pcap (ladder)"
grep -qE '^    2    0\.000000  --- SYN seq=7000' "$tmp/two.txt" ||
	fail "interleaved ladder: lines not numbered: $(cat "$tmp/two.txt")"
grep -q 'refused (RST to the SYN)' "$tmp/two.txt" || fail "ladder: refused connection not told"

# --- a capture cut in the middle of a record: what was read, then one line -----------

size=$(wc -c <"$tmp/seed.pcap")
head -c $((size - 30)) "$tmp/seed.pcap" >"$tmp/cut.pcap"
"$bin" trace -r "$tmp/cut.pcap" --json >"$tmp/cut.out" 2>"$tmp/cut.err"
rc=$?
[ "$rc" -eq 1 ] || fail "cut capture: exit $rc, expected 1"
[ "$(grep -c '"type":"segment"' "$tmp/cut.out")" -eq 8 ] || fail "cut capture: the 8 whole records not drawn"
grep -q '"type":"connection"' "$tmp/cut.out" || fail "cut capture: no connection record"
[ "$(wc -l <"$tmp/cut.err")" -eq 1 ] || fail "cut capture: stderr not one line: $(cat "$tmp/cut.err")"
grep -q "^tcpstate: $tmp/cut.pcap: .*offset [0-9]" "$tmp/cut.err" ||
	fail "cut capture: error lacks file or byte offset: $(cat "$tmp/cut.err")"

# --- errors: one line naming the problem --------------------------------------------

expect_error() {
	local want_rc=$1 what=$2 pattern=$3
	shift 3
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	[ "$rc" -eq "$want_rc" ] || fail "$what: exit $rc, expected $want_rc"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$tmp/err")"
	grep -q -- "$pattern" "$tmp/err" || fail "$what: stderr does not name '$pattern': $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || fail "$what: wrote to stdout"
}
expect_error 2 "-r and -i" "-r and -i" trace -r "$tmp/seed.pcap" -i lo
expect_error 2 "--json and --zeek" "--json and --zeek" trace -r "$tmp/seed.pcap" --json --zeek
expect_error 2 "-c 0" "'0'" trace -c 0 -r "$tmp/seed.pcap"
expect_error 2 "-c not a number" "'abc'" trace -c abc -r "$tmp/seed.pcap"
expect_error 2 "-c negative" "'-3'" trace -c -3 -r "$tmp/seed.pcap"
expect_error 2 "-r without a file" "-r" trace -r
expect_error 2 "-c without a number" "-c" trace -r "$tmp/seed.pcap" -c
expect_error 2 "unknown option" "--bogus" trace --bogus -r "$tmp/seed.pcap"
expect_error 1 "nonexistent file" "^tcpstate: $tmp/none.pcap: No such file" trace -r "$tmp/none.pcap"
printf 'not a capture at all, not even close\n' >"$tmp/junk.pcap"
expect_error 1 "not a capture" "^tcpstate: $tmp/junk.pcap" trace -r "$tmp/junk.pcap"
expect_error 1 "bad filter" "^tcpstate: " trace -r "$tmp/seed.pcap" port notanumber

# --- segments after their connection ended ---------------------------------------------
# The server's FIN sent again after the client's last ACK (which it never
# got).  Within 3 s the record still waits: the copy takes the ACK back
# (the server in LAST_ACK again, revised).  Later, the record is out, so
# the copy is counted on stderr, not lost silently.

{
	seed_spec 10.0.0.1 10.0.0.2
	echo "1700000000.404000 10.0.0.2 9000 10.0.0.1 43236 F. 4500 1501 0 509"
} | python3 "$here/mkpcap.py" "$tmp/again.pcap" || fail "mkpcap.py again"
"$bin" trace --json -r "$tmp/again.pcap" >"$tmp/again.jsonl" 2>"$tmp/again.err" || fail "trace again.pcap"
grep -q '"flags":"F.".*"label":"retransmission".*"server":"LAST_ACK","revised":true' "$tmp/again.jsonl" ||
	fail "the FIN sent again did not take the last ACK back: $(tail -2 "$tmp/again.jsonl")"
! grep -q "came after" "$tmp/again.err" || fail "the FIN within the hold taken for a late segment"
{
	seed_spec 10.0.0.1 10.0.0.2
	echo "1700000005.000000 10.0.0.2 9000 10.0.0.1 43236 F. 4500 1501 0 509"
} | python3 "$here/mkpcap.py" "$tmp/late.pcap" || fail "mkpcap.py late"
"$bin" trace --summary -r "$tmp/late.pcap" >/dev/null 2>"$tmp/late.err" || fail "trace late.pcap"
grep -q "^tcpstate: 1 segment came after its connection had ended" "$tmp/late.err" ||
	fail "late segment not reported: $(cat "$tmp/late.err")"
"$bin" trace --summary -r "$tmp/seed.pcap" >/dev/null 2>"$tmp/seed.err" || fail "trace seed.pcap"
[ ! -s "$tmp/seed.err" ] || fail "stderr for a clean capture: $(cat "$tmp/seed.err")"

# --- help ----------------------------------------------------------------------------

"$bin" trace --help | grep -q -- "--zeek" || fail "tcpstate trace --help"
"$bin" help trace | grep -q -- "-r FILE" || fail "tcpstate help trace"
"$bin" --help | grep -q "trace" || fail "tcpstate --help does not list trace"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "ok"
