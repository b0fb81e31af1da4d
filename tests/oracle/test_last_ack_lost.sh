#!/bin/bash
# The close's last ACK lost, what TIME_WAIT is for (RFC 9293 §3.6): the
# client closes first; once the server has read to EOF, nftables in the
# server's input drops bare ACKs from the client for 0.7 s, and the server
# closes.  The client's ACK of the server's FIN never arrives, so the server
# sends its FIN again (at its retransmission timeout) and the client, in
# TIME_WAIT, answers each copy; once the rule is gone, one of them lands.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT,
#               server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED.
# Both captures see the FIN sent again.  trace holds the record once the
# first last ACK passes (the server's CLOSED rests on it): each copy of the
# FIN takes that receipt back, so from either capture the server is shown
# back in LAST_ACK ("revised") until an ACK of it is the last word, no
# segment is left outside the record, and no copy starts a new connection.
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
back_in_last_ack() {
	local side=$1 back
	back=$(grep -c '"from":"server","flags":"F.*"label":"retransmission".*"server":"LAST_ACK","revised":true' \
		"$W/trace-$side.jsonl")
	if [ "$back" -ge 1 ] && ! grep -q "came after" "$W/trace-$side.err"; then
		tso_log "ok   [$side-side capture] the FIN sent again takes the last ACK back: server in LAST_ACK again $back time(s), no segment outside the record"
	else
		tso_fail "[$side-side capture] server back in LAST_ACK $back time(s); stderr: $(cat "$W/trace-$side.err")"
	fi
}
tso_each_trace back_in_last_ack
tso_done
