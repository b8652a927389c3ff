#!/usr/bin/env bash
# Two builds compared side by side: both servers run at once on one cluster, each under its own wrk
# (half the connections each, started together), so whatever the machine does to one it does to
# the other; prints each one's server CPU per request (from /proc) and the ratios, per round.
#   bench/graphql-http/ab.sh BIN_A BIN_B [QUERY] [rounds] [seconds]    (QUERY as cpu.sh, default doctors)
# Environment as run.sh (BENCH_DATA_DIR, BENCH_PORT: A listens there, B one port above); BENCH_CONNS
# (default 16, split evenly). A against itself is the noise floor: a few per cent on this machine,
# where two runs of one build minutes apart differ by up to 40 % (see RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN_A="${1:?the clinic binary of the first build}"
BIN_B="${2:?the clinic binary of the second build}"
NAME="${3:-doctors}"
ROUNDS="${4:-4}"
SECONDS_="${5:-8}"
export BENCH_BIN="$BIN_A"
source bench/graphql-http/common.sh
check_query "$NAME" >/dev/null
PORT_B=$((CLINIC_PORT + 1))
CLINIC_PORT=$PORT_B "$BIN_B" serve --no-worker > "$CLINIC_DATA_DIR/serve-b.log" 2>&1 &
PID_B=$!
trap 'kill $PID $PID_B 2>/dev/null; wait $PID $PID_B 2>/dev/null' EXIT
for _ in $(seq 300); do curl -sf "127.0.0.1:$PORT_B/healthz" >/dev/null && break; sleep 0.1; done
lua=$(mktemp --suffix=.lua); wrk_lua "$NAME" "$lua"
half=$(( ${BENCH_CONNS:-16} / 2 ))
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "# $NAME, A=$BIN_A, B=$BIN_B, $half connections each, ${SECONDS_} s rounds"
for _ in $(seq "$ROUNDS"); do
    a0=$(ticks "$PID"); b0=$(ticks "$PID_B")
    wrk -t1 -c"$half" -d"$SECONDS_"s -s "$lua" "$URL" > "$CLINIC_DATA_DIR/ab-a.txt" &
    wa=$!
    wrk -t1 -c"$half" -d"$SECONDS_"s -s "$lua" "http://127.0.0.1:$PORT_B/graphql" > "$CLINIC_DATA_DIR/ab-b.txt"
    wait $wa
    a1=$(ticks "$PID"); b1=$(ticks "$PID_B")
    python3 - "$(getconf CLK_TCK)" "$((a1 - a0))" "$((b1 - b0))" \
        "$(awk '/requests in/ {print $1}' "$CLINIC_DATA_DIR/ab-a.txt")" "$(awk '/requests in/ {print $1}' "$CLINIC_DATA_DIR/ab-b.txt")" <<'PY'
import sys
hz, ta, tb, na, nb = (int(x) for x in sys.argv[1:])
a, b = ta / hz / na * 1e6, tb / hz / nb * 1e6
print("A %6d requests %6.1f us/request | B %6d requests %6.1f us/request | B/A CPU per request %.3f, requests %.3f"
      % (na, a, nb, b, b / a, nb / na))
PY
done
rm -f "$lua"
