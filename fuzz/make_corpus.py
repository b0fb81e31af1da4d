#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_trace into fuzz/corpus/: a few small
captures, in the target's input layout (see fuzz_trace.c), built from the
same kinds of frames tests/unit/test_trace_decode*.c build: whole
conversations, so that the fuzzer starts from inputs that reach deep into
the observer, over every family of link type.  And fuzz_pcapng's into
fuzz/corpus-pcapng/: pcapng files with every block kind and clock
option, in both byte orders."""
import os
import struct

# Indexes into fuzz_trace.c's linktypes[].
EN10MB, SLL, SLL2, RAW, RAW_OBSD, LT_RAW, IPV4, IPV6, NULL, LOOP = range(10)

C4, S4 = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
C6 = bytes.fromhex("20010db8000000000000000000000001")
S6 = bytes.fromhex("20010db8000000000000000000000002")
SYN_OPTS = bytes([2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 3, 0xe8, 0, 0, 0, 0, 1, 3, 3, 7])
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def tcp(sport, dport, seq, ack, flags, opts=b"", payload=b"", win=64240):
    hl = 20 + len(opts)
    return struct.pack(">HHIIBBHHH", sport, dport, seq, ack, hl // 4 << 4, flags,
                       win, 0, 0) + opts + payload


def ipv4(src, dst, payload, proto=6, frag=0, extra=0):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload) + extra, 1, frag,
                       64, proto, 0, src, dst) + payload


def ipv6(src, dst, payload, nh=6):
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), nh, 64, src, dst) + payload


def eth(ip, tags=()):
    etype = 0x0800 if ip[0] >> 4 == 4 else 0x86DD
    hdr = bytes(6) + bytes([2, 0, 0, 0, 0, 1])
    for tpid, vid in tags:
        hdr += struct.pack(">HH", tpid, vid)
    return hdr + struct.pack(">H", etype) + ip


def sll(ip):
    etype = 0x0800 if ip[0] >> 4 == 4 else 0x86DD
    return struct.pack(">HHH8sH", 0, 1, 6, bytes(8), etype) + ip


def sll2(ip):
    etype = 0x0800 if ip[0] >> 4 == 4 else 0x86DD
    return struct.pack(">HHIHBB8s", etype, 0, 1, 1, 0, 6, bytes(8)) + ip


def null_le(ip):
    return struct.pack("<I", 2 if ip[0] >> 4 == 4 else 30) + ip


def loop(ip):
    return struct.pack(">I", 2 if ip[0] >> 4 == 4 else 24) + ip


def conversation(ip, src, dst, link, cport=40000, sport=80):
    """The seed's Concrete Example: handshake, one line of data, the
    client closes, the server closes."""
    c, s = 1000, 5000
    segs = [
        (0, src, dst, tcp(cport, sport, c, 0, SYN, SYN_OPTS)),
        (8, dst, src, tcp(sport, cport, s, c + 1, SYN | ACK, SYN_OPTS)),
        (8, src, dst, tcp(cport, sport, c + 1, s + 1, ACK)),
        (9, src, dst, tcp(cport, sport, c + 1, s + 1, PSH | ACK, payload=b"hello")),
        (8, dst, src, tcp(sport, cport, s + 1, c + 6, ACK)),
        (10, src, dst, tcp(cport, sport, c + 6, s + 1, FIN | ACK)),
        (8, dst, src, tcp(sport, cport, s + 1, c + 7, ACK)),
        (10, dst, src, tcp(sport, cport, s + 1, c + 7, FIN | ACK)),
        (8, src, dst, tcp(cport, sport, c + 7, s + 2, ACK)),
    ]
    return [(step, link(ip(a, b, seg))) for step, a, b, seg in segs]


def record(step, frame):
    return struct.pack(">H", step << 12 | len(frame)) + frame


def write(name, first, packets):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([first]) + b"".join(record(s, fr) for s, fr in packets))


OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(OUT, exist_ok=True)

write("eth_ipv4_conversation", EN10MB, conversation(ipv4, C4, S4, eth))
write("sll2_ipv6_conversation", SLL2, conversation(ipv6, C6, S6, sll2))
write("null_ipv4_conversation", NULL, conversation(ipv4, C4, S4, null_le))

# 802.1ad + 802.1Q, a SYN refused by a RST.
qinq = lambda ip: eth(ip, [(0x88A8, 200), (0x8100, 100)])
write("eth_qinq_refused", EN10MB, [
    (0, qinq(ipv4(C4, S4, tcp(40001, 81, 7, 0, SYN, SYN_OPTS)))),
    (8, qinq(ipv4(S4, C4, tcp(81, 40001, 0, 8, RST | ACK)))),
])

# IPv6 extension headers before TCP: hop-by-hop, first fragment, AH.
hbh = lambda nh: bytes([nh, 0, 1, 4, 0, 0, 0, 0])
frag = lambda nh: bytes([nh, 0, 0, 1, 0, 0, 0, 9])
ah = lambda nh: bytes([nh, 4, 0, 0]) + bytes(20)
ext = hbh(44) + frag(51) + ah(6)
write("loop_ipv6_extensions", LOOP, [
    (0, loop(ipv6(C6, S6, ext + tcp(40002, 443, 1, 0, SYN, SYN_OPTS), nh=0))),
    (8, loop(ipv6(S6, C6, tcp(443, 40002, 9, 2, SYN | ACK, SYN_OPTS)))),
])

# Snap length: every packet's wire length is 128 bytes more than captured
# (first byte 3 + 10 * 2), and the IP lengths claim 100 more.
big = lambda a, b, seg: ipv4(a, b, seg, extra=100)
write("raw_ipv4_snaplen", RAW + 10 * 2, [
    (0, big(C4, S4, tcp(40003, 80, 1, 0, SYN, SYN_OPTS))),
    (8, big(S4, C4, tcp(80, 40003, 9, 2, SYN | ACK, SYN_OPTS))),
    (8, big(C4, S4, tcp(40003, 80, 2, 10, PSH | ACK, payload=b"abc"))),
])

# A closed connection, 2*MSL of silence, and the 4-tuple used again.
again = conversation(ipv4, C4, S4, sll) + [(15, fr) for _, fr in conversation(ipv4, C4, S4, sll)[:1]]
write("sll_ipv4_reuse_after_time_wait", SLL, again)

# Fragments: a first fragment holding the TCP header, then a later one.
write("ipv4_fragments", IPV4, [
    (0, ipv4(C4, S4, tcp(40004, 80, 1, 1, ACK, payload=b"x" * 16), frag=0x2000)),
    (0, ipv4(C4, S4, b"y" * 24, frag=5)),
])


# ---- pcapng (fuzz_pcapng) ----

def ng_block(order, btype, body):
    body += bytes(-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(order + "II", btype, n) + body + struct.pack(order + "I", n)


def ng_option(order, code, value):
    return struct.pack(order + "HH", code, len(value)) + value + bytes(-len(value) % 4)


def ng_file(order):
    shb = ng_block(order, 0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    end = ng_option(order, 0, b"")
    idbs = [
        ng_block(order, 1, struct.pack(order + "HHI", 1, 0, 0) + end),
        ng_block(order, 1, struct.pack(order + "HHI", 101, 0, 65535)
                 + ng_option(order, 9, bytes([9])) + end),
        ng_block(order, 1, struct.pack(order + "HHI", 276, 0, 0)
                 + ng_option(order, 9, bytes([0x80 | 20]))
                 + ng_option(order, 14, struct.pack(order + "q", -3600)) + end),
    ]
    frame = eth(ipv4(C4, S4, tcp(40005, 80, 1, 0, SYN, SYN_OPTS)))
    raw = ipv4(S4, C4, tcp(80, 40005, 9, 2, SYN | ACK, SYN_OPTS))
    cooked = sll2(ipv4(C4, S4, tcp(40005, 80, 2, 10, ACK)))

    def epb(ifid, t, data):
        return ng_block(order, 6, struct.pack(order + "IIIII", ifid, t >> 32, t & 0xFFFFFFFF,
                                               len(data), len(data)) + data)

    blocks = [shb, ng_block(order, 4, bytes(8))] + idbs + [
        epb(0, 1700000000 * 10**6, frame),
        epb(1, 1700000000 * 10**9 + 5, raw),
        epb(2, 1700000000 << 20, cooked),
        ng_block(order, 3, struct.pack(order + "I", len(frame)) + frame),
        ng_block(order, 2, struct.pack(order + "HHIIII", 0, 0, 0, 7, len(frame), len(frame)) + frame),
        ng_block(order, 5, bytes(16)),
        shb, idbs[0], epb(0, 1700000001 * 10**6, frame),
    ]
    return b"".join(blocks)


OUT_NG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus-pcapng")
os.makedirs(OUT_NG, exist_ok=True)
for name, order in (("little_endian", "<"), ("big_endian", ">")):
    with open(os.path.join(OUT_NG, name + ".pcapng"), "wb") as f:
        f.write(ng_file(order))
