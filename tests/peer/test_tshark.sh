#!/usr/bin/env bash
# tcpstate's labels against tshark's TCP analysis flags on the 53 corpus
# captures (../shared/corpus): per stream against the verdicts recorded
# with the corpus (tshark-expected.tsv), where every difference must be
# one that docs/trace-vs-tshark.md explains (tshark-explained.tsv); then,
# when tshark is installed, frame by frame against the local tshark
# (tshark_frames.py), but for pppoe-over-qinq.pcap, whose PPPoE lengths
# the two read differently (docs/trace-vs-tshark.md).
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(cd "$here/../../.." 2>/dev/null && pwd)/shared/corpus
if [ ! -f "$corpus/tshark-expected.tsv" ]; then
	echo "SKIP: no corpus at $corpus"
	exit 77
fi
python3 "$here/tshark_compare.py" "$bin" "$corpus" "$corpus/tshark-expected.tsv" \
	--explained "$here/tshark-explained.tsv" || exit 1
if ! command -v tshark >/dev/null; then
	echo "note: no tshark: the frame-by-frame comparison is skipped"
	exit 0
fi
mapfile -t pcaps < <(find "$corpus" -name '*.pcap*' ! -name pppoe-over-qinq.pcap | sort)
python3 "$here/tshark_frames.py" "$bin" "${pcaps[@]}"
