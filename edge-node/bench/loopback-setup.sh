# Shared setup of the loopback benchmarks (sourced by admission-load.sh and slow-unit.sh, never run
# on its own): checks the edge jar, gives free ports, starts one standalone redis-server (the unit
# registry) and an nginx origin serving $OUT/origin/hls/live.m3u8, starts edges, waits for
# readiness and stops everything it started on exit.
#
# Before sourcing: set -euo pipefail, and OUT (the output directory).
# After: ROOT, JAR, REDIS_PORT, ORIGIN_PORT, free_port, start_edge, wait_ready, pids (cleaned up).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/edge-node/target/quarkus-app/quarkus-run.jar"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
mkdir -p "$OUT/origin/hls" "$OUT/nginx/logs" "$OUT/nginx/tmp"
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -pl edge-node -am package -DskipTests" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); ORIGIN_PORT=$(free_port)
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

# start_edge PORT NAME [JVM option...]: a -Xmx512m edge over that Redis and origin, logging to
# $OUT/edge-NAME.log; EDGE_PID is its pid. Extra EDGE_*/QUARKUS_* settings come from the caller's
# environment (prefix the call: EDGE_UNITS_MEMORY_SHARE=0.5 start_edge ...).
start_edge() {
  local port=$1 name=$2
  shift 2
  QUARKUS_HTTP_PORT=$port QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" QUARKUS_REDIS_CLIENT_TYPE=standalone \
  EDGE_UPSTREAMS_HLS_SERVERS="127.0.0.1:$ORIGIN_PORT" EDGE_UPSTREAMS_API_SERVERS="127.0.0.1:$ORIGIN_PORT" \
  EDGE_UPSTREAMS_APP_SERVERS="127.0.0.1:$ORIGIN_PORT" EDGE_SYNC_SNAPSHOT_FILE="$OUT/snapshot-$name.json" \
  EDGE_NODE_ID="bench-$name" "$JAVA" -Xmx512m "$@" -jar "$JAR" >"$OUT/edge-$name.log" 2>&1 &
  EDGE_PID=$!
  pids+=($EDGE_PID)
}

# wait_ready URL LOG: until readiness answers 200 (60 s at most).
wait_ready() {
  for _ in $(seq 1 300); do curl -sf "$1/q/health/ready" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "edge not ready; see $2" >&2
  exit 1
}
