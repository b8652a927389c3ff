#!/usr/bin/env bash
# `{ __typename }` from our server against nginx answering the same bytes with `return 200`, on
# this machine with the same wrk settings (issue 20: at least half of nginx's rate).
#   bench/graphql-http/nginx.sh [conns] [seconds]          (default 64 connections, 5 s)
# Environment as run.sh (BENCH_BIN, BENCH_DATA_DIR, BENCH_PORT); NGINX_PORT (default 18299).
# Alternates the two three times and prints each pair and the ratio of the medians.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNS="${1:-64}"
SECONDS_="${2:-5}"
command -v nginx >/dev/null || { echo "missing nginx (apt-get install nginx-light)" >&2; exit 1; }
source bench/graphql-http/common.sh
check_query typename >/dev/null
ngx=$(mktemp -d)
port="${NGINX_PORT:-18299}"
mkdir -p "$ngx/logs"
cat > "$ngx/nginx.conf" <<CONF
worker_processes 2;
error_log $ngx/logs/error.log;
pid $ngx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$port;
    location / { default_type application/json; return 200 '{"data":{"__typename":"Query"}}'; }
  }
}
CONF
nginx -c "$ngx/nginx.conf" -p "$ngx"
trap 'nginx -c "$ngx/nginx.conf" -p "$ngx" -s stop 2>/dev/null || true; kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$ngx"' EXIT
lua=$(mktemp --suffix=.lua); wrk_lua typename "$lua"
ours=(); theirs=()
for round in 1 2 3; do
    o=$(wrk -t2 -c"$CONNS" -d"$SECONDS_"s -s "$lua" "$URL" | awk '/Requests\/sec/ {print $2}')
    n=$(wrk -t2 -c"$CONNS" -d"$SECONDS_"s -s "$lua" "http://127.0.0.1:$port/graphql" | awk '/Requests\/sec/ {print $2}')
    echo "round $round: ours $o req/s, nginx $n req/s"
    ours+=("$o"); theirs+=("$n")
done
rm -f "$lua"
python3 - "${ours[@]}" "${theirs[@]}" <<'PY'
import statistics, sys
v = [float(x) for x in sys.argv[1:]]
ours, nginx = statistics.median(v[:3]), statistics.median(v[3:])
print(f"medians: ours {ours:,.0f} req/s, nginx {nginx:,.0f} req/s: {100 * ours / nginx:.1f} % of nginx")
PY
