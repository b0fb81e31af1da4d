#!/usr/bin/env python3
"""The kernel's truth: per-connection state sequences from the
sock:inet_sock_set_state tracepoint and `ss`, in tcpstate's state names.

    truth.py build --port P --client ADDR --server ADDR \
        --trace TRACE.txt [--trace-sk TRACE_SK.txt] \
        --ss-client SS.txt --ss-server SS.txt [--ss-time SECONDS] -o truth.json
    truth.py assert truth.json CONN SIDE STATE...   CONN: a number or "all"
    truth.py count truth.json N
    truth.py show truth.json

TRACE.txt is the instance's `trace` file in the event's own print format
(it has the IPv6 addresses); TRACE_SK.txt the same events recorded by a
second instance with options/fields set (it has skaddr, which tells sockets
apart when a client's first event still has sport 0). The two are matched
event by event per CPU. See README.md for the kernel's quirks that the
rules below encode.
"""
import argparse
import ipaddress
import json
import re
import sys

KERNEL_TO_TCPSTATE = {
    "TCP_ESTABLISHED": "ESTABLISHED",
    "TCP_SYN_SENT": "SYN_SENT",
    "TCP_SYN_RECV": "SYN_RCVD",
    "TCP_FIN_WAIT1": "FIN_WAIT_1",
    "TCP_FIN_WAIT2": "FIN_WAIT_2",
    "TCP_TIME_WAIT": "TIME_WAIT",
    "TCP_CLOSE": "CLOSED",
    "TCP_CLOSE_WAIT": "CLOSE_WAIT",
    "TCP_LAST_ACK": "LAST_ACK",
    "TCP_LISTEN": "LISTEN",
    "TCP_CLOSING": "CLOSING",
    "TCP_NEW_SYN_RECV": "SYN_RCVD",
}
KERNEL_NUM = {1: "TCP_ESTABLISHED", 2: "TCP_SYN_SENT", 3: "TCP_SYN_RECV",
              4: "TCP_FIN_WAIT1", 5: "TCP_FIN_WAIT2", 6: "TCP_TIME_WAIT",
              7: "TCP_CLOSE", 8: "TCP_CLOSE_WAIT", 9: "TCP_LAST_ACK",
              10: "TCP_LISTEN", 11: "TCP_CLOSING", 12: "TCP_NEW_SYN_RECV"}
SS_TO_TCPSTATE = {
    "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RCVD",
    "FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2",
    "TIME-WAIT": "TIME_WAIT", "CLOSE": "CLOSED", "UNCONN": "CLOSED",
    "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK", "LISTEN": "LISTEN",
    "CLOSING": "CLOSING",
}

LINE_RE = re.compile(r"^\s*(?P<task>.*?)-(?P<pid>\d+)\s+(?:\(\s*[-\d]+\)\s+)?"
                     r"\[(?P<cpu>\d+)\]\s+(?:\S+\s+)?(?P<ts>\d+\.\d+):\s+"
                     r"inet_sock_set_state:\s+(?P<body>.*)$")
KV_RE = re.compile(r"(\w+)=(\S+)(?: \((-?\d+)\))?")


def fail(msg):
    sys.stderr.write("truth.py: %s\n" % msg)
    sys.exit(2)


def read_trace(path):
    """Events of one instance's `trace` file; also checks nothing was lost."""
    events, lost = [], None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("#"):
                m = re.search(r"entries-in-buffer/entries-written:\s*(\d+)/(\d+)", line)
                if m and m.group(1) != m.group(2):
                    lost = "%s of %s events kept" % (m.group(1), m.group(2))
                continue
            if "LOST" in line and "EVENTS" in line:
                lost = line.strip()
                continue
            m = LINE_RE.match(line)
            if not m:
                continue
            kv = {}
            for k, v, dec in KV_RE.findall(m.group("body")):
                kv[k] = dec if dec != "" else v
            kv["_cpu"] = int(m.group("cpu"))
            kv["_ts"] = float(m.group("ts"))
            events.append(kv)
    return events, lost


def v4_from_le(val):
    """fields mode prints __u8[4] as one little-endian number."""
    n = int(val) & 0xFFFFFFFF
    return str(ipaddress.IPv4Address(bytes([n & 0xFF, (n >> 8) & 0xFF, (n >> 16) & 0xFF, n >> 24])))


def normalize(ev, fields_mode):
    """One event as {ts, cpu, old, new, sport, dport, family, saddr, daddr, sk}."""
    out = {"ts": ev["_ts"], "cpu": ev["_cpu"], "sk": None}
    if fields_mode:
        out["old"] = KERNEL_NUM.get(int(ev["oldstate"]), ev["oldstate"])
        out["new"] = KERNEL_NUM.get(int(ev["newstate"]), ev["newstate"])
        out["sport"], out["dport"] = int(ev["sport"]), int(ev["dport"])
        out["family"] = 10 if int(ev["family"]) == 10 else 2
        out["saddr"] = v4_from_le(ev["saddr"]) if out["family"] == 2 else None
        out["daddr"] = v4_from_le(ev["daddr"]) if out["family"] == 2 else None
        out["sk"] = "%x" % (int(ev["skaddr"]) & 0xFFFFFFFFFFFFFFFF)
    else:
        out["old"], out["new"] = ev["oldstate"], ev["newstate"]
        out["sport"], out["dport"] = int(ev["sport"]), int(ev["dport"])
        out["family"] = 10 if ev.get("family") == "AF_INET6" else 2
        if out["family"] == 10:
            out["saddr"], out["daddr"] = ev.get("saddrv6"), ev.get("daddrv6")
        else:
            out["saddr"], out["daddr"] = ev.get("saddr"), ev.get("daddr")
    return out


def merge_instances(fmt, sk, warnings):
    """Attach skaddr from the fields-mode instance, event by event per CPU."""
    if sk is None:
        warnings.append("no skaddr instance: sockets told apart by 4-tuple only")
        return fmt
    per_cpu_fmt, per_cpu_sk = {}, {}
    for e in fmt:
        per_cpu_fmt.setdefault(e["cpu"], []).append(e)
    for e in sk:
        per_cpu_sk.setdefault(e["cpu"], []).append(e)
    for cpu, lst in per_cpu_fmt.items():
        other = per_cpu_sk.get(cpu, [])
        if len(other) != len(lst):
            warnings.append("cpu %d: %d events vs %d in the skaddr instance; "
                            "sockets told apart by 4-tuple only" % (cpu, len(lst), len(other)))
            for e in fmt:
                e["sk"] = None
            return fmt
        for a, b in zip(lst, other):
            if (a["old"], a["new"], a["sport"], a["dport"]) != (b["old"], b["new"], b["sport"], b["dport"]):
                warnings.append("cpu %d: the two instances disagree at %.6f; "
                                "sockets told apart by 4-tuple only" % (cpu, a["ts"]))
                for e in fmt:
                    e["sk"] = None
                return fmt
            a["sk"] = b["sk"]
    return fmt


def addr_str(addr, port, family):
    return ("[%s]:%d" % (addr, port)) if family == 10 else ("%s:%d" % (addr, port))


def norm_addr(a):
    if a is None:
        return None
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        return a
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ip)


def lifetimes(events, port, warnings):
    """Split events into socket lifetimes: by skaddr when known, else by
    4-tuple (a client's first event, sport 0, joins the next SYN_SENT event
    with the same addresses). A lifetime ends at newstate CLOSE."""
    lives, open_by_key = [], {}
    pending_syn = []  # tuple mode: CLOSE->SYN_SENT events with sport 0
    for e in sorted(events, key=lambda x: x["ts"]):
        if e["sk"] is not None:
            key = ("sk", e["sk"])
        elif e["sport"] == 0 and e["new"] == "TCP_SYN_SENT":
            pending_syn.append(e)
            continue
        else:
            key = ("tuple", e["saddr"], e["sport"], e["daddr"], e["dport"])
        life = open_by_key.get(key)
        if life is None:
            life = {"events": []}
            if key[0] == "tuple" and e["old"] == "TCP_SYN_SENT":
                for p in pending_syn:
                    if (p["saddr"], p["daddr"], p["dport"]) == (e["saddr"], e["daddr"], e["dport"]):
                        life["events"].append(p)
                        pending_syn.remove(p)
                        break
            lives.append(life)
            open_by_key[key] = life
        life["events"].append(e)
        if e["new"] == "TCP_CLOSE":
            del open_by_key[key]
    for p in pending_syn:
        lives.append({"events": [p]})
    out = []
    for life in lives:
        evs = life["events"]
        named = [e for e in evs if e["sport"] != 0] or evs
        last = named[-1]
        if any(e["new"] == "TCP_LISTEN" for e in evs) or (last["dport"] == 0 and last["sport"] == port):
            role = "listener"
        elif last["dport"] == port:
            role = "client"
        elif last["sport"] == port:
            role = "server"
        else:
            role = "other"
        seq = [KERNEL_TO_TCPSTATE.get(evs[0]["old"], evs[0]["old"])]
        for prev, e in zip([None] + evs[:-1], evs):
            if prev is not None and prev["new"] != e["old"]:
                warnings.append("socket %s: %s then %s -> %s (a transition the tracepoint did not show)"
                                % (evs[0]["sk"] or "?", prev["new"], e["old"], e["new"]))
                seq.append(KERNEL_TO_TCPSTATE.get(e["old"], e["old"]))
            seq.append(KERNEL_TO_TCPSTATE.get(e["new"], e["new"]))
        out.append({
            "role": role,
            "family": last["family"],
            "laddr": norm_addr(last["saddr"]), "lport": last["sport"],
            "raddr": norm_addr(last["daddr"]), "rport": last["dport"],
            "start": evs[0]["ts"], "end": evs[-1]["ts"],
            "seq": seq,
            "raw": ["%.6f %s -> %s" % (e["ts"], e["old"], e["new"]) for e in evs],
            "sk": evs[0]["sk"],
        })
    return out


def read_ss(path):
    """`ss -tanH` lines: {(local, peer): STATE}."""
    socks = {}
    if not path:
        return socks
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 5 or parts[0] == "State":
                continue
            state, local, peer = parts[0], parts[3], parts[4]
            socks[(unbracket(local), unbracket(peer))] = state
    return socks


def unbracket(ep):
    """'[fd77::1]:43236' / '10.0.0.1:43236' / '[::ffff:10.0.0.1]:1' -> (addr, port)."""
    addr, _, port = ep.rpartition(":")
    addr = addr.strip("[]").split("%")[0]
    return (norm_addr(addr) if addr not in ("*", "0.0.0.0") else addr, int(port) if port.isdigit() else port)


# Linux's TCP_TIMEWAIT_LEN: a timewait mini-socket (TIME_WAIT, or an
# orphan's FIN_WAIT_2) lives this long, then goes without a trace.
TIMEWAIT_LEN = 60.0


def apply_ss(seq, ss_state, who, warnings, expired=None):
    """The kernel's quirks at the end of a socket's life (README.md):
    FIN_WAIT2/CLOSING -> CLOSE is traced when the socket becomes a timewait
    mini-socket, which the tracepoint never shows again; ss shows it.
    `expired`: that move came TIMEWAIT_LEN or more before ss looked, so ss
    cannot tell any more (the caller marks the side)."""
    if ss_state is None:
        if expired is not None and len(seq) >= 2 and seq[-1] == "CLOSED" and \
                seq[-2] in ("FIN_WAIT_2", "CLOSING"):
            expired.append(who)
        return seq
    name = SS_TO_TCPSTATE.get(ss_state, ss_state)
    if seq[-1] == "CLOSED" and name in ("TIME_WAIT", "FIN_WAIT_2"):
        seq = seq[:-1]
        if seq[-1] != name:
            seq.append(name)
        return seq
    if seq[-1] != name:
        warnings.append("%s: the tracepoint ends in %s but ss shows %s" % (who, seq[-1], ss_state))
    return seq


def timewait_watch(life, ss_time):
    """A list for apply_ss to mark the side in, when the socket's last event
    came TIMEWAIT_LEN or more before ss looked; else None."""
    return [] if ss_time is not None and ss_time - life["end"] >= TIMEWAIT_LEN else None


def build(a):
    warnings = []
    fmt_raw, lost = read_trace(a.trace)
    if lost:
        warnings.append("trace buffer lost events: %s" % lost)
    fmt = [normalize(e, False) for e in fmt_raw]
    sk = None
    if a.trace_sk:
        sk_raw, lost2 = read_trace(a.trace_sk)
        if lost2:
            warnings.append("skaddr buffer lost events: %s" % lost2)
        sk = [normalize(e, True) for e in sk_raw]
    events = merge_instances(fmt, sk, warnings)
    # Only the test's own addresses (the tracepoint sees every namespace).
    mine = {norm_addr(a.client), norm_addr(a.server)}
    wild = {"0.0.0.0", "::", None}
    events = [e for e in events
              if (e["sport"] == a.port or e["dport"] == a.port)
              and norm_addr(e["saddr"]) in mine | wild and norm_addr(e["daddr"]) in mine | wild]
    lives = lifetimes(events, a.port, warnings)
    ss_c, ss_s = read_ss(a.ss_client), read_ss(a.ss_server)

    listeners = [l for l in lives if l["role"] == "listener"]
    servers = [l for l in lives if l["role"] == "server"]
    used = set()
    conns = []
    clients = sorted((l for l in lives if l["role"] == "client"), key=lambda l: l["start"])
    # What ss shows of a 4-tuple the kernel used twice is its last use's;
    # an earlier use's timewait socket was taken over by the later SYN, so
    # its end is as unknown as an expired one's.
    last_use = {}
    for cl in clients:
        last_use[(cl["laddr"], cl["lport"], cl["raddr"])] = cl
    for cl in clients:
        fam = cl["family"]
        caddr, saddr = cl["laddr"], cl["raddr"]
        reused = last_use[(caddr, cl["lport"], saddr)] is not cl
        if caddr in wild:
            caddr = norm_addr(a.client)
        cstr, sstr = addr_str(caddr, cl["lport"], fam), addr_str(saddr, a.port, fam)
        ctuple, stuple = (caddr, cl["lport"]), (saddr, a.port)
        who_c = "client %s" % cstr
        exp_c = [] if reused else timewait_watch(cl, a.ss_time)
        cseq = apply_ss(list(cl["seq"]), None if reused else ss_c.get((ctuple, stuple)), who_c,
                        warnings, exp_c)
        child = None
        for i, sv in enumerate(servers):
            # A server socket comes after its client's, but for one that
            # connected too (a simultaneous open: either may start first).
            if i in used or (sv["start"] < cl["start"] and sv["seq"][:2] != ["CLOSED", "SYN_SENT"]):
                continue
            if (sv["raddr"], sv["rport"]) == ctuple and sv["lport"] == a.port:
                child = sv
                used.add(i)
                break
        ss_srv = None if reused else ss_s.get((stuple, ctuple))
        exp_s = None
        if child is not None:
            exp_s = [] if reused else timewait_watch(child, a.ss_time)
            sseq = apply_ss(list(child["seq"]), ss_srv, "server %s" % sstr, warnings, exp_s)
            sraw = child["raw"]
        elif ss_srv == "SYN-RECV":
            # A request socket: never traced (README.md).
            sseq, sraw = ["LISTEN", "SYN_RCVD"], ["(ss) SYN-RECV request socket"]
        else:
            listening = any(l["start"] <= cl["start"] and
                            (l["seq"][-1] == "LISTEN" or l["end"] >= cl["start"]) for l in listeners)
            sseq = ["LISTEN"] if listening else ["CLOSED"]
            sraw = ["(no server socket; listener %s)" % ("open" if listening else "absent")]
            if ss_srv is not None:
                warnings.append("server %s: no traced socket but ss shows %s" % (sstr, ss_srv))
        conns.append({
            "conn": len(conns) + 1,
            "client": cstr, "server": sstr,
            "kernel": {"client": cseq, "server": sseq},
            "kernel_raw": {"client": cl["raw"], "server": sraw},
            "ss": {"client": ss_c.get((ctuple, stuple)), "server": ss_srv},
            # Sides whose timewait socket may have expired before ss looked:
            # their last state can have been TIME_WAIT (or FIN_WAIT_2).
            "timewait_expired": [side for side, e in (("client", exp_c), ("server", exp_s)) if e],
        })
    for i, sv in enumerate(servers):
        if i not in used:
            warnings.append("server socket %s:%d <- %s:%d with no client socket traced: %s"
                            % (sv["laddr"], sv["lport"], sv["raddr"], sv["rport"], sv["seq"]))
    truth = {
        "port": a.port,
        "connections": conns,
        "listeners": [{"seq": l["seq"], "raw": l["raw"]} for l in listeners],
        "warnings": warnings,
    }
    with open(a.output, "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    for w in warnings:
        sys.stderr.write("truth.py: warning: %s\n" % w)
    return 0


def load(path):
    with open(path) as f:
        return json.load(f)


def cmd_assert(a):
    t = load(a.truth)
    conns = t["connections"]
    want = list(a.states)
    if a.conn == "all":
        sel = conns
        if not sel:
            print("FAIL kernel: no connections traced")
            return 1
    else:
        n = int(a.conn)
        sel = [c for c in conns if c["conn"] == n]
        if not sel:
            print("FAIL kernel: no connection %d (only %d traced)" % (n, len(conns)))
            return 1
    bad = 0
    for c in sel:
        got = c["kernel"][a.side]
        if got != want:
            bad += 1
            if bad <= 5:
                print("FAIL kernel conn %d %s %s -> %s" % (c["conn"], c["client"], c["server"], a.side))
                print("     expected: %s" % " ".join(want))
                print("     kernel:   %s" % " ".join(got))
                print("     events:   %s" % "; ".join(c["kernel_raw"][a.side]))
    if bad:
        if bad > 5:
            print("FAIL kernel: %d of %d connections differ (first 5 shown)" % (bad, len(sel)))
        return 1
    what = "conn %s" % a.conn if a.conn != "all" else "all %d connections" % len(sel)
    print("ok   kernel %s %s: %s" % (what, a.side, " ".join(want)))
    return 0


def cmd_count(a):
    n = len(load(a.truth)["connections"])
    if n != a.n:
        print("FAIL kernel: %d connections traced, expected %d" % (n, a.n))
        return 1
    print("ok   kernel: %d connections" % n)
    return 0


def cmd_show(a):
    t = load(a.truth)
    for c in t["connections"]:
        print("conn %d  %s -> %s" % (c["conn"], c["client"], c["server"]))
        print("  client: %s" % " ".join(c["kernel"]["client"]))
        print("  server: %s" % " ".join(c["kernel"]["server"]))
    for w in t.get("warnings", []):
        print("  warning: %s" % w)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--port", type=int, required=True)
    b.add_argument("--client", required=True)
    b.add_argument("--server", required=True)
    b.add_argument("--trace", required=True)
    b.add_argument("--trace-sk")
    b.add_argument("--ss-client")
    b.add_argument("--ss-server")
    b.add_argument("--ss-time", type=float, help="the trace clock when ss looked")
    b.add_argument("-o", "--output", required=True)
    s = sub.add_parser("assert")
    s.add_argument("truth")
    s.add_argument("conn")
    s.add_argument("side", choices=("client", "server"))
    s.add_argument("states", nargs="+")
    c = sub.add_parser("count")
    c.add_argument("truth")
    c.add_argument("n", type=int)
    sh = sub.add_parser("show")
    sh.add_argument("truth")
    a = ap.parse_args()
    return {"build": build, "assert": cmd_assert, "count": cmd_count, "show": cmd_show}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
