#!/bin/bash
# A SYN silently dropped by a firewall: nftables in the server's input drops
# the client's SYNs; the client's connect() gives up after 2.5 s (its SYN
# and one retransmission are on the wire) and closes the socket.
# Kernel truth: client CLOSED SYN_SENT CLOSED, server LISTEN (the listener
# never sees the SYN). Both captures see the SYNs (AF_PACKET taps before
# netfilter), no answer, and nothing of the client's giving up: trace must
# say client CLOSED SYN_SENT, server LISTEN, and syn_unanswered.
source "$(dirname "$0")/lib.sh"
tso_init syn_dropped "${1:-}"
tso_netns
tso_nft server "tcp dport $TSO_PORT tcp flags & (syn | ack) == syn drop"
tso_trace_start
tso_capture_start
tso_server "hold"
tso_client "connect_fail:timeout,sleep:0.1" --connect-timeout 2.5
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT CLOSED
tso_assert_kernel 1 server LISTEN
tso_assert_capture server 2 "tcp[tcpflags] == tcp-syn" "SYNs that arrived (tapped before netfilter drops them)"
tso_expect both 1 client CLOSED SYN_SENT
tso_note both 1 a socket closed in SYN_SENT sends nothing: no capture can see the client give up
tso_expect_diag both 1 syn_unanswered
tso_compare
tso_done
