#!/usr/bin/env bash
# Bulk transfer both ways at once against the Linux kernel's TCP, with
# matching SHA-256 (issue 5: "100 MB each way").
#
# For IPv4 and IPv6, in each role, each case in a network namespace of its
# own:
#   connect  tcpstate nc connects to a kernel listener
#   listen   a kernel client connects to tcpstate nc -l
# Both ends send a 100 MB file from /dev/urandom while they receive the
# other's; tcpstate nc half-closes at the end of its input (like nc -N), the
# kernel peer (peer.py) shuts down its write side at the end of its file and
# SHA-256s what it reads until end of stream.  Checked: both streams arrive
# whole (size and SHA-256), tcpstate nc exits 0, the kernel peer reads a
# clean end of stream.
#
# Size: the full 100 MB, which fits the ~60 s budget easily.  Measured on
# the project machine (2 cores): 1.5-3 s per case under the ASan/UBSan
# Debug build CI uses, about 1 s in a release build; the whole test takes
# 6-12 s with the files' creation.  NET_BULK_SIZE (head -c syntax)
# overrides it.
#
# Usage: test_bulk.sh path/to/tcpstate   (exit 77: skipped, needs root)
set -u
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
tn_init bulk "${1:-}"

SIZE=${NET_BULK_SIZE:-100M}
A=$TN_WORK/tcpstate.bin # what tcpstate sends
B=$TN_WORK/kernel.bin   # what the kernel sends
tn_random "$A" "$SIZE"
tn_random "$B" "$SIZE"
N=$(stat -c %s "$A")
SHA_A=$(tn_sha "$A")
tn_log "   $N bytes each way; tcpstate's SHA-256 $SHA_A, the kernel's $(tn_sha "$B")"

# case NAME FAMILY ROLE
bulk_case() {
	local name=$1 fam=$2 role=$3 ns kaddr ours bind t0 nc peer rc
	tn_ns "$name"
	ns=$TN_NS
	if [ "$fam" = 6 ]; then kaddr=2001:2::1 ours=2001:2::2 bind=::; else kaddr=198.18.0.1 ours=198.18.0.2 bind=0.0.0.0; fi
	t0=$(date +%s.%N)
	if [ "$role" = connect ]; then
		tn_peer_server "$ns" "$name.kernel" 5001 --bind "$bind" --timeout 120 \
			"accept,bg_send_file:$B,recv_sha,join" || return
		peer=$TN_PID
		tn_nc "$ns" "$name" "$A" -v -w 10 "$kaddr" 5001
		nc=$TN_PID
	else
		tn_nc "$ns" "$name" "$A" -l -v -w 20 5001
		nc=$TN_PID
		tn_wait_addr "$ns" "$kaddr" || return
		tn_peer "$ns" "$name.kernel" client --connect "$ours" --port 5001 --timeout 120 \
			"connect,bg_send_file:$B,recv_sha,join"
		peer=$TN_PID
	fi
	tn_wait "$nc" 120
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: tcpstate nc exited $rc: $(grep -v '^state=' "$TN_WORK/$name.err" | tail -n 3)"
	tn_wait "$peer" 30
	rc=$?
	[ "$rc" = 0 ] || tn_fail "$name: the kernel peer exited $rc: $(tail -n 3 "$TN_WORK/$name.kernel.err")"
	local ok=1
	tn_check_recv "$name.kernel" "$N" "$SHA_A" || ok=0
	tn_check_out "$name" "$B" || ok=0
	[ $ok = 1 ] && tn_ok "$name: $N bytes each way intact in $(tn_elapsed "$t0")s; tcpstate: $(tn_states "$TN_WORK/$name.err")"
	rm -f "$TN_WORK/$name.out"
}

bulk_case v4-connect 4 connect
bulk_case v4-listen 4 listen
bulk_case v6-connect 6 connect
bulk_case v6-listen 6 listen
tn_done
