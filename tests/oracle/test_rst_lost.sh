#!/bin/bash
# A RST that never arrives: the client aborts (SO_LINGER 0) and nftables
# drops its RST,ACK at the server, which goes on as if nothing happened.
# A second later the server closes: its FIN reaches a client with no
# socket left, which answers with a bare RST (no ACK bit: that one passes).
# Both captures show the first RST, so trace first takes the server for
# CLOSED; the server's FIN, sent long after the RST could have arrived,
# proves the RST was lost, and trace must take that back.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED CLOSED,
#               server LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 CLOSED.
source "$(dirname "$0")/lib.sh"
tso_init rst_lost "${1:-}"
tso_netns
tso_nft server "tcp dport $TSO_PORT tcp flags & (rst|ack) == rst|ack counter drop"
tso_trace_start
tso_capture_start
tso_server "accept,recv:100,recv_any:1,close,sleep:0.3"
tso_client "connect,send:100,sleep:0.1,linger0,close,sleep:1.5"
tso_wait_peer "$TSO_SERVER_PID" 10
tso_settle 5
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED CLOSED
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 CLOSED
tso_expect_diag both 1 reset_established
tso_compare
tso_done
