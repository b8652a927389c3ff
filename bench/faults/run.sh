#!/usr/bin/env bash
# Fault injection against the real `clinic` binary (release build) on a
# throwaway embedded cluster: PostgreSQL stopped and started under load,
# 10,000 idle connections and a slowloris, clients that never read, and a
# backup into a full disk. Each scenario prints its figures and a verdict;
# the script exits non-zero when a verdict fails.
#   bench/faults/run.sh [scenario ...]   (default: all; see faults.py --help)
# Environment: BENCH_BIN (a built clinic; default: release build), FAULTS_PORT (18191),
# FAULTS_DATA_DIR (/tmp/clinic-faults). Needs root (the cluster runs as `postgres`,
# the full-disk scenario mounts a small tmpfs) and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
if [ -z "${BENCH_BIN:-}" ]; then
    scripts/embed-schema
    swift build -c release --product clinic >/dev/null
    BENCH_BIN="$(swift build -c release --show-bin-path)/clinic"
fi
export BENCH_BIN
export CLINIC_DATA_DIR="${FAULTS_DATA_DIR:-/tmp/clinic-faults}"
export CLINIC_PORT="${FAULTS_PORT:-18191}" CLINIC_HOST=127.0.0.1
# The scenarios measure faults, not limits: every rate and message limit is lifted.
export RATE_LIMIT_ANON=100000000/hour RATE_LIMIT_USER=100000000/hour RATE_LIMIT_PASSWORD_HASHING=100000000/hour NOTIFY_LIMIT_PER_USER=100000000/hour LOG_LEVEL=warn
"$BENCH_BIN" migrate >/dev/null
"$BENCH_BIN" seed --demo >/dev/null
ulimit -n 65536 2>/dev/null || true
exec python3 bench/faults/faults.py "$@"
