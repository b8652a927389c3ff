#!/usr/bin/env bash
# The same five queries against scale 1, 10 and 100 in one go (issue #21): does
# the cost follow the work asked or the data kept? Each scale has its own
# throwaway embedded cluster (/tmp/clinic-bench-N, seeded once: scale 100 is
# 2,000,000 appointments and takes minutes), served by the same release binary.
#   bench/scaling/run.sh [scales="1 10 100"]
# Environment: BENCH_SECONDS (default 10), BENCH_CONNS (default 16), BENCH_BIN.
# Prints req/s and p50/p99 per query and scale side by side, and scale 100's
# req/s as a share of scale 1's.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALES="${1:-1 10 100}"
export BENCH_QUERIES="doctors patient_dashboard admin_window free_slots report_180"
export BENCH_CONNS="${BENCH_CONNS:-16}"
out=$(mktemp -d)
for s in $SCALES; do
    echo "== scale $s" >&2
    bench/graphql-http/run.sh "$s" | tee "$out/$s.md" >&2
done
python3 - "$out" $SCALES <<'PY'
import os, sys
out, scales = sys.argv[1], sys.argv[2:]
rows = {}
for s in scales:
    for line in open(os.path.join(out, s + ".md")):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0] not in ("query", "---"):
            rows.setdefault(cells[0], {})[s] = cells
head = "| query | " + " | ".join(f"scale {s} req/s | p50 | p99" for s in scales)
if len(scales) > 1:
    head += f" | scale {scales[-1]} / scale {scales[0]}"
print(head + " |")
print("|---|" + "---:|---:|---:|" * len(scales) + ("---:|" if len(scales) > 1 else ""))
for q, by in rows.items():
    line = f"| {q} | " + " | ".join(" | ".join(by[s][2:5]) if s in by else "- | - | -" for s in scales)
    if len(scales) > 1 and scales[0] in by and scales[-1] in by:
        line += f" | {float(by[scales[-1]][2]) / float(by[scales[0]][2]) * 100:.0f} %"
    print(line + " |")
PY
rm -rf "$out"
