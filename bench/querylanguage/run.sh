#!/bin/sh
# Builds the benchmark in release mode and runs it, then graphql-core on the
# same inputs. Usage: bench/querylanguage/run.sh  (from anywhere)
set -e
cd "$(dirname "$0")"
SCRATCH="${QL_BENCH_BUILD:-/tmp/qlbench-build}"
swift build -c release --scratch-path "$SCRATCH" >/dev/null
"$SCRATCH/release/qlbench" inputs
python3 bench_core.py inputs
