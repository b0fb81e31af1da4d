#!/usr/bin/env bash
# Closing against the Linux kernel's TCP: a half-close with data still
# flowing the other way, closed by either side first, and both at once.
# Each case runs in both roles (tcpstate nc connects to a kernel listener;
# a kernel client connects to tcpstate nc -l), each in a namespace of its
# own, over IPv4:
#
#   tcpstate-first  tcpstate sends 1 KB and its FIN; only then does the
#                   kernel send 10 MB, then close.  tcpstate receives in
#                   FIN_WAIT_2: ... ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT,
#                   the kernel's socket ends CLOSED (LAST-ACK done).
#   kernel-first    the kernel shuts down its write side first; once
#                   tcpstate is in CLOSE_WAIT it sends 10 MB, then its FIN:
#                   ... ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED, the kernel's
#                   socket ends in TIME-WAIT.
#   both            TCP between the two is dropped (nftables, both ways, on
#                   the TUN device), both sides close, both FINs are lost;
#                   the drop ends and the retransmitted FINs cross: both
#                   sides must end in TIME_WAIT, tcpstate through CLOSING
#                   or FIN_WAIT_2 (which of the two depends on whose FIN is
#                   retransmitted first), the kernel in TIME-WAIT.
#   final-ack-lost  (connect role) tcpstate closes first; its ACK of the
#                   kernel's FIN is dropped (nftables, until nc says
#                   TIME_WAIT): the kernel, in LAST-ACK, sends its FIN again
#                   after its RTO, and nc, lingering in TIME_WAIT, must
#                   acknowledge it, so the kernel's socket ends CLOSED, not
#                   stuck in LAST-ACK with the device gone (the seed's "final
#                   ACK never arrives").
# Every stream is checked by size and SHA-256; tcpstate nc must exit 0.
#
# Usage: test_close.sh path/to/tcpstate   (exit 77: skipped, needs root)
set -u
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
tn_init close "${1:-}"
tn_need nft

SMALL=$TN_WORK/small.bin
BIG=$TN_WORK/big.bin
EMPTY=$TN_WORK/empty.bin
tn_random "$SMALL" 1K
tn_random "$BIG" 10M
: >"$EMPTY"
SMALL_N=$(stat -c %s "$SMALL") SMALL_SHA=$(tn_sha "$SMALL")
BIG_N=$(stat -c %s "$BIG") BIG_SHA=$(tn_sha "$BIG")
EMPTY_SHA=$(tn_sha "$EMPTY")

# start ROLE NS NAME STDIN PEER-ACTIONS: the kernel peer and tcpstate nc for
# one case.  Sets NC (tcpstate's PID) and PEER.
start() {
	local role=$1 ns=$2 name=$3 in=$4 actions=$5
	if [ "$role" = connect ]; then
		tn_peer_server "$ns" "$name.kernel" 5001 --timeout 60 "accept,$actions" || return 1
		PEER=$TN_PID
		tn_nc "$ns" "$name" "$in" -v -w 10 198.18.0.1 5001
		NC=$TN_PID
	else
		tn_nc "$ns" "$name" "$in" -l -v -w 20 5001
		NC=$TN_PID
		tn_wait_addr "$ns" 198.18.0.1 || return 1
		tn_peer "$ns" "$name.kernel" client --connect 198.18.0.2 --port 5001 --timeout 60 "connect,$actions"
		PEER=$TN_PID
	fi
}

# finish NAME: both processes end well.
finish() {
	local name=$1 rc
	tn_wait "$NC" 60
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: tcpstate nc exited $rc: $(grep -v '^state=' "$TN_WORK/$name.err" | tail -n 3)"
	tn_wait "$PEER" 20
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: the kernel peer exited $rc: $(tail -n 3 "$TN_WORK/$name.kernel.err")"
}

# the expected nc -v states for ROLE, ahead of REST
opening() { if [ "$1" = connect ]; then echo "CLOSED SYN_SENT ESTABLISHED"; else echo "LISTEN SYN_RCVD ESTABLISHED"; fi; }

check_states() { # NAME WANT...
	local name=$1 got
	shift
	got=$(tn_states "$TN_WORK/$name.err")
	local w
	for w in "$@"; do
		[ "$got" = "$w" ] && return 0
	done
	tn_fail "$name: tcpstate went '$got', wanted '$1'"
	return 1
}

tcpstate_first() { # ROLE
	local role=$1 name=tcpstate-first-$1 ns
	tn_ns "tf-$role"
	ns=$TN_NS
	start "$role" "$ns" "$name" "$SMALL" "recv_sha,send_file:$BIG,close" || return
	finish "$name"
	tn_check_recv "$name.kernel" "$SMALL_N" "$SMALL_SHA"
	tn_check_out "$name" "$BIG"
	check_states "$name" "$(opening "$role") FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT" &&
		tn_ok "$name: 10 MB received after our FIN; $(tn_states "$TN_WORK/$name.err")"
}

kernel_first() { # ROLE
	local role=$1 name=kernel-first-$1 ns fifo=$TN_WORK/kernel-first-$1.fifo
	tn_ns "kf-$role"
	ns=$TN_NS
	# tcpstate's input starts only once it is in CLOSE_WAIT.
	tn_feed "$fifo" "state:$TN_WORK/$name.err:CLOSE_WAIT" "cat:$BIG"
	start "$role" "$ns" "$name" "$fifo" "shutdown,recv_sha,close" || return
	finish "$name"
	tn_check_recv "$name.kernel" "$BIG_N" "$BIG_SHA"
	tn_check_out "$name" "$EMPTY"
	check_states "$name" "$(opening "$role") CLOSE_WAIT LAST_ACK CLOSED" &&
		tn_ok "$name: 10 MB sent after the kernel's FIN; $(tn_states "$TN_WORK/$name.err")"
	tn_wait_ss "$ns" 5001 TIME-WAIT 5 || tn_fail "$name: the kernel's socket is '$(tn_ss_state "$ns" 5001)', wanted TIME-WAIT"
}

both() { # ROLE
	local role=$1 name=both-$1 ns fifo=$TN_WORK/both-$1.fifo
	local est=$TN_WORK/both-$1.est go=$TN_WORK/both-$1.go
	tn_ns "both-$role"
	ns=$TN_NS
	tn_feed "$fifo" "file:$go"
	start "$role" "$ns" "$name" "$fifo" "touch:$est,wait:$go,shutdown,recv_sha,close" || return
	tn_wait_file "$est" 10 && tn_wait_nc_state "$TN_WORK/$name.err" ESTABLISHED 10 ||
		{ tn_fail "$name: never established"; finish "$name"; return; }
	tn_nft "$ns" input iifname tcps0 meta l4proto tcp counter drop
	tn_nft "$ns" output oifname tcps0 meta l4proto tcp counter drop
	touch "$go"
	# Both FINs sent and lost: tcpstate and the kernel both in FIN_WAIT_1.
	tn_wait_nc_state "$TN_WORK/$name.err" FIN_WAIT_1 10 || tn_fail "$name: tcpstate is not in FIN_WAIT_1"
	tn_wait_ss "$ns" 5001 FIN-WAIT-1 10 || tn_fail "$name: the kernel is '$(tn_ss_state "$ns" 5001)', not FIN-WAIT-1"
	sleep 0.3
	local lost_in lost_out
	lost_in=$(tn_nft_packets "$ns" input) lost_out=$(tn_nft_packets "$ns" output)
	[ "$lost_in" -ge 1 ] && [ "$lost_out" -ge 1 ] ||
		tn_fail "$name: the FINs were not both dropped (tcpstate's: $lost_in packets, the kernel's: $lost_out)"
	tn_nft_flush "$ns" input
	tn_nft_flush "$ns" output
	finish "$name"
	tn_check_recv "$name.kernel" 0 "$EMPTY_SHA"
	local o
	o=$(opening "$role")
	check_states "$name" "$o FIN_WAIT_1 CLOSING TIME_WAIT" "$o FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT" || return
	tn_wait_ss "$ns" 5001 TIME-WAIT 5 || {
		tn_fail "$name: the kernel's socket is '$(tn_ss_state "$ns" 5001)', wanted TIME-WAIT"
		return
	}
	tn_ok "$name: both FINs lost ($lost_in and $lost_out packets dropped), then crossed; both in TIME_WAIT; tcpstate: $(tn_states "$TN_WORK/$name.err")"
}

final_ack_lost() {
	local name=final-ack-lost ns fin=$TN_WORK/final-ack-lost.fin go=$TN_WORK/final-ack-lost.go
	tn_ns "fal"
	ns=$TN_NS
	start connect "$ns" "$name" "$SMALL" "recv_sha,touch:$fin,wait:$go,close" || return
	tn_wait_file "$fin" 10 || { tn_fail "$name: tcpstate's FIN never arrived"; finish "$name"; return; }
	tn_nft "$ns" input iifname tcps0 meta l4proto tcp counter drop
	touch "$go"
	tn_wait_nc_state "$TN_WORK/$name.err" TIME_WAIT 10 || tn_fail "$name: tcpstate never reached TIME_WAIT"
	local lost state _
	lost=$(tn_nft_packets "$ns" input)
	tn_nft_flush "$ns" input # before the kernel's RTO (200 ms at least) sends the FIN again
	for _ in $(seq 60); do
		state=$(tn_ss_state "$ns" 5001)
		[ -z "$state" ] && break
		sleep 0.05
	done
	finish "$name"
	tn_check_recv "$name.kernel" "$SMALL_N" "$SMALL_SHA"
	[ "$lost" -ge 1 ] || tn_fail "$name: the final ACK was not dropped"
	if [ -n "$state" ]; then
		tn_fail "$name: the kernel's socket is still '$state' 3 s after the final ACK was lost"
	else
		tn_ok "$name: final ACK lost ($lost packet dropped); the kernel's FIN sent again was acknowledged from TIME_WAIT, its socket closed"
	fi
}

for role in connect listen; do
	tcpstate_first "$role"
	kernel_first "$role"
	both "$role"
done
final_ack_lost
tn_done
