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
nm -n "$BIN" 2>/dev/null | awk '$2 ~ /^[Tt]$/ {print $1, $3}' > "$CLINIC_DATA_DIR/profile-symbols.txt"
# perf does not resolve the binary's own frames here: they are resolved with its symbol table,
# and Swift names demangled (swift demangle) in what is printed.
perf script -i "$data" 2>/dev/null | python3 -c '
import sys, collections, re, bisect, subprocess
binary, symfile, out = sys.argv[1], sys.argv[2], sys.argv[3]
addrs, names = [], []
for line in open(symfile):
    a, n = line.split(" ", 1); addrs.append(int(a, 16)); names.append(n.strip())
def resolve(addr):
    i = bisect.bisect_right(addrs, addr) - 1
    return names[i] if i >= 0 else "[unknown]"
stacks = collections.Counter(); frames = []
def flush():
    if frames: stacks[";".join(reversed(frames))] += 1
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
with open(out, "w") as f:
    for s, n in stacks.most_common(): f.write("%s %d\n" % (s, n))
total = sum(stacks.values()) or 1
leaf, ours = collections.Counter(), collections.Counter()
for s, n in stacks.items():
    fr = s.split(";")
    leaf[fr[-1]] += n
    # The nearest frame of our own code (a Swift symbol of the binary) that led to the sample.
    own = next((f for f in reversed(fr) if f.startswith("$s") and not f.startswith("$ss")), "(outside our code)")
    ours[own] += n
def demangle(xs):
    try:
        r = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(xs), capture_output=True, text=True, timeout=60)
        return r.stdout.splitlines() if r.returncode == 0 else xs
    except Exception:
        return xs
for title, counter in (("top frames by self time", leaf), ("time by the nearest frame of our code (self + callees outside it)", ours)):
    top = counter.most_common(20)
    print("## %s, %d samples" % (title, total))
    for (name, n), pretty in zip(top, demangle([t[0] for t in top])):
        print("%5.1f%%  %s" % (100.0 * n / total, pretty[:160]))
' "$BIN" "$CLINIC_DATA_DIR/profile-symbols.txt" "$CLINIC_DATA_DIR/profile-$NAME.folded"
