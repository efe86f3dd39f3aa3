#!/usr/bin/env bash
# Where the edge's bytes per request go, by class and by allocating frame: a JFR recording of the
# JVM's TLAB events (jdk.ObjectAllocationInNewTLAB / OutsideTLAB, each weighted by the TLAB or
# object size it stands for, as async-profiler weighs them: an unbiased sample of where bytes go;
# jdk.ObjectAllocationSample's throttled weights pile a whole interval's bytes on whichever
# allocation comes next, and put 80 % of this edge's on one small object) taken while wrk loads one
# row of edge-vs-nginx.sh's setup, printed as
# bytes per request of the top classes and of the top allocating frames in the edge's own code
# (io.nott.*), and of the top frames anywhere. edge-latency.sh's B/req says how much; this says
# what.
#
# Usage: edge-node/bench/edge-jfr-alloc.sh   (build first: ./mvnw -B -pl edge-node -am package -DskipTests)
# Knobs: ROW=5 (2 = cached playlist, 4 = + the seed's units, 5 = + the Redis counter unit)
#        DURATION=10s WARMUP=15s TOP=25 EDGE_JAVA_OPTS=... EDGE_JAR=...
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROW=${ROW:-5}
TOP=${TOP:-25}
# shellcheck source=edge-vs-nginx-env.sh
. "$HERE/edge-vs-nginx-env.sh"

case "$ROW" in
  2) ;;
  4) units_on ;;
  5) units_on; redis_unit_on ;;
  *) echo "ROW must be 2, 4 or 5" >&2; exit 2 ;;
esac
URL="http://127.0.0.1:$EDGE_PORT/hls/live.m3u8?token=token"
warm_up "$URL"
"$JAVA_HOME/bin/jfr" configure --input none --output "$WORK/alloc.jfc" \
  +jdk.ObjectAllocationInNewTLAB#enabled=true +jdk.ObjectAllocationInNewTLAB#stackTrace=true \
  +jdk.ObjectAllocationOutsideTLAB#enabled=true +jdk.ObjectAllocationOutsideTLAB#stackTrace=true >/dev/null
"$JAVA_HOME/bin/jcmd" "$EDGE_PID" JFR.start name=alloc settings="$WORK/alloc.jfc" stackdepth=64 >/dev/null
out=$(wrk_run "$URL")
"$JAVA_HOME/bin/jcmd" "$EDGE_PID" JFR.dump name=alloc filename="$WORK/alloc.jfr" >/dev/null
n=$(requests_of "$out")
echo "row $ROW: $n requests, $(rate_of "$out") req/s (JFR on)"
"$JAVA_HOME/bin/jfr" print --json --events jdk.ObjectAllocationInNewTLAB,jdk.ObjectAllocationOutsideTLAB --stack-depth 24 "$WORK/alloc.jfr" >"$WORK/alloc.json"
python3 - "$n" "$TOP" "$WORK/alloc.json" <<'PY'
import collections, json, sys
n, top = int(sys.argv[1]), int(sys.argv[2])
events = json.load(open(sys.argv[3]))["recording"]["events"]
by_class, by_frame, by_own = collections.Counter(), collections.Counter(), collections.Counter()
total = 0
for e in events:
    v = e["values"]
    w = v.get("tlabSize") or v["allocationSize"]
    total += w
    by_class[v["objectClass"]["name"]] += w
    frames = (v.get("stackTrace") or {}).get("frames") or []
    def name(f):
        m = f["method"]
        return f'{m["type"]["name"]}.{m["name"]}:{f["lineNumber"]}'
    if frames:
        by_frame[name(frames[0])] += w
    own = next((f for f in frames if f["method"]["type"]["name"].replace("/", ".").startswith("io.nott.") and "$$Lambda" not in f["method"]["type"]["name"]), None)
    by_own[name(own) if own else "(no io.nott frame in the top 24)"] += w
def show(title, counter):
    print(f"\n{title}\n| bytes/request | share | |\n|---|---|---|")
    for key, w in counter.most_common(top):
        print(f"| {w / n:,.0f} | {100 * w / total:.1f} % | {key} |")
print(f"sampled allocation: {total / n:,.0f} bytes/request ({len(events)} samples)")
show("by class", by_class)
show("by allocating frame", by_frame)
show("by the nearest io.nott frame", by_own)
PY
