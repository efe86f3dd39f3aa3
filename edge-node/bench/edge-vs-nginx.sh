#!/usr/bin/env bash
# Side-by-side benchmark: the edge node vs nginx + libnginx-mod-http-lua configured as the seed's
# edge (proxy_cache + proxy_cache_lock, the seed's Lua in access/header_filter), both in front of
# the same origin, each server pinned to core 0 and wrk to core 1.
#
# Prints requests/s and p50/p99 latency for: cache hit of a 100 KB segment, cache hit of a small
# playlist, the same two with the seed's units on, and the ratio edge/nginx for each row.
#
# Usage: edge-node/bench/edge-vs-nginx.sh            (build first: ./mvnw -B -pl edge-node -am package -DskipTests)
# Knobs: DURATION=10s CONNECTIONS=32 ROUNDS=3 WARMUP=15s EDGE_JAVA_OPTS="..."
#        EDGE_JAR=/path/to/quarkus-run.jar (another build, e.g. before/after a change in one session)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=edge-vs-nginx-env.sh
. "$HERE/edge-vs-nginx-env.sh"

# Median of ROUNDS alternating runs, so both servers see the same background load.
row() { # $1 label, $2 path
  local e n edge=() nginx=()
  curl -s -o /dev/null -H 'Referer: http://localhost/' "http://127.0.0.1:$NGINX_PORT$2" # nginx needs no warm-up
  warm_up "http://127.0.0.1:$EDGE_PORT$2"
  measure "http://127.0.0.1:$NGINX_PORT$2" 3s >/dev/null
  for _ in $(seq 1 "$ROUNDS"); do
    n=$(measure "http://127.0.0.1:$NGINX_PORT$2" "$DURATION"); nginx+=("$n")
    e=$(measure "http://127.0.0.1:$EDGE_PORT$2" "$DURATION"); edge+=("$e")
  done
  python3 - "$1" "${#edge[@]}" "${edge[@]}" "${nginx[@]}" <<'PY'
import statistics, sys
label, n = sys.argv[1], int(sys.argv[2])
runs = [tuple(map(float, r.split())) for r in sys.argv[3:]]
edge, nginx = runs[:n], runs[n:]
med = lambda rs, i: statistics.median(r[i] for r in rs)
e, g = [med(edge, i) for i in range(3)], [med(nginx, i) for i in range(3)]
print(f"| {label} | {e[0]:.0f} | {e[1]:.2f} | {e[2]:.2f} | {g[0]:.0f} | {g[1]:.2f} | {g[2]:.2f} | {e[0]/g[0]:.2f} |")
PY
}

echo "edge-vs-nginx: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), wrk -t1 -c$CONNECTIONS -d$DURATION x$ROUNDS (median), servers on core $SERVER_CORE, wrk on core $CLIENT_CORE"
echo
echo "| row | edge req/s | edge p50 ms | edge p99 ms | nginx req/s | nginx p50 ms | nginx p99 ms | ratio edge/nginx |"
echo "|---|---|---|---|---|---|---|---|"
start_nginx off
row "cache hit, 100 KB segment" "/hls/seg.ts?token=token"
row "cache hit, small playlist" "/hls/live.m3u8?token=token"
start_nginx on
units_on
row "cache hit, 100 KB segment, seed units on" "/hls/seg.ts?token=token"
row "cache hit, small playlist, seed units on" "/hls/live.m3u8?token=token"

# Edge only (nginx here has no Redis Cluster client): the same row with a unit that calls Redis
# on every request (the seed's per-IP counter: the access phase suspends on the event loop while
# Redis answers), measured on the same edge after row 4; edge-latency.sh's row 5 compares the two
# side by side on fresh edges, which this machine's noise needs for a ratio.
edge_row() { # $1 label, $2 path
  local runs=()
  warm_up "http://127.0.0.1:$EDGE_PORT$2"
  for _ in $(seq 1 "$ROUNDS"); do runs+=("$(measure "http://127.0.0.1:$EDGE_PORT$2" "$DURATION")"); done
  python3 - "$1" "${runs[@]}" <<'PY'
import statistics, sys
runs = [tuple(map(float, r.split())) for r in sys.argv[2:]]
m = [statistics.median(r[i] for r in runs) for i in range(3)]
print(f"| {sys.argv[1]} | {m[0]:.0f} | {m[1]:.2f} | {m[2]:.2f} | – | – | – | – |")
PY
}
redis_unit_on
edge_row "cache hit, small playlist, seed units + Redis counter unit (edge only)" "/hls/live.m3u8?token=token"
