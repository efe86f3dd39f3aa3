#!/usr/bin/env bash
# Where a row's serving CPU goes: for rows of edge-latency.sh (default rows 4 and 5, the cached small
# playlist with the seed's units, then with the Redis counter unit added; rows 1 and 3 are the 100 KB
# segment without and with the seed's units), the edge's CPU per request split by thread kind and
# into user and system time (/proc/<pid>/task/*/stat around one wrk run), the server core's whole busy
# time per request (/proc/stat: user, system, irq and softirq of SERVER_CORE, which also holds the
# kernel's loopback work that no process is charged for), and a perf profile of the same run
# (`perf record -g`, the JVM with -XX:+PreserveFramePointer and its JIT code named by `jcmd
# Compiler.perfmap`): the functions, Java and kernel, that take the edge's CPU in each row. The
# difference between rows 4 and 5 is what the Redis unit costs, and where. With NGINX=1, rows 1-4 are
# also run against nginx on the same core (its worker's CPU and the core's busy time per request, no
# perf), for the same figures side by side.
#
# Usage: edge-node/bench/edge-profile.sh   (build first: ./mvnw -B -pl edge-node -am package -DskipTests;
#        needs perf, and perf_event_paranoid <= 1 or root for kernel frames)
# Knobs: ROWS="4 5" NGINX=0 DURATION=10s CONNECTIONS=32 WARMUP=15s EDGE_JAVA_OPTS="..." EDGE_JAR=...
#        OUT=/tmp/edge-profile TOP=40 (functions listed per row) PERF_FREQ=999
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
EDGE_JAVA_OPTS=${EDGE_JAVA_OPTS:-"-XX:+UseParallelGC -Xms512m -Xmx512m -XX:TieredStopAtLevel=4"}
EDGE_JAVA_OPTS="$EDGE_JAVA_OPTS -XX:+PreserveFramePointer"
OUT=${OUT:-/tmp/edge-profile}
TOP=${TOP:-40}
PERF_FREQ=${PERF_FREQ:-999}
ROWS=${ROWS:-"4 5"}
NGINX=${NGINX:-0}
command -v perf >/dev/null || { echo "missing perf (Debian: linux-perf)" >&2; exit 1; }
# shellcheck source=edge-vs-nginx-env.sh
. "$HERE/edge-vs-nginx-env.sh"
mkdir -p "$OUT"
TICK=$(getconf CLK_TCK)

# Thread names by id (jcmd Thread.print: comm cuts names at 15 characters, and the virtual
# threads' carriers and the pool's delay scheduler share "ForkJoinPool-1-").
thread_names() {
  "$JAVA_HOME/bin/jcmd" "$EDGE_PID" Thread.print 2>/dev/null | python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"\"([^\"]+)\".* nid=(0x[0-9a-f]+|\d+)", line)
    if m:
        print(int(m.group(2), 0), m.group(1).replace(" ", "_"))'
}

thread_ticks() { # "kind user system" per thread of the edge, the kind being its name without numbers
  local t tid comm fields names
  names=$(thread_names)
  for t in /proc/"$EDGE_PID"/task/*; do
    tid=${t##*/}
    comm=$(echo "$names" | awk -v t="$tid" '$1 == t {print $2}')
    [ -n "$comm" ] || comm=$(tr ' ' '_' <"$t/comm" 2>/dev/null) || continue
    fields=$(sed 's/.*) //' "$t/stat" 2>/dev/null) || continue
    set -- $fields
    echo "$(echo "$comm" | tr -d '0-9') ${12} ${13}"
  done
}

# The core's busy, softirq and steal time per request as table rows: $1 requests, $2 before, $3 after.
core_rows() {
  local b=($2) a=($3)
  printf 'server core %s, all of it %s %s\n  of which softirq %s %s\n  of which stolen by the hypervisor %s %s\n' \
    "$SERVER_CORE" "${b[0]}" "${a[0]}" "${b[1]}" "${a[1]}" "${b[2]}" "${a[2]}" | per_request "$1"
}

# CPU per request: "label ticks_before ticks_after" lines of one run -> a table row per label.
per_request() { # $1 requests, then lines on stdin
  python3 -c '
import sys
n, tick = int(sys.argv[1]), int(sys.argv[2])
for line in sys.stdin:
    label, before, after = line.rsplit(None, 2)
    print(f"| {label} | {(int(after) - int(before)) / tick * 1e6 / n:.1f} |")' "$1" "$TICK"
}

profile_row() { # $1 label, $2 name, $3 path
  local url="http://127.0.0.1:$EDGE_PORT$3" before after out n perf_pid core0 core1
  warm_up "$url"
  before=$(thread_ticks)
  core0=$(core_ticks)
  perf record -F "$PERF_FREQ" -g -p "$EDGE_PID" -o "$OUT/$2.data" -- sleep "${DURATION%s}" 2>"$OUT/$2.perf.log" &
  perf_pid=$!
  out=$(wrk_run "$url")
  core1=$(core_ticks)
  after=$(thread_ticks)
  wait "$perf_pid" || true
  n=$(requests_of "$out")
  echo "### $1: $n requests, $(rate_of "$out") req/s"
  echo
  echo "| thread kind | user µs/request | system µs/request |"
  echo "|---|---|---|"
  python3 - "$n" "$TICK" <<PY
import sys, collections
n, tick = int(sys.argv[1]), int(sys.argv[2])
def read(text):
    d = collections.defaultdict(lambda: [0, 0])
    for line in text.strip().splitlines():
        kind, u, s = line.split()
        d[kind][0] += int(u); d[kind][1] += int(s)
    return d
b, a = read("""$before"""), read("""$after""")
rows = []
for kind in a:
    u = (a[kind][0] - b.get(kind, [0, 0])[0]) / tick * 1e6 / n
    s = (a[kind][1] - b.get(kind, [0, 0])[1]) / tick * 1e6 / n
    if u + s > 0:
        rows.append((u + s, kind, u, s))
for _, kind, u, s in sorted(rows, reverse=True):
    print(f"| {kind} | {u:.1f} | {s:.1f} |")
tu = sum(r[2] for r in rows); ts = sum(r[3] for r in rows)
print(f"| all | {tu:.1f} | {ts:.1f} |")
PY
  echo
  echo "| server core (µs/request) |  |"
  echo "|---|---|"
  core_rows "$n" "$core0" "$core1"
  echo
}

# nginx on the same core and URL: its worker's CPU and the core's busy time per request.
nginx_row() { # $1 label, $2 path
  local url="http://127.0.0.1:$NGINX_PORT$2" worker w0 w1 core0 core1 out n
  warm_up "$url"
  worker=$(pgrep -P "$(cat "$WORK/nginx-edge.pid")" | head -1)
  w0=$(process_ticks "$worker")
  core0=$(core_ticks)
  out=$(wrk_run "$url")
  core1=$(core_ticks)
  w1=$(process_ticks "$worker")
  n=$(requests_of "$out")
  echo "### nginx, $1: $n requests, $(rate_of "$out") req/s"
  echo
  echo "| nginx (µs/request) |  |"
  echo "|---|---|"
  echo "worker user+system $w0 $w1" | per_request "$n"
  core_rows "$n" "$core0" "$core1"
  echo
}

want() { case " $ROWS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

echo "edge-profile: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), rows $ROWS, wrk -t1 -c$CONNECTIONS -d$DURATION, edge on core $SERVER_CORE; EDGE_JAVA_OPTS=$EDGE_JAVA_OPTS"
echo
profiled=()
# One row: the edge's profile, then (NGINX=1, rows 1-4) nginx on the same URL.
run_row() { # $1 row number, $2 label, $3 path
  want "$1" || return 0
  profile_row "$2 (row $1)" "row$1" "$3"
  profiled+=("row$1")
  if [ "$NGINX" = 1 ] && [ "$1" -le 4 ]; then nginx_row "$2 (row $1)" "$3"; fi
}
if [ "$NGINX" = 1 ]; then start_nginx off; fi
run_row 1 "cache hit, 100 KB segment" "/hls/seg.ts?token=token"
run_row 2 "cache hit, small playlist" "/hls/live.m3u8?token=token"
if want 3 || want 4 || want 5; then
  units_on
  if [ "$NGINX" = 1 ]; then start_nginx on; fi
fi
run_row 3 "cache hit, 100 KB segment, seed units on" "/hls/seg.ts?token=token"
run_row 4 "cache hit, small playlist, seed units on" "/hls/live.m3u8?token=token"
if want 5; then
  redis_unit_on
  run_row 5 "cache hit, small playlist, seed units + Redis counter unit" "/hls/live.m3u8?token=token"
fi
# Names for the JIT's code, for perf report (written to /tmp/perf-<pid>.map).
"$JAVA_HOME/bin/jcmd" "$EDGE_PID" Compiler.perfmap >/dev/null
for row in "${profiled[@]}"; do
  perf report -i "$OUT/$row.data" --no-children --sort sym --stdio -g none --percent-limit 0.3 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -"$TOP" >"$OUT/$row.top.txt" || true # head ends the pipe early
  perf report -i "$OUT/$row.data" --no-children --sort comm,dso --stdio -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -20 >"$OUT/$row.dso.txt" || true
  echo "### $row: functions over 0.3 % of the edge's samples ($OUT/$row.top.txt)"
  echo '```'
  cat "$OUT/$row.top.txt"
  echo '```'
  echo "### $row: by thread and library"
  echo '```'
  cat "$OUT/$row.dso.txt"
  echo '```'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); perf data and the JIT map kept in $OUT and /tmp/perf-$EDGE_PID.map"
