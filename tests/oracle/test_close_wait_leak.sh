#!/bin/bash
# A CLOSE_WAIT leak: the client sends its request and closes; the server
# reads to EOF and never calls close(). 6 s later a second, normal
# connection (client closes first) marks the capture's end: a capture file
# records no end time of its own, so only a later packet shows how long the
# first connection stayed in CLOSE_WAIT.
# Kernel truth, conn 1: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2
#   (an orphan in FIN_WAIT_2: a timewait mini-socket, seen with ss),
#   server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT (seen with ss);
# conn 2 as client_closes_first.
source "$(dirname "$0")/lib.sh"
tso_init close_wait_leak "${1:-}"
HOLD=${TSO_CLOSE_WAIT_HOLD:-6}
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,recv_eof,touch:$TSO_WORK/eof|accept,recv:10,send:10,recv_eof,close,hold" --count 2
tso_client "connect,send:100,close"
for _ in $(seq 100); do [ -e "$TSO_WORK/eof" ] && break; sleep 0.05; done
tso_wait_state server CLOSE-WAIT 5
sleep "$HOLD"
tso_client "connect,send:10,recv:10,close"
tso_settle 5
tso_finish
tso_assert_count 2
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT
tso_assert_kernel 2 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
tso_assert_kernel 2 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
TSO_CHECKS=$((TSO_CHECKS + 1))
if grep -q "^CLOSE-WAIT" "$TSO_WORK/ss-server.txt"; then
	tso_log "ok   ss: the server still holds the CLOSE-WAIT socket"
else
	tso_fail "ss: no CLOSE-WAIT socket on the server: $(cat "$TSO_WORK/ss-server.txt")"
fi
tso_expect_diag both 1 close_wait_stuck
tso_compare
tso_done
