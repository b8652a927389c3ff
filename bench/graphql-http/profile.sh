#!/usr/bin/env bash
# Where the server's time goes under load: perf record of `clinic serve` while wrk
# runs one query, then the top frames by self time and the hottest folded stacks.
#   bench/graphql-http/profile.sh QUERY [scale] [seconds]   (QUERY: a name from common.sh, or
#   custom with BENCH_QUERY='{ … }' and optionally BENCH_TOKEN=PATIENT|ADMIN)
# Environment as run.sh (BENCH_BIN, BENCH_DATA_DIR, BENCH_PORT); BENCH_CONNS (default 16).
# Writes $CLINIC_DATA_DIR/profile-QUERY.folded (one "frame;frame;… count" line per stack,
# for flamegraph tools) and prints the tops, to paste beside the figures in RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME="${1:?query name, e.g. doctors}"
SCALE="${2:-1}"
SECONDS_="${3:-10}"
source bench/graphql-http/common.sh
command -v perf >/dev/null || { echo "missing perf (apt-get install linux-perf)" >&2; exit 1; }
check_query "$NAME" >/dev/null
lua=$(mktemp --suffix=.lua); wrk_lua "$NAME" "$lua"
wrk -t2 -c"${BENCH_CONNS:-16}" -d"$((SECONDS_ + 2))"s -s "$lua" "$URL" > "$CLINIC_DATA_DIR/profile-wrk.txt" &
WRK=$!
sleep 1
data="$CLINIC_DATA_DIR/perf-$NAME.data"
perf record -F 997 -g -p "$PID" -o "$data" -- sleep "$SECONDS_" 2>/dev/null >/dev/null
wait $WRK
rm -f "$lua"
echo "# $(date -u +%FT%TZ) $NAME, ${BENCH_CONNS:-16} connections, load: $(cut -d' ' -f1-3 /proc/loadavg); $(awk '/Requests\/sec/ {print $2}' "$CLINIC_DATA_DIR/profile-wrk.txt") req/s while profiled"
python3 bench/graphql-http/stacks.py fold "$BIN" "$data" "$CLINIC_DATA_DIR/profile-$NAME.folded"
python3 bench/graphql-http/stacks.py tops "$CLINIC_DATA_DIR/profile-$NAME.folded"
