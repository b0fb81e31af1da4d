#!/usr/bin/env bash
# Builds a libFuzzer target with clang (libFuzzer, ASan, UBSan) and runs it
# for a bounded time over its seed corpus; a crash, leak or sanitizer
# report fails the run and leaves the input in BUILD_DIR/artifacts/.
#
#   fuzz/run.sh [BUILD_DIR] [SECONDS] [TARGET]
#       (defaults: /tmp/tcpstate-fuzz, 60, fuzz_trace)
#
# Targets: fuzz_trace (decoder and observer; seeds in fuzz/corpus) and
# fuzz_pcapng (pcapng block parser; seeds in fuzz/corpus-pcapng).  CC
# overrides the compiler (default clang-14).  New inputs the fuzzer finds
# go to BUILD_DIR/corpus-TARGET, so the seeds stay a few small files; copy
# a finding there when it is worth keeping.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/tcpstate-fuzz}
secs=${2:-60}
target=${3:-fuzz_trace}
case $target in
fuzz_trace) seeds=$src/fuzz/corpus ;;
fuzz_pcapng) seeds=$src/fuzz/corpus-pcapng ;;
*) echo "$0: unknown target $target" >&2; exit 2 ;;
esac
cc=${CC:-clang-14}

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DTCPS_SANITIZE=ON -DTCPS_FUZZ=ON -DTCPS_TESTS=OFF -DTCPS_BENCH=OFF >/dev/null
cmake --build "$build" --target "$target" -j"$(nproc)"

mkdir -p "$build/corpus-$target" "$build/artifacts"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec "$build/fuzz/$target" -max_total_time="$secs" -max_len=8192 -timeout=10 \
	-artifact_prefix="$build/artifacts/" -print_final_stats=1 \
	"$build/corpus-$target" "$seeds"
