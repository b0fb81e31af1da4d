#!/usr/bin/env bash
# Hostile input: blind injection (RFC 5961) and a SYN flood, against a
# live connection with the Linux kernel's TCP.  inject.py writes the
# packets straight into the TUN device from the kernel's side (AF_PACKET),
# as an off-path attacker who knows the 4-tuple but not the sequence
# numbers would have them arrive.  Each case in a namespace of its own.
#
# blind-v4-connect, blind-v4-listen, blind-v6-connect: tcpstate nc and a
#   kernel peer exchange 1 KB each way and go idle; inject.py, which watched
#   the device from the start and knows the numbers, sends ten segments with
#   the right 4-tuple and wrong numbers (RST in the window but not at
#   RCV.NXT, RST outside or before the window, SYN in and outside the window,
#   SYN,ACK, data outside the window, data at RCV.NXT whose ACK is beyond
#   SND.NXT or too old), and checks tcpstate's answer to each: a challenge
#   ACK of the unchanged RCV.NXT where RFC 5961 / RFC 9293 say to
#   acknowledge, silence for the RSTs to drop, never a RST.  Then the
#   connection must still be ESTABLISHED on both sides (nc -v, ss), and a
#   2 MB transfer each way must complete intact (SHA-256: none of the
#   injected "EVIL" bytes got into the stream) with nc exiting 0.
#
# flood-listen: tcpstate nc -l (backlog 16); 100,000 SYNs from random
#   addresses of 198.18.128.0/17 and random ports to its port, paced so
#   that the TUN device's queue drops none (a SYN dropped there is sent
#   again: all 100,000 reach tcpstate, about 0.5 s).  The sixteen first
#   fill the half-open backlog for minutes (their SYN,ACKs go nowhere), so
#   every later SYN is answered with a SYN cookie (checked: tcpstate wrote
#   at least 100,000 packets meanwhile).  Right after the flood,
#   with the backlog still full, a kernel client connects: it must succeed
#   through a cookie (TCP_INFO shows no timestamps, SACK or window scaling,
#   which a cookie SYN,ACK cannot carry) and move 1 MB each way intact.
#   (The flood is over in half a second; a connection alive during a flood
#   is flood-connect's.)
# flood-connect: tcpstate nc connected to a kernel listener; 100,000 SYNs
#   to random ports of tcpstate's address (each answered by a RST: nothing
#   listens there) and, spread among them, 1,000 SYNs with random sequence
#   numbers on the connection's own 4-tuple (each answered by a challenge
#   ACK); tcpstate must write at least one packet per SYN.  From halfway
#   through the flood both ends send (4 MB from
#   tcpstate, 8 MB from the kernel); everything must arrive intact and nc
#   exit 0.
# Memory, both floods: tcpstate's VmHWM (peak RSS, /proc/PID/status) may
#   grow by at most 4 MiB from before the flood to after it, i.e. under
#   42 bytes per SYN; keeping a connection per SYN would take 100,000 TCBs
#   (at least a page each).  Measured: +60 to +70 kB in a release build,
#   +0.5 to +0.7 MB under ASan.
#
# Usage: test_hostile.sh path/to/tcpstate   (exit 77: skipped, needs root)
set -u
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
tn_init hostile "${1:-}"

INJ=$TN_LIB_DIR/inject.py
RSS_BOUND_KB=4096
SMALL=$TN_WORK/small.bin
A=$TN_WORK/a.bin
B=$TN_WORK/b.bin
tn_random "$SMALL" 1000
tn_random "$A" 2M
tn_random "$B" 2M
# What each side must receive: the opening 1000 bytes, then the 2 MB.
head -c 1000 /dev/zero | tr '\0' k | cat - "$B" >"$TN_WORK/to-tcpstate.bin"
cat "$SMALL" "$A" >"$TN_WORK/to-kernel.bin"
TO_K_N=$(stat -c %s "$TN_WORK/to-kernel.bin") TO_K_SHA=$(tn_sha "$TN_WORK/to-kernel.bin")

hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# Packets tcpstate wrote to the device (the kernel side's rx count) in NS.
tun_rx() { ip netns exec "$1" cat /sys/class/net/tcps0/statistics/rx_packets 2>/dev/null || echo 0; }
# check_answers NAME NS RX-BEFORE SYNS: tcpstate wrote at least one packet per SYN.
check_answers() {
	local n=$(($(tun_rx "$2") - $3))
	[ "$n" -ge "$4" ] || tn_fail "$1: tcpstate answered with $n packets, fewer than the $4 SYNs"
	ANSWERS=$n
}

blind() { # NAME FAMILY ROLE
	local name=$1 fam=$2 role=$3 ns kaddr ours bind w fails=$TN_FAILS
	w=$TN_WORK/$name
	if [ "$fam" = 6 ]; then kaddr=2001:2::1 ours=2001:2::2 bind=::; else kaddr=198.18.0.1 ours=198.18.0.2 bind=0.0.0.0; fi
	tn_ns "$name"
	ns=$TN_NS
	tn_tun "$ns" # the injector watches the device from before the handshake
	ip -n "$ns" link set tcps0 up
	ip netns exec "$ns" "$TN_PY" "$INJ" blind --ours "$ours" --port 5001 --go "$w.go" --timeout 60 \
		>"$w.inject" 2>&1 &
	local inj=$!
	TN_PIDS+=("$inj")
	sleep 0.2
	tn_feed "$w.fifo" "cat:$SMALL" "file:$w.go2" "cat:$A"
	local actions="send:1000,wait:$w.go2,bg_send_file:$B,recv_sha,join" nc peer
	if [ "$role" = connect ]; then
		tn_peer_server "$ns" "$name.kernel" 5001 --bind "$bind" --timeout 60 "accept,$actions" || return
		peer=$TN_PID
		tn_nc "$ns" "$name" "$w.fifo" -v -w 10 "$kaddr" 5001
		nc=$TN_PID
	else
		tn_nc "$ns" "$name" "$w.fifo" -l -v -w 20 5001
		nc=$TN_PID
		tn_wait_addr "$ns" "$kaddr" || return
		tn_peer "$ns" "$name.kernel" client --connect "$ours" --port 5001 --timeout 60 "connect,$actions"
		peer=$TN_PID
	fi
	# Idle: both 1000-byte messages delivered and acknowledged.
	local _
	for _ in $(seq 100); do
		[ "$(stat -c %s "$TN_WORK/$name.out" 2>/dev/null)" = 1000 ] && break
		sleep 0.05
	done
	tn_wait_nc_state "$TN_WORK/$name.err" ESTABLISHED 5 || {
		tn_fail "$name: not established"
		return
	}
	sleep 0.3
	touch "$w.go"
	tn_wait "$inj" 20
	local rc=$?
	sed 's/^/   /' "$w.inject"
	[ "$rc" = 0 ] || tn_fail "$name: tcpstate's answers to the injected segments are wrong (exit $rc)"
	[ "$(tn_last_state "$TN_WORK/$name.err")" = ESTABLISHED ] ||
		tn_fail "$name: tcpstate left ESTABLISHED: $(tn_states "$TN_WORK/$name.err")"
	[ "$(tn_ss_state "$ns" 5001)" = ESTAB ] || tn_fail "$name: the kernel's socket is '$(tn_ss_state "$ns" 5001)'"
	touch "$w.go2"
	tn_wait "$nc" 30
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: nc exited $rc: $(grep -v '^state=' "$TN_WORK/$name.err" | tail -n 3)"
	tn_wait "$peer" 10 || tn_fail "$name: the kernel peer failed: $(tail -n 2 "$TN_WORK/$name.kernel.err")"
	tn_check_recv "$name.kernel" "$TO_K_N" "$TO_K_SHA"
	tn_check_out "$name" "$TN_WORK/to-tcpstate.bin"
	[ "$TN_FAILS" = "$fails" ] &&
		tn_ok "$name: 10 injected segments answered as RFC 5961 says; the connection lived on, 2 MB each way intact"
}

flood_listen() {
	local name=flood-listen ns w=$TN_WORK/flood-listen fails=$TN_FAILS
	tn_ns flood-l
	ns=$TN_NS
	local fa=$TN_WORK/fa.bin fb=$TN_WORK/fb.bin
	tn_random "$fa" 1M
	tn_random "$fb" 1M
	# tcpstate's input (and so the connection) lasts until the flood is over.
	tn_feed "$w.fifo" "file:$w.flooded" "cat:$fa"
	tn_nc "$ns" "$name" "$w.fifo" -l -w 60 5001
	local nc=$TN_PID
	tn_wait_addr "$ns" 198.18.0.1 || return
	sleep 0.2
	local before after
	before=$(hwm_kb "$nc")
	local rx0
	rx0=$(tun_rx "$ns")
	ip netns exec "$ns" "$TN_PY" "$INJ" synflood --dst 198.18.0.2 --dport 5001 --count 100000 \
		--src-net 198.18.128.0/17 --seconds 90 >"$w.flood" 2>&1
	local rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: the flood did not deliver 100,000 SYNs: $(cat "$w.flood")"
	sleep 0.2
	after=$(hwm_kb "$nc")
	check_answers "$name" "$ns" "$rx0" 100000
	tn_peer "$ns" "$name.kernel" client --connect 198.18.0.2 --port 5001 --timeout 60 \
		"connect,tcpinfo:$w.tcpinfo,bg_send_file:$fb,recv_sha,join"
	local peer=$TN_PID
	touch "$w.flooded"
	tn_wait "$peer" 60
	local prc=$?
	tn_wait "$nc" 30
	rc=$?
	[ "$prc" = 0 ] || tn_fail "$name: the legitimate connection failed: $(tail -n 3 "$TN_WORK/$name.kernel.err")"
	[ "$rc" = 0 ] || tn_fail "$name: nc exited $rc: $(tail -n 3 "$TN_WORK/$name.err")"
	tn_check_recv "$name.kernel" "$(stat -c %s "$fa")" "$(tn_sha "$fa")"
	tn_check_out "$name" "$fb"
	local opts
	opts=$(sed -n 's/^options=//p' "$w.tcpinfo" 2>/dev/null)
	[ "$opts" = 0 ] || tn_fail "$name: the legitimate connection has TCP options '$opts': not made through a SYN cookie"
	check_memory "$name" "$before" "$after"
	[ "$TN_FAILS" = "$fails" ] &&
		tn_ok "$name: $(cat "$w.flood"); $ANSWERS SYN,ACKs; then a kernel client connected through a SYN cookie (tcpi_options $opts), 1 MB each way intact; VmHWM ${before} kB -> ${after} kB"
}

flood_connect() {
	local name=flood-connect ns w=$TN_WORK/flood-connect fails=$TN_FAILS
	tn_ns flood-c
	ns=$TN_NS
	local fa1=$TN_WORK/fc-a1.bin fa2=$TN_WORK/fc-a2.bin fb=$TN_WORK/fc-b.bin
	tn_random "$fa1" 2M
	tn_random "$fa2" 4M
	tn_random "$fb" 8M
	cat "$fa1" "$fa2" >"$TN_WORK/fc-a.bin"
	# Halfway through the flood both sides send (tcpstate its second part,
	# the kernel its 8 MB); tcpstate's input, and so the connection, lasts
	# until the flood is over.
	tn_feed "$w.fifo" "cat:$fa1" "file:$w.half" "cat:$fa2" "file:$w.flooded"
	tn_peer_server "$ns" "$name.kernel" 5001 --timeout 90 \
		"accept,info:$w.ports,wait:$w.half,bg_send_file:$fb,recv_sha,join" || return
	local peer=$TN_PID
	tn_nc "$ns" "$name" "$w.fifo" -v -w 10 198.18.0.1 5001
	local nc=$TN_PID
	tn_wait_file "$w.ports" 10 || {
		tn_fail "$name: no connection"
		return
	}
	local kport oport before after
	read -r kport oport <"$w.ports"
	before=$(hwm_kb "$nc")
	local rx0
	rx0=$(tun_rx "$ns")
	ip netns exec "$ns" "$TN_PY" "$INJ" synflood --dst 198.18.0.2 --count 100000 --src-net 198.18.128.0/17 \
		--tuple "198.18.0.1,$kport,$oport" --tuple-count 1000 --half "$w.half" --seconds 90 >"$w.flood" 2>&1
	local rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: the flood did not deliver its SYNs: $(cat "$w.flood")"
	sleep 0.2
	after=$(hwm_kb "$nc")
	check_answers "$name" "$ns" "$rx0" 101000
	local st
	st=$(tn_last_state "$TN_WORK/$name.err")
	touch "$w.flooded"
	tn_wait "$nc" 60
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: nc exited $rc: $(grep -v '^state=' "$TN_WORK/$name.err" | tail -n 3)"
	tn_wait "$peer" 20 || tn_fail "$name: the kernel peer failed: $(tail -n 3 "$TN_WORK/$name.kernel.err")"
	tn_check_recv "$name.kernel" "$(stat -c %s "$TN_WORK/fc-a.bin")" "$(tn_sha "$TN_WORK/fc-a.bin")"
	tn_check_out "$name" "$fb"
	check_memory "$name" "$before" "$after"
	[ "$TN_FAILS" = "$fails" ] &&
		tn_ok "$name: $(cat "$w.flood"); tcpstate wrote $ANSWERS packets meanwhile; data flowed both ways from halfway through it, the connection (in $st when the flood ended) finished intact; VmHWM ${before} kB -> ${after} kB"
}

check_memory() { # NAME BEFORE AFTER
	if [ -z "$2" ] || [ -z "$3" ]; then
		tn_fail "$1: could not read tcpstate's VmHWM"
	elif [ $(($3 - $2)) -gt $RSS_BOUND_KB ]; then
		tn_fail "$1: tcpstate's peak RSS grew by $(($3 - $2)) kB over the flood (bound $RSS_BOUND_KB kB)"
	fi
}

blind blind-v4-connect 4 connect
blind blind-v4-listen 4 listen
blind blind-v6-connect 6 connect
flood_listen
flood_connect
tn_done
