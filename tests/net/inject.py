#!/usr/bin/env python3
"""Hostile packets for tcpstate, written straight into the TUN device from
the kernel's side (an AF_PACKET socket on the device: what it sends goes
to tcpstate's reads, bypassing the kernel's TCP).  Standard library only;
run it in the test's namespace with `ip netns exec`.

    inject.py blind --dev tcps0 --ours ADDR --port PORT --go FILE
        Watches the device from the start for the one connection with PORT
        at either end (tcpstate's address ADDR), learns its sequence numbers
        from what passes, and once FILE exists (the connection idle), sends
        segments with the right 4-tuple and wrong numbers (RFC 5961): RSTs
        in and out of the window, SYNs, data outside the window and data
        whose ACK is out of range.  After each it watches tcpstate's answer
        for 0.3 s: a challenge ACK (ACK of RCV.NXT unchanged, no RST) where
        RFC 5961 / RFC 9293 say to acknowledge, nothing where they say to
        drop silently.  One line per segment; exit 1 if any answer is wrong.

    inject.py synflood --dev tcps0 --dst ADDR [--dport PORT] --count N
                       --src-net NET [--tuple SRC,SPORT,DPORT --tuple-count M]
                       [--half FILE] [--seconds S]
        N SYNs to ADDR from random addresses of NET and random ports (to
        PORT, or random ports when 0), paced so that the device's queue
        does not overflow: a SYN the device drops (tx_dropped) is sent
        again, so N reach tcpstate.  --tuple adds M SYNs with random
        sequence numbers on one exact 4-tuple.  FILE is created halfway.
        Prints the counts; exit 1 if N were not delivered within S seconds.
"""
import argparse
import errno
import ipaddress
import json
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def build(src, dst, sport, dport, seq, ack, flags, payload=b"", win=65535, options=b""):
    """An IPv4 or IPv6 packet holding one TCP segment, checksums right."""
    doff = (20 + len(options)) // 4
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, doff << 4, flags, win, 0,
                      0) + options + payload
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, 6, len(tcp))
    else:
        pseudo = src.packed + dst.packed + struct.pack("!IxxxB", len(tcp), 6)
    c = csum(pseudo + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    if src.version == 4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0x4000, 64, 6, 0,
                         src.packed, dst.packed)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    else:
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), 6, 64, src.packed, dst.packed)
    return ip + tcp


def parse(pkt):
    """(src, dst, sport, dport, seq, ack, flags, win, payload length, options) or None."""
    if not pkt:
        return None
    v = pkt[0] >> 4
    if v == 4 and len(pkt) >= 40 and pkt[9] == 6:
        ihl = (pkt[0] & 15) * 4
        tot = struct.unpack("!H", pkt[2:4])[0]
        src, dst, l4, l4len = pkt[12:16], pkt[16:20], pkt[ihl:], tot - ihl
    elif v == 6 and len(pkt) >= 60 and pkt[6] == 6:
        src, dst, l4, l4len = pkt[8:24], pkt[24:40], pkt[40:], struct.unpack("!H", pkt[4:6])[0]
    else:
        return None
    sport, dport, seq, ack, off, flags, win = struct.unpack("!HHIIBBH", l4[:16])
    doff = (off >> 4) * 4
    return (ipaddress.ip_address(src), ipaddress.ip_address(dst), sport, dport, seq, ack, flags, win,
            l4len - doff, l4[20:doff])


def wscale_of(opts):
    i = 0
    while i < len(opts):
        k = opts[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= len(opts):
            break
        ln = opts[i + 1]
        if k == 3 and ln == 3:
            return opts[i + 2]
        i += max(ln, 2)
    return 0


def recv_nowait(s):
    """(data, addr), or None when nothing is waiting.  ENETDOWN (the device
    went down and up as tcpstate configured it) is reported once; skip it."""
    for _ in range(4):
        try:
            return s.recvfrom(65535, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return None
        except OSError as e:
            if e.errno != errno.ENETDOWN:
                raise
    return None


def open_dev(dev):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((dev, ETH_P_ALL))
    return s


def send(s, dev, pkt):
    proto = ETH_P_IP if pkt[0] >> 4 == 4 else ETH_P_IPV6
    s.sendto(pkt, (dev, proto))


def seq_gt(a, b):
    return ((a - b) & 0xFFFFFFFF) != 0 and ((a - b) & 0xFFFFFFFF) < 0x80000000


def cmd_blind(a):
    ours = ipaddress.ip_address(a.ours)
    s = open_dev(a.dev)
    deadline = time.monotonic() + a.timeout
    conn = None  # (kernel addr, kernel port, our port)
    st = dict(rcv_nxt=None, snd_nxt=None, snd_una=None, wnd=0, wscale=0)

    def track(p, outgoing):
        nonlocal conn
        src, dst, sport, dport, seq, ack, flags, win, plen, opts = p
        if a.port not in (sport, dport):
            return
        from_us = src == ours
        if conn is None:
            if not (flags & SYN):
                return
            conn = (dst, dport, sport) if from_us else (src, sport, dport)
        key = (dst, dport, sport) if from_us else (src, sport, dport)
        if key != conn:
            return
        end = seq + plen + (1 if flags & (SYN | FIN) else 0)
        if from_us:
            if flags & SYN:
                st["wscale"] = wscale_of(opts)
            if st["snd_nxt"] is None or seq_gt(end, st["snd_nxt"]):
                st["snd_nxt"] = end & 0xFFFFFFFF
            st["wnd"] = win << (0 if flags & SYN else st["wscale"])
        else:
            if st["rcv_nxt"] is None or seq_gt(end, st["rcv_nxt"]):
                st["rcv_nxt"] = end & 0xFFFFFFFF
            if flags & ACK:
                st["snd_una"] = ack

    # Learn until told to go.
    while not os.path.exists(a.go):
        if time.monotonic() > deadline:
            print("blind: timed out waiting for %s" % a.go)
            return 3
        r, _, _ = select.select([s], [], [], 0.01)
        if not r:
            continue
        for _ in range(256):
            got = recv_nowait(s)
            if not got:
                break
            data, addr = got
            p = parse(data)
            if p:
                track(p, addr[2] == PACKET_OUTGOING)
    # Drain what is left, then the numbers are final.
    for _ in range(10000):
        got = recv_nowait(s)
        if not got:
            break
        data, addr = got
        p = parse(data)
        if p:
            track(p, addr[2] == PACKET_OUTGOING)
    if conn is None or st["rcv_nxt"] is None or st["snd_nxt"] is None or st["snd_una"] is None:
        print("blind: never saw the connection on port %d" % a.port)
        return 1
    kaddr, kport, oport = conn
    rcv, snd, una = st["rcv_nxt"], st["snd_nxt"], st["snd_una"]
    print("blind: connection %s:%d -> %s:%d; tcpstate RCV.NXT %d SND.NXT %d window %d" %
          (kaddr, kport, ours, oport, rcv, snd, st["wnd"]), flush=True)
    if st["wnd"] < 2:
        print("blind: tcpstate's window is shut; nothing is 'in the window'")
        return 1
    evil = b"EVIL" * 16
    far = 1 << 31
    cases = [
        # name, flags, seq, ack, payload, expect
        ("RST in the window, not RCV.NXT", RST, rcv + 1, 0, b"", "ack"),
        ("RST,ACK in the window, not RCV.NXT", RST | ACK, rcv + st["wnd"] // 2, snd, b"", "ack"),
        ("RST outside the window", RST, rcv + far, 0, b"", "none"),
        ("RST,ACK before the window", RST | ACK, rcv - 70000, snd, b"", "none"),
        ("SYN in the window", SYN, rcv + 1, 0, b"", "ack"),
        ("SYN outside the window", SYN, rcv + far, 0, b"", "ack"),
        ("SYN,ACK outside the window", SYN | ACK, rcv + far, snd, b"", "ack"),
        ("data outside the window", ACK | PSH, rcv + far, snd, evil, "ack"),
        ("data at RCV.NXT, ACK beyond SND.NXT", ACK | PSH, rcv, snd + (1 << 30), evil, "ack"),
        ("data at RCV.NXT, ACK too old", ACK | PSH, rcv, una - (1 << 30), evil, "ack"),
    ]
    bad = 0
    results = []
    for name, flags, seq, ack, payload, expect in cases:
        pkt = build(kaddr, ours, kport, oport, seq, ack, flags, payload)
        send(s, a.dev, pkt)
        replies = []
        end = time.monotonic() + 0.3
        for _ in range(100000):
            left = end - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([s], [], [], left)
            got = recv_nowait(s) if r else None
            if not got:
                continue
            data, addr = got
            if addr[2] == PACKET_OUTGOING:
                continue  # ours (or the kernel's: it is silent, waiting)
            p = parse(data)
            if p and p[0] == ours and p[2] == oport and p[3] == kport:
                replies.append(p)
        rsts = [p for p in replies if p[6] & RST]
        acks = [p for p in replies if p[6] & ACK and not p[6] & (RST | SYN | FIN) and p[5] == rcv and p[8] == 0]
        moved = [p for p in replies if p[5] != rcv]
        if expect == "ack":
            ok = not rsts and not moved and len(acks) >= 1
        else:
            ok = not replies
        got = "RST" if rsts else ("ACK %d x%d" % (rcv, len(acks)) if acks else ("ack moved" if moved else "nothing"))
        if moved:
            got += " (tcpstate's ACK moved to %d: it took the segment)" % moved[0][5]
        print("blind: %-40s -> %-18s %s" % (name, got, "ok" if ok else "WRONG (wanted %s)" % expect), flush=True)
        results.append(dict(name=name, expect=expect, got=got, ok=ok))
        bad += not ok
    if a.report:
        with open(a.report, "w") as f:
            json.dump(results, f)
    return 1 if bad else 0


def tx_dropped(dev):
    try:
        with open("/sys/class/net/%s/statistics/tx_dropped" % dev) as f:
            return int(f.read())
    except OSError:
        return 0


def cmd_synflood(a):
    s = open_dev(a.dev)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    dst = ipaddress.ip_address(a.dst)
    net = ipaddress.ip_network(a.src_net)
    base, span = int(net.network_address), net.num_addresses - 2
    mk = ipaddress.ip_address
    tuple_src = None
    if a.tuple:
        t_addr, t_sport, t_dport = a.tuple.split(",")
        tuple_src = (mk(t_addr), int(t_sport), int(t_dport))
    rng = random.Random(a.seed)
    # Build ahead: the sending loop is then one sendto per packet.
    pkts = []
    for i in range(a.count):
        src = mk(base + 1 + rng.randrange(span))
        dport = a.dport or rng.randrange(1024, 65536)
        pkts.append(build(src, dst, rng.randrange(1024, 65536), dport, rng.getrandbits(32), 0, SYN,
                          options=b"\x02\x04\x05\xb4"))
    special = []
    if tuple_src:
        for i in range(a.tuple_count):
            special.append(build(tuple_src[0], dst, tuple_src[1], tuple_src[2], rng.getrandbits(32), 0, SYN,
                                 options=b"\x02\x04\x05\xb4"))
    # The exact-tuple SYNs spread evenly through the flood.
    every = max(1, len(pkts) // max(1, len(special)))
    queue = []
    for i, p in enumerate(pkts):
        queue.append(p)
        if special and i % every == 0:
            queue.append(special.pop())
    queue.extend(special)
    total = len(queue)
    # Straight to the device's ring (no qdisc): a SYN the ring has no room
    # for is counted in tx_dropped at once, and sent again below.
    try:
        s.setsockopt(263, 20, 1)  # SOL_PACKET, PACKET_QDISC_BYPASS
    except OSError:
        pass
    drop0 = tx_dropped(a.dev)
    deadline = time.monotonic() + a.seconds
    t0 = time.monotonic()
    sent = delivered = i = 0
    pause = 0.0005
    half_done = False
    for _ in range(100 * total):  # bounded: every pass sends or sleeps
        if delivered >= total or time.monotonic() > deadline:
            break
        d_before = tx_dropped(a.dev)
        for _ in range(min(64, total - delivered)):
            try:
                send(s, a.dev, queue[i % total])
            except OSError:  # ENOBUFS: the same as a drop
                break
            i += 1
            sent += 1
        time.sleep(pause)
        d_now = tx_dropped(a.dev)
        delivered = sent - (d_now - drop0)
        # Slow down while the ring overflows (tcpstate is behind), speed
        # up while it keeps up.
        pause = min(0.01, pause * 2) if d_now > d_before else max(0.0001, pause * 0.9)
        if not half_done and a.half and delivered >= total // 2:
            with open(a.half, "w") as f:
                f.write("%d\n" % delivered)
            half_done = True
    secs = time.monotonic() - t0
    print("synflood: %d SYNs delivered to tcpstate (%d sent: %d more for the device's tx_dropped) "
          "in %.1f s, %.0f/s" % (delivered, sent, sent - delivered, secs, delivered / max(secs, 1e-9)), flush=True)
    if a.half and not half_done:
        with open(a.half, "w") as f:
            f.write("%d\n" % delivered)
    return 0 if delivered >= total else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("blind")
    p.add_argument("--dev", default="tcps0")
    p.add_argument("--ours", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--go", required=True)
    p.add_argument("--report")
    p.add_argument("--timeout", type=float, default=60)
    p.set_defaults(fn=cmd_blind)
    p = sub.add_parser("synflood")
    p.add_argument("--dev", default="tcps0")
    p.add_argument("--dst", required=True)
    p.add_argument("--dport", type=int, default=0)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--src-net", required=True)
    p.add_argument("--tuple")
    p.add_argument("--tuple-count", type=int, default=0)
    p.add_argument("--half")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--seed", type=int, default=5961)
    p.set_defaults(fn=cmd_synflood)
    a = ap.parse_args()
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
