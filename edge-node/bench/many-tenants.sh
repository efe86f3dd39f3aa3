#!/usr/bin/env bash
# Units of other tenants cost a request nothing (issue #17): two edges side by side on loopback,
# each over its own standalone redis-server (the unit registry) and the same nginx origin. Edge
# "none" has no units; edge "tenants" has UNITS units in the registry's format, every one scoped to
# another host (exact tN.example, *.tN.example or tN.example.*; HOST_REGEXES of them a ~regex
# host), spread over rewrite/access/header_filter/log, every seventh also scoped to the path /hls/
# the request uses, every fifth mentioning redis_client. wrk then measures a playlist request that
# none of them matches (Host 127.0.0.1) on both edges at the same time, ROUNDS times, in one run, and the
# script prints both figures, the ratio tenants/none, the load average, and each edge's heap after
# a full GC (jcmd GC.run + GC.heap_info) with the difference per unit. Not a test: a measurement
# for the README.
#
#   ./mvnw -B -pl edge-node -am package -DskipTests
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 edge-node/bench/many-tenants.sh
# Knobs: UNITS=10000 HOST_REGEXES=10 ROUNDS=4 DURATION=10 WARMUP=30 CONNECTIONS=16
#        EDGE_JAR=/path/to/quarkus-run.jar (another build, e.g. before a change)
set -euo pipefail

UNITS=${UNITS:-10000}
HOST_REGEXES=${HOST_REGEXES:-10}
ROUNDS=${ROUNDS:-4}
WARMUP=${WARMUP:-30}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
OUT=${OUT:-$(mktemp -d /tmp/edge-many-tenants.XXXXXX)}
for tool in wrk jcmd redis-server redis-cli nginx curl python3; do
  command -v "$tool" >/dev/null || [ -x "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/$tool" ] \
    || { echo "missing $tool" >&2; exit 1; }
done
JCMD="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd"
. "$(dirname "${BASH_SOURCE[0]}")/loopback-setup.sh"
JAR=${EDGE_JAR:-$JAR} # another build for both edges, e.g. the one before a change

# The "none" edge's registry is the setup's Redis, left empty but for a version; the tenants' is a second one.
redis-cli -p "$REDIS_PORT" set "{cu}:version" 1 >/dev/null
TENANTS_REDIS=$(free_port)
redis-server --port "$TENANTS_REDIS" --save '' --appendonly no --daemonize no >"$OUT/redis-tenants.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$TENANTS_REDIS" ping >/dev/null 2>&1 && break; sleep 0.1; done

# The units as the registry writes them: a hash per unit, the id set, then the version.
python3 - "$UNITS" "$HOST_REGEXES" >"$OUT/units.resp" <<'PY'
import json, sys
units, regexes = int(sys.argv[1]), int(sys.argv[2])
phases = ["rewrite", "access", "header_filter", "log"]
def resp(*args):
    out = "*%d\r\n" % len(args)
    for a in args:
        b = a.encode()
        out += "$%d\r\n%s\r\n" % (len(b), a)
    return out
for i in range(units):
    tenant = "t%d.example" % i
    host = "~^t%d\\." % i if i < regexes else [tenant, "*." + tenant, tenant + ".*"][i % 3]
    # A typical tenant unit: the seed's token check with the tenant's own token and cookie.
    code = ("local token = ngx.var.arg_token or ngx.var.cookie_t%d\n"
            "if token ~= 'secret-%d' then\n"
            "  ngx.log(ngx.WARN, 'tenant %d: bad token from ', ngx.var.remote_addr)\n"
            "  return ngx.exit(ngx.HTTP_FORBIDDEN)\n"
            "end\n"
            "ngx.header['Set-Cookie'] = {'t%d=' .. token .. '; Path=/; HttpOnly'}\n"
            "ngx.ctx.tenant = %d\n") % (i, i, i, i, i)
    if i % 5 == 0:
        code += "local red = edge_computing.redis_client\n"
    fields = ["id", "u%d" % i, "phase", phases[i % 4], "code", code, "hosts", json.dumps([host]),
              "order", str(i % 100), "version", "1"]
    if i % 7 == 0:
        fields += ["paths", json.dumps(["/hls/"])]
    sys.stdout.write(resp("HSET", "{cu}:unit:u%d" % i, *fields))
    sys.stdout.write(resp("SADD", "{cu}:units", "u%d" % i))
sys.stdout.write(resp("SET", "{cu}:version", "1"))
PY
redis-cli -p "$TENANTS_REDIS" --pipe <"$OUT/units.resp" >"$OUT/pipe.log"
echo "registry: $(redis-cli -p "$TENANTS_REDIS" scard "{cu}:units") units"

NONE_PORT=$(free_port)
start_edge "$NONE_PORT" none -Xms512m -XX:+UseParallelGC
NONE_PID=$EDGE_PID
MAIN_REDIS=$REDIS_PORT; REDIS_PORT=$TENANTS_REDIS
TENANTS_PORT=$(free_port)
start_edge "$TENANTS_PORT" tenants -Xms512m -XX:+UseParallelGC
TENANTS_PID=$EDGE_PID
REDIS_PORT=$MAIN_REDIS
wait_ready "http://127.0.0.1:$NONE_PORT" "$OUT/edge-none.log"
for _ in $(seq 1 600); do grep -q "Applied units version 1 .*: $UNITS loaded" "$OUT/edge-tenants.log" && break; sleep 0.5; done
grep -q "Applied units version 1 .*: $UNITS loaded" "$OUT/edge-tenants.log" \
  || { echo "the tenants' edge did not load $UNITS units; see $OUT/edge-tenants.log" >&2; exit 1; }
wait_ready "http://127.0.0.1:$TENANTS_PORT" "$OUT/edge-tenants.log"
grep "Applied units version" "$OUT/edge-tenants.log" | tail -1

# Same answer from both (no unit of the tenants' edge touches this request), then warm up.
for port in "$NONE_PORT" "$TENANTS_PORT"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/hls/live.m3u8")
  [ "$code" = 200 ] || { echo "edge on $port answered $code" >&2; exit 1; }
done
# Long enough for the JIT of both (the tenants' edge has just compiled 10,000 units: its C2 queue is long).
for _ in 1 2; do
  for port in "$NONE_PORT" "$TENANTS_PORT"; do
    wrk -t1 -c"$CONNECTIONS" -d"$((WARMUP / 2))s" "http://127.0.0.1:$port/hls/live.m3u8" >/dev/null 2>&1
  done
done

rate() { awk '/Requests\/sec/ { print $2 }' "$1"; }
none_total=0; tenants_total=0
echo
echo "| round | no units req/s | $UNITS other tenants' units req/s | ratio | load average |"
echo "|---|---|---|---|---|"
measure() { wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$1/hls/live.m3u8" >"$2" 2>&1; }
for r in $(seq 1 "$ROUNDS"); do
  # Both edges at once: on a shared machine whose load drifts by the second, both then see the same
  # load, and the one that needs more CPU per request serves fewer in the same CPU share.
  measure "$NONE_PORT" "$OUT/none-$r.txt" &
  first=$!
  measure "$TENANTS_PORT" "$OUT/tenants-$r.txt"
  wait "$first"
  n=$(rate "$OUT/none-$r.txt"); t=$(rate "$OUT/tenants-$r.txt")
  none_total=$(python3 -c "print($none_total + $n)"); tenants_total=$(python3 -c "print($tenants_total + $t)")
  echo "| $r | $n | $t | $(python3 -c "print(round($t / $n, 3))") | $(cut -d' ' -f1-3 /proc/loadavg) |"
done
echo "| all | $(python3 -c "print(round($none_total / $ROUNDS))") | $(python3 -c "print(round($tenants_total / $ROUNDS))") | $(python3 -c "print(round($tenants_total / $none_total, 3))") | |"

# Heap after a full GC, each edge (the same JVM options and traffic): the difference is the units'.
used() {
  "$JCMD" "$1" GC.run >/dev/null; sleep 1; "$JCMD" "$1" GC.run >/dev/null
  "$JCMD" "$1" GC.heap_info | python3 -c '
import re, sys
text = sys.stdin.read()
print(sum(int(k) for k in re.findall(r"(?:PSYoungGen|ParOldGen) +total \d+K, used (\d+)K", text)))'
}
none_kb=$(used "$NONE_PID"); tenants_kb=$(used "$TENANTS_PID")
echo
echo "heap used after full GC: no units $((none_kb / 1024)) MiB, $UNITS units $((tenants_kb / 1024)) MiB," \
  "$(python3 -c "print(round(($tenants_kb - $none_kb) * 1024 / $UNITS))") bytes per unit"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); output in $OUT"
