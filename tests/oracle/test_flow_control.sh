#!/bin/bash
# Flow control and keep-alives: the server's receive buffer is 4 KB and it
# reads nothing for 2.5 s, so the client's 300 KB fill its window: zero
# windows, the client's persist-timer probes (Linux sends them as
# keep-alives: sequence number SND.UNA - 1, no data), then window updates
# when the server reads.  Then both sit idle 3.5 s with SO_KEEPALIVE on the
# client (a probe a second), and the client closes first.
# Kernel truth: client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT,
#               server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED.
# trace must label those segments on both captures (zero window, window
# update, keep-alive), as tshark's analysis does frame by frame.
source "$(dirname "$0")/lib.sh"
tso_init flow_control "${1:-}"
tso_netns
tso_trace_start
tso_capture_start
tso_server "accept,sleep:2.5,recv:300000,sleep:3.5,recv_eof,close" --rcvbuf 4096
tso_client "connect,keepalive:1,send:300000,sleep:3.5,close"
tso_wait_peer "$TSO_SERVER_PID" 20
tso_settle 5
tso_finish
tso_assert_count 1
tso_assert_kernel 1 client CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
tso_assert_kernel 1 server LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
tso_assert_capture client 1 "src port $TSO_PORT and tcp[14:2] = 0" "zero windows the server advertised"
tso_compare
labelled() {
	local cap=$1 missing="" label
	for label in "zero window" "window update" "keep-alive"; do
		grep -q "\"label\":\"$label\"" "$TSO_WORK/trace-$cap.jsonl" || missing="$missing '$label'"
	done
	if [ -z "$missing" ]; then
		tso_log "ok   [$cap-side capture]: zero window, window update and keep-alive labelled"
	else
		tso_fail "[$cap-side capture]: no segment labelled$missing"
	fi
}
tso_each_trace labelled
tso_done
