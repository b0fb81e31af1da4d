#!/usr/bin/env python3
"""Small kernel-socket peers for the oracle scenarios (standard library only).

Run inside a namespace with `ip netns exec`. Each peer runs a list of
actions, comma separated, on one socket per iteration (--count times):

    peers.py server --bind ADDR --port P [--count N] [--ready FILE] -- ACTIONS
    peers.py client --connect ADDR --port P [--bind-port Q] [--count N] -- ACTIONS

The server creates its listener (bound to ADDR, so the kernel's listener
events carry the test's address) before the first action, writes --ready,
and closes the listener when every iteration is done (or at `hold`).

Actions ("|" separates per-iteration lists: iteration i runs list i, the
last list for every iteration past the number of lists)
    accept            (server) take the next connection from the listener
    accept_hello      (server) the same, then read the client's hello and run
                      the list of the iteration it names (the rest of it,
                      after its own accept_hello): under loss, connections
                      can reach accept() in another order than they were made
    connect           (client) connect; failure is an error
    hello             (client) send the iteration number (4 bytes)
    connect_fail:E    (client) connect must fail with E (refused | timeout)
    send:N            send N bytes (sendall)
    recv:N            receive exactly N bytes
    recv_eof          read until EOF; an error is an error
    recv_any          read until EOF or a reset (ECONNRESET is fine)
    recv_any:S        the same, or until S seconds pass with nothing read
                      (the peer's RST was lost: it will never say more)
    shutdown          shutdown(SHUT_WR): send our FIN, keep reading
    linger0           SO_LINGER {on, 0}: close() will send a RST
    keepalive:S       SO_KEEPALIVE, a probe after S idle seconds and every S
                      seconds after that (TCP_KEEPIDLE, TCP_KEEPINTVL)
    close             close the socket
    sleep:S           sleep S seconds
    touch:FILE        create FILE (a signal to the test script)
    wait:FILE         wait until FILE exists (bounded by --timeout)
    hold              keep everything open until --timeout or a signal

--bind-port Q binds the client's socket to local port Q before connect
(both ends connecting to each other: a simultaneous open).

--rcvbuf N sets SO_RCVBUF on the listener (before listen(), so that the
window scale its SYN,ACK offers follows it) or on the client's socket
before connect: a small receive buffer fills, and the peer sees a zero
window.

Every blocking call is bounded by --io-timeout; the whole peer by --timeout
(it exits 3 when exceeded, without closing anything on purpose first).
"""
import argparse
import errno
import os
import signal
import socket
import struct
import sys
import time

DEADLINE = None


def log(role, msg):
    sys.stderr.write("peers[%s %d]: %s\n" % (role, os.getpid(), msg))
    sys.stderr.flush()


def remaining():
    return max(0.0, DEADLINE - time.monotonic())


def check_deadline():
    if time.monotonic() > DEADLINE:
        raise TimeoutError("peer deadline exceeded")


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def wait_file(path):
    for _ in range(100000):  # bounded: 10 ms steps, ended by the deadline
        if os.path.exists(path):
            return
        check_deadline()
        time.sleep(0.01)
    raise TimeoutError("wait:%s" % path)


def recv_exact(s, n, keep=None):
    got = 0
    while got < n:
        check_deadline()
        b = s.recv(min(65536, n - got))
        if not b:
            raise ConnectionError("EOF after %d of %d bytes" % (got, n))
        got += len(b)
        if keep is not None:
            keep += b
    return got


def recv_until_eof(s, tolerate_reset, quiet=None):
    total = 0
    if quiet is not None:
        s.settimeout(quiet)
    for _ in range(10 ** 7):  # bounded by bytes and by the deadline
        check_deadline()
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            if tolerate_reset:
                return total, "reset"
            raise
        except (socket.timeout, TimeoutError):
            if quiet is None:
                raise
            return total, "silence"
        if not b:
            return total, "eof"
        total += len(b)
    raise RuntimeError("recv loop bound reached")


def set_rcvbuf(s, args):
    if args.rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)


def accept_one(listener, args):
    listener.settimeout(min(args.io_timeout, remaining()))
    s, peer = listener.accept()
    s.settimeout(args.io_timeout)
    return s, peer


def run_actions(role, args, plans, listener, it):
    actions = plans[min(it, len(plans)) - 1]
    s = None
    payload = b"x" * 65536
    pos = 0
    while pos < len(actions):
        act = actions[pos]
        pos += 1
        check_deadline()
        name, _, arg = act.partition(":")
        if name == "accept_hello":
            s, peer = accept_one(listener, args)
            buf = bytearray()
            recv_exact(s, 4, buf)
            named = struct.unpack("!I", bytes(buf))[0]
            if not 1 <= named <= args.count:
                raise ValueError("hello names iteration %d" % named)
            if named != it:
                log(role, "#%d took the connection of #%d %s" % (it, named, peer[:2]))
            actions = plans[min(named, len(plans)) - 1]
            pos = 1
        elif name == "hello":
            s.sendall(struct.pack("!I", it))
        elif name == "accept":
            s, peer = accept_one(listener, args)
            if args.verbose:
                log(role, "#%d accepted %s" % (it, peer[:2]))
        elif name in ("connect", "connect_fail"):
            s = socket.socket(family_of(args.connect), socket.SOCK_STREAM)
            set_rcvbuf(s, args)
            if args.bind_port:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("::" if family_of(args.connect) == socket.AF_INET6 else "0.0.0.0", args.bind_port))
            s.settimeout(args.connect_timeout)
            try:
                s.connect((args.connect, args.port))
            except ConnectionRefusedError:
                if name == "connect_fail" and arg == "refused":
                    log(role, "#%d connect refused, as expected" % it)
                    s.close()
                    s = None
                    continue
                raise
            except (socket.timeout, TimeoutError):
                if name == "connect_fail" and arg == "timeout":
                    log(role, "#%d connect timed out, as expected" % it)
                    s.close()  # a socket in SYN_SENT: CLOSED, nothing sent
                    s = None
                    continue
                raise
            if name == "connect_fail":
                raise RuntimeError("connect succeeded, expected %s" % arg)
            s.settimeout(args.io_timeout)
            if args.verbose:
                log(role, "#%d connected from %s" % (it, s.getsockname()[:2]))
        elif name == "send":
            n = int(arg)
            while n > 0:
                check_deadline()
                k = min(n, len(payload))
                s.sendall(payload[:k])
                n -= k
        elif name == "recv":
            recv_exact(s, int(arg))
        elif name in ("recv_eof", "recv_any"):
            quiet = float(arg) if arg and name == "recv_any" else None
            total, how = recv_until_eof(s, name == "recv_any", quiet)
            if quiet is not None:
                s.settimeout(args.io_timeout)
            if args.verbose or how != "eof":
                log(role, "#%d read %d bytes, then %s" % (it, total, how))
        elif name == "shutdown":
            s.shutdown(socket.SHUT_WR)
        elif name == "keepalive":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, int(arg))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, int(arg))
        elif name == "linger0":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif name == "close":
            s.close()
            s = None
        elif name == "sleep":
            time.sleep(min(float(arg), remaining()))
        elif name == "touch":
            with open(arg, "w") as f:
                f.write("%d\n" % it)
        elif name == "wait":
            wait_file(arg)
        elif name == "hold":
            # Keep the socket (and the listener) open: the CLOSE_WAIT leak,
            # the SYN nobody accepts. The test script ends us by PID.
            log(role, "holding")
            time.sleep(remaining())
            raise TimeoutError("held until the deadline")
        else:
            raise ValueError("unknown action %r" % act)
    return s


def main():
    global DEADLINE
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=("server", "client"))
    ap.add_argument("--bind")
    ap.add_argument("--connect")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--ready")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--io-timeout", type=float, default=10.0)
    ap.add_argument("--connect-timeout", type=float, default=10.0)
    ap.add_argument("--rcvbuf", type=int)
    ap.add_argument("--bind-port", type=int)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("actions")
    args = ap.parse_args()
    DEADLINE = time.monotonic() + args.timeout
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plans = [[a for a in group.split(",") if a] for group in args.actions.split("|")]
    if args.count < 1 or args.count > 100000:
        raise SystemExit("count out of range")

    listener = None
    if args.role == "server":
        listener = socket.socket(family_of(args.bind), socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        set_rcvbuf(listener, args)
        listener.bind((args.bind, args.port))
        listener.listen(256)
        if args.ready:
            with open(args.ready, "w") as f:
                f.write("ready\n")
    elif not args.connect:
        raise SystemExit("client needs --connect")

    kept = []  # sockets the actions left open stay open until we exit
    try:
        for it in range(1, args.count + 1):
            s = run_actions(args.role, args, plans, listener, it)
            if s is not None:
                kept.append(s)
    except TimeoutError as e:
        log(args.role, "timeout: %s" % e)
        return 3
    except Exception as e:  # noqa: BLE001 -- report every failure the same way
        log(args.role, "error: %s: %s" % (type(e).__name__, e))
        return 1
    if listener is not None:
        listener.close()
    for s in kept:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
