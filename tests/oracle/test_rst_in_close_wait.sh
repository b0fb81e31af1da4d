#!/bin/bash
# A RST in CLOSE_WAIT: the client sends 100 bytes and closes; the server
# never reads them and closes 0.2 s later, so its close() sends a RST instead
# of a FIN. The client's orphan was already a FIN_WAIT2 timewait socket
# (quirk 4 in README.md); the RST kills it, untraced: ss shows nothing.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSED,
#               server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT CLOSED.
source "$(dirname "$0")/lib.sh"
tso_init rst_in_close_wait "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,sleep:0.2,close"
tso_client "connect,send:100,close,sleep:0.5"
tso_wait_peer "$TSO_SERVER_PID" 10
tso_settle 5
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSED
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT CLOSED
TSO_CHECKS=$((TSO_CHECKS + 1))
if [ -s "$TSO_WORK/ss-client.txt" ]; then
	tso_fail "ss: the client's timewait socket survived the RST: $(cat "$TSO_WORK/ss-client.txt")"
else
	tso_log "ok   ss: the RST killed the client's FIN_WAIT_2 timewait socket"
fi
tso_compare
tso_done
