# Shared setup of edge-vs-nginx.sh and edge-latency.sh (sourced, never run on its own): an
# origin, a one-node Redis Cluster with the units, the edge and (start_nginx on|off) nginx with the
# seed's Lua, each server pinned to SERVER_CORE and the load to CLIENT_CORE; units_on stores the
# seed's units, redis_unit_on adds the per-IP counter that calls Redis; measure runs wrk.
# Before sourcing: set -euo pipefail; HERE (this directory).


MODULE=$(cd "$HERE/.." && pwd)
# The defaults, named for scripts that start more edges (edge-variants.sh).
DEFAULT_EDGE_JAR="$MODULE/target/quarkus-app/quarkus-run.jar"
# The JVM options ./platform ships (PLATFORM_EDGE_JVM_OPTIONS' default); until 2026-12-03 the
# bench ran without -XX:MetaspaceSize=128m and with -XX:TieredStopAtLevel=4 (the JVM's default).
DEFAULT_EDGE_JAVA_OPTS="-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MetaspaceSize=128m"
JAR=${EDGE_JAR:-$DEFAULT_EDGE_JAR}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-15s}
EDGE_JAVA_OPTS=${EDGE_JAVA_OPTS:-$DEFAULT_EDGE_JAVA_OPTS}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}

for tool in nginx wrk taskset redis-server redis-cli curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian: nginx-light libnginx-mod-http-lua wrk redis-server util-linux curl python3)" >&2; exit 1; }
done
[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || { echo "missing libnginx-mod-http-lua" >&2; exit 1; }
[ -f "$JAR" ] || { echo "build the edge first: ./mvnw -B -pl edge-node -am package -DskipTests" >&2; exit 1; }

WORK=$(mktemp -d /tmp/edge-bench.XXXXXX)
PIDS=()
chmod 755 "$WORK" # nginx workers run as an unprivileged user and must read the origin's files
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# A Redis Cluster node also listens on its port + 10000 (the cluster bus).
free_redis_port() { local p; p=$(free_port); while [ $((p + 10000)) -gt 65535 ]; do p=$(free_port); done; echo "$p"; }
ORIGIN_PORT=$(free_port); NGINX_PORT=$(free_port); EDGE_PORT=$(free_port); REDIS_PORT=$(free_redis_port)

# --- origin: static files, never the bottleneck (hits only) -----------------------------------
mkdir -p "$WORK/www/hls" "$WORK/nginx-cache"
head -c 102400 /dev/urandom >"$WORK/www/hls/seg.ts"
printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:2.0,\nseg1.ts\n#EXTINF:2.0,\nseg2.ts\n#EXTINF:2.0,\nseg3.ts\n' >"$WORK/www/hls/live.m3u8"
render() { sed -e "s#@DIR@#$WORK#g" -e "s#@ORIGIN_PORT@#$ORIGIN_PORT#g" -e "s#@PORT@#$NGINX_PORT#g" "$@"; }
chmod -R a+rwX "$WORK"
render "$HERE/nginx-origin.conf.template" >"$WORK/origin.conf"
taskset -c "$CLIENT_CORE" nginx -p "$WORK" -c "$WORK/origin.conf" >"$WORK/origin.out" 2>&1 &
PIDS+=($!)

# --- a one-node Redis Cluster holding the edge's units ----------------------------------------
start_redis() { # $1 port, $2 directory
  mkdir -p "$2"
  taskset -c "$CLIENT_CORE" redis-server --port "$1" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file "$2/nodes.conf" --dir "$2" --save '' --appendonly no \
    --logfile "$2/redis.log" --daemonize no &
  PIDS+=($!)
  until redis-cli -p "$1" ping >/dev/null 2>&1; do sleep 0.1; done
  redis-cli -p "$1" cluster addslotsrange 0 16383 >/dev/null
  until redis-cli -p "$1" cluster info | grep -q cluster_state:ok; do sleep 0.1; done
}
start_redis "$REDIS_PORT" "$WORK/redis"
rcli() { redis-cli -p "$REDIS_PORT" "$@" >/dev/null; }

# --- the edge on its core ----------------------------------------------------------------------
# Starts an edge (jar $1) on port $2, its log and snapshot named after $3, and waits until it is
# ready; STARTED_EDGE_PID is the JVM's own pid (exec all the way down, for jcmd). edge-ab.sh starts
# a second build this way beside the first, edge-latency.sh a twin over a Redis of its own ($4).
start_edge() { # $1 jar, $2 port, $3 name, $4 Redis port (default REDIS_PORT)
  # shellcheck disable=SC2086
  (cd "$WORK" && exec taskset -c "$SERVER_CORE" "$JAVA_HOME/bin/java" $EDGE_JAVA_OPTS \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$2" \
    -Dquarkus.vertx.event-loops-pool-size=1 \
    -Dquarkus.redis.hosts="redis://127.0.0.1:${4:-$REDIS_PORT}" \
    -Dedge.upstreams.hls.servers="127.0.0.1:$ORIGIN_PORT" \
    -Dedge.routes.hls.cache-valid="200=10m" \
    -Dedge.sync.snapshot-file="$WORK/$3-snapshot.json" \
    -jar "$1" >"$WORK/$3.log" 2>&1) &
  STARTED_EDGE_PID=$!
  PIDS+=($STARTED_EDGE_PID)
  for _ in $(seq 1 240); do curl -fs -o /dev/null "http://127.0.0.1:$2/q/health/ready" && break; sleep 0.5; done
  curl -fs -o /dev/null "http://127.0.0.1:$2/q/health/ready" || { echo "edge $3 did not get ready; log:" >&2; tail -50 "$WORK/$3.log" >&2; exit 1; }
}
start_edge "$JAR" "$EDGE_PORT" edge
EDGE_PID=$STARTED_EDGE_PID

start_nginx() { # $1 = on|off (the seed's units)
  [ -f "$WORK/nginx-edge.pid" ] && { kill "$(cat "$WORK/nginx-edge.pid")" 2>/dev/null || true; sleep 0.5; }
  if [ "$1" = on ]; then
    python3 - "$HERE/nginx-edge.conf.template" "$HERE/nginx-units.lua.conf" >"$WORK/nginx-edge.tmpl" <<'PY'
import sys
print(open(sys.argv[1]).read().replace("@UNITS@", open(sys.argv[2]).read()))
PY
  else
    sed -e 's#@UNITS@##' "$HERE/nginx-edge.conf.template" >"$WORK/nginx-edge.tmpl"
  fi
  render "$WORK/nginx-edge.tmpl" >"$WORK/nginx-edge.conf"
  taskset -c "$SERVER_CORE" nginx -p "$WORK" -c "$WORK/nginx-edge.conf" >>"$WORK/nginx-edge.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break; sleep 0.1; done
}

# The seed's units, as the seed's redis-cli flow stores them (legacy phase||code strings).
units_on() {
  rcli set authentication "access||local token = ngx.var.arg_token or ngx.var.cookie_superstition
if token ~= 'token' then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
end
ngx.header['Set-Cookie'] = {'superstition=token'}"
  rcli set acl "access||if ngx.var.remote_addr == '10.6.6.6' then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
end"
  rcli set referer "access||local headers = ngx.req.get_headers()
if not string.find(headers['Referer'], 'localhost') then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
end"
  rcli set metrics "header_filter||ngx.header['X-Metrics-upstream_response_time'] = ngx.var.upstream_response_time
ngx.header['X-Metrics-upstream_connect_time'] = ngx.var.upstream_connect_time
ngx.header['X-Metrics-request_time'] = ngx.var.request_time
ngx.header['X-Metrics-tcpinfo_rtt'] = ngx.var.tcpinfo_rtt
ngx.header['X-Metrics-time_iso8601'] = ngx.var.time_iso8601"
  rcli sadd coding_units authentication acl referer metrics
  for _ in $(seq 1 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$EDGE_PORT/hls/live.m3u8")" = 403 ] && return 0
    sleep 0.1
  done
  echo "the edge did not pick up the units; log:" >&2; tail -50 "$WORK/edge.log" >&2; exit 1
}

# One wrk run from the client core, its output as is ($1 url; DURATION, CONNECTIONS), and what
# edge-profile.sh and edge-ab.sh read from it and from /proc around it.
wrk_run() {
  taskset -c "$CLIENT_CORE" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H 'Referer: http://localhost/' "$1"
}
requests_of() { echo "$1" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p'; }
rate_of() { echo "$1" | sed -n 's/Requests\/sec: *//p'; }
process_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # $1 pid -> user + system clock ticks
# A core's ticks since boot ($1, default SERVER_CORE): "busy softirq steal idle" (busy = user, nice,
# system, irq, softirq, steal; idle = idle + iowait). Busy over busy + idle around a run is the share
# of the run the core worked: below ~97 % under wrk, the server waited for something (e.g. Redis)
# with requests open.
core_ticks() {
  awk -v c="cpu${1:-$SERVER_CORE}" '$1 == c {print $2 + $3 + $4 + $7 + $8 + $9, $8, $9, $5 + $6}' /proc/stat
}

# wrk -> "rps p50_ms p99_ms"
measure() { # $1 url, $2 duration
  taskset -c "$CLIENT_CORE" wrk -t1 -c"$CONNECTIONS" -d"$2" --latency -H 'Referer: http://localhost/' "$1" | python3 -c '
import re, sys
text = sys.stdin.read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)?", v)
    if not m:
        return float("nan")
    n, u = m.groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u or "ms"]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors:
    sys.exit("wrk saw %s non-2xx answers:\n%s" % (errors.group(1), text))
print(f"{rps:.0f} {p50:.2f} {p99:.2f}")'
}

# Warms a server up on a URL until its throughput is steady: at least WARMUP, then 5 s wrk rounds
# until two in a row are within 5 % of each other (at most WARMUP_MAX_ROUNDS more). The edge is a
# JVM: after a snapshot change its Lua interpreter and the units' path are compiled by the JIT on
# the same core, which took 15-25 s here (one core: 460 -> 1,222 -> 1,876 -> 8,366 -> 11,816 req/s
# in 5 s rounds), so a fixed 15 s warm-up measured the compiler, not the server. One request goes
# first, alone: it fills the server's cache from the origin before wrk's connections arrive.
warm_up() { # $1 url
  local previous current=""
  curl -s -o /dev/null -H 'Referer: http://localhost/' "$1"
  measure "$1" "$WARMUP" >/dev/null
  previous=$(measure "$1" 5s | cut -d' ' -f1)
  for _ in $(seq 1 "${WARMUP_MAX_ROUNDS:-8}"); do
    [ -n "$current" ] && previous=$current
    current=$(measure "$1" 5s | cut -d' ' -f1)
    python3 -c "import sys; sys.exit(0 if abs($current - $previous) <= 0.05 * max($current, $previous) else 1)" && return 0
  done
  echo "warning: $1 not steady after warm-up (last 5 s rounds: $previous, $current req/s)" >&2
}

# The seed's per-IP counter (edge only: Debian's nginx has no Redis Cluster client): one Redis
# round trip per request from the access phase.
redis_unit_on() {
  rcli set counter "access||local n = edge_computing.redis_client:incr(ngx.var.remote_addr)
  ngx.header['X-Request-Counter'] = n"
  rcli sadd coding_units counter
  for _ in $(seq 1 200); do
    curl -s -D - -o /dev/null -H 'Referer: http://localhost/' "http://127.0.0.1:$EDGE_PORT/hls/live.m3u8?token=token" | grep -qi x-request-counter && break
    sleep 0.1
  done
}

# One wrk run against an edge ($1 pid, $2 url) -> "req/s cpu_us_per_request core_busy_percent
# bytes_per_request": the JVM's CPU (utime + stime) and its serving threads' allocation over the
# requests wrk counted, and how busy the server core was (core_ticks). CPU and bytes per request
# are the figures a loaded machine moves least; the allocation is sampled outside the CPU window
# (jcmd costs the JVM some CPU of its own).
edge_run() {
  local a0 a1 c0 c1 k0 k1 out n
  a0=$(EDGE_PID=$1 edge_allocated); c0=$(process_ticks "$1"); k0=($(core_ticks))
  out=$(wrk_run "$2")
  c1=$(process_ticks "$1"); k1=($(core_ticks)); a1=$(EDGE_PID=$1 edge_allocated)
  n=$(requests_of "$out")
  python3 -c "print(f\"$(rate_of "$out") {($c1 - $c0) / $(getconf CLK_TCK) * 1e6 / $n:.1f} \
{100 * (${k1[0]} - ${k0[0]}) / (${k1[0]} - ${k0[0]} + ${k1[3]} - ${k0[3]}):.0f} {($a1 - $a0) // $n}\")"
}

# Runs a unit function ("$3" ...) against another edge (port $2) and its own Redis (port $1): the
# functions read REDIS_PORT and EDGE_PORT when they run, and see the locals of their caller.
on_edge() { local REDIS_PORT=$1 EDGE_PORT=$2; shift 2; "$@"; }

# Bytes the edge's event-loop and unit (virtual-thread carrier and edge-unit-) threads have
# allocated since start, from the JVM's per-thread counters (jcmd Thread.print -e): sampled before
# and after a run, the difference over the requests served is bytes per request, a figure the
# machine's load does not move.
edge_allocated() {
  "$JAVA_HOME/bin/jcmd" "$EDGE_PID" Thread.print -e 2>/dev/null | python3 -c '
import re, sys
total = 0
for line in sys.stdin:
    if line.startswith("\"") and ("eventloop" in line or "edge-unit" in line or "ForkJoinPool" in line):
        m = re.search(r"allocated=(\d+)([BKMG])", line)
        if m:
            total += int(m.group(1)) * {"B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[m.group(2)]
print(total)'
}

# The same per-IP counter on the node's ngx.shared dict instead of Redis (the fast path for counters
# that need not be global: no Redis round trip, no thread hop). Declares the dict as the registry
# does ({cu}:shared-dicts, size in bytes) and swaps the Redis counter unit for this one.
shared_counter_on() {
  rcli hset '{cu}:shared-dicts' counters 1048576
  rcli set shared_counter "access||local n = ngx.shared.counters:incr(ngx.var.remote_addr, 1, 0)
  ngx.header['X-Shared-Counter'] = n"
  redis-cli -p "$REDIS_PORT" srem coding_units counter >/dev/null
  rcli sadd coding_units shared_counter
  rcli incr '{cu}:version'
  for _ in $(seq 1 200); do
    curl -s -D - -o /dev/null -H 'Referer: http://localhost/' "http://127.0.0.1:$EDGE_PORT/hls/live.m3u8?token=token" | grep -qi x-shared-counter && return 0
    sleep 0.1
  done
  echo "the edge did not pick up the ngx.shared counter unit; log:" >&2; tail -50 "$WORK/edge.log" >&2; exit 1
}
