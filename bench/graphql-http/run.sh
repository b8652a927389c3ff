#!/usr/bin/env bash
# GraphQL over HTTP through the whole server: wrk on loopback against
# `clinic serve` (release build) on a throwaway embedded cluster.
#   bench/graphql-http/run.sh [scale]     (default scale 1; seeds once per data dir)
# Environment: BENCH_SECONDS (default 10) per run, BENCH_QUERIES (default: all five),
# BENCH_CONNS (default "1 16 64"), BENCH_BIN / BENCH_DATA_DIR / BENCH_PORT (see common.sh).
# Prints req/s and latency percentiles per query and connection count, the SQL
# statements per request (from extensions.sqlStatements), wrk's errors (non-2xx,
# socket errors, timeouts) and the server's resident memory (now and peak).
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE="${1:-1}"
source bench/graphql-http/common.sh

echo "# $(date -u +%FT%TZ) scale=$SCALE load before: $(cut -d' ' -f1-3 /proc/loadavg) nproc=$(nproc)"
printf '| query | conns | req/s | p50 | p99 | SQL/request | errors |\n|---|---|---|---|---|---|---|\n'
for name in ${BENCH_QUERIES:-typename doctors patient_dashboard admin_list free_slots}; do
    sql=$(check_query "$name")
    for c in ${BENCH_CONNS:-1 16 64}; do
        read -r rps p50 p99 errs <<< "$(run_wrk "$name" "$c" "${BENCH_SECONDS:-10}")"
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$c" "$rps" "$p50" "$p99" "$sql" "$errs"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$PID/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$PID/status)"
