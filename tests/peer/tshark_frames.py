#!/usr/bin/env python3
"""tcpstate trace's segment labels against tshark's TCP analysis flags,
frame by frame, on captures tshark reads live (the oracle scenarios').

usage: tshark_frames.py TCPSTATE PCAP... [-v]   (-v: every difference, explained too)

Each TCP frame tshark analyses is matched with the segment record trace
printed for it (per connection, in capture order: the sender, sequence
number and length must agree).  Where the two name the same thing
(retransmission, out of order, keep-alive, window probe, zero window,
window update) they must agree, unless the difference is one of those
docs/trace-vs-tshark.md explains and the capture itself shows:

  resent       trace: retransmission, tshark: out of order.  Every byte of
               the segment was already in the capture from the same sender:
               it is sent again.  tshark calls out of order whatever comes
               below the highest sequence number within a round trip of it.
  first sight  trace: out of order, tshark: retransmission.  None of its
               bytes was in the capture before, and it fills the hole its
               sender left a moment earlier: the original, overtaken.
               tshark takes a segment the receiver's duplicate ACKs asked
               for as a fast retransmission before asking whether it is new.
  after an overtaken ACK  trace: window update, tshark: none.  The
               sender's frame before it acknowledged less (an older ACK,
               overtaken): RFC 9293 §3.10.7.4 has its receiver ignore that
               one's window, so trace compares with the newest ACK's window;
               tshark compares with the frame before and wants the same ACK.
  simultaneous open  trace: handshake 2/3, tshark: retransmission.  A
               SYN,ACK from a side that had sent a bare SYN with the same
               sequence number: the second step of its open for trace, its
               SYN sent again for tshark.
  an overtaken ACK  trace: none, tshark: window update.  It acknowledges
               less than its sender already had: its window is ignored
               (above), where tshark compares it with the frame before.
  one span     out of order and retransmission either way round while one
               of the sender's last 64 data segments left a hole below it:
               trace follows one span of holes per connection, from the
               lowest fresh one to the newest, so in a burst of reordering a
               copy of bytes seen inside it, or a hole outside it, can be
               misnamed.  At most 1 % of the compared frames.

Independently of tshark, an out-of-order label on bytes the capture had
already carried is an error (but in a burst of reordering, as above).
Exit 1 on any unexplained difference."""
import argparse
import collections
import difflib
import json
import subprocess
import sys

ANALYSIS = {  # tshark field -> trace label; the first one present names the frame
    "retransmission": "retransmission",
    "fast_retransmission": "retransmission",
    "spurious_retransmission": "retransmission",
    "out_of_order": "out of order",
    "keep_alive": "keep-alive",
    "zero_window_probe": "window probe",
    "zero_window": "zero window",
    "window_update": "window update",
}
COMPARED = set(ANALYSIS.values())
Frame = collections.namedtuple("Frame", "src dst seq ack len win synack label")


def endpoint(addr, port):
    return "[%s]:%s" % (addr, port) if ":" in addr else "%s:%s" % (addr, port)


def tshark_streams(path):
    """{stream: [Frame]} in capture order."""
    fields = ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport",
              "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.window_size", "tcp.flags.syn",
              "tcp.flags.ack"]
    fields += ["tcp.analysis." + f for f in ANALYSIS]
    cmd = ["tshark", "-n", "-r", path, "-Y", "tcp", "-T", "fields", "-E", "separator=/t"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=True).stdout
    streams = collections.defaultdict(list)
    for line in out.splitlines():
        v = line.split("\t")
        # Frames tshark could not dissect whole (no sequence number), or
        # with two TCP headers (a tunnel's aggregate), are left out: the
        # records around them still line up.
        if len(v) < len(fields) or any(not x or "," in x for x in [v[0], v[1] or v[2], v[3], v[4] or v[5],
                                                                     v[6], v[7], v[9], v[10]]):
            continue
        label = next((ANALYSIS[f] for f, x in zip(ANALYSIS, v[13:]) if x), None)
        synack = v[11] == "1" and v[12] == "1"
        streams[int(v[0])].append(Frame(endpoint(v[1] or v[2], v[3]), endpoint(v[4] or v[5], v[6]),
                                        int(v[7]), int(v[8] or 0), int(v[9]), int(v[10]), synack, label))
    return streams


def trace_conns(binary, path):
    """[(client, server, [Frame])] in the order the connections began."""
    out = subprocess.run([binary, "trace", "--json", "-S", "-r", path], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    segs = collections.defaultdict(list)
    conns = []
    for line in out.splitlines():
        rec = json.loads(line)
        if rec["type"] == "segment":
            segs[rec["conn"]].append(rec)
        elif rec["type"] == "connection":
            conns.append((rec["conn"], rec["client"], rec["server"]))
    result = []
    for conn, client, server in sorted(conns):
        ends = (client, server)
        frames = [Frame(*(ends if r["from"] == "client" else ends[::-1]), r["seq"], r["ack"], r["len"],
                        r["win"], r["flags"].startswith("S."), r["label"])
                  for r in segs[conn]]
        result.append((client, server, frames))
    return result


class Seen:
    """The byte ranges one sender has put in the capture so far."""

    def __init__(self):
        self.ranges = []  # [lo, hi) in 64-bit unwrapped sequence space, merged
        self.jumps = []  # per recent data segment: whether it left a hole below it

    def unwrap(self, seq):
        if not self.ranges:
            return seq
        ref = self.ranges[-1][1]
        return ref + ((seq - ref + 2**31) % 2**32 - 2**31)

    def covered(self, lo, hi):
        """How many of [lo, hi)'s bytes are already in."""
        return sum(max(0, min(hi, b) - max(lo, a)) for a, b in self.ranges)

    def note_jump(self, lo):
        """Records whether a data segment starting at lo leaves a hole
        below it; keeps the last 64."""
        top = self.ranges[-1][1] if self.ranges else lo
        self.jumps = (self.jumps + [lo > top])[-64:]

    def reordering(self):
        """A hole opened in the sender's last 64 data segments."""
        return any(self.jumps)

    def add(self, lo, hi):
        merged = []
        for a, b in sorted(self.ranges + [[lo, hi]]):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.ranges = merged


def seq_lt(a, b):
    return 0 < (b - a) % 2**32 < 2**31


def overtaken(frames, i):
    """Whether the sender's frame before frames[i] acknowledged less: an
    older ACK overtaken on the way, whose window its receiver ignores."""
    f = frames[i]
    prev = next((g for g in reversed(frames[:i]) if g.src == f.src), None)
    return prev is not None and seq_lt(prev.ack, f.ack)


def is_overtaken(frames, i):
    """Whether frames[i] acknowledges less than its sender already had:
    itself an ACK overtaken on the way."""
    f = frames[i]
    return any(g.src == f.src and seq_lt(f.ack, g.ack) for g in frames[:i])


def compare(name, ours, theirs, report, verbose):
    """Walks one connection's frames in step; returns the unexplained count."""
    key = lambda f: (f.src, f.seq, f.ack, f.len, f.win)
    a, b = [key(f) for f in ours], [key(f) for f in theirs]
    if a == b:
        pairs = {i: i for i in range(len(a))}
    else:  # trace leaves out segments that come after their connection ended
        pairs = {}
        for x, y, n in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            pairs.update((x + k, y + k) for k in range(n))
    report["tshark frame with no record (after its connection ended)"] += len(theirs) - len(pairs)
    seen = collections.defaultdict(Seen)
    bad = 0
    for i, f in enumerate(ours):
        s = seen[f.src]
        lo = s.unwrap(f.seq)
        hi = lo + f.len
        already = s.covered(lo, hi) if f.len else 0
        if f.len:
            s.note_jump(lo)
        reordering = s.reordering()
        mine = f.label if f.label in COMPARED else None
        t = theirs[pairs[i]].label if i in pairs else mine
        if mine == "out of order" and f.len and already == f.len and not reordering:
            report["error"] += 1
            bad += 1
            print("  %s: out of order on bytes already in the capture: %s seq %d len %d"
                  % (name, f.src, f.seq, f.len))
        elif i not in pairs:
            pass
        elif t == mine:
            report["agree"] += 1
        else:
            if mine == "retransmission" and t == "out of order" and f.len and already == f.len:
                why = "resent"
            elif mine == "out of order" and t == "retransmission" and already == 0:
                why = "first sight"
            elif {mine, t} == {"out of order", "retransmission"} and reordering:
                why = "one span"
            elif mine == "window update" and t is None and overtaken(ours, i):
                why = "after an overtaken ACK"
            elif mine is None and t == "window update" and is_overtaken(ours, i):
                why = "an overtaken ACK"
            elif f.label == "handshake 2/3" and t == "retransmission" and f.synack and \
                    any(g.src == f.src and g.seq == f.seq and not g.synack for g in ours[:i]):
                why = "simultaneous open"
            else:
                why = "unexplained"
                bad += 1
            report[why] += 1
            if verbose or why == "unexplained":
                print("  %s, segment %d: %s seq %d ack %d len %d: trace %s, tshark %s: %s"
                      % (name, i + 1, f.src, f.seq, f.ack, f.len, mine, t, why.upper()
                         if why == "unexplained" else why))
        if f.len:
            s.add(lo, hi)
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("pcaps", nargs="+")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    report = collections.Counter()
    bad = 0
    for path in a.pcaps:
        streams = tshark_streams(path)
        by_ends = collections.defaultdict(list)
        for n in sorted(streams):
            by_ends[frozenset((streams[n][0].src, streams[n][0].dst))].append(n)
        for client, server, ours in trace_conns(a.binary, path):
            ends = frozenset((client, server))
            if not by_ends[ends]:
                report["connection not in tshark"] += 1
                continue
            n = by_ends[ends].pop(0)
            bad += compare("%s stream %d" % (path, n), ours, streams[n], report, a.v)
    print("frames: " + ", ".join("%s %d" % kv for kv in sorted(report.items())))
    if report["one span"] * 100 > sum(report.values()):
        print("FAIL: one span explains over 1 % of the frames")
        return 1
    if bad:
        print("FAIL: %d differences no rule explains" % bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
