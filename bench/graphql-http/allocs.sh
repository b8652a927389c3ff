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
    nm -n "$BIN" 2>/dev/null | awk '$2 ~ /^[Tt]$/ {print $1, $3}' > "$CLINIC_DATA_DIR/allocs-symbols.txt"
    perf script -i "$data" 2>/dev/null | python3 -c '
import sys, collections, re, bisect, subprocess
binary, symfile, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
addrs, names = [], []
for line in open(symfile):
    a, s = line.split(" ", 1); addrs.append(int(a, 16)); names.append(s.strip())
def resolve(addr):
    i = bisect.bisect_right(addrs, addr) - 1
    return names[i] if i >= 0 else "[unknown]"
sources, frames = collections.Counter(), []
def flush():
    own = [f for f in frames if f.startswith("$s") and not f.startswith("$ss")]
    if frames: sources[own[0] if own else "(outside our code) " + frames[0]] += 1
    frames.clear()
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip() or line[0] not in " \t": flush(); continue
    m = re.match(r"\s*([0-9a-f]+) (.*) \((.*)\)$", line)
    if not m: continue
    addr, sym, dso = m.groups()
    if sym.startswith("[unknown]") and dso == binary: sym = resolve(int(addr, 16))
    frames.append(re.sub(r"\+0x[0-9a-f]+$", "", sym))
flush()
top = sources.most_common(25)
r = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(k for k, _ in top), capture_output=True, text=True)
pretty = r.stdout.splitlines() if r.returncode == 0 else [k for k, _ in top]
print("## mallocs per request by the nearest frame of our code")
for (k, c), p in zip(top, pretty): print("%6.1f  %s" % (c / n, p[:150]))
' "$BIN" "$CLINIC_DATA_DIR/allocs-symbols.txt" 200
fi
rm -f "$client"
