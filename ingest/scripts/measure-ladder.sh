#!/usr/bin/env bash
# Measures the ingest ladder on this machine: the time from publish to the first playable
# segment of every rendition, and the CPU the transcoder (the whole ladder: one ffmpeg) uses.
#
# Usage (from the repository root, after packaging the service):
#   ./mvnw -B -pl ingest -am package -DskipTests
#   ingest/scripts/measure-ladder.sh            # production defaults: 4 s fragments
#   FRAGMENT=2s ingest/scripts/measure-ladder.sh
# Environment: FRAGMENT (4s), SECONDS_CPU (30: CPU sampling window), HTTP_PORT/RTMP_PORT/HLS_PORT
# (19082/19935/19083: never the platform's ports), SOURCE_SIZE (1280x720), JAVA (java).
# It starts its own ingest in a temporary directory and stops it at the end.
set -euo pipefail

FRAGMENT=${FRAGMENT:-4s}
SECONDS_CPU=${SECONDS_CPU:-30}
HTTP_PORT=${HTTP_PORT:-19082}
RTMP_PORT=${RTMP_PORT:-19935}
HLS_PORT=${HLS_PORT:-19083}
SOURCE_SIZE=${SOURCE_SIZE:-1280x720}
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
STREAM=measure
HERE=$(cd "$(dirname "$0")/.." && pwd)
JAR=$HERE/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B -pl ingest -am package -DskipTests first" >&2; exit 1; }

WORK=$(mktemp -d /tmp/ingest-measure.XXXXXX)
KEY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
API=http://127.0.0.1:$HTTP_PORT
HLS=http://127.0.0.1:$HLS_PORT/hls
SERVICE=

cleanup() {
  if [ -n "$SERVICE" ] && kill -0 "$SERVICE" 2>/dev/null; then
    kill -TERM "$SERVICE"; wait "$SERVICE" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of one process
segments() { curl -sf "$HLS/${STREAM}_$1.m3u8" | grep -v '^#' | grep -c . || true; }
written() { curl -sf "$API/q/metrics" | grep "^ingest_segments_written_total{rendition=\"$1\",stream=\"$STREAM\"}" | awk '{print int($2)}'; }
seconds_of() { echo "$1" | sed 's/s$//'; }

INGEST_STREAM_KEY=$KEY "$JAVA" -Dquarkus.http.port="$HTTP_PORT" -Dingest.rtmp-port="$RTMP_PORT" \
  -Dingest.hls.http-port="$HLS_PORT" -Dingest.nginx.work-dir="$WORK" -Dingest.hls.fragment="$FRAGMENT" \
  -Dingest.test-source.size="$SOURCE_SIZE" -jar "$JAR" >"$WORK/service.log" 2>&1 &
SERVICE=$!
for _ in $(seq 1 300); do curl -sf "$API/q/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$API/q/health/ready" >/dev/null || { echo "ingest did not get ready; see $WORK/service.log" >&2; cat "$WORK/service.log" >&2; exit 1; }

T_POST=$(now)
curl -sf -X POST -H "Authorization: Bearer $KEY" "$API/api/v1/streams/$STREAM/test-source" >/dev/null
until curl -sf "$API/api/v1/streams/$STREAM" >/dev/null; do sleep 0.05; done
T_PUBLISH=$(now)
until [ "$(segments high)" -ge 1 ] && [ "$(segments mid)" -ge 1 ] && [ "$(segments low)" -ge 1 ] \
      && curl -sf "$HLS/$STREAM.m3u8" >/dev/null; do sleep 0.05; done
T_FIRST=$(now)
FIRST=$(curl -sf "$HLS/${STREAM}_low.m3u8" | grep -v '^#' | head -1)
curl -sf "$HLS/$FIRST" -o "$WORK/first.ts"
ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 "$WORK/first.ts" | sort -u | tr '\n' ' ' > "$WORK/probe"

# Let the encoders settle, then sample CPU over a fixed window.
sleep 10
STREAM_JSON=$(curl -sf "$API/api/v1/streams/$STREAM")
TRANSCODER=$(echo "$STREAM_JSON" | sed -n 's/.*"transcoderPid":\([0-9]*\).*/\1/p')
SOURCE=$(pgrep -f "encoder/$STREAM[?]key=" | head -1)
HZ=$(getconf CLK_TCK)
T0=$(now); TR0=$(cpu_ticks "$TRANSCODER"); SR0=$(cpu_ticks "$SOURCE"); W0=$(written low)
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
sleep "$SECONDS_CPU"
T1=$(now); TR1=$(cpu_ticks "$TRANSCODER"); SR1=$(cpu_ticks "$SOURCE"); W1=$(written low)
LOAD1=$(cut -d' ' -f1 /proc/loadavg)
STREAM_JSON=$(curl -sf "$API/api/v1/streams/$STREAM")

echo "ingest ladder measurement ($(date -u +%FT%TZ), $(nproc) cores, fragment $FRAGMENT, source $SOURCE_SIZE@30)"
printf 'POST test-source -> publish accepted:          %.2f s\n' "$(echo "$T_PUBLISH - $T_POST" | bc)"
printf 'publish -> first segment of all 3 renditions:  %.2f s (first segment decodes as: %s)\n' \
  "$(echo "$T_FIRST - $T_PUBLISH" | bc)" "$(cat "$WORK/probe")"
printf 'transcoder (3 renditions, one ffmpeg) CPU:     %.2f cores over %s s\n' \
  "$(echo "($TR1 - $TR0) / $HZ / ($T1 - $T0)" | bc -l)" "$SECONDS_CPU"
printf 'test source (testsrc2 + x264 ultrafast) CPU:   %.2f cores\n' \
  "$(echo "($SR1 - $SR0) / $HZ / ($T1 - $T0)" | bc -l)"
printf 'real time: %s segments of %s in %.0f s (%.2f x real time)\n' "$((W1 - W0))" "$FRAGMENT" \
  "$(echo "$T1 - $T0" | bc)" "$(echo "($W1 - $W0) * $(seconds_of "$FRAGMENT") / ($T1 - $T0)" | bc -l)"
echo "measured rendition bitrates (video+audio kb/s, nginx-rtmp bw_in): $(echo "$STREAM_JSON" | grep -o '"name":"[a-z]*","resolution":"[0-9x]*","targetKbps":[0-9]*,"measuredKbps":[0-9]*' | sed 's/"name":"\([a-z]*\)".*"measuredKbps":\([0-9]*\)/\1=\2/' | tr '\n' ' ')"
echo "load average during the window: $LOAD0 -> $LOAD1 (other work on the machine skews the figures)"
