#!/bin/bash
# `tcpstate sockets` on the kernel's live sockets (issue 4): the seed's
# handshake bugs, made for real with nftables in network namespaces, named
# by the live diagnoses while the sockets are stuck.
#  1. SYNs dropped at the server: the client's socket sits in SYN_SENT;
#     `sockets` in the client's namespace says syn_unanswered and names
#     the remote ip:port.
#  2. The handshake's final ACK dropped at the server: a request socket
#     sits in SYN_RECV; `sockets` in the server's namespace says
#     handshake_incomplete and names the listener.
source "$(dirname "$0")/lib.sh"
tso_init sockets_live "${1:-}"
[ -x "$TSO_BIN" ] || tso_skip "no tcpstate binary given"
tso_netns

# sockets_diag NS CODE WHAT ARGS...: run `sockets --json` in NS, expect a
# diagnosis CODE whose record mentions WHAT.
sockets_diag() {
	local ns=$1 code=$2 what=$3
	shift 3
	TSO_CHECKS=$((TSO_CHECKS + 1))
	local out=$TSO_WORK/sockets-$code.jsonl
	timeout 20 ip netns exec "$ns" "$TSO_BIN" sockets --json "$@" >"$out" 2>"$out.err"
	if "$TSO_PY" - "$out" "$code" "$what" <<'PY'; then
import json, sys
path, code, what = sys.argv[1:]
for line in open(path):
    rec = json.loads(line)
    if rec.get("type") == "diagnosis" and rec.get("code") == code and what in json.dumps(rec):
        sys.exit(0)
sys.exit(1)
PY
		tso_log "ok   sockets: $code naming $what"
	else
		tso_fail "sockets: no $code naming $what in $(head -c 600 "$out") $(cat "$out.err")"
	fi
}

# 1. SYNs dropped by a firewall at the server.
tso_nft server "tcp dport $TSO_PORT tcp flags & (syn | ack) == syn drop"
tso_server "hold"
tso_client_bg "connect_fail:timeout" --connect-timeout 8
sleep 3.5
sockets_diag "$TSO_NS_C" syn_unanswered "$TSO_SADDR:$TSO_PORT" --syn-sent-age 2 ":$TSO_PORT"
tso_wait_peer "$TSO_CLIENT_PID" 15
tso_nft_flush server

# 2. The final ACK of the handshake dropped at the server.
tso_nft server "tcp dport $TSO_PORT tcp flags & (syn | ack) == ack drop"
tso_client_bg "connect,hold" --connect-timeout 8
sleep 3.5
sockets_diag "$TSO_NS_S" handshake_incomplete "$TSO_PORT" --syn-recv-age 2 --syn-recv-min 1 ":$TSO_PORT"
tso_done
