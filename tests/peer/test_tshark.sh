#!/usr/bin/env bash
# tcpstate's labels against tshark's TCP analysis flags on the 53 corpus
# captures (../shared/corpus: tshark's verdicts precomputed per stream).
# Every difference must be one that docs/trace-vs-tshark.md explains
# (listed in tshark-explained.tsv); a new one fails the test.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(cd "$here/../../.." 2>/dev/null && pwd)/shared/corpus
if [ ! -f "$corpus/tshark-expected.tsv" ]; then
	echo "SKIP: no corpus at $corpus"
	exit 77
fi
exec python3 "$here/tshark_compare.py" "$bin" "$corpus" "$corpus/tshark-expected.tsv" --explained "$here/tshark-explained.tsv"
