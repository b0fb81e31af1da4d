#!/bin/bash
# RST from closing with unread data (RFC 2525, Linux): the server sends
# 5000 bytes the client never reads; the client's close() sends a RST.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED CLOSED,
#               server LISTEN SYN_RCVD ESTABLISHED CLOSED.
source "$(dirname "$0")/lib.sh"
tso_init rst_unread "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,send:5000,recv_any,close"
tso_client "connect,sleep:0.2,close,sleep:0.1"
tso_wait_peer "$TSO_SERVER_PID" 10
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED CLOSED
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSED
TSO_CHECKS=$((TSO_CHECKS + 1))
if tcpdump -nr "$TSO_WORK/client.pcap" "src host $TSO_CADDR and tcp[tcpflags] & tcp-rst != 0" 2>/dev/null | grep -q .; then
	tso_log "ok   capture: the client's close() sent a RST"
else
	tso_fail "capture: no RST from the client"
fi
tso_expect_diag both 1 reset_established
tso_compare
tso_done
