#!/bin/bash
# Simultaneous open (RFC 9293 §3.5, Figure 8): no listener; each end binds
# its port and connects to the other's.  nftables drops bare SYNs in both
# inputs for the first 0.5 s, so both first SYNs are lost (both captures
# still see them); each end then sends its SYN again at its retransmission
# timeout, and the first of the two to arrive finds the other in SYN_SENT.
# That end goes SYN_SENT -> SYN_RCVD (the simultaneous-open transition) and
# answers SYN,ACK; the other then completes as an ordinary client.
# Kernel truth: the end whose SYN arrived second: CLOSED SYN_SENT SYN_RCVD
# ESTABLISHED ...; the other CLOSED SYN_SENT ESTABLISHED ... (which one is
# which depends on the two timers, so the test asserts what the kernel did
# and that trace saw the same).  Then the "client" end closes first.
source "$(dirname "$0")/lib.sh"
tso_init simultaneous_open "${1:-}"
tso_netns
cport=$((TSO_PORT + 1))
tso_nft server "tcp dport $TSO_PORT tcp flags & (syn | ack) == syn drop"
tso_nft client "tcp dport $cport tcp flags & (syn | ack) == syn drop"
tso_trace_start
tso_capture_start
# The "server" end: in its namespace, bound to TSO_PORT, connecting to the client's port.
timeout -s TERM 20 ip netns exec "$TSO_NS_S" "$TSO_PY" "$TSO_LIB_DIR/peers.py" client \
	--connect "$TSO_CADDR" --port "$cport" --bind-port "$TSO_PORT" --timeout 20 \
	--connect-timeout 10 "connect,recv_eof,close" >>"$TSO_WORK/server.log" 2>&1 &
TSO_SERVER_PID=$!
TSO_PEER_PIDS+=($!)
tso_client_bg "connect,send:100,close,sleep:0.2" --bind-port "$cport" --connect-timeout 10
sleep 0.5
tso_nft_flush server
tso_nft_flush client
tso_wait_peer "$TSO_SERVER_PID" 15
tso_wait_peer "$TSO_CLIENT_PID" 15
tso_settle 2
tso_finish
tso_assert_count 1
TSO_CHECKS=$((TSO_CHECKS + 1))
seqs=$("$TSO_PY" "$TSO_LIB_DIR/truth.py" show "$TSO_WORK/truth.json" 2>/dev/null | grep -E '^  (client|server):')
if grep -q "SYN_SENT SYN_RCVD ESTABLISHED" <<<"$seqs"; then
	tso_log "ok   kernel: one end went SYN_SENT -> SYN_RCVD (a simultaneous open)"
else
	tso_fail "kernel: no end went SYN_SENT -> SYN_RCVD: $seqs"
fi
tso_compare
tso_done
