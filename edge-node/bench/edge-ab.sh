#!/usr/bin/env bash
# Two edge builds side by side, for a before/after on a machine that is not quiet: both edges run
# at once on SERVER_CORE behind the same origin (the setup of edge-vs-nginx-env.sh), and wrk runs
# alternate between them on one row's URL, so each pair of runs sees the same background load. Per
# run (edge_run): requests/s, the edge process's CPU per request (utime + stime of the JVM,
# /proc/PID/stat), the figure a loaded machine moves least, how busy the server core was (under
# 97 %: the edge waited with requests open, e.g. for Redis) and the bytes allocated per request;
# then the medians and the ratio B/A. More than two variants, or variants that differ in JVM
# options or units rather than build: edge-variants.sh.
#
# Usage: A_JAR=<before>/quarkus-run.jar B_JAR=<after>/quarkus-run.jar edge-node/bench/edge-ab.sh
# Knobs: ROW=1 (1 segment, 2 playlist, 3 and 4 the same with the seed's units, 5 = 4 + the Redis
#        counter unit) PAIRS=5 DURATION=8s
#        CONNECTIONS=32 WARMUP=10s EDGE_JAVA_OPTS="..."
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
: "${A_JAR:?A_JAR=<quarkus-run.jar of the build before>}" "${B_JAR:?B_JAR=<quarkus-run.jar of the build after>}"
EDGE_JAR=$A_JAR
WARMUP=${WARMUP:-10s}
DURATION=${DURATION:-8s}
PAIRS=${PAIRS:-5}
ROW=${ROW:-1}
# shellcheck source=edge-vs-nginx-env.sh
. "$HERE/edge-vs-nginx-env.sh"
A_PID=$EDGE_PID A_PORT=$EDGE_PORT
B_PORT=$(free_port)
start_edge "$B_JAR" "$B_PORT" b
B_PID=$STARTED_EDGE_PID
case "$ROW" in
  1 | 3) path="/hls/seg.ts?token=token" ;;
  2 | 4 | 5) path="/hls/live.m3u8?token=token" ;;
  *) echo "ROW is 1, 2, 3, 4 or 5" >&2; exit 1 ;;
esac
if [ "$ROW" -ge 3 ]; then units_on; fi
if [ "$ROW" = 5 ]; then redis_unit_on; fi
for port in "$A_PORT" "$B_PORT"; do
  warm_up "http://127.0.0.1:$port$path"
done
echo "edge-ab: row $ROW ($path), $PAIRS pairs of wrk -t1 -c$CONNECTIONS -d$DURATION, both edges on core $SERVER_CORE, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A=$A_JAR"
echo "B=$B_JAR"
echo
echo "| pair | A req/s | A µs CPU/request | A core busy % | A B/request | B req/s | B µs CPU/request | B core busy % | B B/request | load |"
echo "|---|---|---|---|---|---|---|---|---|---|"
a_runs=() b_runs=()
for i in $(seq 1 "$PAIRS"); do
  a=$(edge_run "$A_PID" "http://127.0.0.1:$A_PORT$path"); b=$(edge_run "$B_PID" "http://127.0.0.1:$B_PORT$path")
  a_runs+=("$a"); b_runs+=("$b")
  echo "| $i | ${a// / | } | ${b// / | } | $(cut -d' ' -f1 /proc/loadavg) |"
done
python3 - "$PAIRS" "${a_runs[@]}" "${b_runs[@]}" <<'PY'
import statistics, sys
n = int(sys.argv[1])
runs = [tuple(map(float, r.split())) for r in sys.argv[2:]]
a, b = runs[:n], runs[n:]
med = lambda rs, i: statistics.median(r[i] for r in rs)
print(f"| median | {med(a, 0):.0f} | {med(a, 1):.1f} | {med(a, 2):.0f} | {med(a, 3):.0f} | {med(b, 0):.0f} | {med(b, 1):.1f} | {med(b, 2):.0f} | {med(b, 3):.0f} | |")
print(f"\nB/A: req/s {med(b, 0) / med(a, 0):.2f}, CPU per request {med(b, 1) / med(a, 1):.2f}; "
      f"B used less CPU per request in {sum(1 for x, y in zip(a, b) if y[1] < x[1])} of {n} pairs")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
