#!/usr/bin/env bash
# Both ends' states at checkpoints: the kernel's, read with `ss` in the
# test's namespace, must be what RFC 9293's diagram says for the kernel's
# side at the moment tcpstate nc -v reports its own (state=... lines).
# nftables holds a connection at a checkpoint by dropping one packet kind
# on the TUN device; the kernel peer (peer.py) holds its close until told.
#
# connect role (tcpstate nc connects to a kernel listener):
#   the kernel's SYN,ACK dropped        tcpstate SYN_SENT     kernel SYN-RECV
#   the drop lifted                     tcpstate ESTABLISHED  kernel ESTAB
#   tcpstate's input ends (FIN)         tcpstate FIN_WAIT_2   kernel CLOSE-WAIT
#   tcpstate's packets dropped, the kernel closes
#                                       tcpstate TIME_WAIT    kernel LAST-ACK
#     (its FIN was taken, the ACK lost: the kernel waits on in LAST-ACK)
# listen role (a kernel client connects to tcpstate nc -l):
#   tcpstate's SYN,ACK dropped          tcpstate SYN_RCVD     kernel SYN-SENT
#   the drop lifted                     tcpstate ESTABLISHED  kernel ESTAB
#   the kernel shuts down its write side
#                                       tcpstate CLOSE_WAIT   kernel FIN-WAIT-2
#   the kernel's packets dropped, tcpstate's input ends
#                                       tcpstate LAST_ACK     kernel TIME-WAIT
#   the drop lifted (tcpstate's FIN again, ACKed from TIME-WAIT)
#                                       tcpstate CLOSED       kernel TIME-WAIT
# and nc -v's whole sequence is the diagram's for its side.
#
# Usage: test_states.sh path/to/tcpstate   (exit 77: skipped, needs root)
set -u
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
tn_init states "${1:-}"
tn_need nft

# checkpoint NAME NS NCERR NCSTATE SSSTATE: both must hold within 5 s.
checkpoint() {
	local name=$1 ns=$2 err=$3 want_nc=$4 want_ss=$5 ok=1
	tn_wait_nc_state "$err" "$want_nc" 5 || ok=0
	tn_wait_ss "$ns" 5001 "$want_ss" 5 || ok=0
	if [ $ok = 1 ]; then
		tn_ok "$name: tcpstate $want_nc, kernel $want_ss"
		return 0
	fi
	tn_fail "$name: tcpstate $(tn_last_state "$err") (wanted $want_nc), kernel '$(tn_ss_state "$ns" 5001)' (wanted $want_ss)"
	return 1
}

connect_role() {
	local ns name=connect w=$TN_WORK/connect err
	tn_ns connect
	ns=$TN_NS
	err=$TN_WORK/$name.err
	tn_feed "$w.fifo" "file:$w.go1"
	tn_peer_server "$ns" "$name.kernel" 5001 --timeout 60 "accept,recv_sha,touch:$w.eof,wait:$w.go2,close" || return
	local peer=$TN_PID
	tn_nft "$ns" output oifname tcps0 tcp flags '&' '(syn|ack)' == '(syn|ack)' counter drop
	tn_nc "$ns" "$name" "$w.fifo" -v -w 20 198.18.0.1 5001
	local nc=$TN_PID
	checkpoint "$name/handshake, SYN,ACK lost" "$ns" "$err" SYN_SENT SYN-RECV || return
	tn_nft_flush "$ns" output
	checkpoint "$name/established" "$ns" "$err" ESTABLISHED ESTAB || return
	touch "$w.go1"
	tn_wait_file "$w.eof" 5 || tn_fail "$name: the kernel never read tcpstate's FIN"
	checkpoint "$name/tcpstate closed first" "$ns" "$err" FIN_WAIT_2 CLOSE-WAIT || return
	tn_nft "$ns" input iifname tcps0 meta l4proto tcp counter drop
	touch "$w.go2"
	checkpoint "$name/kernel closed, final ACK lost" "$ns" "$err" TIME_WAIT LAST-ACK
	tn_wait "$nc" 10
	local rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: nc exited $rc: $(grep -v '^state=' "$err")"
	tn_wait "$peer" 10 || tn_fail "$name: the kernel peer failed: $(tail -n 2 "$TN_WORK/$name.kernel.err")"
	local want="CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT"
	[ "$(tn_states "$err")" = "$want" ] || tn_fail "$name: tcpstate went '$(tn_states "$err")', wanted '$want'"
}

listen_role() {
	local ns name=listen w=$TN_WORK/listen err
	tn_ns listen
	ns=$TN_NS
	err=$TN_WORK/$name.err
	tn_feed "$w.fifo" "file:$w.go1"
	tn_nc "$ns" "$name" "$w.fifo" -l -v -w 20 5001
	local nc=$TN_PID
	tn_wait_addr "$ns" 198.18.0.1 || return
	tn_nft "$ns" input iifname tcps0 tcp flags '&' '(syn|ack)' == '(syn|ack)' counter drop
	tn_peer "$ns" "$name.kernel" client --connect 198.18.0.2 --port 5001 --timeout 60 \
		"connect,wait:$w.go0,shutdown,recv_sha,close"
	local peer=$TN_PID
	checkpoint "$name/handshake, SYN,ACK lost" "$ns" "$err" SYN_RCVD SYN-SENT || return
	tn_nft_flush "$ns" input
	checkpoint "$name/established" "$ns" "$err" ESTABLISHED ESTAB || return
	touch "$w.go0"
	checkpoint "$name/kernel closed first" "$ns" "$err" CLOSE_WAIT FIN-WAIT-2 || return
	tn_nft "$ns" output oifname tcps0 meta l4proto tcp counter drop
	touch "$w.go1"
	checkpoint "$name/tcpstate closed, final ACK lost" "$ns" "$err" LAST_ACK TIME-WAIT || return
	tn_nft_flush "$ns" output
	tn_wait "$nc" 10
	local rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: nc exited $rc: $(grep -v '^state=' "$err")"
	checkpoint "$name/FIN again, ACKed from TIME-WAIT" "$ns" "$err" CLOSED TIME-WAIT
	tn_wait "$peer" 10 || tn_fail "$name: the kernel peer failed: $(tail -n 2 "$TN_WORK/$name.kernel.err")"
	local want="LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"
	[ "$(tn_states "$err")" = "$want" ] || tn_fail "$name: tcpstate went '$(tn_states "$err")', wanted '$want'"
}

connect_role
listen_role
tn_done
