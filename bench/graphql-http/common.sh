# Sourced by run.sh and pgbench.sh: builds (release) unless BENCH_BIN is given,
# seeds scale N once into a throwaway embedded cluster, starts `clinic serve`,
# signs in, and defines the benchmark queries.
#   SCALE            the scale to seed (default 1)
#   BENCH_DATA_DIR   the cluster's data dir (default /tmp/clinic-bench-$SCALE)
#   BENCH_PORT       the server's port (default 18181)
#   BENCH_BIN        an already built `clinic` to use (skips the build)
set -euo pipefail
SCALE="${SCALE:-1}"
export PATH="/opt/swift/usr/bin:$PATH"
export CLINIC_DATA_DIR="${BENCH_DATA_DIR:-/tmp/clinic-bench-$SCALE}"
export CLINIC_PORT="${BENCH_PORT:-18181}"
export CLINIC_HOST=127.0.0.1
export RATE_LIMIT_ANON=100000000/hour RATE_LIMIT_USER=100000000/hour LOG_LEVEL=warn
export RATE_LIMIT_LOGIN=100000/hour RATE_LIMIT_PASSWORD_HASHING=100000/hour  # runs back to back sign in again
for tool in wrk pgbench psql curl python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install wrk postgresql-client curl python3" >&2; exit 1; }
done
if [ -z "${BENCH_BIN:-}" ]; then
    scripts/embed-schema
    swift build -c release --product clinic >/dev/null
    BIN="$(swift build -c release --show-bin-path)/clinic"
else
    BIN="$BENCH_BIN"
fi
"$BIN" migrate >/dev/null
if [ ! -f "$CLINIC_DATA_DIR/.bench-seeded" ]; then
    "$BIN" seed --demo >/dev/null
    "$BIN" seed --scale "$SCALE"
    touch "$CLINIC_DATA_DIR/.bench-seeded"
fi
"$BIN" serve --no-worker > "$CLINIC_DATA_DIR/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 300); do curl -sf "127.0.0.1:$CLINIC_PORT/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "127.0.0.1:$CLINIC_PORT/healthz" >/dev/null || { echo "server did not start:" >&2; cat "$CLINIC_DATA_DIR/serve.log" >&2; exit 1; }
URL="http://127.0.0.1:$CLINIC_PORT/graphql"
# psql/pgbench reach the embedded cluster through its socket (trust auth, user postgres).
PGARGS=(-h "$CLINIC_DATA_DIR/run" -U postgres)

login() {
    curl -s "$URL" -H 'content-type: application/json' \
        -d "{\"query\":\"mutation { login(email: \\\"$1\\\", password: \\\"$2\\\") { accessToken } }\"}" \
        | python3 -c 'import sys, json; print(json.load(sys.stdin)["data"]["login"]["accessToken"])'
}
ADMIN=$(login bench-admin@clinic.test bench-admin-pass)
PATIENT=$(login patient1@bench.test bench-patient-pass)
DOCTOR_ID=$(curl -s "$URL" -H 'content-type: application/json' -d '{"query":"{ doctors(first: 1) { nodes { id } } }"}' \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["data"]["doctors"]["nodes"][0]["id"])')
TODAY=$(date +%F)
# The next weekday (the scale seed's doctors work Monday to Friday).
DAY=$(python3 -c 'import datetime; d=datetime.date.today()+datetime.timedelta(days=1); d+=datetime.timedelta(days=(7-d.weekday())%7 if d.weekday()>4 else 0); print(d)')

declare -A QUERIES TOKENS
QUERIES[typename]='{ __typename }'
QUERIES[doctors]='{ doctors(first: 20) { nodes { id specialization user { fullName } } } }'
QUERIES[patient_dashboard]="{ appointments(first: 10, filter: {status: [SCHEDULED, CONFIRMED], from: \"$TODAY\"}) { nodes { date time status doctor { specialization user { fullName } } } } }"
TOKENS[patient_dashboard]=$PATIENT
QUERIES[admin_list]='{ appointments(first: 100) { nodes { date time status patient { user { fullName } } doctor { user { fullName } } } } }'
TOKENS[admin_list]=$ADMIN
QUERIES[free_slots]="{ availableSlots(doctorId: \"$DOCTOR_ID\", date: \"$DAY\") { time } }"
# Issue #21's two window queries: 100 appointments of a 60-day window, and a report by status over 180 days.
FROM60=$(date -d "$TODAY -30 days" +%F); TO60=$(date -d "$TODAY +29 days" +%F); FROM180=$(date -d "$TODAY -179 days" +%F)
QUERIES[admin_window]="{ appointments(first: 100, filter: {from: \"$FROM60\", to: \"$TO60\"}) { nodes { date time status patient { user { fullName } } doctor { user { fullName } } } } }"
TOKENS[admin_window]=$ADMIN
QUERIES[report_180]="{ report(from: \"$FROM180\", to: \"$TODAY\") { totalAppointments byStatus { status count } } }"
TOKENS[report_180]=$ADMIN
# "custom": any document (BENCH_QUERY), signed in as BENCH_TOKEN (PATIENT or ADMIN) when given.
if [ -n "${BENCH_QUERY:-}" ]; then
    QUERIES[custom]=$BENCH_QUERY
    [ -n "${BENCH_TOKEN:-}" ] && TOKENS[custom]="${!BENCH_TOKEN}"
fi

# request_body NAME -> the JSON body; auth_header NAME -> "Authorization: Bearer …" or "".
request_body() { python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1]}))' "${QUERIES[$1]}"; }
auth_header() { [ -n "${TOKENS[$1]:-}" ] && echo "Authorization: Bearer ${TOKENS[$1]}" || true; }

# check_query NAME: one request; fails the run on errors or empty data; prints SQL statements/request.
check_query() {
    local body auth
    body=$(request_body "$1"); auth=$(auth_header "$1")
    curl -s "$URL" -H 'content-type: application/json' ${auth:+-H "$auth"} -d "$body" | python3 -c '
import sys, json
name = sys.argv[1]
r = json.load(sys.stdin)
if r.get("errors") or not r.get("data"):
    sys.exit("%s: the query failed: %s" % (name, json.dumps(r)[:500]))
def size(v):
    return sum(size(x) for x in v) if isinstance(v, list) else (1 + sum(size(x) for x in v.values()) if isinstance(v, dict) else 0)
root = next(iter(r["data"].values()))
nodes = root.get("nodes", root) if isinstance(root, dict) else root
if name != "typename" and not nodes:
    sys.exit("%s: empty answer: %s" % (name, json.dumps(r)[:500]))
print(r.get("extensions", {}).get("sqlStatements"))' "$1"
}

# wrk_lua NAME FILE: writes wrk's script for that request.
wrk_lua() {
    python3 - "$(request_body "$1")" "$(auth_header "$1")" > "$2" <<'PY'
import json, sys
body, auth = sys.argv[1], sys.argv[2]
print('wrk.method = "POST"')
print('wrk.body = ' + json.dumps(body))
print('wrk.headers["Content-Type"] = "application/json"')
if auth:
    k, v = auth.split(": ", 1)
    print('wrk.headers["%s"] = %s' % (k, json.dumps(v)))
PY
}

# run_wrk NAME CONNS SECONDS -> "req/s p50 p99 errors"
run_wrk() {
    local lua out t
    lua=$(mktemp --suffix=.lua); wrk_lua "$1" "$lua"
    t=$([ "$2" = 1 ] && echo 1 || echo 2)
    out=$(wrk -t"$t" -c"$2" -d"$3"s --latency -s "$lua" "$URL")
    rm -f "$lua"
    local rps p50 p99 errs
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    # "0", or e.g. "3 non-2xx, 16 timeouts" (wrk times a request out after 2 s).
    errs=$(echo "$out" | awk '/Non-2xx/ {x=$NF} /Socket errors/ {gsub(",", ""); s=$4+$6+$8; t=$10}
        END {if (x+s+t == 0) print 0; else printf "%d non-2xx, %d socket errors, %d timeouts\n", x, s, t}')
    echo "$rps $p50 $p99 $errs"
}
