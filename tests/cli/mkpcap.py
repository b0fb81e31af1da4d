#!/usr/bin/env python3
"""Writes a pcap file of TCP segments described one per line, for the
trace tests: Ethernet + IPv4 (or IPv6 with --ipv6), valid checksums.

    python3 mkpcap.py OUT.pcap [--ipv6] < SPEC

Each line of SPEC (blank lines and # comments skipped):

    TS SRC SPORT DST DPORT FLAGS SEQ ACK LEN [WIN]

TS in seconds, FLAGS in tcpdump's letters ("S", "S.", ".", "P.", "F.",
"R", "R.", "FP."), LEN bytes of payload ('x's), WIN the window field
(default 64240).  With --ipv6, SRC and DST are IPv6 addresses.

Also importable: write_pcap(path, segments, ipv6=False) with segments as
(ts, src, dst, sport, dport, flags, seq, ack, len[, win]) tuples.
"""
import ipaddress
import struct
import sys

FLAG_BITS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, ".": 0x10, "U": 0x20, "E": 0x40, "W": 0x80}


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def flag_bits(flags):
    bits = 0
    for c in flags:
        if c not in FLAG_BITS:
            raise ValueError("unknown flag letter %r in %r" % (c, flags))
        bits |= FLAG_BITS[c]
    return bits


def tcp_header(sport, dport, flags, seq, ack, payload, win, pseudo):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, flag_bits(flags), win, 0, 0)
    c = csum(pseudo + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def frame(seg, ipv6):
    ts, src, dst, sport, dport, flags, seq, ack, length = seg[:9]
    win = seg[9] if len(seg) > 9 else 64240
    payload = b"x" * length
    tcp_len = 20 + length
    if ipv6:
        s, d = ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed
        pseudo = s + d + struct.pack("!IxxxB", tcp_len, 6)
        ip = struct.pack("!IHBB", 6 << 28, tcp_len, 6, 64) + s + d
        ethertype = 0x86DD
    else:
        s, d = ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed
        pseudo = s + d + struct.pack("!BBH", 0, 6, tcp_len)
        ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + tcp_len, 0, 0x4000, 64, 6, 0) + s + d
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        ethertype = 0x0800
    tcp = tcp_header(sport, dport, flags, seq, ack, payload, win, pseudo)
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!H", ethertype)
    return ts, eth + ip + tcp + payload


def write_pcap(path, segments, ipv6=False):
    with open(path, "wb") as f:
        # Microsecond pcap, snap length 65535, Ethernet.
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for seg in segments:
            ts, data = frame(seg, ipv6)
            sec = int(ts)
            usec = int(round((ts - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(data), len(data)))
            f.write(data)


def parse(lines):
    segs = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        w = line.split()
        if len(w) not in (9, 10):
            raise ValueError("want TS SRC SPORT DST DPORT FLAGS SEQ ACK LEN [WIN]: %r" % line)
        seg = [float(w[0]), w[1], w[3], int(w[2]), int(w[4]), w[5], int(w[6]), int(w[7]), int(w[8])]
        if len(w) == 10:
            seg.append(int(w[9]))
        segs.append(tuple(seg))
    return segs


def main(argv):
    args = [a for a in argv[1:] if a != "--ipv6"]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    write_pcap(args[0], parse(sys.stdin), ipv6="--ipv6" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
