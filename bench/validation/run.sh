#!/bin/sh
# Builds the validation benchmark in release mode and runs it, then graphql-core
# and graphql-js (Debian's node-graphql) on the same schema and documents.
# Usage: bench/validation/run.sh
set -e
cd "$(dirname "$0")"
SCRATCH="${VAL_BENCH_BUILD:-/tmp/valbench-build}"
SCHEMA=../../Tests/SchemaTests/Fixtures/ValidationClinicSchema.graphql
python3 make_docs.py
DOCS="docs/typical.graphql docs/pathological_100.graphql docs/pathological_1000.graphql docs/pathological_10000.graphql"
swift build -c release --scratch-path "$SCRATCH" > "$SCRATCH.log" 2>&1 || { tail -20 "$SCRATCH.log"; exit 1; }
"$SCRATCH/release/valbench" "$SCHEMA" $DOCS
python3 bench_core.py "$SCHEMA" $DOCS
NODE_PATH=/usr/share/nodejs node bench_js.js "$SCHEMA" $DOCS
