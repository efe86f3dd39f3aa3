#!/usr/bin/env bash
# Slow units leave the event loop (issue #15), bounded and on loopback: an edge over one standalone
# redis-server (the unit registry only) and an nginx origin, a unit (host slow.example only) that
# busy-waits 45 ms of CPU per call and never calls Redis. For each edge setting (the default
# offload-above 1ms, then 1h, i.e. every unit inline as before), wrk measures other traffic (same
# route, no unit) for DURATION s: alone, then while SLOW_CONNECTIONS connections load the slow
# unit. Prints other traffic's p50/p99 for each run, the unit's outcomes, how many of its calls ran
# off the loop (cu_unit_offloaded_total) and the offload meters. Not a test: a measurement for the
# README. On a shared machine one pair of runs says little (the load moved p99 5x between runs of
# the same setting), so each setting runs ROUNDS pairs (alone, then loaded) back to back on one edge
# and the figures reported are the medians: of other traffic's p99 alone, of its p99 under the
# slow unit, and of the per-round ratio (loaded p99 / alone p99, each round against its own
# neighbour in time), with the load average at each round.
#
#   ./mvnw -B -pl edge-node -am package -DskipTests
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 edge-node/bench/slow-unit.sh   # DURATION=10 ROUNDS=5 OTHER_CONNECTIONS=10 SLOW_CONNECTIONS=20
set -euo pipefail

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-5}
OTHER_CONNECTIONS=${OTHER_CONNECTIONS:-10}
SLOW_CONNECTIONS=${SLOW_CONNECTIONS:-20}
SETTINGS=${SETTINGS:-"1ms 1h"}
OUT=${OUT:-$(mktemp -d /tmp/edge-slow-unit.XXXXXX)}
. "$(dirname "${BASH_SOURCE[0]}")/loopback-setup.sh"

# 45 ms of CPU per call (ngx.now reads the clock on this edge), no Redis: before this change it ran inline.
redis-cli -p "$REDIS_PORT" hset "{cu}:unit:slow" id slow phase access hosts '["slow.example"]' budget_wall_ms 1000 \
  budget_instructions 500000000 failure open code "local t = ngx.now() + 0.045
while ngx.now() < t do end" >/dev/null
redis-cli -p "$REDIS_PORT" sadd "{cu}:units" slow >/dev/null
redis-cli -p "$REDIS_PORT" set "{cu}:version" 1 >/dev/null

percentiles() { awk '/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } /requests in/ { n = $1 } END { printf "p50 %s, p99 %s (%s requests)", p50, p99, n }' "$1"; }
# wrk's p99 in ms (it prints us, ms or s)
p99_ms() { awk '/^ +99%/ { v = $2; f = 1; if (v ~ /us$/) f = 0.001; else if (v ~ /ms$/) f = 1; else if (v ~ /m$/) f = 60000; else if (v ~ /s$/) f = 1000;
  sub(/[a-z]+$/, "", v); printf "%.2f", v * f }' "$1"; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for above in $SETTINGS; do
  EDGE_PORT=$(free_port)
  EDGE_UNITS_OFFLOAD_ABOVE="$above" start_edge "$EDGE_PORT" "$above"
  EDGE="http://127.0.0.1:$EDGE_PORT"
  wait_ready "$EDGE" "$OUT/edge-$above.log"
  for _ in $(seq 1 20); do curl -s -o /dev/null -H 'Host: slow.example' "$EDGE/hls/live.m3u8"; done
  wrk -t1 -c"$OTHER_CONNECTIONS" -d2s "$EDGE/hls/live.m3u8" >/dev/null 2>&1 # warm-up

  echo "== edge.units.offload-above=$above, $ROUNDS rounds of ${DURATION}s alone + ${DURATION}s loaded"
  : >"$OUT/rounds-$above.txt"
  for round in $(seq 1 "$ROUNDS"); do
    wrk -t1 -c"$OTHER_CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$EDGE/hls/live.m3u8" >"$OUT/alone-$above-$round.txt" 2>&1
    wrk -t1 -c"$SLOW_CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -H 'Host: slow.example' "$EDGE/hls/live.m3u8" \
      >"$OUT/slow-$above-$round.txt" 2>&1 &
    SLOW=$!
    wrk -t1 -c"$OTHER_CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$EDGE/hls/live.m3u8" >"$OUT/loaded-$above-$round.txt" 2>&1
    wait $SLOW
    alone=$(p99_ms "$OUT/alone-$above-$round.txt")
    loaded=$(p99_ms "$OUT/loaded-$above-$round.txt")
    ratio=$(awk -v a="$alone" -v l="$loaded" 'BEGIN { printf "%.2f", (a > 0 ? l / a : 0) }')
    echo "$alone $loaded $ratio" >>"$OUT/rounds-$above.txt"
    echo "round $round (load $(cut -d' ' -f1 /proc/loadavg)): other alone $(percentiles "$OUT/alone-$above-$round.txt");" \
      "under the 45 ms unit $(percentiles "$OUT/loaded-$above-$round.txt"): p99 ratio ${ratio}x;" \
      "slow unit $(percentiles "$OUT/slow-$above-$round.txt")"
  done
  echo "median of $ROUNDS: other p99 alone $(cut -d' ' -f1 "$OUT/rounds-$above.txt" | median) ms," \
    "under the slow unit $(cut -d' ' -f2 "$OUT/rounds-$above.txt" | median) ms," \
    "per-round p99 ratio $(cut -d' ' -f3 "$OUT/rounds-$above.txt" | median)x"
  curl -s "$EDGE/q/metrics" | grep -E '^(cu_unit_calls_total\{.*unit="slow"|cu_unit_offloaded_total|edge_units_offload_|edge_units_slow)' | sed 's/^/  /'
  kill "$EDGE_PID"; wait "$EDGE_PID" 2>/dev/null || true
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); output in $OUT"
