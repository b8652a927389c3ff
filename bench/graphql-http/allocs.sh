#!/usr/bin/env bash
# Heap allocations per request: a uprobe on glibc's malloc counts the server's calls while one
# client sends N requests one after another on one connection (an exact count, not a sample:
# the same build gives the same figure at any load), and with ALLOCS_STACKS=1 where they come
# from (the nearest frames of our code, for the top sources).
#   bench/graphql-http/allocs.sh QUERY [requests]          (QUERY as cpu.sh; default 2000 requests)
# Environment as run.sh (BENCH_BIN, BENCH_DATA_DIR, BENCH_PORT). Needs perf with uprobes (root).
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME="${1:?query name, e.g. doctors, or custom with BENCH_QUERY}"
N="${2:-2000}"
command -v perf >/dev/null || { echo "missing perf (apt-get install linux-perf)" >&2; exit 1; }
libc=$(ldconfig -p | awk '/libc\.so\.6 .*x86-64/ {print $NF; exit}')
perf probe -q -d 'probe_libc:malloc' 2>/dev/null || true
perf probe -q -x "$libc" malloc >/dev/null 2>&1 || { echo "perf probe on malloc failed (uprobes unavailable?)" >&2; exit 1; }
source bench/graphql-http/common.sh
check_query "$NAME" >/dev/null
client=$(mktemp --suffix=.py)
cat > "$client" <<'PY'
import http.client, sys
body, auth, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
headers = {"content-type": "application/json"}
if auth:
    k, v = auth.split(": ", 1); headers[k] = v
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    c.request("POST", "/graphql", body, headers); r = c.getresponse(); r.read()
    if r.status != 200: sys.exit("status %d" % r.status)
PY
body=$(request_body "$NAME"); auth=$(auth_header "$NAME")
python3 "$client" "$body" "$auth" "$CLINIC_PORT" 300   # warm: documents, plans, prepared statements
stat=$(perf stat -x, -e probe_libc:malloc -p "$PID" -- python3 "$client" "$body" "$auth" "$CLINIC_PORT" "$N" 2>&1 >/dev/null)
echo "$NAME: $(awk -F, -v n="$N" '/probe_libc:malloc/ {printf "%.1f", $1 / n}' <<<"$stat") mallocs per request ($N requests)"
if [ -n "${ALLOCS_STACKS:-}" ]; then
    data="$CLINIC_DATA_DIR/allocs-$NAME.data"
    perf record -q -e probe_libc:malloc -g -p "$PID" -o "$data" -- python3 "$client" "$body" "$auth" "$CLINIC_PORT" 200 >/dev/null 2>&1
    python3 bench/graphql-http/stacks.py fold "$BIN" "$data" "$CLINIC_DATA_DIR/allocs-$NAME.folded"
    python3 bench/graphql-http/stacks.py tops "$CLINIC_DATA_DIR/allocs-$NAME.folded" --per 200 --ours-only
fi
rm -f "$client"
