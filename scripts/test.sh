#!/usr/bin/env bash
# Quick start, second command: install what is missing, build under
# AddressSanitizer and UndefinedBehaviorSanitizer, and run the whole suite.
# A plain optimised build is compiled too, so that -O2-only warnings fail.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs" >/dev/null
# make install + pkg-config, from the plain build (the sanitizer build's
# library would need the sanitizer runtime in any program linking it).
ctest --test-dir build -R install_pkgconfig --output-on-failure | tail -n 3
cmake -S . -B build-san -DCMAKE_BUILD_TYPE=Debug -DTCPS_SANITIZE=ON >/dev/null
cmake --build build-san -j"$jobs" >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-san --output-on-failure -j"$jobs"
