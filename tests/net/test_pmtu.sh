#!/usr/bin/env bash
# A path MTU drop in the middle of a transfer (RFC 1191 / RFC 8201):
# tcpstate must take the kernel's ICMP fragmentation-needed (IPv4) or
# packet-too-big (IPv6), lower the MSS it sends with, and finish the
# transfer intact.
#
#   tcpstate --TUN 1500-- [ns R: the kernel routes] --veth 1500 -> 1000/1280-- [ns P: the kernel's peer]
#
# The kernel in R (which holds the TUN device) forwards between tcpstate
# and a kernel peer in a second namespace P over a veth pair.  Once the
# peer has received 2 MB, the test lowers the veth link's MTU (1000 for
# IPv4, 1280 for IPv6, both ends) and lets tcpstate's input go on with the
# remaining 6 MB: R can no longer forward tcpstate's 1500-byte packets and
# answers each with an ICMP error naming the new MTU.  P's route back to
# tcpstate carries `advmss` so that its SYN offers MSS 1460 whatever the
# link (without it P's own MSS would hide the drop from the start).
#
# Cases, each in namespaces of their own: v4-connect (tcpstate connects to
# the peer), v4-listen (the peer connects to tcpstate nc -l), v6-connect.
# Checked: both halves of the stream arrive (sizes and SHA-256 of the part
# after the drop), nc exits 0, and two captures in R (tcpdump, read by
# pcap_tcp.py) show the rest.  On the TUN device: the ICMP reaching
# tcpstate with the new MTU.  On R's side of the veth pair, where R cuts
# tcpstate's GSO trains into segments (GSO off on that device, so the
# capture sees them one by one): full-sized segments before the ICMP (1448
# bytes of payload over IPv4, 1428 over IPv6, timestamps on) and, after
# it, segments of the new MSS whole (948 / 1208 bytes of payload), none
# over the new MTU.  nc -v prints only states, so the capture is how the
# MSS in use is seen.
#
# Usage: test_pmtu.sh path/to/tcpstate   (exit 77: skipped, needs root)
set -u
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
tn_init pmtu "${1:-}"
tn_need tcpdump

P1=$TN_WORK/part1.bin
P2=$TN_WORK/part2.bin
tn_random "$P1" 2M
tn_random "$P2" 6M
N1=$(stat -c %s "$P1")
N2=$(stat -c %s "$P2") SHA2=$(tn_sha "$P2")

pmtu_case() { # NAME FAMILY ROLE
	local name=$1 fam=$2 role=$3 r p ours peer_addr r_addr mtu pfx
	tn_ns "$name-r"
	r=$TN_NS
	tn_ns "$name-p"
	p=$TN_NS
	if [ "$fam" = 6 ]; then
		ours=2001:2::2 peer_addr=fd99::2 r_addr=fd99::1 mtu=1280 pfx=64
		ip netns exec "$r" sysctl -qw net.ipv6.conf.all.forwarding=1
	else
		ours=198.18.0.2 peer_addr=10.99.0.2 r_addr=10.99.0.1 mtu=1000 pfx=24
		ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
	fi
	ip link add veth0 netns "$r" type veth peer name veth0 netns "$p" || tn_skip "cannot create a veth pair"
	ip -n "$r" addr add "$r_addr/$pfx" dev veth0 nodad 2>/dev/null || ip -n "$r" addr add "$r_addr/$pfx" dev veth0
	ip -n "$p" addr add "$peer_addr/$pfx" dev veth0 nodad 2>/dev/null || ip -n "$p" addr add "$peer_addr/$pfx" dev veth0
	ip -n "$r" link set veth0 up gso_max_size 1500
	ip -n "$p" link set veth0 up
	if [ "$fam" = 6 ]; then
		ip -n "$p" -6 route add 2001:2::/48 via "$r_addr" advmss 1440
	else
		ip -n "$p" route add 198.18.0.0/15 via "$r_addr" advmss 1460
	fi
	# The TUN device ahead of nc, so that the capture starts first.
	tn_tun "$r"
	ip -n "$r" link set tcps0 up
	local cap wire
	pmtu_capture "$r" tcps0 "$name" 'tcp or icmp or icmp6' || return
	cap=$TN_PID
	pmtu_capture "$r" veth0 "$name.wire" "tcp and src host $ours" || return
	wire=$TN_PID

	local got1=$TN_WORK/$name.got1 lowered=$TN_WORK/$name.lowered nc peer rc
	tn_feed "$TN_WORK/$name.fifo" "cat:$P1" "file:$lowered" "cat:$P2"
	if [ "$role" = connect ]; then
		tn_peer_server "$p" "$name.kernel" 5001 --bind "$([ "$fam" = 6 ] && echo :: || echo 0.0.0.0)" \
			--timeout 60 "accept,recv:$N1,touch:$got1,recv_sha,close" || return
		peer=$TN_PID
		tn_nc "$r" "$name" "$TN_WORK/$name.fifo" -v -w 10 "$peer_addr" 5001
		nc=$TN_PID
	else
		tn_nc "$r" "$name" "$TN_WORK/$name.fifo" -l -v -w 20 5001
		nc=$TN_PID
		tn_wait_addr "$r" "$([ "$fam" = 6 ] && echo 2001:2::1 || echo 198.18.0.1)" || return
		tn_peer "$p" "$name.kernel" client --connect "$ours" --port 5001 --timeout 60 \
			"connect,recv:$N1,touch:$got1,recv_sha,close"
		peer=$TN_PID
	fi
	tn_wait_file "$got1" 20 || {
		tn_fail "$name: the first 2 MB never arrived: $(tail -n 2 "$TN_WORK/$name.kernel.err")"
		return
	}
	ip -n "$r" link set veth0 mtu "$mtu"
	ip -n "$p" link set veth0 mtu "$mtu"
	touch "$lowered"
	tn_wait "$nc" 60
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: tcpstate nc exited $rc: $(grep -v '^state=' "$TN_WORK/$name.err" | tail -n 3)"
	tn_wait "$peer" 20
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: the kernel peer exited $rc: $(tail -n 3 "$TN_WORK/$name.kernel.err")"
	tn_check_recv "$name.kernel" "$N2" "$SHA2" || return
	sleep 0.2
	local c
	for c in "$cap:$name" "$wire:$name.wire"; do
		kill -INT "${c%%:*}" 2>/dev/null
		tn_wait "${c%%:*}" 5
		grep -Eq '^0 packets dropped by kernel' "$TN_WORK/${c#*:}.tcpdump" ||
			tn_fail "$name: the capture is incomplete: $(tr '\n' ' ' <"$TN_WORK/${c#*:}.tcpdump")"
	done
	local report
	report=$("$TN_PY" "$TN_LIB_DIR/pcap_tcp.py" pmtu "$TN_WORK/$name.pcap" --wire "$TN_WORK/$name.wire.pcap" \
		--ours "$ours" --mtu "$mtu")
	rc=$?
	if [ "$rc" = 0 ]; then
		tn_ok "$name: $((N1 + N2)) bytes intact across the drop to MTU $mtu; ${report#pmtu: }"
	else
		tn_fail "$name: $report"
	fi
}

# pmtu_capture NS DEV NAME FILTER: tcpdump on DEV into NAME.pcap, each
# packet written as it comes (a capture stopped by SIGINT keeps them all);
# TN_PID is its PID.
pmtu_capture() {
	ip netns exec "$1" tcpdump --immediate-mode -U -n -s 128 -B 16384 -i "$2" -w "$TN_WORK/$3.pcap" "$4" \
		>"$TN_WORK/$3.tcpdump" 2>&1 &
	TN_PID=$!
	TN_PIDS+=("$TN_PID")
	tn_wait_file_grep "$TN_WORK/$3.tcpdump" 'listening on' 5 && return 0
	tn_fail "$3: tcpdump did not start: $(cat "$TN_WORK/$3.tcpdump")"
	return 1
}

# tn_wait_file_grep FILE REGEX SECS
tn_wait_file_grep() {
	local _
	for _ in $(seq $(($3 * 20))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

pmtu_case v4-connect 4 connect
pmtu_case v4-listen 4 listen
pmtu_case v6-connect 6 connect
tn_done
