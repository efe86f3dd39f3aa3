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

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/edge-node/target/quarkus-app/quarkus-run.jar"
CONNECTIONS=${CONNECTIONS:-150}
OTHER_CONNECTIONS=${OTHER_CONNECTIONS:-10}
DURATION=${DURATION:-20}
MEMORY_SHARE=${MEMORY_SHARE:-0.5}
OUT=${OUT:-$(mktemp -d /tmp/edge-admission.XXXXXX)}
mkdir -p "$OUT/origin/hls" "$OUT/nginx/logs" "$OUT/nginx/tmp"
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -pl edge-node -am package -DskipTests" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); ORIGIN_PORT=$(free_port); EDGE_PORT=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --save '' --appendonly no --daemonize no >"$OUT/redis.log" 2>&1 &
pids+=($!)
printf '#EXTM3U\n#EXT-X-TARGETDURATION:1\n' >"$OUT/origin/hls/live.m3u8"
cat >"$OUT/nginx/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; error_log $OUT/nginx/logs/error.log; pid $OUT/nginx/nginx.pid;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $OUT/nginx/tmp; proxy_temp_path $OUT/nginx/tmp;
  fastcgi_temp_path $OUT/nginx/tmp; uwsgi_temp_path $OUT/nginx/tmp; scgi_temp_path $OUT/nginx/tmp;
  server { listen 127.0.0.1:$ORIGIN_PORT; root $OUT/origin; add_header Cache-Control no-store; } }
CONF
nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

# The unit: 48 MiB (three strings just under the 16 MiB string limit) kept across a Redis call,
# so the allocation is live while the call waits.
redis-cli -p "$REDIS_PORT" hset "{cu}:unit:hog" id hog phase access hosts '["hog.example"]' budget_wall_ms 2000 \
  budget_instructions 10000000 failure open code "local keep = {}
for i = 1, 3 do keep[i] = string.rep(string.char(64 + i), 16 * 1024 * 1024 - 16) end
local v = edge_computing.redis_client:incr('hog')
if #keep[3] == 0 then ngx.say(v) end" >/dev/null
redis-cli -p "$REDIS_PORT" sadd "{cu}:units" hog >/dev/null
redis-cli -p "$REDIS_PORT" set "{cu}:version" 1 >/dev/null

QUARKUS_HTTP_PORT=$EDGE_PORT QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" QUARKUS_REDIS_CLIENT_TYPE=standalone \
EDGE_UPSTREAMS_HLS_SERVERS="127.0.0.1:$ORIGIN_PORT" EDGE_UPSTREAMS_API_SERVERS="127.0.0.1:$ORIGIN_PORT" \
EDGE_UPSTREAMS_APP_SERVERS="127.0.0.1:$ORIGIN_PORT" EDGE_SYNC_SNAPSHOT_FILE="$OUT/snapshot.json" EDGE_NODE_ID=admission-bench \
EDGE_UNITS_MEMORY_SHARE=$MEMORY_SHARE \
"${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -Xmx512m -XX:+ExitOnOutOfMemoryError -jar "$JAR" >"$OUT/edge.log" 2>&1 &
EDGE_PID=$!
pids+=($EDGE_PID)
EDGE="http://127.0.0.1:$EDGE_PORT"
for _ in $(seq 1 300); do curl -sf "$EDGE/q/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "$EDGE/q/health/ready" >/dev/null || { echo "edge not ready; see $OUT/edge.log" >&2; exit 1; }
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
echo "OutOfMemoryError in the edge log: $(grep -c OutOfMemoryError "$OUT/edge.log" || true)"
echo "edge alive: $(kill -0 $EDGE_PID 2>/dev/null && echo yes || echo NO)"
echo "readiness right after: $(curl -s -o /dev/null -w '%{http_code}' "$EDGE/q/health/ready"), then $(sleep 1; curl -s -o /dev/null -w '%{http_code}' "$EDGE/q/health/ready")"
echo "output in $OUT"
