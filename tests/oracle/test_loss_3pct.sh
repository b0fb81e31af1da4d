#!/bin/bash
# 3% random loss on a 2 MB transfer: nftables `numgen random mod 100 < 3
# drop` in the input of both namespaces (both captures still see every
# segment sent: AF_PACKET taps before netfilter). The client sends 2 MB,
# the server answers "ok", the client closes first.
# TSO_LOSS_PCT=N changes the 3 (for exploring; the test is meant at 3).
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT,
#               server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED.
source "$(dirname "$0")/lib.sh"
tso_init loss_3pct "${1:-}"
tso_netns
tso_nft server "tcp dport $TSO_PORT numgen random mod 100 < ${TSO_LOSS_PCT:-3} counter drop"
tso_nft client "tcp sport $TSO_PORT numgen random mod 100 < ${TSO_LOSS_PCT:-3} counter drop"
tso_trace_start
tso_capture_start
tso_server "accept,recv:2097152,send:2,recv_eof,close" --io-timeout 20
tso_client "connect,send:2097152,recv:2,close,sleep:0.1" --io-timeout 20 --connect-timeout 20
tso_wait_peer "$TSO_SERVER_PID" 20
tso_settle 15
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
TSO_CHECKS=$((TSO_CHECKS + 1))
drops=0
for s in client server; do
	n=$(ip netns exec "$(tso_ns_of $s)" nft list chain inet "tso_$TSO_ID" input 2>/dev/null |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | head -1)
	drops=$((drops + ${n:-0}))
done
pk=$(tcpdump -nr "$TSO_WORK/client.pcap" tcp 2>/dev/null | wc -l)
if [ "$drops" -gt 0 ]; then
	tso_log "ok   nft dropped $drops of the $pk TCP segments on the wire"
else
	tso_fail "nft dropped nothing ($pk TCP segments): the loss rules did not apply"
fi
tso_compare
tso_done
