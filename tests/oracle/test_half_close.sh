#!/bin/bash
# Half-close: the client sends its request and its FIN (shutdown SHUT_WR),
# the server reads to EOF and only then sends its 3000-byte answer, data
# after the client's FIN, which the client reads in FIN_WAIT_2.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT,
#               server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED.
source "$(dirname "$0")/lib.sh"
tso_init half_close "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,recv_eof,sleep:0.1,send:3000,sleep:0.05,close"
tso_client "connect,send:1000,shutdown,recv:3000,recv_eof,close"
tso_wait_peer "$TSO_SERVER_PID" 10
tso_settle 5
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
# The data after the FIN is really on the wire: a server segment with
# payload after the client's FIN (checked on the client-side capture).
TSO_CHECKS=$((TSO_CHECKS + 1))
if tcpdump -nr "$TSO_WORK/client.pcap" 2>/dev/null | awk -v s="$TSO_SADDR.$TSO_PORT >" '
	index($0, "Flags [F") && !index($0, s) { fin = 1 }
	fin && index($0, s) && $NF > 0 && !index($0, "Flags [F") { data = 1 }
	END { exit !data }'; then
	tso_log "ok   capture: the server sent data after the client's FIN"
else
	tso_fail "capture: no server data after the client's FIN"
fi
tso_compare
tso_done
