#!/bin/bash
# The handshake's final ACK never arrives: nftables in the server's input
# drops every client segment without SYN or RST (the final ACK and its
# repetitions). The client is ESTABLISHED at the SYN,ACK; the server's
# request socket stays in SYN_RCVD and sends the SYN,ACK again (1 s).
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
for i in $(seq 100); do [ -e "$TSO_WORK/connected" ] && break; sleep 0.05; done
# Until the server has sent its SYN,ACK again (after about 1 s).
for i in $(seq 60); do
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
tso_expect_diag both 1 handshake_incomplete
tso_compare
tso_done
