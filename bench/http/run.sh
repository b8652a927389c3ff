#!/bin/bash
# Benchmarks the HTTP module alone: builds bench/http in release mode, starts httpbench on
# 127.0.0.1:18080 (2 event-loop threads) and drives it with wrk at 1, 16 and 64 connections.
# Usage: bench/http/run.sh [global|immediate|loop] [seconds]   (needs: apt-get install -y wrk)
# Besides wrk's figures it reports the CPU time the server and wrk spent per request, which
# does not depend on what else the machine is running.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-global}
secs=${2:-10}
port=18080
swift build -c release >/dev/null
.build/release/httpbench $port 2 "$mode" >/tmp/httpbench.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 1
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
echo "mode=$mode, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| connections | req/s | p50 | p99 | RSS during run | server CPU/req | wrk CPU/req |"
echo "|---|---|---|---|---|---|---|"
for c in 1 16 64; do
  threads=$(( c < 2 ? 1 : 2 ))
  before=$(cpu)
  ( TIMEFORMAT='%U %S'; { time wrk -t$threads -c$c -d${secs}s --latency http://127.0.0.1:$port/ >/tmp/httpbench.wrk 2>&1; } 2>/tmp/httpbench.time ) &
  wpid=$!
  sleep $(( secs / 2 ))
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
  wait $wpid
  after=$(cpu)
  requests=$(awk '/requests in/{print $1}' /tmp/httpbench.wrk)
  rps=$(awk '/Requests\/sec/{print $2}' /tmp/httpbench.wrk)
  p50=$(awk '$1=="50%"{print $2}' /tmp/httpbench.wrk)
  p99=$(awk '$1=="99%"{print $2}' /tmp/httpbench.wrk)
  server_us=$(awk -v a=$before -v b=$after -v t=$tck -v n=$requests 'BEGIN{printf "%.1f us", (b-a)/t*1e6/n}')
  wrk_us=$(awk -v n=$requests '{printf "%.1f us", ($1+$2)*1e6/n}' /tmp/httpbench.time)
  echo "| $c | $rps | $p50 | $p99 | $((rss / 1024)) MB | $server_us | $wrk_us |"
done
echo "peak RSS: $(( $(awk '/VmHWM/{print $2}' /proc/$pid/status) / 1024 )) MB; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
