#!/bin/bash
# Simultaneous close: both FINs on the wire before either is received.
# There is no netem here, so a token bucket (tc tbf, 200 kbit/s) on each
# veth holds each side's FIN behind 3000 bytes of data for about 70 ms;
# both sides shutdown() within a few ms of each other, so each FIN leaves
# before the other arrives and neither acknowledges the other's FIN.
# Kernel truth, both sides: ... ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT.
source "$(dirname "$0")/lib.sh"
tso_init simultaneous_close "${1:-}"
command -v tc >/dev/null 2>&1 || tso_skip "tc is not installed"
tso_netns
for ns in "$TSO_NS_C" "$TSO_NS_S"; do
	ip netns exec "$ns" tc qdisc replace dev veth0 root tbf rate 200kbit burst 2000 latency 2s ||
		tso_skip "tc tbf is not available"
done
tso_trace_start
tso_capture_start
W=$TSO_WORK
tso_server "accept,recv:100,send:100,touch:$W/s-ready,wait:$W/go,send:3000,shutdown,recv:3000,recv_eof,sleep:0.3,close"
tso_client_bg "connect,send:100,recv:100,touch:$W/c-ready,wait:$W/go,send:3000,shutdown,recv:3000,recv_eof,sleep:0.3,close"
for _ in $(seq 100); do [ -e "$W/s-ready" ] && [ -e "$W/c-ready" ] && break; sleep 0.05; done
# A full bucket on both sides before the race.
sleep 0.3
touch "$W/go"
tso_wait_peer "$TSO_CLIENT_PID" 15
tso_wait_peer "$TSO_SERVER_PID" 15
tso_settle 5
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT
tso_compare
tso_done
