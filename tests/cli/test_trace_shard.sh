#!/usr/bin/env bash
# tcpstate trace --shard K/N (DESIGN.md, "Where it runs": N processes share
# a capture by a hash of the 4-tuple, without sharing state).  On a capture
# of 120 connections of every ending (closed by either side, refused,
# reset, unanswered, still open, a 4-tuple used twice), IPv4 and IPv6:
# every connection is followed by exactly one shard, which writes exactly
# the segment, connection and diagnosis records the unsharded run writes
# for it (the connection number aside); numbers are unique across shards
# and shard K's are K modulo N; the summaries' counts add up.  Then the
# bad values, each a one-line error with exit status 2.
# $1 is the tcpstate binary.
set -u

bin=${1:?usage: test_trace_shard.sh PATH/TO/tcpstate}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# Connection i from client 10.1.x.y (or 2001:db8::1:i) to one of three
# servers; its kind by i % 6.  Segments of all connections interleave in
# time, as a busy link's would.
python3 - "$tmp" "$here" <<'PY' || fail "writing the captures"
import sys
sys.path.insert(0, sys.argv[2])
import mkpcap

def conversation(i, c, s, t0):
    cp, sp = 20000 + i, (80, 443, 9000)[i % 3]
    a, b = 1000 * i, 500000 + 1000 * i
    kind = i % 6
    segs = [(0, c, s, cp, sp, "S", a, 0, 0)]
    if kind == 1:   # refused
        return segs + [(1, s, c, sp, cp, "R.", 0, a + 1, 0)]
    if kind == 2:   # unanswered, sent again
        return segs + [(30, c, s, cp, sp, "S", a, 0, 0)]
    segs += [(1, s, c, sp, cp, "S.", b, a + 1, 0), (2, c, s, cp, sp, ".", a + 1, b + 1, 0),
             (3, c, s, cp, sp, "P.", a + 1, b + 1, 100), (4, s, c, sp, cp, "P.", b + 1, a + 101, 50)]
    if kind == 3:   # reset in ESTABLISHED
        return segs + [(5, s, c, sp, cp, "R.", b + 51, a + 101, 0)]
    if kind == 4:   # still open at the end
        return segs
    first, second = (c, s) if kind == 0 else (s, c)
    fa, fb = (a + 101, b + 51) if kind == 0 else (b + 51, a + 101)
    fp, sp2 = (cp, sp) if kind == 0 else (sp, cp)
    return segs + [(5, first, second, fp, sp2, "F.", fa, fb, 0),
                   (6, second, first, sp2, fp, ".", fb, fa + 1, 0),
                   (7, second, first, sp2, fp, "F.", fb, fa + 1, 0),
                   (8, first, second, fp, sp2, ".", fa + 1, fb + 1, 0)]

for v6 in (False, True):
    segs = []
    for i in range(120):
        c = f"2001:db8::1:{i:x}" if v6 else f"10.1.{i // 200}.{i % 200 + 1}"
        s = f"2001:db8::2:{i % 3}" if v6 else f"10.2.0.{i % 3 + 1}"
        t0 = 1700000000 + i * 0.01
        for k, (step, src, dst, sport, dport, flags, seq, ack, n) in enumerate(conversation(i, c, s, t0)):
            segs.append((t0 + step * 0.1, src, dst, sport, dport, flags, seq, ack, n))
    # the first connection's 4-tuple used again, after its TIME_WAIT
    c, s = ("2001:db8::1:0", "2001:db8::2:0") if v6 else ("10.1.0.1", "10.2.0.1")
    t = 1700000200.0
    segs += [(t, c, s, 20000, 80, "S", 7, 0, 0), (t + 0.1, s, c, 80, 20000, "S.", 9, 8, 0)]
    segs.sort(key=lambda x: x[0])
    mkpcap.write_pcap(f"{sys.argv[1]}/{'v6' if v6 else 'v4'}.pcap", segs, ipv6=v6)
PY

compare() { # compare PCAP N: the shards' records against the unsharded run's
	local pcap=$1 n=$2 k
	"$bin" trace --json --time-wait-threshold 5 -r "$pcap" >"$tmp/all.jsonl" 2>/dev/null ||
		fail "$pcap: unsharded run failed"
	for ((k = 1; k <= n; k++)); do
		"$bin" trace --json --time-wait-threshold 5 --shard "$k/$n" -r "$pcap" \
			>"$tmp/shard$k.jsonl" 2>/dev/null || fail "$pcap: shard $k/$n failed"
	done
	python3 - "$tmp" "$n" <<'PY' || fail "$pcap: $n shards do not add up to the unsharded run"
import collections, json, sys

tmp, n = sys.argv[1], int(sys.argv[2])

def load(path):
    """Records by connection, keyed by (client, server, incarnation of that
    4-tuple), conn numbers taken out; aggregate diagnoses (conn 0) apart."""
    conns, ident, aggregate = collections.defaultdict(list), {}, []
    recs = [json.loads(line) for line in open(path)]
    seen = collections.Counter()
    for r in recs:   # the key of each conn number, from its connection record
        if r["type"] == "connection":
            pair = (r["client"], r["server"])
            ident[r["conn"]] = pair + (seen[pair],)
            seen[pair] += 1
    for r in recs:
        if r.get("conn", 0) == 0:
            aggregate.append(r)
            continue
        conns[ident[r["conn"]]].append({k: v for k, v in r.items() if k != "conn"})
    return conns, set(ident), aggregate

allc, allnums, _ = load(f"{tmp}/all.jsonl")
seen = {}
nums = set()
for k in range(1, n + 1):
    conns, cnums, _ = load(f"{tmp}/shard{k}.jsonl")
    for num in cnums:
        assert num % n == k % n, f"shard {k}/{n} numbers a connection {num}"
        assert num not in nums, f"connection number {num} in two shards"
        nums.add(num)
    for key, recs in conns.items():
        assert key not in seen, f"{key} followed by shards {seen[key]} and {k}"
        seen[key] = k
        assert recs == allc[key], f"{key}: shard {k}/{n} wrote\n{recs}\nnot\n{allc[key]}"
missing = set(allc) - set(seen)
assert not missing, f"followed by no shard: {sorted(missing)[:3]}"
assert len(set(seen.values())) == n, f"some of the {n} shards followed nothing"
PY
}

for f in v4 v6; do
	compare "$tmp/$f.pcap" 3
	compare "$tmp/$f.pcap" 7
	compare "$tmp/$f.pcap" 1
done

# The summaries' counts add up: connections, packets, bytes.
"$bin" trace --summary -r "$tmp/v4.pcap" 2>/dev/null | tail -1 >"$tmp/total"
for k in 1 2 3 4; do
	"$bin" trace --summary --shard "$k/4" -r "$tmp/v4.pcap" 2>/dev/null | tail -1
done >"$tmp/parts"
python3 - "$tmp/total" "$tmp/parts" <<'PY' || fail "the shards' summary counts do not add up"
import re, sys
nums = lambda line: [int(x) for x in re.findall(r"\d+", line)]
total = nums(open(sys.argv[1]).read())
parts = [nums(l) for l in open(sys.argv[2])]
assert [sum(p[i] for p in parts) for i in range(len(total))] == total, (total, parts)
PY

# Bad values: one line, exit status 2.
for v in 0/3 4/3 1/0 3 1/x x/2 /3 3/ 1/65537 -1/3 "1/3 "; do
	"$bin" trace --shard "$v" -r "$tmp/v4.pcap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "--shard '$v': exit $rc, expected 2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "--shard" "$tmp/err" ||
		fail "--shard '$v': stderr is not one line naming --shard: $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || fail "--shard '$v': wrote to stdout"
done
"$bin" trace --shard >"$tmp/out" 2>"$tmp/err" </dev/null
[ $? -eq 2 ] || fail "--shard without a value: exit status"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "ok"
