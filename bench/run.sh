#!/usr/bin/env bash
# The cohort benchmark in one command (docs/performance.md):
#   bash bench/run.sh [BUILD_DIR]        default build-bench
# Configures a RelWithDebInfo build with the benchmark on (tests off), builds cohort_bench, writes a
# 10,000-patient synthetic cohort (seed 42) under ${SWITCHPOINT_BENCH_DIR:-/tmp/switchpoint-bench}
# once, and runs the benchmark: simdjson parse-only versus the full cohort evaluation on one thread and on
# all threads, MB/s, patients/s, their ratio and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWITCHPOINT_BENCH=ON -DSWITCHPOINT_TESTS=OFF >/dev/null
cmake --build "$build" --target cohort_bench
"$build/bench/cohort_bench" --dir "${SWITCHPOINT_BENCH_DIR:-/tmp/switchpoint-bench}" --patients 10000 --seed 42
