#!/usr/bin/env python3
"""Reads a capture taken on the TUN device (pcap, raw IP link type) and
checks what tests/net needs (standard library only).

    pcap_tcp.py pmtu PCAP --wire WIRE --ours ADDR --mtu MTU
        The path MTU drop.  PCAP is taken on the TUN device: an ICMP
        "fragmentation needed" (IPv4) or "packet too big" (IPv6) naming MTU
        reached ADDR (tcpstate).  WIRE is taken where the router forwards
        tcpstate's packets cut into segments (GSO trains written to the TUN
        device are cut there): before the ICMP, tcpstate's segments were
        full-sized for the old MTU; after it, at least --min-after segments
        went through, every one within MTU, the largest using the new MSS
        whole.  Prints the figures; exit 1 if any check fails.

    pcap_tcp.py sizes PCAP --ours ADDR
        The payload sizes ADDR sent, counted (for a look).
"""
import argparse
import ipaddress
import struct
import sys


def packets(path):
    """(time, ip packet bytes) for each record."""
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
            endian = ">"
        else:
            raise SystemExit("%s: not a pcap file (pcapng? use tcpdump -w)" % path)
        linktype = struct.unpack(endian + "I", head[20:24])[0] & 0x0FFFFFFF
        skip = {101: 0, 12: 0, 228: 0, 229: 0, 113: 16, 276: 20, 1: 14}.get(linktype)
        if skip is None:
            raise SystemExit("%s: link type %d not handled" % (path, linktype))
        nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
        for _ in range(1 << 26):  # bounded by the file
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", rec)
            data = f.read(incl)
            if len(data) < incl:
                return
            yield sec + frac / (1e9 if nano else 1e6), data[skip:]


def parse(pkt):
    """dict(src, dst, proto, l4 bytes, total length) or None."""
    if not pkt:
        return None
    v = pkt[0] >> 4
    if v == 4 and len(pkt) >= 20:
        ihl = (pkt[0] & 15) * 4
        tot = struct.unpack("!H", pkt[2:4])[0]
        return dict(src=ipaddress.ip_address(pkt[12:16]), dst=ipaddress.ip_address(pkt[16:20]), proto=pkt[9],
                    l4=pkt[ihl:], l4len=tot - ihl, tot=tot)
    if v == 6 and len(pkt) >= 40:
        plen = struct.unpack("!H", pkt[4:6])[0]
        # Neither side sends extension headers here.
        return dict(src=ipaddress.ip_address(pkt[8:24]), dst=ipaddress.ip_address(pkt[24:40]), proto=pkt[6],
                    l4=pkt[40:], l4len=plen, tot=plen + 40)
    return None


def tcp_payload(ip):
    l4 = ip["l4"]
    if ip["proto"] != 6 or len(l4) < 20:
        return None
    doff = (l4[12] >> 4) * 4
    return ip["l4len"] - doff


def icmp_mtu(ip):
    """The MTU an ICMP fragmentation-needed / packet-too-big names, or None."""
    l4 = ip["l4"]
    if ip["proto"] == 1 and len(l4) >= 8 and l4[0] == 3 and l4[1] == 4:
        return struct.unpack("!H", l4[6:8])[0]
    if ip["proto"] == 58 and len(l4) >= 8 and l4[0] == 2:
        return struct.unpack("!I", l4[4:8])[0]
    return None


def cmd_pmtu(a):
    ours = ipaddress.ip_address(a.ours)
    icmps = []
    for t, pkt in packets(a.pcap):
        ip = parse(pkt)
        m = icmp_mtu(ip) if ip else None
        if m is not None and ip["dst"] == ours:
            icmps.append((t, m))
    fails = []
    if not icmps:
        fails.append("no ICMP fragmentation-needed / packet-too-big reached %s" % ours)
    elif icmps[0][1] != a.mtu:
        fails.append("the first ICMP names MTU %d, wanted %d" % (icmps[0][1], a.mtu))
    when = icmps[0][0] if icmps else float("inf")
    before, after = [], []
    for t, pkt in packets(a.wire):
        ip = parse(pkt)
        if not ip or ip["src"] != ours:
            continue
        n = tcp_payload(ip)
        if n:
            (before if t < when else after).append((n, ip["tot"]))
    big_before = max((n for n, _ in before), default=0)
    if big_before < a.mtu - 40:
        fails.append("before the ICMP tcpstate's largest segment was %d bytes of payload, not above %d" %
                     (big_before, a.mtu - 40))
    over = sum(1 for _, tot in after if tot > a.mtu)
    if over:
        fails.append("%d packets over MTU %d forwarded after the ICMP" % (over, a.mtu))
    if len(after) < a.min_after:
        fails.append("only %d segments after the ICMP (wanted %d)" % (len(after), a.min_after))
    big_after = max((n for n, _ in after), default=0)
    # The new MSS less IP and TCP headers and the 12 bytes of timestamps.
    want = a.mtu - (40 if ours.version == 4 else 60) - 12
    if after and big_after != want:
        fails.append("after the ICMP the largest segment had %d bytes of payload, not %d" % (big_after, want))
    print("pmtu: ICMPs to tcpstate: %s; largest payload before %d, after %d (MTU %d); %d segments before, "
          "%d after" % (",".join(str(m) for _, m in icmps[:3]) or "none", big_before, big_after, a.mtu,
                        len(before), len(after)))
    for f in fails:
        print("pmtu: FAIL: " + f)
    return 1 if fails else 0


def cmd_sizes(a):
    ours = ipaddress.ip_address(a.ours)
    count = {}
    for _, pkt in packets(a.pcap):
        ip = parse(pkt)
        if ip and ip["src"] == ours:
            n = tcp_payload(ip)
            if n is not None:
                count[n] = count.get(n, 0) + 1
    for n in sorted(count):
        print("%6d %d" % (n, count[n]))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pmtu")
    p.add_argument("pcap")
    p.add_argument("--ours", required=True)
    p.add_argument("--mtu", type=int, required=True)
    p.add_argument("--wire", required=True)
    p.add_argument("--min-after", type=int, default=1000)
    p.set_defaults(fn=cmd_pmtu)
    p = sub.add_parser("sizes")
    p.add_argument("pcap")
    p.add_argument("--ours", required=True)
    p.set_defaults(fn=cmd_sizes)
    a = ap.parse_args()
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
