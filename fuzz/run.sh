#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs one of them.
#
#   fuzz/run.sh <parser|json|http|coercion> [seconds=3600] [extra libFuzzer flags...]
#   fuzz/run.sh build                     # build only
#   fuzz/run.sh minimize <harness>        # merge the grown corpus into a fresh, minimal one
#
# The corpus grows in fuzz/corpus/<harness> (committed, minimized); fuzz/seeds/<harness>
# (from make_seeds.py) is read too. Crashes, hangs (-timeout=2 s per input) and
# out-of-memory inputs land in fuzz/artifacts/<harness>/ (not committed: each becomes
# an XCTest regression test instead). Runs at nice 19: the machine is shared.
# FUZZ_TIMEOUT overrides the 2 s hang limit (on a loaded machine, wall-clock stalls of a
# niced process trip 2 s; re-run a timeout-* artifact alone to see whether it is real).
set -euo pipefail
FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCRATCH="$FUZZ_DIR/.build-fuzz"
BIN="$SCRATCH/release"
# Swift's own crash backtracer fights AddressSanitizer's report (and its stack reads trip ASan).
export SWIFT_BACKTRACE=enable=no
# The clinic schema the coercion harness builds once at start stays allocated until exit, which
# LeakSanitizer reports then (32 KB, never per input): suppressed by name, every other leak counts.
export LSAN_OPTIONS="suppressions=$FUZZ_DIR/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

build() {
    # Release (-O) for throughput; -enable-testing for the HTTP harness's @testable import.
    nice -n 19 swift build --package-path "$FUZZ_DIR" --scratch-path "$SCRATCH" -c release \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing 2>&1 \
        | grep -v "Cannot export local symbol" >&2
}

executable() {
    case "$1" in
        parser) echo FuzzParser ;; json) echo FuzzJSON ;; http) echo FuzzHTTP ;; coercion) echo FuzzCoercion ;;
        *) echo "unknown harness '$1' (parser, json, http, coercion)" >&2; exit 64 ;;
    esac
}

dictionary() {
    case "$1" in parser) echo graphql ;; *) echo "$1" ;; esac
}

case "${1:-}" in
    build)
        build ;;
    minimize)
        harness="${2:?harness}"; exe="$(executable "$harness")"
        build
        fresh="$FUZZ_DIR/corpus/$harness.min"
        rm -rf "$fresh"; mkdir -p "$fresh"
        nice -n 19 "$BIN/$exe" -merge=1 -rss_limit_mb=2048 -timeout=10 "$fresh" \
            "$FUZZ_DIR/corpus/$harness" "$FUZZ_DIR/seeds/$harness"
        rm -rf "$FUZZ_DIR/corpus/$harness"; mv "$fresh" "$FUZZ_DIR/corpus/$harness"
        echo "$harness: $(ls "$FUZZ_DIR/corpus/$harness" | wc -l) files, $(du -sh "$FUZZ_DIR/corpus/$harness" | cut -f1)" ;;
    parser|json|http|coercion)
        harness="$1"; seconds="${2:-3600}"; shift $(( $# >= 2 ? 2 : 1 ))
        exe="$(executable "$harness")"
        build
        mkdir -p "$FUZZ_DIR/corpus/$harness" "$FUZZ_DIR/artifacts/$harness" "$SCRATCH/running"
        # Run a copy, so a rebuild while this run goes on cannot pull the binary from under it.
        running="$SCRATCH/running/$exe.$$"
        cp "$BIN/$exe" "$running"
        trap 'rm -f "$running"' EXIT
        nice -n 19 "$running" \
            -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-2}" -rss_limit_mb=2048 -max_len=8192 \
            -report_slow_units=1 -print_final_stats=1 \
            -dict="$FUZZ_DIR/dict/$(dictionary "$harness").dict" \
            -artifact_prefix="$FUZZ_DIR/artifacts/$harness/" \
            "$@" "$FUZZ_DIR/corpus/$harness" "$FUZZ_DIR/seeds/$harness" ;;
    *)
        sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac
