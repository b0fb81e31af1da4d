#!/bin/bash
# RST through SO_LINGER {1, 0}: the client closes an ESTABLISHED connection
# with a RST instead of a FIN.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED CLOSED,
#               server LISTEN SYN_RCVD ESTABLISHED CLOSED.
source "$(dirname "$0")/lib.sh"
tso_init rst_linger0 "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,recv_any,close"
tso_client "connect,send:100,sleep:0.1,linger0,close,sleep:0.1"
tso_wait_peer "$TSO_SERVER_PID" 10
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED CLOSED
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSED
tso_expect_diag both 1 reset_established
tso_compare
tso_done
