#!/usr/bin/env bash
# Measures what player-app costs to serve: start-up time, resident memory, and requests per second
# for the page, its settings and the Clappr bundle (wrk, keep-alive, loopback).
# Usage (from the repository root, after ./mvnw -B -pl player-app -am package -DskipTests):
#   player-app/bench/serve-bench.sh [port] [seconds] [connections]
# Prints figures; asserts nothing.
set -euo pipefail

PORT="${1:-18084}"
SECONDS_PER_RUN="${2:-5}"
CONNECTIONS="${3:-16}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$HERE/target/quarkus-app/quarkus-run.jar"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
LOG="$(mktemp -t player-bench.XXXXXX.log)"

[ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -B -pl player-app -am package -DskipTests)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

start_ns=$(date +%s%N)
"$JAVA" -Dquarkus.http.port="$PORT" -jar "$JAR" >"$LOG" 2>&1 &
APP_PID=$!
trap 'kill "$APP_PID" 2>/dev/null; wait "$APP_PID" 2>/dev/null; rm -f "$LOG"' EXIT

until curl -fsS "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; do
  kill -0 "$APP_PID" 2>/dev/null || { echo "player-app exited:"; cat "$LOG"; exit 1; }
  sleep 0.1
done
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo "player-app ready (health UP) after ${ready_ms} ms (JVM start included)"
echo "resident memory after start: $(( $(awk '/VmRSS/ {print $2}' /proc/$APP_PID/status) / 1024 )) MiB"
echo "page weight: index $(curl -s "http://127.0.0.1:$PORT/app" | wc -c) B, player.js $(curl -s "http://127.0.0.1:$PORT/app/player.js" | wc -c) B," \
     "player.css $(curl -s "http://127.0.0.1:$PORT/app/player.css" | wc -c) B, clappr.min.js $(curl -s "http://127.0.0.1:$PORT/app/vendor/clappr.min.js" | wc -c) B" \
     "(gzip: $(curl -s "http://127.0.0.1:$PORT/app/vendor/clappr.min.js" | gzip -9 | wc -c) B)"

for path in /app /app/config.json /app/vendor/clappr.min.js; do
  echo "--- wrk -t1 -c$CONNECTIONS -d${SECONDS_PER_RUN}s $path"
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$PORT$path" \
    | grep -E 'Requests/sec|Transfer/sec|50%|99%|Non-2xx'
done
echo "resident memory after the runs: $(( $(awk '/VmRSS/ {print $2}' /proc/$APP_PID/status) / 1024 )) MiB"
