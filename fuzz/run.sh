#!/usr/bin/env bash
# Builds fuzz_trace with clang (libFuzzer, ASan, UBSan) and runs it for a
# bounded time over the seed corpus; a crash, leak or sanitizer report
# fails the run and leaves the input in BUILD_DIR/artifacts/.
#
#   fuzz/run.sh [BUILD_DIR] [SECONDS]      (defaults: /tmp/tcpstate-fuzz, 60)
#
# CC overrides the compiler (default clang-14).  New inputs the fuzzer
# finds go to BUILD_DIR/corpus, so the seeds in fuzz/corpus stay a few
# small files; copy a finding there when it is worth keeping.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/tcpstate-fuzz}
secs=${2:-60}
cc=${CC:-clang-14}

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DTCPS_SANITIZE=ON -DTCPS_FUZZ=ON -DTCPS_TESTS=OFF -DTCPS_BENCH=OFF >/dev/null
cmake --build "$build" --target fuzz_trace -j"$(nproc)"

mkdir -p "$build/corpus" "$build/artifacts"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec "$build/fuzz/fuzz_trace" -max_total_time="$secs" -max_len=8192 -timeout=10 \
	-artifact_prefix="$build/artifacts/" -print_final_stats=1 \
	"$build/corpus" "$src/fuzz/corpus"
