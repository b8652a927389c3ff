#!/bin/bash
# Emails/s the outbox workers deliver to the local SMTP sink (DeliveryTesting),
# through a throwaway PostgreSQL cluster. Usage: bench/notifications/run.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")"
rows=${1:-1000}
swift build -c release >/dev/null
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| rows kind | rows | workers | seconds | emails/s | duplicates | SMTP sessions |"
echo "|---|---|---|---|---|---|---|"
for kind in booking custom; do
  for w in 1 2 4; do
    .build/release/notifybench "$rows" "$w" "$kind"
  done
done
