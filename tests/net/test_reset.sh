#!/usr/bin/env bash
# Resets and refusals against the Linux kernel's TCP, in both roles
# (tcpstate nc connects to a kernel listener; a kernel client connects to
# tcpstate nc -l), each case in a network namespace of its own.
#
#   kernel-rst      while tcpstate streams 10 MB, the kernel reads 100 KB and
#                   closes with SO_LINGER {1, 0}: its RST must end tcpstate's
#                   connection as "connection reset by peer" (ECONNRESET),
#                   nc exits 1, states ... ESTABLISHED CLOSED.
#   tcpstate-rst    tcpstate nc gets SIGINT mid-transfer and aborts (RST):
#                   the kernel must see ECONNRESET, as the reader (tcpstate
#                   streaming to it, connect role) and as the writer (the
#                   kernel streaming to tcpstate, listen role); nc exits 130
#                   and the kernel's socket is gone.
#   refused         IPv4 and IPv6: tcpstate connects to a kernel port nobody
#                   listens on: nc says "connection refused" and exits 1
#                   (states CLOSED SYN_SENT CLOSED); a kernel client connects
#                   to a port tcpstate nc -l is not listening on: the kernel
#                   gets ECONNREFUSED, and nc's own port still works after.
#
# Usage: test_reset.sh path/to/tcpstate   (exit 77: skipped, needs root)
set -u
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
tn_init reset "${1:-}"

BIG=$TN_WORK/big.bin
tn_random "$BIG" 10M
NEVER=$TN_WORK/never # a file nobody creates: input held open

start() { # ROLE NS NAME STDIN PEER-ACTIONS
	local role=$1 ns=$2 name=$3 in=$4 actions=$5
	if [ "$role" = connect ]; then
		tn_peer_server "$ns" "$name.kernel" 5001 --timeout 40 "accept,$actions" || return 1
		PEER=$TN_PID
		tn_nc "$ns" "$name" "$in" -v -w 10 198.18.0.1 5001
		NC=$TN_PID
	else
		tn_nc "$ns" "$name" "$in" -l -v -w 20 5001
		NC=$TN_PID
		tn_wait_addr "$ns" 198.18.0.1 || return 1
		tn_peer "$ns" "$name.kernel" client --connect 198.18.0.2 --port 5001 --timeout 40 "connect,$actions"
		PEER=$TN_PID
	fi
}

opening() { if [ "$1" = connect ]; then echo "CLOSED SYN_SENT ESTABLISHED"; else echo "LISTEN SYN_RCVD ESTABLISHED"; fi; }

kernel_rst() { # ROLE
	local role=$1 name=kernel-rst-$1 ns rc msg
	tn_ns "krst-$role"
	ns=$TN_NS
	tn_feed "$TN_WORK/$name.fifo" "cat:$BIG" "file:$NEVER"
	start "$role" "$ns" "$name" "$TN_WORK/$name.fifo" "recv:100000,linger0,close" || return
	tn_wait "$NC" 30
	rc=$?
	tn_wait "$PEER" 10 || tn_fail "$name: the kernel peer failed: $(tail -n 3 "$TN_WORK/$name.kernel.err")"
	msg=$(grep -v '^state=' "$TN_WORK/$name.err")
	[ "$rc" = 1 ] && [ "$msg" = "tcpstate nc: connection reset by peer" ] || {
		tn_fail "$name: nc exited $rc saying '$msg', wanted 1 and 'tcpstate nc: connection reset by peer'"
		return
	}
	[ "$(tn_states "$TN_WORK/$name.err")" = "$(opening "$role") CLOSED" ] || {
		tn_fail "$name: tcpstate went '$(tn_states "$TN_WORK/$name.err")'"
		return
	}
	tn_ok "$name: $msg (exit 1); $(tn_states "$TN_WORK/$name.err")"
}

tcpstate_rst() { # ROLE
	local role=$1 name=tcpstate-rst-$1 ns rc est=$TN_WORK/tcpstate-rst-$1.est actions
	tn_ns "trst-$role"
	ns=$TN_NS
	if [ "$role" = connect ]; then
		# tcpstate streams; the kernel reads until the reset.
		tn_feed "$TN_WORK/$name.fifo" "cat:$BIG" "file:$NEVER"
		actions="recv:100000,touch:$est,recv_reset"
	else
		# The kernel streams; tcpstate reads (its input stays open).
		tn_feed "$TN_WORK/$name.fifo" "file:$NEVER"
		actions="send:100000,touch:$est,send_reset"
	fi
	start "$role" "$ns" "$name" "$TN_WORK/$name.fifo" "$actions" || return
	tn_wait_file "$est" 10 || {
		tn_fail "$name: no data flowed"
		return
	}
	sleep 0.2
	kill -INT "$NC"
	tn_wait "$NC" 10
	rc=$?
	[ "$rc" = 130 ] || tn_fail "$name: nc exited $rc after SIGINT, wanted 130: $(grep -v '^state=' "$TN_WORK/$name.err")"
	tn_wait "$PEER" 10
	local prc=$? seen
	seen=$(grep -E '^(recv .* reset|send reset)' "$TN_WORK/$name.kernel.log")
	[ "$prc" = 0 ] || {
		tn_fail "$name: the kernel did not see ECONNRESET: exit $prc, '$seen' $(tail -n 2 "$TN_WORK/$name.kernel.err")"
		return
	}
	local left
	left=$(tn_ss_state "$ns" 5001)
	[ -z "$left" ] || tn_fail "$name: the kernel's socket is still there: $left"
	tn_ok "$name: SIGINT -> RST; the kernel saw ECONNRESET ($seen); nc exit $rc; $(tn_states "$TN_WORK/$name.err")"
}

refused() { # FAMILY
	local fam=$1 ns kaddr ours rc msg name
	if [ "$fam" = 6 ]; then kaddr=2001:2::1 ours=2001:2::2; else kaddr=198.18.0.1 ours=198.18.0.2; fi
	tn_ns "ref-$fam"
	ns=$TN_NS
	# tcpstate -> a kernel port nobody listens on.
	name=refused-connect-v$fam
	tn_nc "$ns" "$name" /dev/null -v -w 10 "$kaddr" 5999
	tn_wait "$TN_PID" 15
	rc=$?
	msg=$(grep -v '^state=' "$TN_WORK/$name.err")
	if [ "$rc" = 1 ] && [ "$msg" = "tcpstate nc: connection refused" ] &&
		[ "$(tn_states "$TN_WORK/$name.err")" = "CLOSED SYN_SENT CLOSED" ]; then
		tn_ok "$name: $msg (exit 1); $(tn_states "$TN_WORK/$name.err")"
	else
		tn_fail "$name: nc exited $rc saying '$msg', states '$(tn_states "$TN_WORK/$name.err")'"
	fi
	# The kernel -> a tcpstate port nobody listens on (nc -l holds 5001).
	name=refused-listen-v$fam
	tn_nc "$ns" "$name" /dev/null -l -v -w 20 5001
	local nc=$TN_PID
	tn_wait_addr "$ns" "$kaddr" || return
	tn_peer "$ns" "$name.kernel" client --connect "$ours" --port 5002 --timeout 15 "connect_fail:refused"
	tn_wait "$TN_PID" 15
	rc=$?
	[ "$rc" = 0 ] && grep -q '^connect refused' "$TN_WORK/$name.kernel.log" ||
		tn_fail "$name: the kernel's connect to port 5002 was not refused: exit $rc, $(tail -n 2 "$TN_WORK/$name.kernel.err")"
	# ... and nc's own port still takes a connection.
	tn_peer "$ns" "$name.ok" client --connect "$ours" --port 5001 --timeout 15 "connect,recv_sha,close"
	local peer=$TN_PID
	tn_wait "$nc" 15
	rc=$?
	tn_wait "$peer" 5 || tn_fail "$name: the connection to nc's port failed: $(tail -n 2 "$TN_WORK/$name.ok.err")"
	[ "$rc" = 0 ] || tn_fail "$name: nc exited $rc: $(grep -v '^state=' "$TN_WORK/$name.err")"
	[ "$rc" = 0 ] && tn_ok "$name: the kernel got ECONNREFUSED on port 5002; port 5001 then connected and closed cleanly"
}

for role in connect listen; do
	kernel_rst "$role"
	tcpstate_rst "$role"
done
refused 4
refused 6
tn_done
