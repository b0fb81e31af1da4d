#!/usr/bin/env python3
"""Compares tcpstate trace's segment labels with tshark's TCP analysis flags
on the same captures, per connection and per flag where the two name the
same thing.  tshark's verdicts are read from a TSV of per-stream counts
(../shared/corpus/tshark-expected.tsv: pcap, stream, first_src, first_sport,
first_dst, first_dport, ..., one column per analysis flag).

usage: tshark_compare.py TCPSTATE CORPUS_DIR EXPECTED_TSV [--explained TSV] [-v]
Prints, per flag, how many connections agree on the count, and the
differences.  With --explained, every difference must be listed there
(pcap, stream, label, tcpstate's count, tshark's count, the section of
docs/trace-vs-tshark.md that explains it): an unexplained one fails (exit 1),
and a listed one that no longer happens is reported as stale."""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys

# tcpstate label -> tshark column(s) whose counts it should equal.
FLAGS = {
    "retransmission": ["retransmission", "fast_retransmission", "spurious_retransmission"],
    "zero window": ["zero_window"],
    "window probe": ["zero_window_probe"],
    "keep-alive": ["keep_alive"],
    "window update": ["window_update"],
    "out of order": ["out_of_order"],
}


def trace_conns(binary, path):
    out = subprocess.run([binary, "trace", "--json", "-r", path], capture_output=True, text=True,
                         timeout=120)
    segs = collections.defaultdict(collections.Counter)
    conns = []
    for line in out.stdout.splitlines():
        rec = json.loads(line)
        if rec["type"] == "segment":
            segs[rec["conn"]][rec["label"]] += 1
        elif rec["type"] == "connection":
            conns.append((rec["client"], rec["server"], segs[rec["conn"]]))
    return conns


def endpoint(addr, port):
    return "[%s]:%s" % (addr, port) if ":" in addr else "%s:%s" % (addr, port)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("corpus")
    ap.add_argument("tsv")
    ap.add_argument("--explained")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()

    streams = collections.defaultdict(list)
    with open(a.tsv) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            streams[row["pcap"]].append(row)

    agree = collections.Counter()
    total = collections.Counter()
    sums = collections.defaultdict(lambda: [0, 0])
    missing = 0
    diffs = []
    for pcap, rows in sorted(streams.items()):
        path = os.path.join(a.corpus, pcap)
        ours = trace_conns(a.binary, path)
        used = [False] * len(ours)
        for row in sorted(rows, key=lambda r: int(r["stream"])):
            ends = {endpoint(row["first_src"], row["first_sport"]), endpoint(row["first_dst"], row["first_dport"])}
            match = None
            for i, (c, s, _) in enumerate(ours):
                if not used[i] and {c, s} == ends:
                    match = i
                    break
            if match is None:
                missing += 1
                continue
            used[match] = True
            labels = ours[match][2]
            for label, cols in FLAGS.items():
                theirs = sum(int(row[c]) for c in cols)
                mine = labels.get(label, 0)
                total[label] += 1
                sums[label][0] += mine
                sums[label][1] += theirs
                if mine == theirs:
                    agree[label] += 1
                else:
                    diffs.append((pcap, row["stream"], label, str(mine), str(theirs)))
    print("%-16s %10s %12s %12s" % ("label", "agree", "tcpstate", "tshark"))
    for label in FLAGS:
        pct = 100.0 * agree[label] / total[label] if total[label] else 100.0
        print("%-16s %5d/%-4d %11d %12d   (%.1f%%)" % (label, agree[label], total[label], sums[label][0],
                                                      sums[label][1], pct))
    print("tshark streams not matched by 4-tuple (tunnels: tshark lists outer addresses): %d" % missing)
    explained = {}
    if a.explained:
        with open(a.explained) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    cols = line.rstrip("\n").split("\t")
                    explained[tuple(cols[:5])] = cols[5] if len(cols) > 5 else ""
    unexplained = [d for d in diffs if d not in explained]
    for d in diffs:
        if a.v or d in unexplained:
            why = explained.get(d)
            print("  %s stream %s: %s tcpstate %s, tshark %s%s" % (
                d + ((" -- " + why) if why else "  UNEXPLAINED",)))
    for d in sorted(set(explained) - set(diffs)):
        print("  stale: %s stream %s %s (%s/%s) no longer differs" % d)
    if a.explained:
        if unexplained:
            print("FAIL: %d differences not explained in docs/trace-vs-tshark.md" % len(unexplained))
            return 1
        print("%d differences, every one explained" % len(diffs))
    print("%d passed, 0 failed" % len(FLAGS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
