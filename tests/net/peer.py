#!/usr/bin/env python3
"""The Linux kernel's end of a tests/net scenario: one TCP socket driven by
a list of actions (standard library only; run it with `ip netns exec`).

    peer.py server --port P [--bind ADDR] [--ready FILE] [options] ACTIONS
    peer.py client --connect ADDR --port P [options] ACTIONS

The server binds and listens before the first action, then writes --ready.
Actions, comma separated:

    accept              (server) take one connection
    connect             (client) connect; any failure is an error
    connect_fail:E      (client) connect must fail with E: refused
    send_file:PATH      send the file (sendall)
    bg_send_file:PATH   the same in a thread, then shutdown(SHUT_WR): data
                        flows both ways while the next actions read
    join                wait for the bg_send_file thread (an error in it is ours)
    send:N              send N bytes
    recv:N              receive exactly N bytes
    recv_sha[:N:FILE]   read to end of stream; prints "recv BYTES SHA256 eof";
                        with N:FILE, creates FILE once N bytes have come
    recv_reset          read until the connection is reset: ECONNRESET is
                        required (prints "recv BYTES SHA256 reset"), EOF fails
    send_reset          send until the connection is reset: ECONNRESET
                        required (prints "send reset ECONNRESET")
    shutdown            shutdown(SHUT_WR): our FIN, reading goes on
    linger0             SO_LINGER {1, 0}: close() sends RST
    close               close
    sleep:S             sleep S seconds
    touch:FILE          create FILE (tells the test script)
    wait:FILE           wait for FILE to exist (bounded by --timeout)
    tcpinfo:FILE        write "options=N", TCP_INFO's tcpi_options (1 timestamps,
                        2 SACK, 4 window scale: what the handshake agreed)
    info:FILE           write "LOCALPORT REMOTEPORT" of the connection to FILE

Every blocking call is bounded by --io-timeout, the whole run by --timeout
(exit 3).  Exit 0 when every action did what it says, 1 otherwise.
"""
import argparse
import errno
import hashlib
import os
import socket
import struct
import sys
import threading
import time

DEADLINE = 0.0


def log(msg):
    sys.stderr.write("peer[%d]: %s\n" % (os.getpid(), msg))
    sys.stderr.flush()


def check_deadline():
    if time.monotonic() > DEADLINE:
        raise TimeoutError("peer deadline exceeded")


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def send_file(s, path):
    sent = 0
    with open(path, "rb") as f:
        for _ in range(1 << 24):  # bounded by the file's size and the deadline
            check_deadline()
            b = f.read(1 << 18)
            if not b:
                return sent
            s.sendall(b)
            sent += len(b)
    raise RuntimeError("send loop bound reached")


def read_all(s, mark=None):
    """Reads to the end of the stream; mark = (N, FILE): FILE is created
    once N bytes have arrived."""
    h = hashlib.sha256()
    total = 0
    for _ in range(1 << 26):  # bounded by bytes and by the deadline
        check_deadline()
        try:
            b = s.recv(1 << 18)
        except ConnectionResetError:
            return total, h.hexdigest(), "reset"
        if not b:
            return total, h.hexdigest(), "eof"
        h.update(b)
        total += len(b)
        if mark and total >= mark[0]:
            with open(mark[1], "w") as f:
                f.write("%d\n" % total)
            mark = None
    raise RuntimeError("recv loop bound reached")


class Sender(threading.Thread):
    def __init__(self, s, path):
        super().__init__(daemon=True)
        self.s, self.path, self.error, self.sent = s, path, None, 0

    def run(self):
        try:
            self.sent = send_file(self.s, self.path)
            self.s.shutdown(socket.SHUT_WR)
        except Exception as e:  # noqa: BLE001 -- handed to join
            self.error = e


def run(args, listener):
    s = None
    bg = None
    for act in [a for a in args.actions.split(",") if a]:
        check_deadline()
        name, _, arg = act.partition(":")
        if name == "accept":
            listener.settimeout(max(0.1, min(args.io_timeout, DEADLINE - time.monotonic())))
            s, peer = listener.accept()
            s.settimeout(args.io_timeout)
        elif name in ("connect", "connect_fail"):
            s = socket.socket(family_of(args.connect), socket.SOCK_STREAM)
            s.settimeout(args.io_timeout)
            try:
                s.connect((args.connect, args.port))
            except ConnectionRefusedError:
                if name == "connect_fail" and arg == "refused":
                    print("connect refused", flush=True)
                    s.close()
                    s = None
                    continue
                raise
            if name == "connect_fail":
                raise RuntimeError("connect succeeded, expected %s" % arg)
        elif name == "send_file":
            send_file(s, arg)
        elif name == "bg_send_file":
            bg = Sender(s, arg)
            bg.start()
        elif name == "join":
            bg.join(max(0.1, DEADLINE - time.monotonic()))
            if bg.is_alive():
                raise TimeoutError("sender thread still running")
            if bg.error:
                raise bg.error
            print("sent %d" % bg.sent, flush=True)
        elif name == "send":
            n = int(arg)
            chunk = b"k" * 65536
            while n > 0:
                check_deadline()
                s.sendall(chunk[: min(n, len(chunk))])
                n -= min(n, len(chunk))
        elif name == "recv":
            got = 0
            while got < int(arg):
                check_deadline()
                b = s.recv(min(1 << 18, int(arg) - got))
                if not b:
                    raise ConnectionError("EOF after %d of %s bytes" % (got, arg))
                got += len(b)
        elif name in ("recv_sha", "recv_reset"):
            mark = None
            if arg:
                n_mark, _, path = arg.partition(":")
                mark = (int(n_mark), path)
            n, sha, how = read_all(s, mark)
            print("recv %d %s %s" % (n, sha, how), flush=True)
            want = "reset" if name == "recv_reset" else "eof"
            if how != want:
                raise ConnectionError("stream ended by %s after %d bytes, wanted %s" % (how, n, want))
        elif name == "send_reset":
            chunk = b"r" * 65536
            for _ in range(1 << 16):
                check_deadline()
                try:
                    s.sendall(chunk)
                except (ConnectionResetError, BrokenPipeError) as e:
                    # The first call after the RST reports ECONNRESET; EPIPE
                    # would mean the reset was seen somewhere else first.
                    name = errno.errorcode.get(e.errno, str(e.errno))
                    print("send reset %s" % name, flush=True)
                    if e.errno != errno.ECONNRESET:
                        raise
                    break
            else:
                raise RuntimeError("never reset")
        elif name == "shutdown":
            s.shutdown(socket.SHUT_WR)
        elif name == "linger0":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif name == "close":
            s.close()
            s = None
        elif name == "sleep":
            time.sleep(min(float(arg), max(0.0, DEADLINE - time.monotonic())))
        elif name == "touch":
            with open(arg, "w") as f:
                f.write("1\n")
        elif name == "wait":
            for _ in range(1 << 20):  # 10 ms steps, ended by the deadline
                if os.path.exists(arg):
                    break
                check_deadline()
                time.sleep(0.01)
        elif name == "tcpinfo":
            # tcpi_options (struct tcp_info's sixth byte): TCPI_OPT_TIMESTAMPS 1,
            # TCPI_OPT_SACK 2, TCPI_OPT_WSCALE 4: what the handshake agreed.
            info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
            with open(arg, "w") as f:
                f.write("options=%d\n" % info[5])
        elif name == "info":
            with open(arg + ".tmp", "w") as f:
                f.write("%d %d\n" % (s.getsockname()[1], s.getpeername()[1]))
            os.rename(arg + ".tmp", arg)
        else:
            raise ValueError("unknown action %r" % act)
    return s


def main():
    global DEADLINE
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=("server", "client"))
    ap.add_argument("--bind", default="0.0.0.0")
    ap.add_argument("--connect")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ready")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--io-timeout", type=float, default=20.0)
    ap.add_argument("actions")
    args = ap.parse_args()
    DEADLINE = time.monotonic() + args.timeout
    listener = None
    if args.role == "server":
        fam = family_of(args.bind)
        if args.bind == "::":
            fam = socket.AF_INET6
        listener = socket.socket(fam, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        listener.bind((args.bind, args.port))
        listener.listen(16)
        if args.ready:
            with open(args.ready, "w") as f:
                f.write("ready\n")
    elif not args.connect:
        ap.error("client needs --connect")
    try:
        s = run(args, listener)
    except TimeoutError as e:
        log("timeout: %s" % e)
        return 3
    except Exception as e:  # noqa: BLE001 -- every failure reported the same way
        log("error: %s: %s" % (type(e).__name__, e))
        return 1
    if s is not None:
        s.close()
    if listener is not None:
        listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
