#!/bin/bash
# 200 short connections, one after another, the client closing first: 200
# client sockets in TIME_WAIT at the end (the seed's TIME_WAIT pile-up).
# Kernel truth, each: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT,
#                     server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED.
source "$(dirname "$0")/lib.sh"
tso_init many_short "${1:-}"
N=${TSO_CONNECTIONS:-200}
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,recv:10,send:10,recv_eof,close" --count "$N"
tso_client "connect,send:10,recv:10,close" --count "$N"
tso_wait_peer "$TSO_SERVER_PID" 20
tso_settle 5
tso_finish
tso_assert_count "$N"
tso_assert_kernel all client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
tso_assert_kernel all server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
TSO_CHECKS=$((TSO_CHECKS + 1))
tw=$(grep -c '^TIME-WAIT' "$TSO_WORK/ss-client.txt")
if [ "$tw" = "$N" ]; then tso_log "ok   ss: $tw client sockets in TIME-WAIT"; else tso_fail "ss: $tw client sockets in TIME-WAIT, expected $N"; fi
tso_expect_diag both any time_wait_accumulation
tso_compare
tso_done
