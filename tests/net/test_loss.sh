#!/usr/bin/env bash
# Transfers through 5% random loss, both directions, against the Linux
# kernel's TCP.  nftables in the test's namespace drops 5% of the TCP
# packets on the TUN device each way (`numgen random mod 100 < 5 drop` on
# input from tcps0, which is what tcpstate sends, and on output to tcps0,
# what the kernel sends); handshakes, data, ACKs and FINs are all fair game.
# The TUN device is made ahead of nc with GSO off (gso_max_segs 1), so that
# the kernel's packets are single segments when nftables sees them, not
# 64 KB super-packets whose drop would be a burst of 44 losses; nc runs
# with --no-gso for the same reason the other way.
# Cases, each in a namespace of its own:
#   v4-connect  tcpstate nc connects to a kernel listener (IPv4)
#   v4-listen   a kernel client connects to tcpstate nc -l (IPv4)
#   v6-connect  the same as v4-connect over IPv6
#   v4-trains   v4-connect with nc's GSO trains: each drop of tcpstate's
#               packets loses a whole train, a burst of segments
# Both ends send at once (tcpstate 1 MB, the kernel 20 MB); both streams
# must arrive whole (size and SHA-256), nc must exit 0, and the nft
# counters must show that packets were dropped each way.
#
# Sizes: tcpstate's direction is small because its loss recovery is
# NewReno's, one hole a round trip, with SACK used to see losses early
# (RFC 6675 IsLost, a lost retransmission, Limited Transmit, a tail loss
# probe) but no scoreboard; a loss with nothing sent after it to tell of
# it still waits for a timeout (200 ms).  At 5% loss each way 1 MB took
# 0.9-1.9 s here beside the kernel's 20 MB, 4 MB 0.5-5 s (before those,
# 4 MB took 14-20 s).  The whole test: about 10 s.
#
# Reordering: nftables cannot reorder packets and there is no netem here,
# so the engine's handling of reordered (and duplicated) segments is
# covered by the simulator's property test
# (tests/property/test_property_transfer.c: two engines over a link with
# seeded loss, duplication, reordering and delay), not by this test.
#
# Usage: test_loss.sh path/to/tcpstate   (exit 77: skipped, needs root)
set -u
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
tn_init loss "${1:-}"
tn_need nft

A=$TN_WORK/tcpstate.bin
B=$TN_WORK/kernel.bin
tn_random "$A" "${NET_LOSS_OUT:-1M}"
tn_random "$B" "${NET_LOSS_IN:-20M}"
NA=$(stat -c %s "$A") SHA_A=$(tn_sha "$A") NB=$(stat -c %s "$B")

loss_case() { # NAME FAMILY ROLE [NC_OPTION]
	local name=$1 fam=$2 role=$3 ns kaddr ours bind nc peer rc t0 opt=("${@:4}")
	if [ "$fam" = 6 ]; then kaddr=2001:2::1 ours=2001:2::2 bind=::; else kaddr=198.18.0.1 ours=198.18.0.2 bind=0.0.0.0; fi
	tn_ns "$name"
	ns=$TN_NS
	tn_tun "$ns"
	tn_nft "$ns" input iifname tcps0 meta l4proto tcp numgen random mod 100 '<' 5 counter drop
	tn_nft "$ns" output oifname tcps0 meta l4proto tcp numgen random mod 100 '<' 5 counter drop
	t0=$(date +%s.%N)
	if [ "$role" = connect ]; then
		tn_peer_server "$ns" "$name.kernel" 5001 --bind "$bind" --timeout 120 --io-timeout 60 \
			"accept,bg_send_file:$B,recv_sha,join" || return
		peer=$TN_PID
		tn_nc "$ns" "$name" "$A" "${opt[@]}" -v -w 20 "$kaddr" 5001
		nc=$TN_PID
	else
		tn_nc "$ns" "$name" "$A" "${opt[@]}" -l -v -w 30 5001
		nc=$TN_PID
		tn_wait_addr "$ns" "$kaddr" || return
		tn_peer "$ns" "$name.kernel" client --connect "$ours" --port 5001 --timeout 120 --io-timeout 60 \
			"connect,bg_send_file:$B,recv_sha,join"
		peer=$TN_PID
	fi
	tn_wait "$nc" 120
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: tcpstate nc exited $rc: $(grep -v '^state=' "$TN_WORK/$name.err" | tail -n 3)"
	tn_wait "$peer" 30
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: the kernel peer exited $rc: $(tail -n 3 "$TN_WORK/$name.kernel.err")"
	local ok=1 din dout
	tn_check_recv "$name.kernel" "$NA" "$SHA_A" || ok=0
	tn_check_out "$name" "$B" || ok=0
	din=$(tn_nft_packets "$ns" input) dout=$(tn_nft_packets "$ns" output)
	[ "$din" -gt 0 ] && [ "$dout" -gt 0 ] || {
		tn_fail "$name: no loss happened ($din of tcpstate's packets dropped, $dout of the kernel's)"
		ok=0
	}
	[ $ok = 1 ] && tn_ok "$name: $NA bytes out and $NB in intact in $(tn_elapsed "$t0")s; dropped $din of tcpstate's packets and $dout of the kernel's"
}

loss_case v4-connect 4 connect --no-gso
loss_case v4-listen 4 listen --no-gso
loss_case v6-connect 6 connect --no-gso
loss_case v4-trains 4 connect
tn_done
