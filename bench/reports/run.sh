#!/bin/bash
# Report latency at `clinic seed --scale N` (default 10: 100 doctors, 10,000 patients,
# 200,000 appointments over ±180 days) in a throwaway embedded cluster.
# Usage: bench/reports/run.sh [N] [runs]
#   CLINIC_BIN=path/to/clinic (default .build/release/clinic; build it with `swift build -c release`)
#   BENCH_DIR=dir to keep the seeded cluster between runs (default: a temp dir, removed at the end)
# Measures, over HTTP with curl, the full report for one year (366 days: every field, as
# SUPERADMIN), the basic figures only (as the seed's bench-admin), and a one-month report,
# `runs` times each after one warm-up; prints min / median / p95 / max in ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-10}
runs=${2:-20}
bin=${CLINIC_BIN:-.build/release/clinic}
[ -x "$bin" ] || { echo "no clinic binary at $bin (swift build -c release, or set CLINIC_BIN)" >&2; exit 2; }
keep=${BENCH_DIR:-}
dir=${keep:-$(mktemp -d /tmp/clinic-bench-reports-XXXXXX)}
chmod 711 "$dir"
export CLINIC_DATA_DIR=$dir DATABASE_URL= DATABASE_READ_URL= CLINIC_PORT=${CLINIC_PORT:-18181} LOG_LEVEL=warn \
       RATE_LIMIT_USER=1000000/hour RATE_LIMIT_ANON=1000000/hour JWT_SECRET=bench-reports-secret-0123456789abcdef
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ -z "$keep" ] && rm -rf "$dir" || true
}
trap cleanup EXIT
"$bin" migrate >/dev/null
if [ ! -f "$dir/.seeded-$scale" ]; then
  echo "seeding --scale $scale (takes a while)..." >&2
  /usr/bin/time -f "seed: %e s" "$bin" seed --scale "$scale" >/dev/null
  touch "$dir/.seeded-$scale"
fi
printf "quiet-harbor-lantern-4821\n" | "$bin" create-superadmin --email reports-owner@clinic.test >/dev/null 2>&1 || true  # fails harmlessly when it exists
"$bin" serve --no-worker >"$dir/serve.log" 2>&1 &
pid=$!
url=http://127.0.0.1:$CLINIC_PORT/graphql
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$CLINIC_PORT/healthz" >/dev/null && break; sleep 0.2; done
login() {
  curl -sf "$url" -H 'Content-Type: application/json' \
    -d "{\"query\":\"mutation { login(email: \\\"$1\\\", password: \\\"$2\\\") { accessToken } }\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["login"]["accessToken"])'
}
super_token=$(login reports-owner@clinic.test quiet-harbor-lantern-4821)
admin_token=$(login bench-admin@clinic.test bench-admin-pass)
from=$(date -u -d '-180 days' +%F); to=$(date -u -d '+185 days' +%F)
month_from=$(date -u -d '-30 days' +%F); month_to=$(date -u +%F)
full='totalAppointments byStatus { status count } daily { date booked completed cancelled noShow } bySpecialization { specialization appointments completed } byDoctor { doctor { id } appointments completed noShows revenue utilization } newPatients noShowRate cancellationRate revenue utilization'
basic='totalAppointments byStatus { status count } daily { date booked } bySpecialization { specialization appointments } byDoctor { doctor { id } appointments completed noShows } newPatients noShowRate cancellationRate'
measure() {  # label token from to fields
  local body="{\"query\":\"{ report(from: \\\"$3\\\", to: \\\"$4\\\") { $5 } }\"}"
  local out; out=$(curl -s "$url" -H 'Content-Type: application/json' -H "Authorization: Bearer $2" -d "$body")
  echo "$out" | grep -q '"errors"' && { echo "$1: $out" | head -c 400 >&2; echo >&2; exit 1; }
  for i in $(seq "$runs"); do
    curl -s -o /dev/null -w '%{time_total}\n' "$url" -H 'Content-Type: application/json' -H "Authorization: Bearer $2" -d "$body"
  done | sort -n | awk -v label="$1" '{ t[NR] = $1 * 1000 } END {
      printf "| %s | %.0f | %.0f | %.0f | %.0f |\n", label, t[1], t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)], t[NR] }'
}
echo "scale $scale, $runs runs each, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| report | min ms | median ms | p95 ms | max ms |"
echo "|---|---|---|---|---|"
measure "year ($from..$to), every field, SUPERADMIN" "$super_token" "$from" "$to" "$full"
measure "year, basic figures, ADMIN" "$admin_token" "$from" "$to" "$basic"
measure "month ($month_from..$month_to), every field" "$super_token" "$month_from" "$month_to" "$full"
# Calibration for a loaded machine: the same server's plain full scan of appointments.
psql=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
if [ -n "$psql" ]; then
  for i in $(seq "$runs"); do
    "$psql" -X -q -h "$dir/run" -U postgres -d clinic -c '\timing on' -c 'SELECT count(*) FROM appointments' | awk '/^Time:/{print $2}'
  done | sort -n | awk '{ t[NR] = $1 } END { printf "calibration (machine load): SELECT count(*) FROM appointments, median %.0f ms\n", t[int((NR + 1) / 2)] }'
fi
