#!/bin/bash
# The server closes the moment it reads EOF, so its ACK of the client's FIN
# (delayed, quirk 7 in README.md) leaves with its own FIN as one F. segment:
# the client's FIN_WAIT_1 gets the ACK of its FIN and the peer's FIN at once.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
# (FIN_WAIT1 -> FIN_WAIT2 -> CLOSE in the same microsecond, ss: TIME-WAIT),
#               server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED.
source "$(dirname "$0")/lib.sh"
tso_init fin_ack_combined "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,recv_eof,close"
tso_client "connect,send:100,close,sleep:0.2"
tso_wait_peer "$TSO_SERVER_PID" 10
tso_settle 5
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
TSO_CHECKS=$((TSO_CHECKS + 1))
# The server's FIN must acknowledge the client's FIN (seq 101 + 1).
# (No BPF filter: tcpdump prints relative numbers only for whole flows.)
if tcpdump -nr "$TSO_WORK/client.pcap" 2>/dev/null |
	grep -F "IP $TSO_SADDR.$TSO_PORT > " | grep -F 'Flags [F' | grep -q 'ack 102,'; then
	tso_log "ok   capture: the server's FIN carries the ACK of the client's FIN"
else
	tso_fail "capture: the server's FIN does not acknowledge the client's FIN (the ACK came alone)"
fi
tso_compare
tso_done
