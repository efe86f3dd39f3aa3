#!/usr/bin/env bash
# Node admission under memory pressure (issue #15), bounded and on loopback: a -Xmx512m edge, one
# standalone redis-server, an nginx origin, a unit (host hog.example only) that keeps 48 MiB per
# call and calls Redis (so it runs on virtual threads, where concurrency is not bounded by the
# event loops), then two wrk runs at once for DURATION s:
#   - hog:   CONNECTIONS connections to the hog host (the unit runs on every request);
#   - other: OTHER_CONNECTIONS connections to the same route under another host (no unit).
# Prints the success rate of both, the unit outcomes (cu_unit_calls_total, overloaded = refused by
# admission), cu_unit_admission_rejected_total, whether the edge logged an OutOfMemoryError, and
# readiness after the load. Not a test: a measurement for the README.
#
#   ./mvnw -B -pl edge-node -am package -DskipTests
#   edge-node/bench/admission-load.sh   # CONNECTIONS=150 DURATION=20 OTHER_CONNECTIONS=10 MEMORY_SHARE=0.5
set -euo pipefail

CONNECTIONS=${CONNECTIONS:-150}
OTHER_CONNECTIONS=${OTHER_CONNECTIONS:-10}
DURATION=${DURATION:-20}
MEMORY_SHARE=${MEMORY_SHARE:-0.5}
OUT=${OUT:-$(mktemp -d /tmp/edge-admission.XXXXXX)}
. "$(dirname "${BASH_SOURCE[0]}")/loopback-setup.sh"

# The unit: 48 MiB (three strings just under the 16 MiB string limit) kept across a Redis call,
# so the allocation is live while the call waits.
redis-cli -p "$REDIS_PORT" hset "{cu}:unit:hog" id hog phase access hosts '["hog.example"]' budget_wall_ms 2000 \
  budget_instructions 10000000 failure open code "local keep = {}
for i = 1, 3 do keep[i] = string.rep(string.char(64 + i), 16 * 1024 * 1024 - 16) end
local v = edge_computing.redis_client:incr('hog')
if #keep[3] == 0 then ngx.say(v) end" >/dev/null
redis-cli -p "$REDIS_PORT" sadd "{cu}:units" hog >/dev/null
redis-cli -p "$REDIS_PORT" set "{cu}:version" 1 >/dev/null

EDGE_PORT=$(free_port)
EDGE_UNITS_MEMORY_SHARE=$MEMORY_SHARE start_edge "$EDGE_PORT" admission -XX:+ExitOnOutOfMemoryError
EDGE="http://127.0.0.1:$EDGE_PORT"
wait_ready "$EDGE" "$OUT/edge-admission.log"
curl -s -o /dev/null -H 'Host: hog.example' "$EDGE/hls/live.m3u8"

echo "== $CONNECTIONS connections x ${DURATION}s to the hog unit, $OTHER_CONNECTIONS to other traffic; -Xmx512m, memory share $MEMORY_SHARE"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -H 'Host: hog.example' "$EDGE/hls/live.m3u8" >"$OUT/wrk-hog.txt" 2>&1 &
HOG=$!
wrk -t1 -c"$OTHER_CONNECTIONS" -d"${DURATION}s" --timeout 10s "$EDGE/hls/live.m3u8" >"$OUT/wrk-other.txt" 2>&1
wait $HOG
summary() { # requests, non-2xx, socket errors, p99 from wrk's output
  local f=$1
  local total non2xx errors
  total=$(awk '/requests in/ { print $1 }' "$f")
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$f"); non2xx=${non2xx:-0}
  errors=$(awk -F'[ ,]+' '/Socket errors/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s }' "$f"); errors=${errors:-0}
  awk -v t="$total" -v n="$non2xx" -v e="$errors" 'BEGIN { ok = t - n; rate = 0; if (t > 0) rate = 100 * ok / (t + e); printf "%d requests, %d non-2xx, %d socket errors, success %.2f %%\n", t, n, e, rate }'
}
echo "hog:   $(summary "$OUT/wrk-hog.txt")"
echo "other: $(summary "$OUT/wrk-other.txt"); latency $(awk '/Latency/ { print "avg " $2 ", max " $4 }' "$OUT/wrk-other.txt")"
echo "unit outcomes:"
curl -s "$EDGE/q/metrics" | grep -E '^cu_unit_calls_total\{.*unit="hog"' | sed 's/^/  /'
curl -s "$EDGE/q/metrics" | grep -E '^cu_unit_admission_(rejected_total|capacity_bytes)' | sed 's/^/  /'
echo "OutOfMemoryError in the edge log: $(grep -c OutOfMemoryError "$OUT/edge-admission.log" || true)"
echo "edge alive: $(kill -0 $EDGE_PID 2>/dev/null && echo yes || echo NO)"
echo "readiness right after: $(curl -s -o /dev/null -w '%{http_code}' "$EDGE/q/health/ready"), then $(sleep 1; curl -s -o /dev/null -w '%{http_code}' "$EDGE/q/health/ready")"
echo "output in $OUT"
