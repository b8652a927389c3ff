#!/usr/bin/env bash
# The database cost of the rate limits shared through PostgreSQL (migration
# 0013, issue #18), per statement, with the server's own SQL:
#   acquire  one failed-login / hashing / reset-request count (synchronous, on
#            the request path of those mutations only; a login counts IP and account)
#   flush    one batched add of 16 keys' per-request counts (off the request path,
#            at most every 200 ms per server process)
#   *_sync   the same with the default synchronous commit (what they were before)
# Median and p99 per statement from pgbench's per-transaction log, 1 client and
# BENCH_CLIENTS (default 16). The embedded cluster of run.py's data dir.
#   BENCH_BIN=<clinic> bench/scaling-nginx/ratelimit.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${BENCH_BIN:-.build/release/clinic}"
export CLINIC_DATA_DIR="${BENCH_DATA_DIR:-/tmp/clinic-bench-nginx}" CLINIC_PORT="${BENCH_PORT:-18199}" LOG_LEVEL=warn
SECS="${BENCH_SECONDS:-10}"
"$BIN" migrate >/dev/null
"$BIN" serve --no-worker > /dev/null 2>&1 &   # keeps the embedded cluster up
PID=$!
work=$(mktemp -d)
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -S "$CLINIC_DATA_DIR/run/.s.PGSQL.5432" ] && curl -sf "127.0.0.1:$CLINIC_PORT/healthz" >/dev/null && break; sleep 0.2; done
PG=(-h "$CLINIC_DATA_DIR/run" -U postgres clinic)

# The server's statements (ClinicStore/RateLimits.swift): synchronous_commit off for
# their own transaction. The *_sync variants are the same without it (before).
ASYNC="(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit"
keys=$(python3 -c "print(','.join(\"'bench-flush:%d'\" % i for i in range(16)))")
for variant in sync async; do
    from=$([ $variant = async ] && echo "FROM $ASYNC" || echo "")
    join=$([ $variant = async ] && echo ", $ASYNC" || echo "")
    suffix=$([ $variant = async ] && echo "" || echo "_sync")
    cat > "$work/acquire$suffix.sql" <<SQL
\\set k random(1, 100000)
INSERT INTO rate_limit_counters AS c (key, window_start, hits) SELECT 'bench-acquire:' || :k, date_trunc('hour', now()), 1 $from
ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + 1 WHERE c.hits < 1000000000 RETURNING c.hits;
SQL
    cat > "$work/flush$suffix.sql" <<SQL
INSERT INTO rate_limit_counters AS c (key, window_start, hits)
SELECT u.key, u.window_start, u.hits FROM unnest(ARRAY[$keys]::text[], array_fill(date_trunc('hour', now()), ARRAY[16])::timestamptz[],
       array_fill(3, ARRAY[16])::int[]) AS u (key, window_start, hits) $join
ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + EXCLUDED.hits
RETURNING c.key, c.window_start, c.hits;
SQL
done

echo "# $(date -u +%FT%TZ) load before: $(cut -d' ' -f1-3 /proc/loadavg) nproc=$(nproc), ${SECS} s per run"
echo "| statement | clients | tx/s | median | p99 |"
echo "|---|---:|---:|---:|---:|"
for stmt in acquire_sync acquire flush_sync flush; do
    for clients in 1 "${BENCH_CLIENTS:-16}"; do
        rm -f "$work"/pgbench_log.*
        tps=$(cd "$work" && pgbench "${PG[@]:0:4}" -n -M prepared -c "$clients" -j 1 -T "$SECS" -l -f "$stmt.sql" "${PG[4]}" 2>/dev/null \
              | awk '/^tps/ {print $3}')
        python3 - "$stmt" "$clients" "$tps" "$work" <<'PY'
import glob, sys
stmt, clients, tps, work = sys.argv[1:]
lat = sorted(int(line.split()[2]) for f in glob.glob(work + "/pgbench_log.*") for line in open(f))
med, p99 = lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))]
print(f"| {stmt} | {clients} | {float(tps):.0f} | {med / 1000:.3f} ms | {p99 / 1000:.3f} ms |")
PY
    done
done
psql "${PG[@]}" -qAt -c "DELETE FROM rate_limit_counters WHERE key LIKE 'bench-%'" >/dev/null
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
