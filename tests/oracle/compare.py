#!/usr/bin/env python3
"""Compare `tcpstate trace --json` with the kernel's truth (standard library only).

    compare.py TRUTH.json TRACE.jsonl --capture client|server [--expect EXPECT.txt]
               [--diagnoses require|pending] [-v]

TRUTH.json is written by truth.py: per connection, the states each side
passed through according to the kernel. By default trace must print exactly
those. EXPECT.txt holds what a capture point legitimately cannot see
(README.md), one line each:

    states CAPTURE CONN SIDE STATE...   trace must print these instead
    diag   CAPTURE CONN CODE            trace must report this diagnosis
    may    CAPTURE CONN CODE            trace may report it (loss decides)
    note   CAPTURE CONN TEXT...         printed beside a mismatch

CAPTURE is client, server or both; CONN a number or "all" ("any" for a
diagnosis about no one connection, e.g. time_wait_accumulation: any
diagnosis record or connection record may carry it).
With --diagnoses pending (trace does not emit diagnoses yet) a missing
diagnosis is printed as PENDING and does not fail.
Connections are matched by client ip:port and server ip:port. Exit status:
0 all equal, 1 a difference (each one printed), 2 bad input.
"""
import argparse
import ipaddress
import json
import sys


def endpoint(s):
    """'10.0.0.1:43236' or '[fd77::1]:43236' -> ('10.0.0.1', 43236)."""
    if not isinstance(s, str) or ":" not in s:
        return (s, None)
    addr, _, port = s.rpartition(":")
    addr = addr.strip("[]")
    try:
        addr = str(ipaddress.ip_address(addr))
    except ValueError:
        pass
    try:
        return (addr, int(port))
    except ValueError:
        return (addr, port)


def fmt_ep(ep):
    addr, port = ep
    return ("[%s]:%s" % (addr, port)) if ":" in str(addr) else ("%s:%s" % (addr, port))


def load_expect(path, capture):
    states, diags, notes, may = {}, {}, {}, {}
    if not path:
        return states, diags, notes, may
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            kind = parts[0]
            if len(parts) < 4 or parts[1] not in ("client", "server", "both"):
                raise SystemExit("%s:%d: bad line: %s" % (path, lineno, line.rstrip()))
            if parts[1] not in (capture, "both"):
                continue
            conn = parts[2]
            if kind == "states":
                states[(conn, parts[3])] = parts[4:]
            elif kind == "diag":
                diags.setdefault(conn, []).append(parts[3])
            elif kind == "may":
                may.setdefault(conn, []).append(parts[3])
            elif kind == "note":
                notes.setdefault(conn, []).append(" ".join(parts[3:]))
            else:
                raise SystemExit("%s:%d: unknown kind %r" % (path, lineno, kind))
    return states, diags, notes, may


def pick(table, conn, key_tail=None):
    keys = [(str(conn), key_tail), ("all", key_tail)] if key_tail else [str(conn), "all"]
    for k in keys:
        if k in table:
            return table[k]
    return None


def load_trace(path):
    conns, diag_by_num, fins, bad = [], {}, set(), 0
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if not isinstance(rec, dict):
                bad += 1
                continue
            if rec.get("type") == "connection":
                conns.append(rec)
            elif rec.get("type") == "segment" and "F" in str(rec.get("flags", "")):
                fins.add((rec.get("conn"), rec.get("from")))
            elif rec.get("type") == "diagnosis":
                diag_by_num.setdefault(rec.get("conn"), set()).add(rec.get("code"))
    return conns, diag_by_num, fins, bad


def unsent_close(seq, fin_sent):
    """close() moved the socket on (CLOSE_WAIT -> LAST_ACK, ESTABLISHED ->
    FIN_WAIT_1), but its FIN never left: it waited behind data the
    congestion window held back, and a RST ended the connection first.
    No capture can show that state (README.md)."""
    if fin_sent or len(seq) < 3 or seq[-1] != "CLOSED" or seq[-2] not in ("LAST_ACK", "FIN_WAIT_1"):
        return seq
    return seq[:-2] + ["CLOSED"]


def record_diags(rec, diag_by_num):
    out = set(diag_by_num.get(rec.get("conn"), set()))
    for d in rec.get("diagnoses") or []:
        out.add(d.get("code") if isinstance(d, dict) else d)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("trace")
    ap.add_argument("--capture", choices=("client", "server"), required=True)
    ap.add_argument("--expect")
    ap.add_argument("--diagnoses", choices=("require", "pending"), default="require")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    with open(a.truth) as f:
        truth = json.load(f)
    exp_states, exp_diags, notes, may_diags = load_expect(a.expect, a.capture)
    trace_conns, diag_by_num, fins, bad_lines = load_trace(a.trace)

    where = "%s-side capture" % a.capture
    problems = 0
    ok = 0
    by_key = {}
    for rec in trace_conns:
        by_key.setdefault((endpoint(rec.get("client")), endpoint(rec.get("server"))), []).append(rec)
    # A 4-tuple the kernel used more than once (a client port picked again)
    # holds one record per incarnation, in the order they started.
    for recs in by_key.values():
        recs.sort(key=lambda r: r.get("conn") if isinstance(r.get("conn"), int) else 0)
    uses = {}
    for c in truth["connections"]:
        k = (endpoint(c["client"]), endpoint(c["server"]))
        uses[k] = uses.get(k, 0) + 1
    taken = {}
    seen = set()
    pending = []

    def report(head, lines):
        print("MISMATCH [%s] %s" % (where, head))
        for l in lines:
            print("    " + l)

    if bad_lines:
        problems += 1
        report("trace output", ["%d lines are not JSON objects" % bad_lines])

    for c in truth["connections"]:
        n = c["conn"]
        key = (endpoint(c["client"]), endpoint(c["server"]))
        head = "conn %d %s -> %s" % (n, c["client"], c["server"])
        recs = by_key.get(key)
        # Both ends opened actively (a simultaneous open): which one is the
        # client is a naming choice (trace's: the first SYN in the capture).
        flip = False
        if not recs and c["kernel"]["server"][:2] == ["CLOSED", "SYN_SENT"] and \
                by_key.get((key[1], key[0])):
            flip = True
            recs = by_key[(key[1], key[0])]
            seen.add((key[1], key[0]))
        if not recs:
            swapped = by_key.get((key[1], key[0]))
            problems += 1
            if swapped:
                seen.add((key[1], key[0]))
                report(head, ["trace names the endpoints the other way round: client %s, server %s"
                              % (swapped[0].get("client"), swapped[0].get("server"))])
            else:
                report(head, ["trace printed no connection record for it"])
            continue
        if not flip:
            seen.add(key)
        nth = taken.get(key, 0)
        taken[key] = nth + 1
        if len(recs) != uses[key]:
            if nth == 0:
                problems += 1
                report(head, ["trace printed %d connection records for this 4-tuple, the kernel had %d"
                              % (len(recs), uses[key])])
            if nth >= len(recs):
                continue
        rec = recs[nth]
        states = rec.get("states") or {}
        if flip:
            states = {"client": states.get("server"), "server": states.get("client")}
        lines = []
        for side in ("client", "server"):
            want = pick(exp_states, n, side) or unsent_close(c["kernel"][side], (rec.get("conn"), side) in fins)
            got = states.get(side)
            if side in c.get("timewait_expired", []) and isinstance(got, list) and \
                    got[:-1] == want[:-1] and got[-1] in ("TIME_WAIT", "FIN_WAIT_2"):
                got = want  # its timewait socket expired before ss could show it
            if got != want:
                lines.append("%s: expected %s" % (side, " ".join(want)))
                lines.append("%s  trace    %s" % (" " * len(side), " ".join(got) if isinstance(got, list) else repr(got)))
                if want != c["kernel"][side]:
                    lines.append("%s  (kernel  %s; %s)" % (" " * len(side), " ".join(c["kernel"][side]),
                                                         "the capture cannot show the rest"))
        got_d = record_diags(rec, diag_by_num)
        for code in pick(exp_diags, n) or []:
            if code not in got_d:
                msg = "diagnosis %s expected, trace reported %s" % (code, sorted(got_d) or "none")
                if a.diagnoses == "pending":
                    pending.append("%s: %s" % (head, msg))
                else:
                    lines.append(msg)
        # A diagnosis nobody expected is a false alarm, and a bug too.
        if a.diagnoses == "require":
            allowed = (set(pick(exp_diags, n) or []) | set(exp_diags.get("any", [])) |
                       set(pick(may_diags, n) or []) | set(may_diags.get("any", [])))
            for code in sorted(got_d - allowed):
                lines.append("diagnosis %s reported: a false alarm, the scenario has no such bug" % code)
        if lines:
            problems += 1
            for t in pick(notes, n) or []:
                lines.append("note: " + t)
            lines.append("kernel events client: " + "; ".join(c["kernel_raw"]["client"]))
            lines.append("kernel events server: " + "; ".join(c["kernel_raw"]["server"]))
            report(head, lines)
        else:
            ok += 1
            if a.verbose:
                print("ok [%s] %s: client %s | server %s" % (
                    where, head, " ".join(states["client"]), " ".join(states["server"])))
    for key, recs in by_key.items():
        if key not in seen:
            problems += 1
            report("conn %s -> %s" % (fmt_ep(key[0]), fmt_ep(key[1])),
                   ["trace printed a connection the kernel never had: states %s"
                    % json.dumps(recs[0].get("states"))])
    all_diags = set()
    for rec in trace_conns:
        all_diags |= record_diags(rec, {})
    for codes in diag_by_num.values():
        all_diags |= codes
    if a.diagnoses == "require":
        for code in sorted(diag_by_num.get(None, set()) - set(exp_diags.get("any", [])) -
                           set(may_diags.get("any", []))):
            problems += 1
            report("diagnoses", ["%s reported over all connections: a false alarm" % code])
    for code in exp_diags.get("any", []):
        if code not in all_diags:
            msg = "%s expected, trace reported %s" % (code, sorted(all_diags) or "none")
            if a.diagnoses == "pending":
                pending.append("diagnoses: " + msg)
            else:
                problems += 1
                report("diagnoses", [msg])
    for p in pending:
        print("PENDING [%s] %s (trace --json has no diagnoses yet)" % (where, p))
    total = len(truth["connections"])
    if problems:
        print("FAIL [%s]: %d of %d connections equal the kernel's, %d differences"
              % (where, ok, total, problems))
        return 1
    print("ok   [%s]: trace equals the kernel for all %d connections" % (where, total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
