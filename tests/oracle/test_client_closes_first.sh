#!/bin/bash
# The seed's Concrete Example against the kernel: the client closes first.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT,
#               server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED.
# Both capture points see every segment of it: trace must say the same.
source "$(dirname "$0")/lib.sh"
tso_init client_closes_first "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,recv:499,send:499,recv_eof,sleep:0.05,close"
tso_client "connect,send:499,recv:499,close,sleep:0.2"
tso_wait_peer "$TSO_SERVER_PID" 10
tso_settle 5
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
tso_compare
tso_done
