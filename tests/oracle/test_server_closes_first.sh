#!/bin/bash
# The server answers and closes first; the client reads to EOF, then closes.
# Kernel truth: server LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT,
#               client CLOSED SYN_SENT ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED.
source "$(dirname "$0")/lib.sh"
tso_init server_closes_first "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,recv:200,send:300,close,sleep:0.2"
tso_client "connect,send:200,recv_eof,sleep:0.05,close"
tso_wait_peer "$TSO_SERVER_PID" 10
tso_settle 5
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
tso_compare
tso_done
