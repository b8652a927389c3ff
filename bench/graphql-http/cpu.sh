#!/usr/bin/env bash
# CPU per request, split between our server and PostgreSQL, while wrk runs one query:
#   bench/graphql-http/cpu.sh QUERY [conns] [seconds]     (QUERY: a name from common.sh)
#   BENCH_QUERY='{ doctors(first: 1) { nodes { id } } }' [BENCH_TOKEN=PATIENT|ADMIN] \
#     bench/graphql-http/cpu.sh custom                     (any document, anonymous or signed in)
# Environment as run.sh (BENCH_BIN, BENCH_DATA_DIR, BENCH_PORT). Prints req/s, the server's and
# the cluster's CPU time (user + system, from /proc) divided by the requests served, and wrk's
# latency line. CPU per request moves less with the machine's load than req/s does, so it is
# the figure to compare two builds by (alternate them; see RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME="${1:?query name, e.g. doctors, or custom with BENCH_QUERY}"
CONNS="${2:-16}"
SECONDS_="${3:-5}"
source bench/graphql-http/common.sh
sql=$(check_query "$NAME")
lua=$(mktemp --suffix=.lua); wrk_lua "$NAME" "$lua"
postmaster=$(head -1 "$CLINIC_DATA_DIR/pgdata/postmaster.pid")
# Clock ticks (user + system) of the given processes, those still alive.
ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
cluster() { echo "$postmaster" $(pgrep -P "$postmaster"); }
server0=$(ticks "$PID"); pg0=$(ticks $(cluster))
out=$(wrk -t2 -c"$CONNS" -d"$SECONDS_"s -s "$lua" "$URL")
server1=$(ticks "$PID"); pg1=$(ticks $(cluster))
rm -f "$lua"
requests=$(awk '/requests in/ {print $1}' <<<"$out")
hz=$(getconf CLK_TCK)
python3 - "$NAME" "$CONNS" "$requests" "$hz" "$((server1 - server0))" "$((pg1 - pg0))" "$sql" <<'PY'
import sys
name, conns, requests, hz, server, pg, sql = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
print("%s c=%s: %d requests, server %.0f us/request, postgres %.0f us/request, %s statements/request"
      % (name, conns, requests, server / hz / requests * 1e6, pg / hz / requests * 1e6, sql))
PY
grep -E "Requests/sec|Latency " <<<"$out"
