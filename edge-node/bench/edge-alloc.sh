#!/usr/bin/env bash
# Bytes the edge allocates per request on its serving threads (event loop, virtual-thread carriers,
# edge-unit- threads), from the JVM's per-thread allocation counters (jcmd Thread.print -e) sampled
# before and after a wrk run: a figure the machine's load does not move, unlike req/s or latency.
# Also the edge's voluntary context switches per request (all its threads, /proc/<pid>/task/*/status):
# each thread hop (a thread parking, another woken) shows there, whatever the load. And the edge's
# CPU time per request of its serving threads (event loop, virtual-thread carriers, GC; user +
# system, /proc/<pid>/task/*/stat): on a core shared with other work req/s measures the share the
# edge got, CPU per request what a request costs it, so the ratio of two rows' CPU per request
# estimates the ratio of their capacities on a quiet core; the JIT compilers' CPU seconds during
# the run are shown apart (a row still being compiled is not warm).
# Rows: cached small playlist without units, with the seed's units, and with the seed's units plus
# the Redis counter unit (same setup as edge-vs-nginx.sh: edge-vs-nginx-env.sh).
#
# Usage: edge-node/bench/edge-alloc.sh   (build first: ./mvnw -B -pl edge-node -am package -DskipTests)
# Knobs: DURATION=10s CONNECTIONS=32 WARMUP=15s EDGE_JAVA_OPTS="..." EDGE_JAR=...
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=edge-vs-nginx-env.sh
. "$HERE/edge-vs-nginx-env.sh"

# wrk -> "requests rps"
requests() { # $1 url, $2 duration
  taskset -c "$CLIENT_CORE" wrk -t1 -c"$CONNECTIONS" -d"$2" -H 'Referer: http://localhost/' "$1" | python3 -c '
import re, sys
text = sys.stdin.read()
if re.search(r"Non-2xx or 3xx responses", text):
    sys.exit("wrk saw non-2xx answers:\n" + text)
print(re.search(r"(\d+) requests in", text).group(1), re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))'
}

switches() { # voluntary context switches of all the edge's threads so far
  cat /proc/"$EDGE_PID"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s}'
}

cpu_ticks() { # "serving compiler": CPU clock ticks so far of the edge's serving threads (event loop,
  # virtual-thread carriers, GC) and of its JIT compiler threads (a row measured while C2 still
  # works shows it: its figures are not the warm ones)
  local t comm serving=0 compiler=0 fields
  for t in /proc/"$EDGE_PID"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    fields=$(sed 's/.*) //' "$t/stat" 2>/dev/null) || continue
    set -- $fields
    case "$comm" in
      vert.x-eventloo*|ForkJoinPool*|GC\ Thread*|edge-unit*) serving=$((serving + ${12} + ${13})) ;;
      C1\ Compiler*|C2\ Compiler*) compiler=$((compiler + ${12} + ${13})) ;;
    esac
  done
  echo "$serving $compiler"
}
TICK=$(getconf CLK_TCK)

alloc_row() { # $1 label, $2 path
  local a0 a1 s0 s1 c0 c1 out n rps
  warm_up "http://127.0.0.1:$EDGE_PORT$2"
  a0=$(edge_allocated); s0=$(switches); c0=$(cpu_ticks)
  out=$(requests "http://127.0.0.1:$EDGE_PORT$2" "$DURATION")
  c1=$(cpu_ticks); a1=$(edge_allocated); s1=$(switches)
  n=${out% *}; rps=${out#* }
  echo "| $1 | $n | $rps | $(( (a1 - a0) / n )) | $(python3 -c "print(f'{($s1 - $s0) / $n:.2f}')") | $(python3 -c "
c0 = '$c0'.split(); c1 = '$c1'.split()
print(f'{(int(c1[0]) - int(c0[0])) / $TICK * 1e6 / $n:.1f} | {(int(c1[1]) - int(c0[1])) / $TICK:.2f}')") |"
}

echo "edge-alloc: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), wrk -t1 -c$CONNECTIONS -d$DURATION, edge on core $SERVER_CORE; EDGE_JAVA_OPTS=$EDGE_JAVA_OPTS"
echo
echo "| row | requests | edge req/s | edge B/request (serving threads) | edge voluntary context switches/request | edge serving CPU µs/request | JIT CPU s during the run |"
echo "|---|---|---|---|---|---|---|"
alloc_row "cache hit, small playlist, no units" "/hls/live.m3u8?token=token"
units_on
alloc_row "cache hit, small playlist, seed units on" "/hls/live.m3u8?token=token"
redis_unit_on
alloc_row "cache hit, small playlist, seed units + Redis counter unit" "/hls/live.m3u8?token=token"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
