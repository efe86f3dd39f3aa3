#!/usr/bin/env bash
# Latency at a fixed offered load: the edge node vs nginx + libnginx-mod-http-lua (the seed's
# edge), on the rows of edge-vs-nginx.sh, with the same setup (edge-vs-nginx-env.sh: each server
# pinned to SERVER_CORE, the load on CLIENT_CORE).
#
# Per row: nginx's capacity and the edge's are measured with wrk (closed loop, as edge-vs-nginx.sh),
# CAPACITY_ROUNDS runs each, alternating, so both see the same background load (medians and their
# ratio); then RateLoad.java offers SHARE (default 50 %) of nginx's capacity to both servers in
# turns of SLICE seconds (one run: nginx, edge, nginx, edge, ... each getting RATE_SECONDS measured
# in all, so a noisy spell of the machine falls on both), at a fixed rate, coordinated-omission
# aware (wrk2's method: latency from each request's intended send time, HdrHistogram), and prints
# p50/p99/p99.9 and the ratio edge/nginx. Each rate run also reports the bytes the edge's serving
# threads allocated per request.
#
# Row 5 (the seed's units + the Redis counter unit) is edge only, and its figure is a ratio to row
# 4: two fresh edges (same jar and options, same core) are started for it, a base with row 4's
# units and a twin over a Redis of its own holding row 4's units plus the counter unit, warmed up
# and measured run for run alternating, so the ratio compares two edges with the same history
# under the same background load rather than two runs minutes apart (on this shared machine one
# build's row 4 measured 30,611-46,919 req/s in a day). Its rate run offers SHARE of the twin's
# own capacity. Row 6 (an ngx.shared counter unit instead of the Redis one, on the first edge) is
# compared with row 4's median.
#
# Usage: edge-node/bench/edge-latency.sh   (build first: ./mvnw -B -pl edge-node -am package -DskipTests)
# Knobs: SHARE=0.5 RATE_SECONDS=20 RATE_WARMUP=5 SLICE=1 CAPACITY_DURATION=8s CAPACITY_ROUNDS=3 ROUNDS=1
#        CONNECTIONS=32 WARMUP=15s EDGE_JAVA_OPTS="..." EDGE_JAR=... ROWS="1 2 3 4 5 6"
#        EDGE_ONLY_RATE=<req/s> (rows 5 and 6 offered that instead of SHARE of their own capacity)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SHARE=${SHARE:-0.5}
RATE_SECONDS=${RATE_SECONDS:-20}
RATE_WARMUP=${RATE_WARMUP:-5}
CAPACITY_DURATION=${CAPACITY_DURATION:-8s}
CAPACITY_ROUNDS=${CAPACITY_ROUNDS:-3}
ROUNDS=${ROUNDS:-1}
ROWS=${ROWS:-"1 2 3 4 5 6"}
# shellcheck source=edge-vs-nginx-env.sh
. "$HERE/edge-vs-nginx-env.sh"

HDR=${HDR_JAR:-"$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar"}
if [ ! -f "$HDR" ]; then
  (cd "$MODULE/.." && ./mvnw -B -q dependency:get -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2) >&2
fi
# Compiled once (the source launcher would compile on every run, on the load core).
mkdir -p "$WORK/rateload"
"$JAVA_HOME/bin/javac" -cp "$HDR" -d "$WORK/rateload" "$HERE/RateLoad.java"

# SLOW_DIR=<dir>: each rate run also writes its requests slower than 1 ms there, "intended_ms
# latency_ms" per line (<row>-<server>-<round>.txt), to see whether a tail is a few stalls (late
# requests bunched in time) or many short delays.
# Several URLs (comma-separated) are loaded in turns of SLICE seconds, one line each.
rate_load() { # $1 url[,url], $2 rate, $3 file name[s] for SLOW_DIR -> "achieved p50 p99 p999 max n errors" per url
  local slow=() files=() name
  if [ -n "${SLOW_DIR:-}" ]; then
    mkdir -p "$SLOW_DIR"
    for name in ${3//,/ }; do files+=("$SLOW_DIR/$name.txt"); done
    slow=("-Drateload.slow=$(IFS=,; echo "${files[*]}")")
  fi
  taskset -c "$CLIENT_CORE" "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx256m "${slow[@]}" -Drateload.slice="${SLICE:-1}" \
    -cp "$WORK/rateload:$HDR" RateLoad "$1" "$2" "$RATE_SECONDS" "$CONNECTIONS" "$RATE_WARMUP" 'Referer: http://localhost/'
}

# The edge's threads as "tid name cpu_ns wait_ns slices" lines (/proc/PID/task/*/schedstat: time on
# the CPU, time waiting to run, times scheduled): sampled around each rate run, the difference shows
# which threads besides the event loop took the server core meanwhile (JIT, GC, timers), each of
# which delays the loop by a scheduler slice when it runs — a source of tail latency nginx's single
# worker process does not have.
edge_threads() {
  local task
  for task in /proc/"$EDGE_PID"/task/*; do
    printf '%s %s %s\n' "${task##*/}" "$(tr ' ' '_' <"$task/comm" 2>/dev/null)" "$(cat "$task/schedstat" 2>/dev/null)"
  done
}

# How busy the server and client cores were, and the hypervisor's share (the env's core_ticks of
# each, "cpuN busy softirq steal idle" lines, busy counting steal): on this VM steal comes in spells
# (10-13 % of both cores in one 10 s run, 2026-12-03) during which any server's p99 grows tenfold,
# nginx's as much as the edge's; and a client core near 100 % would make the tail the load
# generator's (row 1's moves 800 MB/s). Each rate run says both.
both_cores_ticks() { local core; for core in "$SERVER_CORE" "$CLIENT_CORE"; do echo "cpu$core $(core_ticks "$core")"; done; }
cores_report() { # $1 before, $2 after
  python3 - "$1" "$2" <<'PY'
import sys
parse = lambda text: {l.split()[0]: tuple(map(int, l.split()[1:])) for l in text.splitlines()}
b, a = parse(sys.argv[1]), parse(sys.argv[2])
delta = lambda cpu, i: a[cpu][i] - b[cpu][i]
share = lambda cpu, i: 100 * delta(cpu, i) / max(1, delta(cpu, 0) + delta(cpu, 3))
print("during the rate run: " + ", ".join(
    f"{cpu} busy {share(cpu, 0):.0f} % (steal {share(cpu, 2):.1f} %)" for cpu in a))
PY
}

threads_report() { # $1 label, $2 before, $3 after: the threads that ran during the run, busiest first
  python3 - "$@" <<'PY'
import sys
label, before, after = sys.argv[1], sys.argv[2], sys.argv[3]
def parse(text):
    rows = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 5:
            rows[parts[0]] = (parts[1], int(parts[2]), int(parts[3]), int(parts[4]))
    return rows
b, a = parse(before), parse(after)
ran = []
for tid, (name, cpu, wait, slices) in a.items():
    cpu0, wait0, slices0 = b.get(tid, (name, 0, 0, 0))[1:]
    if slices - slices0 > 0:
        ran.append((cpu - cpu0, wait - wait0, slices - slices0, name))
ran.sort(reverse=True)
total = sum(r[0] for r in ran)
print(f"edge threads during the rate run ({label}): {total / 1e6:.0f} ms CPU in all")
for cpu, wait, slices, name in ran[:8]:
    print(f"  {name:<28} {cpu / 1e6:8.1f} ms CPU {slices:8d} slices {wait / 1e6:8.1f} ms waiting to run")
PY
}

table_head() {
  echo "| row | nginx req/s (wrk) | edge req/s (wrk) | throughput edge/nginx | offered req/s | edge p50 / p99 / p99.9 ms | nginx p50 / p99 / p99.9 ms | p99 edge/nginx | p99.9 edge/nginx | edge B/req |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
}

# Medians of CAPACITY_ROUNDS wrk runs on each URL given, the URLs taking turns run for run:
# "median1 [median2]".
capacities() { # $1 url [, $2 url]
  local url runs=()
  for _ in $(seq 1 "$CAPACITY_ROUNDS"); do
    for url in "$@"; do runs+=("$(measure "$url" "$CAPACITY_DURATION" | cut -d' ' -f1)"); done
  done
  python3 - "$#" "${runs[@]}" <<'PY'
import statistics, sys
k, runs = int(sys.argv[1]), [float(r) for r in sys.argv[2:]]
print(" ".join(f"{statistics.median(runs[i::k]):.0f}" for i in range(k)))
PY
}

# One row: capacities, then ROUNDS alternating rate runs (median of each percentile). The mode:
# empty = against nginx; "twin" = edge only, its capacity alternated with BASE_URL's (row 4 on a
# fresh base edge) and given as a ratio to it; "alone" = edge only, compared with ROW4_CAPACITY.
lat_row() { # $1 label, $2 path, $3 mode; ROW: the row's number
  local label=$1 path=$2 mode=${3:-} ncap=0 ecap rate e n both s0 s1 edge=() nginx=() a0 a1 allocs=() round=0 base=0 caps
  local eurl="http://127.0.0.1:$EDGE_PORT$path" nurl="http://127.0.0.1:$NGINX_PORT$path"
  warm_up "$eurl"
  case "$mode" in
    "")
      warm_up "$nurl"
      caps=$(capacities "$nurl" "$eurl")
      read -r ncap ecap <<<"$caps"
      rate=$(python3 -c "print(int($ncap * $SHARE))") ;;
    twin)
      warm_up "$BASE_URL"
      caps=$(capacities "$BASE_URL" "$eurl")
      read -r base ecap <<<"$caps" ;;
    alone)
      base=${ROW4_CAPACITY:-0}
      ecap=$(capacities "$eurl") ;;
  esac
  [ -n "$mode" ] && rate=${EDGE_ONLY_RATE:-$(python3 -c "print(int($ecap * $SHARE))")}
  [ "$ROW" = 4 ] && ROW4_CAPACITY=$ecap
  for _ in $(seq 1 "$ROUNDS"); do
    round=$((round + 1))
    a0=$(edge_allocated)
    t0=$(edge_threads)
    s0=$(both_cores_ticks)
    # A failed rate run (an error answer, a stall, the client's own failure: its stderr says
    # which) marks its row and the run goes on to the next rows.
    if [ -z "$mode" ]; then
      # nginx and the edge in turns, in one run: a line each, the last field its errors (the
      # edge's threads and allocation above and below span nginx's turns too, idle ones).
      both=$(rate_load "$nurl,$eurl" "$rate" "row$ROW-nginx-$round,row$ROW-edge-$round") || true
      n=$(sed -n 1p <<<"$both" | awk 'NF == 7 && $7 == 0')
      e=$(sed -n 2p <<<"$both" | awk 'NF == 7 && $7 == 0')
      nginx+=("${n:-failed}")
      e=${e:-failed}
    else
      e=$(rate_load "$eurl" "$rate" "row$ROW-edge-$round") || e=failed
    fi
    edge+=("$e")
    s1=$(both_cores_ticks)
    t1=$(edge_threads)
    a1=$(edge_allocated)
    threads_report "$label" "$t0" "$t1" >&2
    cores_report "$s0" "$s1" >&2
    if [ "$e" != failed ]; then
      allocs+=("$(( (a1 - a0) / $(echo "$e" | cut -d' ' -f6) ))")
    fi
  done
  python3 - "$label" "$ncap" "$ecap" "$rate" "${mode:-nginx}" "$base" "${#edge[@]}" "${allocs[*]}" "${edge[@]}" "${nginx[@]}" <<'PY'
import statistics, sys
label, ncap, ecap, rate, mode, base = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], float(sys.argv[6])
n, allocs = int(sys.argv[7]), sys.argv[8]
runs = [None if r == "failed" else tuple(map(float, r.split())) for r in sys.argv[9:]]
edge, nginx = runs[:n], runs[n:]
ok = lambda rs: [r for r in rs if r is not None]
failed = lambda rs: f" ({len(rs) - len(ok(rs))} of {len(rs)} rate runs failed)" if len(ok(rs)) < len(rs) else ""
med = lambda rs, i: statistics.median(r[i] for r in ok(rs))
alloc = int(statistics.median(int(a) for a in allocs.split())) if allocs.split() else "–"
e = [med(edge, i) for i in (1, 2, 3)] if ok(edge) else None
es = f"{e[0]:.2f} / {e[1]:.2f} / {e[2]:.2f}{failed(edge)}" if e else "all rate runs failed"
if nginx:
    g = [med(nginx, i) for i in (1, 2, 3)] if ok(nginx) else None
    gs = f"{g[0]:.2f} / {g[1]:.2f} / {g[2]:.2f}{failed(nginx)}" if g else "all rate runs failed"
    r99 = f"{e[1]/g[1]:.2f}" if e and g else "–"
    r999 = f"{e[2]/g[2]:.2f}" if e and g else "–"
    print(f"| {label} | {ncap:.0f} | {ecap:.0f} | {ecap/ncap:.2f} | {rate} | {es} | {gs} | {r99} | {r999} | {alloc} |")
else:
    if mode == "twin":
        of = f" (**{ecap / base:.2f} of row 4**: the twin vs a fresh base edge, {base:.0f} req/s, alternated)"
    else:
        of = f" ({ecap / base:.2f} of row 4's median)" if base else ""
    print(f"| {label} | – | {ecap:.0f}{of} | – | {rate} | {es} | – | – | – | {alloc} |")
PY
}

want() { case " $ROWS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

echo "edge-latency: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), capacity: wrk -t1 -c$CONNECTIONS -d$CAPACITY_DURATION x$CAPACITY_ROUNDS alternating (median); latency: RateLoad -c$CONNECTIONS ${RATE_SECONDS}s each at $SHARE x nginx's capacity, nginx and edge in turns of ${SLICE:-1} s, x$ROUNDS (median); servers on core $SERVER_CORE, load on core $CLIENT_CORE; EDGE_JAVA_OPTS=$EDGE_JAVA_OPTS"
echo
table_head
start_nginx off
want 1 && ROW=1 lat_row "cache hit, 100 KB segment" "/hls/seg.ts?token=token"
want 2 && ROW=2 lat_row "cache hit, small playlist" "/hls/live.m3u8?token=token"
start_nginx on
units_on
want 3 && ROW=3 lat_row "cache hit, 100 KB segment, seed units on" "/hls/seg.ts?token=token"
want 4 && ROW=4 lat_row "cache hit, small playlist, seed units on" "/hls/live.m3u8?token=token"
if want 5; then
  # Two fresh edges from the same jar on the same core, with the same history (a warm-up, then
  # alternating runs): the base over the first Redis (row 4's units), the twin over a Redis of its
  # own holding row 4's units and the Redis counter unit. Not the first edge as the base: it has
  # served rows 1-4 and its JIT compiled for all of them (the twin measured 0.78 of it in one run,
  # 0.67-0.72 of a fresh base in pairs the same hour).
  BASE_PORT=$(free_port)
  start_edge "$JAR" "$BASE_PORT" base
  BASE_PID=$STARTED_EDGE_PID
  TWIN_REDIS=$(free_redis_port)
  start_redis "$TWIN_REDIS" "$WORK/redis-twin"
  TWIN_PORT=$(free_port)
  start_edge "$JAR" "$TWIN_PORT" twin "$TWIN_REDIS"
  TWIN_PID=$STARTED_EDGE_PID
  on_edge "$TWIN_REDIS" "$TWIN_PORT" units_on
  on_edge "$TWIN_REDIS" "$TWIN_PORT" redis_unit_on
  BASE_URL="http://127.0.0.1:$BASE_PORT/hls/live.m3u8?token=token"
  EDGE_PORT=$TWIN_PORT EDGE_PID=$TWIN_PID ROW=5 lat_row \
    "cache hit, small playlist, seed units + Redis counter unit (edge only, at $SHARE x its own capacity)" \
    "/hls/live.m3u8?token=token" twin
  kill "$BASE_PID" "$TWIN_PID" 2>/dev/null || true # idle from here on, but not on the server core
fi
if want 6; then
  shared_counter_on
  ROW=6 lat_row "cache hit, small playlist, seed units + ngx.shared counter unit (edge only, at $SHARE x its own capacity)" \
    "/hls/live.m3u8?token=token" alone
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
