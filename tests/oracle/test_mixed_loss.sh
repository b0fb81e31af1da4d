#!/bin/bash
# Every ending at once, under loss: 48 connections one after another, each
# one of six lives (client closes first, server closes first, half-close
# with data after the FIN, SO_LINGER 0, close with unread data, a 20 KB
# upload), with nftables dropping 8% of the segments in each direction.
# Loss decides what each connection goes through (a SYN, FIN or RST
# lost, a FIN that arrives behind a hole, a RST that never arrives and a
# peer that closes later), so the kernel's truth is not written down here:
# trace must print, for each connection and from each capture, exactly
# the states the kernel went through.
# TSO_LOSS_PCT=N and TSO_CONNECTIONS=N change the 8 and the 48.
source "$(dirname "$0")/lib.sh"
tso_init mixed_loss "${1:-}"
tso_family "${TSO_IP:-4}" # TSO_IP=6: the same over IPv6
TSO_PEER_TIMEOUT=${TSO_PEER_TIMEOUT:-80} # a lost SYN costs a second, a lost RST two
N=${TSO_CONNECTIONS:-48}
LOSS=${TSO_LOSS_PCT:-8}
# A peer whose RST was lost waits for nothing (recv_any:2), then closes.
# The client says which connection it is (hello): a lost handshake ACK can
# bring a connection to accept() after the next one.
client=(
	"connect,hello,send:2000,recv:2000,close"
	"connect,hello,send:100,recv_eof,close"
	"connect,hello,send:10,shutdown,recv:3000,recv_eof,close"
	"connect,hello,send:100,recv:100,linger0,close"
	"connect,hello,sleep:0.3,close,sleep:0.1"
	"connect,hello,send:20000,recv:2,close"
)
server=(
	"accept_hello,recv:2000,send:2000,recv_eof,close"
	"accept_hello,recv:100,close"
	"accept_hello,recv:10,recv_eof,send:3000,close"
	"accept_hello,recv:100,send:100,recv_any:2,close"
	"accept_hello,send:5000,recv_any:2,close"
	"accept_hello,recv:20000,send:2,recv_eof,close"
)
cplan= splan=
for i in $(seq 0 $((N - 1))); do
	k=$((i % ${#client[@]}))
	cplan+="${cplan:+|}${client[$k]}"
	splan+="${splan:+|}${server[$k]}"
done
tso_netns
tso_nft server "tcp dport $TSO_PORT numgen random mod 100 < $LOSS counter drop"
tso_nft client "tcp sport $TSO_PORT numgen random mod 100 < $LOSS counter drop"
tso_trace_start
tso_capture_start
tso_server "$splan" --count "$N" --io-timeout 30
tso_client "$cplan" --count "$N" --io-timeout 30 --connect-timeout 30
tso_wait_peer "$TSO_SERVER_PID" "$TSO_PEER_TIMEOUT"
tso_settle 15
tso_finish
tso_assert_count "$N"
for code in reset_established time_wait_accumulation; do tso_allow_diag both any "$code"; done
tso_compare
tso_done
