#!/bin/bash
# Connection refused: nothing listens; the server's kernel answers the SYN
# with RST,ACK. Kernel truth: client CLOSED SYN_SENT CLOSED; the server has
# no socket at all: CLOSED (README.md: what trace says for it).
source "$(dirname "$0")/lib.sh"
tso_init refused "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_client "connect_fail:refused,sleep:0.1"
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT CLOSED
tso_assert_kernel 1 server CLOSED
tso_expect_diag both 1 connection_refused
tso_compare
tso_done
