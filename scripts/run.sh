#!/usr/bin/env bash
# Quick start, first command: install what is missing, build, and run the
# main job on its built-in default (the seed's Concrete Example, simulated).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
exec ./build/tcpstate sim "$@"
