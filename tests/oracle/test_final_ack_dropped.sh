#!/bin/bash
# The handshake's final ACK never arrives: nftables in the server's input
# drops every client segment without SYN or RST (the final ACK and anything
# after it). The client is ESTABLISHED at the SYN,ACK; the server's request
# socket stays in SYN_RCVD and sends the SYN,ACK again after 1 s.
# Once the client is connected, nftables in the client's input also drops
# SYN,ACKs, so the repeated SYN,ACK gets no duplicate ACK: the captures end
# SYN, SYN,ACK, ACK, SYN,ACK, which says without doubt that the ACK never
# arrived (otherwise the capture would end with the client's unconfirmed
# second ACK, and nothing in it could tell whether that one arrived).
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED, server LISTEN SYN_RCVD
# (a request socket: not traced, seen with ss as SYN-RECV).
source "$(dirname "$0")/lib.sh"
tso_init final_ack_dropped "${1:-}"
tso_netns
tso_nft server "tcp dport $TSO_PORT tcp flags & (syn | rst) == 0 drop"
tso_trace_start
tso_capture_start
tso_server "hold"
tso_client_bg "connect,touch:$TSO_WORK/connected,hold"
for _ in $(seq 100); do [ -e "$TSO_WORK/connected" ] && break; sleep 0.05; done
tso_nft client "tcp sport $TSO_PORT tcp flags & (syn | ack) == (syn | ack) drop"
# Until the server has sent its SYN,ACK again (after about 1 s).
for _ in $(seq 60); do
	n=$(tcpdump -nr "$TSO_WORK/client.pcap" "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)" 2>/dev/null | wc -l)
	[ "$n" -ge 2 ] && break
	sleep 0.05
done
sleep 0.1
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED
tso_assert_kernel 1 server LISTEN SYN_RCVD
TSO_CHECKS=$((TSO_CHECKS + 1))
if grep -q "^SYN-RECV" "$TSO_WORK/ss-server.txt"; then
	tso_log "ok   ss: the server holds a SYN-RECV request socket"
else
	tso_fail "ss: no SYN-RECV request socket on the server: $(cat "$TSO_WORK/ss-server.txt")"
fi
TSO_CHECKS=$((TSO_CHECKS + 1))
last=$(tcpdump -nr "$TSO_WORK/server.pcap" tcp 2>/dev/null | tail -1)
case $last in
*"Flags [S.]"*) tso_log "ok   capture: it ends with the repeated SYN,ACK, unanswered" ;;
*) tso_fail "capture: expected to end with the repeated SYN,ACK: $last" ;;
esac
tso_expect_diag both 1 handshake_incomplete
tso_compare
tso_done
