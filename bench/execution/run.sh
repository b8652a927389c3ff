#!/bin/sh
# Builds the execution benchmark in release mode and runs it, then graphql-core
# on the same schema, data and queries. Usage: bench/execution/run.sh
set -e
cd "$(dirname "$0")"
SCRATCH="${EXEC_BENCH_BUILD:-/tmp/execbench-build}"
SCHEMA=../../Tests/SchemaTests/ExecutionFixtures/differential/schema.graphql
python3 make_data.py
python3 queries.py
swift build -c release --scratch-path "$SCRATCH" > "$SCRATCH.log" 2>&1 || { tail -20 "$SCRATCH.log"; exit 1; }
"$SCRATCH/release/execbench" "$SCHEMA" data.json queries.json
python3 bench_core.py "$SCHEMA" data.json queries.json
