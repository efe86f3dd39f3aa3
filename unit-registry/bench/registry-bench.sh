#!/usr/bin/env bash
# Measures a running registry with wrk: list, create (one transaction + publish each), dry run.
# Usage: unit-registry/bench/registry-bench.sh [seconds]   (default 10 per scenario)
#   REGISTRY_URL   default http://127.0.0.1:8081
#   REGISTRY_TOKEN default: the token ./platform up generated in .platform/registry-token
# Writes bench-* units; they are deleted again at the end (by id, one request each).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
url=${REGISTRY_URL:-http://127.0.0.1:8081}
token=${REGISTRY_TOKEN:-$(cat "$root/.platform/registry-token" 2>/dev/null || true)}
seconds=${1:-10}
[ -n "$token" ] || { echo "set REGISTRY_TOKEN (an editor token)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
export REGISTRY_TOKEN=$token
run_id=$(date +%s)
export BENCH_RUN=$run_id

echo "== GET /api/v1/units (list with ETag), 4 connections, ${seconds}s"
curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"phase":"access","code":"local a = 1"}' "$url/api/v1/units/bench-seed-$run_id"
wrk -t2 -c4 -d"${seconds}s" --latency -s "$here/wrk-auth.lua" "$url/api/v1/units" | grep -E 'Requests/sec|50%|99%|Non-2xx'

echo "== PUT /api/v1/units/{id} (create: WATCH/MULTI/EXEC + PUBLISH), 4 connections, ${seconds}s"
wrk -t2 -c4 -d"${seconds}s" --latency -s "$here/wrk-put.lua" "$url" | grep -E 'Requests/sec|50%|99%|Non-2xx'

echo "== POST /api/v1/units/test (dry run of an access unit), 4 connections, ${seconds}s"
wrk -t2 -c4 -d"${seconds}s" --latency -s "$here/wrk-dryrun.lua" "$url/api/v1/units/test" | grep -E 'Requests/sec|50%|99%|Non-2xx'

echo "== cleaning up bench units"
curl -fsS -H "Authorization: Bearer $token" "$url/api/v1/units" \
  | grep -o "\"id\":\"bench-[^\"]*$run_id[^\"]*\"" | cut -d'"' -f4 | sort -u \
  | while read -r id; do curl -fsS -o /dev/null -X DELETE -H "Authorization: Bearer $token" "$url/api/v1/units/$id"; done
echo "done"
