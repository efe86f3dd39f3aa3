#!/usr/bin/env bash
# Propagation benchmark: how long from a unit change in Redis until the edge answers differently.
# Starts a one-node Redis Cluster, an origin and the edge on free ports, then runs propagation.py
# (push rounds, then poll-fallback rounds) and prints p50/p99/max in milliseconds.
#
# Usage: edge-node/bench/propagation.sh     (build first: ./mvnw -B -pl edge-node -am package -DskipTests)
# Knobs: ROUNDS=200 POLL_ROUNDS=20
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$(cd "$HERE/.." && pwd)
JAR="$MODULE/target/quarkus-app/quarkus-run.jar"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROUNDS=${ROUNDS:-200}
POLL_ROUNDS=${POLL_ROUNDS:-20}
[ -f "$JAR" ] || { echo "build the edge first: ./mvnw -B -pl edge-node -am package -DskipTests" >&2; exit 1; }
for tool in nginx redis-server redis-cli curl python3; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }; done

WORK=$(mktemp -d /tmp/edge-propagation.XXXXXX)
PIDS=()
chmod 755 "$WORK" # nginx workers run as an unprivileged user and must read the origin's files
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ORIGIN_PORT=$(free_port); EDGE_PORT=$(free_port); REDIS_PORT=$(free_port)
while [ $((REDIS_PORT + 10000)) -gt 65535 ]; do REDIS_PORT=$(free_port); done

mkdir -p "$WORK/www/hls" "$WORK/redis"
printf '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg1.ts\n' >"$WORK/www/hls/live.m3u8"
sed -e "s#@DIR@#$WORK#g" -e "s#@ORIGIN_PORT@#$ORIGIN_PORT#g" "$HERE/nginx-origin.conf.template" >"$WORK/origin.conf"
nginx -p "$WORK" -c "$WORK/origin.conf" >"$WORK/origin.out" 2>&1 &
PIDS+=($!)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$WORK/redis/nodes.conf" \
  --dir "$WORK/redis" --save '' --appendonly no --logfile "$WORK/redis/redis.log" --daemonize no &
PIDS+=($!)
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
redis-cli -p "$REDIS_PORT" cluster addslotsrange 0 16383 >/dev/null
until redis-cli -p "$REDIS_PORT" cluster info | grep -q cluster_state:ok; do sleep 0.1; done

(cd "$WORK" && exec "$JAVA_HOME/bin/java" -Xmx512m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$EDGE_PORT" \
  -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS_PORT" -Dedge.upstreams.hls.servers="127.0.0.1:$ORIGIN_PORT" \
  -Dedge.sync.snapshot-file="$WORK/edge-snapshot.json" -jar "$JAR" >"$WORK/edge.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 240); do curl -fs -o /dev/null "http://127.0.0.1:$EDGE_PORT/q/health/ready" && break; sleep 0.5; done
curl -fs -o /dev/null "http://127.0.0.1:$EDGE_PORT/q/health/ready" || { tail -50 "$WORK/edge.log" >&2; exit 1; }

echo "propagation: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); time from writing the unit to the first changed answer"
echo
echo "| mode | changes | p50 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|"
python3 "$HERE/propagation.py" "$REDIS_PORT" "$EDGE_PORT" --rounds 20 >/dev/null   # warm-up
python3 "$HERE/propagation.py" "$REDIS_PORT" "$EDGE_PORT" --rounds "$ROUNDS"
python3 "$HERE/propagation.py" "$REDIS_PORT" "$EDGE_PORT" --rounds "$POLL_ROUNDS" --no-push
