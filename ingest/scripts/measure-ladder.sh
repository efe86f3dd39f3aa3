#!/usr/bin/env bash
# Measures the ingest ladder on this machine:
#  1. offline, the CPU cost of the test source and of each rendition of the default ladder for a
#     1280x720@30 source, per x264 preset: CPU seconds (user + sys) per second of video for
#     decode + scale + x264 + AAC of that rendition alone, minus decoding alone, and of the whole
#     ladder in one ffmpeg as transcode.sh runs it (20 s clip, as fast as possible, so the figure
#     is CPU time and not wall time; a load on the machine inflates it much less than wall times);
#  2. live, with its own ingest: the time from publish to the first playable segment of every
#     rendition, the CPU the transcoder (the whole ladder: one ffmpeg) uses over a window, and
#     whether it keeps real time (one-second segments written per second).
#
# Usage (from the repository root, after packaging the service):
#   ./mvnw -B -pl ingest -am package -DskipTests
#   ingest/scripts/measure-ladder.sh
#   PRESETS=ultrafast SKIP_LIVE=1 ingest/scripts/measure-ladder.sh   # part 1 with one x264 preset
# Environment: FRAGMENT (1s), SECONDS_CPU (30: CPU sampling window), HTTP_PORT/RTMP_PORT/HLS_PORT
# (19082/19935/19083: never the platform's ports), SOURCE_SIZE (1280x720), PRESETS (ultrafast
# superfast veryfast), LADDER (name:height:videoKbps:audioKbps:fps ..., the default ladder),
# SKIP_LIVE=1 (part 1 only), JAVA (java).
# It starts its own ingest in a temporary directory and stops it at the end.
set -euo pipefail
set -f  # no globbing: filter graphs and maps such as [v0] are words, not patterns

FRAGMENT=${FRAGMENT:-1s}
PRESETS=${PRESETS:-ultrafast superfast veryfast}
SKIP_LIVE=${SKIP_LIVE:-0}
SECONDS_CPU=${SECONDS_CPU:-30}
HTTP_PORT=${HTTP_PORT:-19082}
RTMP_PORT=${RTMP_PORT:-19935}
HLS_PORT=${HLS_PORT:-19083}
SOURCE_SIZE=${SOURCE_SIZE:-1280x720}
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
STREAM=measure
HERE=$(cd "$(dirname "$0")/.." && pwd)
JAR=$HERE/target/quarkus-app/quarkus-run.jar

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

# ---------------------------------------------------------------- 1. CPU per rendition, offline
# The default ladder (ingest.transcoder.ladder) as name:height:videoKbps:audioKbps:fps.
LADDER=${LADDER:-"720p:720:2500:128:30 480p:480:1000:96:30 360p:360:600:96:30 240p:240:300:64:15"}
CLIP=$WORK/clip.ts
# The clip is what the test source publishes: testsrc2 at 30 fps, a mono 440 Hz sine.
ffmpeg -hide_banner -loglevel error -f lavfi -i "testsrc2=size=$SOURCE_SIZE:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t 20 -c:v libx264 -preset ultrafast -tune zerolatency -b:v 1500k -g 60 -c:a aac -b:a 64k "$CLIP"
# CPU seconds (user + sys) of one ffmpeg run
cpu_of() { bash -c 'ffmpeg -hide_banner -loglevel error -nostdin "$@" >/dev/null 2>&1; times' _ "$@" | tail -1 \
  | awk '{ split($1, u, "m"); split($2, s, "m"); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }'; }
cores() { echo "$1 / 20" | bc -l | xargs printf '%.2f'; }
# x264 + AAC arguments as TranscoderCommand renders them (the source is mono, so -ac 1)
codec_args() { # preset kbps akbps fps [index]
  local i=${5:+:$5}
  echo "-c:v$i libx264 -preset $1 -tune zerolatency -profile:v main -sc_threshold 0 -force_key_frames expr:gte(t,n_forced*1) \
    -b:v$i $2k -maxrate:v$i $2k -bufsize:v$i $2k -g:v$i $4 -b:a$i $3k"
}
AUDIO_ARGS="-c:a aac -aac_coder fast -ar 48000 -ac 1"
echo "CPU in cores (CPU seconds per second of video) on a 20 s ${SOURCE_SIZE}@30 clip, as fast as possible ($(date -u +%FT%TZ), load average $(cut -d' ' -f1 /proc/loadavg)):"
# The test source as TestSourceService starts it (without -re): testsrc2 + burned-in clock + x264 ultrafast + AAC.
CLOCK="split[main][c];[c]crop=22:2:0:0,geq=lum='if(eq(X,0),235,if(eq(X,21),16,16+219*mod(floor((floor(T*10)+5)/pow(2,20-X)),2)))':cb=128:cr=128,scale=704:32:flags=neighbor[clock];[main][clock]overlay=0:0,format=yuv420p"
SRC=$(cpu_of -f lavfi -i "testsrc2=size=$SOURCE_SIZE:rate=30,format=yuv420p" -f lavfi -i "sine=frequency=440:sample_rate=48000:beep_factor=4" \
  -filter_complex "[0:v]$CLOCK[v]" -map '[v]' -map 1:a -t 20 -c:v libx264 -preset ultrafast -tune zerolatency -profile:v high \
  -b:v 1500k -bufsize 3000k -g 60 -keyint_min 60 -sc_threshold 0 -c:a aac -b:a 64k -f flv -y /dev/null)
printf '  %-28s %s\n' "test source (30 fps)" "$(cores "$SRC")"
DECODE=$(cpu_of -i "$CLIP" -f null -)
printf '  %-28s %s\n' "decoding the source (shared)" "$(cores "$DECODE")"
for preset in $PRESETS; do
  line="" total=0
  for rung in $LADDER; do
    IFS=: read -r name height kbps akbps fps <<<"$rung"
    # shellcheck disable=SC2046
    ALL=$(cpu_of -i "$CLIP" -filter_complex "[0:v]fps=$fps,scale=-2:$height,setsar=1[v]" -map '[v]' -map 0:a \
      $(codec_args "$preset" "$kbps" "$akbps" "$fps") $AUDIO_ARGS -f mpegts -y /dev/null)
    COST=$(echo "$ALL - $DECODE" | bc -l)
    total=$(echo "$total + $COST" | bc -l)
    line+=" $name@$fps $(cores "$COST")"
  done
  # The whole ladder in one ffmpeg (decode once, split), as transcode.sh runs it, with the HLS muxer.
  graph="[0:v]fps=30,split=$(echo $LADDER | wc -w)" maps="" codecs="" vmap="" i=0
  for rung in $LADDER; do graph+="[s$i]"; i=$((i + 1)); done
  i=0
  for rung in $LADDER; do
    IFS=: read -r name height kbps akbps fps <<<"$rung"
    graph+=";[s$i]$([ "$fps" = 30 ] || echo "fps=$fps,")scale=-2:$height,setsar=1[v$i]"
    maps+=" -map [v$i] -map 0:a:0"
    codecs+=" $(codec_args "$preset" "$kbps" "$akbps" "$fps" "$i")"
    vmap+="${vmap:+ }v:$i,a:$i,name:$name"
    i=$((i + 1))
  done
  mkdir -p "$WORK/ladder"
  # shellcheck disable=SC2086
  WHOLE=$(cpu_of -i "$CLIP" -filter_complex "$graph" $maps $codecs $AUDIO_ARGS -f hls -hls_time 1 -hls_list_size 6 \
    -hls_flags delete_segments+program_date_time+independent_segments+temp_file -hls_segment_filename "$WORK/ladder/m_%v-%d.ts" \
    -master_pl_name m.m3u8 -var_stream_map "$vmap" "$WORK/ladder/m_%v.m3u8")
  printf '  x264 %-23s%s; sum %s + decode; whole ladder in one ffmpeg %s\n' "$preset:" "$line" "$(cores "$total")" "$(cores "$WHOLE")"
done
echo "  (load average now $(cut -d' ' -f1 /proc/loadavg))"
[ "$SKIP_LIVE" = 1 ] && exit 0

# ---------------------------------------------------------------- 2. live, through its own ingest
[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B -pl ingest -am package -DskipTests first" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of one process
segments() { curl -sf "$HLS/${STREAM}_$1.m3u8" | grep -v '^#' | grep -c . || true; }
renditions() { curl -sf "$HLS/$STREAM.m3u8" | grep -v '^#' | grep . | sed "s/^${STREAM}_//; s/\.m3u8\$//"; }
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
all_have_segments() {
  local r list
  list=$(renditions) || return 1
  [ -n "$list" ] || return 1
  for r in $list; do [ "$(segments "$r")" -ge 1 ] || return 1; done
}
until all_have_segments; do sleep 0.05; done
T_FIRST=$(now)
LOWEST=$(renditions | tail -1)
FIRST=$(curl -sf "$HLS/${STREAM}_$LOWEST.m3u8" | grep -v '^#' | head -1)
curl -sf "$HLS/$FIRST" -o "$WORK/first.ts"
ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 "$WORK/first.ts" | sort -u | tr '\n' ' ' > "$WORK/probe"

# Let the encoders settle, then sample CPU over a fixed window.
sleep 10
STREAM_JSON=$(curl -sf "$API/api/v1/streams/$STREAM")
TRANSCODER=$(echo "$STREAM_JSON" | sed -n 's/.*"transcoderPid":\([0-9]*\).*/\1/p')
SOURCE=$(pgrep -f "encoder/$STREAM[?]key=" | head -1)
HZ=$(getconf CLK_TCK)
T0=$(now); TR0=$(cpu_ticks "$TRANSCODER"); SR0=$(cpu_ticks "$SOURCE"); W0=$(written "$LOWEST")
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
sleep "$SECONDS_CPU"
T1=$(now); TR1=$(cpu_ticks "$TRANSCODER"); SR1=$(cpu_ticks "$SOURCE"); W1=$(written "$LOWEST")
LOAD1=$(cut -d' ' -f1 /proc/loadavg)
STREAM_JSON=$(curl -sf "$API/api/v1/streams/$STREAM")

echo "ingest ladder measurement ($(date -u +%FT%TZ), $(nproc) cores, fragment $FRAGMENT, source $SOURCE_SIZE@30)"
printf 'POST test-source -> publish accepted:          %.2f s\n' "$(echo "$T_PUBLISH - $T_POST" | bc)"
printf 'publish -> first segment of every rendition (%s):  %.2f s (first segment decodes as: %s)\n' \
  "$(renditions | tr '\n' ' ')" "$(echo "$T_FIRST - $T_PUBLISH" | bc)" "$(cat "$WORK/probe")"
printf 'transcoder (the whole ladder, one ffmpeg) CPU:  %.2f cores over %s s\n' \
  "$(echo "($TR1 - $TR0) / $HZ / ($T1 - $T0)" | bc -l)" "$SECONDS_CPU"
printf 'test source (testsrc2 + x264 ultrafast) CPU:   %.2f cores\n' \
  "$(echo "($SR1 - $SR0) / $HZ / ($T1 - $T0)" | bc -l)"
printf 'real time: %s segments of %s in %.0f s (%.2f x real time)\n' "$((W1 - W0))" "$FRAGMENT" \
  "$(echo "$T1 - $T0" | bc)" "$(echo "($W1 - $W0) * $(seconds_of "$FRAGMENT") / ($T1 - $T0)" | bc -l)"
echo "measured rendition bitrates (newest segment's size over its duration, kb/s): $(echo "$STREAM_JSON" | grep -o '"name":"[a-z0-9]*","resolution":"[0-9x]*","targetKbps":[0-9]*,"measuredKbps":[0-9]*' | sed 's/"name":"\([a-z0-9]*\)".*"measuredKbps":\([0-9]*\)/\1=\2/' | tr '\n' ' ')"
echo "load average during the window: $LOAD0 -> $LOAD1 (other work on the machine skews the figures)"
