#!/bin/bash
# The close's last ACK lost, what TIME_WAIT is for (RFC 9293 §3.6): the
# client closes first; once the server has read to EOF, nftables in the
# server's input drops bare ACKs from the client for 0.7 s, and the server
# closes.  The client's ACK of the server's FIN never arrives, so the server
# sends its FIN again (at its retransmission timeout) and the client, in
# TIME_WAIT, answers each copy; once the rule is gone, one of them lands.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT,
#               server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED.
# Both captures see the FIN sent again; trace's record ends at the first
# last ACK (the server's CLOSED rests on it) and must count the later
# copies as segments after the connection ended, not as a new connection.
source "$(dirname "$0")/lib.sh"
tso_init last_ack_lost "${1:-}"
tso_netns
W=$TSO_WORK
tso_trace_start
tso_capture_start
tso_server "accept,recv:100,recv_eof,touch:$W/eof,wait:$W/go,close,sleep:2"
tso_client_bg "connect,send:100,close,sleep:3"
for _ in $(seq 100); do [ -e "$W/eof" ] && break; sleep 0.05; done
tso_nft server "tcp sport != $TSO_PORT tcp dport $TSO_PORT tcp flags == ack drop"
touch "$W/go"
sleep 0.7
tso_nft_flush server
tso_wait_peer "$TSO_SERVER_PID" 10
tso_wait_peer "$TSO_CLIENT_PID" 10
tso_settle 2
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
tso_assert_capture server 2 "src port $TSO_PORT and tcp[tcpflags] & tcp-fin != 0" "the server's FIN, sent again"
tso_compare
if tso_have_trace; then
	TSO_CHECKS=$((TSO_CHECKS + 1))
	if grep -q "segments\? came after" "$W/trace-server.err"; then
		tso_log "ok   trace counts the FIN sent again after the record: $(cat "$W/trace-server.err")"
	else
		tso_fail "trace said nothing of the segments after the record: $(cat "$W/trace-server.err")"
	fi
fi
tso_done
