#!/usr/bin/env bash
# Quick start, first command: install what is missing, build, and run the
# main job: the seed's Mini Drill for real on loopback (kernel sockets,
# captured live, labelled).  Capturing needs CAP_NET_RAW; without it the
# seed's Concrete Example is simulated instead, so the first command always
# shows the ladder.  Arguments go to whichever runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
if [ "$(id -u)" -eq 0 ]; then
	# Root in a container may still lack CAP_NET_RAW: the drill says so
	# before it prints anything, and the simulation takes over.
	err=$(mktemp)
	trap 'rm -f "$err"' EXIT
	status=0
	./build/tcpstate drill "$@" 2>"$err" || status=$?
	if [ "$status" -eq 0 ] || ! grep -q CAP_NET_RAW "$err"; then
		cat "$err" >&2
		exit "$status"
	fi
fi
echo "run.sh: capturing on lo needs root (CAP_NET_RAW), so the seed's example is simulated; 'sudo bash scripts/run.sh' runs the live drill" >&2
exec ./build/tcpstate sim "$@"
