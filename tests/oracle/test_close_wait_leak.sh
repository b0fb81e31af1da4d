#!/bin/bash
# A CLOSE_WAIT leak: the client sends its request and closes; the server
# reads to EOF and never calls close().
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 (an
# orphan in FIN_WAIT_2: a timewait mini-socket, seen with ss),
#               server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT (seen with ss).
source "$(dirname "$0")/lib.sh"
tso_init close_wait_leak "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,recv_eof,touch:$TSO_WORK/eof,hold"
tso_client "connect,send:100,close,sleep:0.1"
for i in $(seq 100); do [ -e "$TSO_WORK/eof" ] && break; sleep 0.05; done
tso_wait_state server CLOSE-WAIT 5
sleep 1
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT
tso_compare
tso_done
