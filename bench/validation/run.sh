#!/bin/sh
# Builds the validation benchmark in release mode and runs it, then graphql-core
# and graphql-js (Debian's node-graphql) on the same schema and documents; then
# the adversarial documents (make_adversarial.py: parse + validate + operation
# limits with the server's parser limits, worst of 3).
# Usage: bench/validation/run.sh
#   VAL_BENCH_BUILD=DIR       scratch path of the release build (default /tmp/valbench-build)
#   VAL_BENCH_BASELINE=REV    also build the Sources of git revision REV and run it
#                             on the same documents right before this tree (before/after in one run)
#   VAL_BENCH_SKIP_ORACLES=1  skip graphql-core and graphql-js
set -e
cd "$(dirname "$0")"
SCRATCH="${VAL_BENCH_BUILD:-/tmp/valbench-build}"
SCHEMA=../../Tests/SchemaTests/Fixtures/ValidationClinicSchema.graphql
python3 make_docs.py
ADV=$(python3 make_adversarial.py)
DOCS="docs/typical.graphql docs/pathological_100.graphql docs/pathological_1000.graphql docs/pathological_10000.graphql"
swift build -c release --scratch-path "$SCRATCH" > "$SCRATCH.log" 2>&1 || { tail -20 "$SCRATCH.log"; exit 1; }
BASE=""
if [ -n "$VAL_BENCH_BASELINE" ]; then
    # A copy of this package with the baseline's QueryLanguage and Schema sources.
    BASEDIR="$SCRATCH-baseline-src"
    rm -rf "$BASEDIR" && mkdir -p "$BASEDIR/Sources"
    cp -r Package.swift Sources/valbench "$BASEDIR/" && mv "$BASEDIR/valbench" "$BASEDIR/Sources/"
    (cd ../.. && git archive "$VAL_BENCH_BASELINE" Sources/QueryLanguage Sources/Schema) | tar -x -C "$BASEDIR"
    # Revisions before the selection limit have no ParseOptions.maxSelections.
    grep -q maxSelections "$BASEDIR/Sources/QueryLanguage/SyntaxError.swift" || sed -i 's/, maxSelections: \.max//' "$BASEDIR/Sources/valbench/main.swift"
    swift build -c release --package-path "$BASEDIR" --scratch-path "$SCRATCH-baseline" > "$SCRATCH-baseline.log" 2>&1 \
        || { tail -20 "$SCRATCH-baseline.log"; exit 1; }
    BASE="$SCRATCH-baseline/release/valbench"
fi
run() { [ -z "$BASE" ] || { echo "# baseline $VAL_BENCH_BASELINE"; "$BASE" "$@"; echo "# this tree"; }; "$SCRATCH/release/valbench" "$@"; }
run "$SCHEMA" $DOCS
if [ -z "$VAL_BENCH_SKIP_ORACLES" ]; then
    python3 bench_core.py "$SCHEMA" $DOCS
    NODE_PATH=/usr/share/nodejs node bench_js.js "$SCHEMA" $DOCS
fi
# Adversarial documents: one at a time, so a slow baseline can be cut short (timeout 120 s each).
for d in $ADV; do
    [ -z "$BASE" ] || timeout 120 "$BASE" --adversarial "$SCHEMA" "$d" | sed 's/^swift /base  /' || echo "base   $(basename "$d"): over 120 s"
    "$SCRATCH/release/valbench" --adversarial "$SCHEMA" "$d"
done
