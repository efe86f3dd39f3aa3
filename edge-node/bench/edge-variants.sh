#!/usr/bin/env bash
# Several edges side by side on SERVER_CORE, each with its own build, JVM options and units, wrk
# runs taking turns round-robin on the seed-units playlist (rows 4-6 of edge-latency.sh; even rounds
# in reverse order), so every round sees the same background load; then the medians, each variant's
# ratio to the first, and that ratio taken round by round (median over the rounds).
# edge-ab.sh compares two builds on one row; this compares what differs in more ways: e.g. the
# Redis row taken apart (which share of its cost is the fifth unit, the suspension, the socket:
# edge-node README, "The Redis row taken apart").
#
# Every edge runs over a Redis of its own (the first over the env's), holding its units:
#   row4  the seed's units
#   row5  row4 + the per-IP counter on Redis (edge_computing.redis_client:incr)
#   row6  row4 + the same counter on ngx.shared
#
# Two JVMs of one build and options can differ by some ±0.05 in such a ratio (the JIT's choices
# differ run to run): REPLICAS=2 starts each variant that many times and takes its medians over
# all of their runs.
#
# Usage: VARIANTS="base|<jar>|<java options>|row4;twin|<jar>|<java options>|row5" edge-node/bench/edge-variants.sh
#        (an empty jar or options field: EDGE_JAR / EDGE_JAVA_OPTS)
# Knobs: ROUNDS=5 DURATION=8s REPLICAS=1 CONNECTIONS=32 WARMUP=10s
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
: "${VARIANTS:?VARIANTS=\"name|jar|java options|row4, row5 or row6;...\" (at least two)}"
IFS=';' read -ra SPECS <<<"$VARIANTS"
[ "${#SPECS[@]}" -ge 2 ] || { echo "VARIANTS lists at least two edges" >&2; exit 1; }
DEFAULT_JAR=${EDGE_JAR:-}
DEFAULT_OPTS=${EDGE_JAVA_OPTS:-}
WARMUP=${WARMUP:-10s}
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-5}
REPLICAS=${REPLICAS:-1}
for spec in "${SPECS[@]}"; do
  IFS='|' read -r _ _ _ units <<<"$spec"
  case "$units" in row4 | row5 | row6) ;; *) echo "units of '$spec': row4, row5 or row6" >&2; exit 1 ;; esac
done

# The env starts the first edge, with the first variant's build and options (empty: the env's
# defaults, which the other variants' empty fields get too).
IFS='|' read -r first_name first_jar first_opts first_units <<<"${SPECS[0]}"
EDGE_JAR=${first_jar:-$DEFAULT_JAR}
EDGE_JAVA_OPTS=${first_opts:-$DEFAULT_OPTS}
# shellcheck source=edge-vs-nginx-env.sh
. "$HERE/edge-vs-nginx-env.sh"
DEFAULT_JAR=${DEFAULT_JAR:-$DEFAULT_EDGE_JAR}
DEFAULT_OPTS=${DEFAULT_OPTS:-$DEFAULT_EDGE_JAVA_OPTS}

units_of() { # $1 row4|row5|row6, against REDIS_PORT and EDGE_PORT
  units_on
  case "$1" in
    row5) redis_unit_on ;;
    row6) shared_counter_on ;;
  esac
}

# An edge's name is its variant's, "#<replica>" added when there are replicas.
replica_name() { if [ "$REPLICAS" -gt 1 ]; then echo "$1#$2"; else echo "$1"; fi; }
names=("$(replica_name "$first_name" 1)") pids=("$EDGE_PID") ports=("$EDGE_PORT")
units_of "$first_units"
for index in "${!SPECS[@]}"; do
  IFS='|' read -r name jar opts units <<<"${SPECS[$index]}"
  for replica in $(seq 1 "$REPLICAS"); do
    [ "$index" = 0 ] && [ "$replica" = 1 ] && continue # the env's edge
    edge=$(replica_name "$name" "$replica")
    redis_port=$(free_redis_port)
    start_redis "$redis_port" "$WORK/redis-$edge"
    port=$(free_port)
    EDGE_JAVA_OPTS=${opts:-$DEFAULT_OPTS} start_edge "${jar:-$DEFAULT_JAR}" "$port" "$edge" "$redis_port"
    on_edge "$redis_port" "$port" units_of "$units"
    names+=("$edge") pids+=("$STARTED_EDGE_PID") ports+=("$port")
  done
done

path="/hls/live.m3u8?token=token"
for port in "${ports[@]}"; do
  warm_up "http://127.0.0.1:$port$path"
done
echo "edge-variants: $ROUNDS rounds of wrk -t1 -c$CONNECTIONS -d$DURATION per edge, $REPLICAS edge(s) per variant, round-robin, all on core $SERVER_CORE, load $(cut -d' ' -f1-3 /proc/loadavg)"
for spec in "${SPECS[@]}"; do echo "  $spec"; done
echo
echo "| round | edge | req/s | µs CPU/request | core busy % | B/request |"
echo "|---|---|---|---|---|---|"
# Even rounds run the edges in reverse order (A B B A ...): the machine drifts within a round (it has
# slowed for minutes at a time, every edge at once), and a fixed order would charge that to the last.
runs=()
for round in $(seq 1 "$ROUNDS"); do
  order=("${!names[@]}")
  if [ $((round % 2)) = 0 ]; then order=($(printf '%s\n' "${order[@]}" | tac)); fi
  for i in "${order[@]}"; do
    r=$(edge_run "${pids[$i]}" "http://127.0.0.1:${ports[$i]}$path")
    runs+=("$round ${names[$i]} $r")
    echo "| $round | ${names[$i]} | ${r// / | } |"
  done
done
# Besides the medians over all rounds, each variant's req/s over the first's in the same round (the
# mean of its edges in that round), median over the rounds: a slow spell that takes a whole round
# moves both sides of that round's ratio, not one variant's median.
python3 - "${runs[@]}" <<'PY'
import statistics, sys
by, rounds = {}, {}
for run in sys.argv[1:]:
    round_, edge, *figures = run.split()
    variant = edge.split("#")[0]
    by.setdefault(variant, []).append(tuple(map(float, figures)))
    rounds.setdefault(round_, {}).setdefault(variant, []).append(float(figures[0]))
med = lambda name, i: statistics.median(r[i] for r in by[name])
first = next(iter(by))
per_round = lambda name: statistics.median(
    statistics.mean(v[name]) / statistics.mean(v[first]) for v in rounds.values())
print("\n| edge | median req/s | / first | / first, per round (median) | median µs CPU/request | minus first's | median B/request |")
print("|---|---|---|---|---|---|---|")
for name in by:
    print(f"| {name} | {med(name, 0):.0f} | {med(name, 0) / med(first, 0):.2f} | {per_round(name):.2f} | "
          f"{med(name, 1):.1f} | {med(name, 1) - med(first, 1):+.1f} | {med(name, 3):.0f} |")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
