#!/usr/bin/env python3
"""Acceptance figures of issue #17 on loopback: with --units units loaded, how long one change
takes to reach every edge (p50/p99 over --changes changes), and how long a bulk apply of all
units takes to reach every edge, plus the skew between edges (first to last edge on the version).

Starts its own 6-node Redis Cluster (fanout.py's), the packaged registry and --edges edge nodes
(target/quarkus-app/quarkus-run.jar of unit-registry and edge-node: build them first with
./mvnw -B -o -pl unit-registry,edge-node -am package -DskipTests), on free ports, and stops
everything at the end. "Reaches an edge" = the edge's readiness data reports the version
(GET /q/health/ready, polled every 2 ms per edge from one thread each; every 20 ms for the bulk). Units are scoped to
other hosts (h<i>.example), as the tenants of issue #17.

Before the bulk, --warm-up single changes (not measured) run the registry's and the edges' single-change
code once: otherwise the first measured change is also the first write of the registry's JVM (class
loading, interpreted code), which is what a just-started process costs, not what a change costs.
The first measured change after the bulk is printed apart.

usage: sync-scale.py [--units 10000] [--changes 100] [--edges 2] [--warm-up 5]
"""
import argparse
import http.client as httpclient
import json
import re
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fanout import Cluster  # noqa: E402

# SYNC_SCALE_ROOT: where <module>/target/quarkus-app lives, if not this checkout (e.g. a copy of the
# packaged apps, so that a build running meanwhile cannot replace the jars under the benchmark).
ROOT = os.environ.get("SYNC_SCALE_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOKEN = "bench-editor-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": "Bearer " + TOKEN, "Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.status, json.loads(r.read() or b"null"), r.headers


def edge_version(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=5) as r:
            doc = json.loads(r.read())
    except urllib.error.HTTPError as e:
        doc = json.loads(e.read())
    except OSError:
        return -1
    for check in doc.get("checks", []):
        if check.get("name", "").startswith("Computing units"):
            return check.get("data", {}).get("version", -1)
    return -1


def kept_alive_version(conn):
    """The version in an edge's readiness data over a kept-alive connection (a new TCP connection per
    poll cost the loaded machine more than the syncs being measured); -1 when it does not answer."""
    try:
        conn.request("GET", "/q/health/ready")
        doc = json.loads(conn.getresponse().read())
    except (OSError, httpclient.HTTPException, ValueError):
        conn.close()
        return -1
    for check in doc.get("checks", []):
        if check.get("name", "").startswith("Computing units"):
            return check.get("data", {}).get("version", -1)
    return -1


def await_all(edges, version, started, deadline_s=120, every_s=0.002):
    """Seconds from `started` until each edge reports `version` (one poller thread per edge, a poll every `every_s`)."""
    reached = {}

    def poll(port):
        end = time.time() + deadline_s
        conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            while time.time() < end:
                if kept_alive_version(conn) >= version:
                    reached[port] = time.perf_counter() - started
                    return
                time.sleep(every_s)
        finally:
            conn.close()

    threads = [threading.Thread(target=poll, args=(p,)) for p in edges]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [reached.get(p, float("inf")) for p in edges]


def start(module, env, log):
    jar = os.path.join(ROOT, module, "target", "quarkus-app", "quarkus-run.jar")
    if not os.path.exists(jar):
        sys.exit(f"{jar} missing: build with ./mvnw -B -o -pl unit-registry,edge-node -am package -DskipTests")
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    return subprocess.Popen([java, "-jar", jar], cwd=os.path.join(ROOT, module), env={**os.environ, **env},
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)


def cpu_seconds(pid):
    """User + system CPU seconds a process has used (/proc/<pid>/stat), or 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def threads_cpu(pid):
    """CPU seconds per thread name (digits folded: 'C2 CompilerThread0' and '1' count together) of a process."""
    out = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        name = re.sub(r"\d+", "N", raw[raw.index("(") + 1:raw.rindex(")")])
        fields = raw.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def cpu_of(procs):
    return {name: cpu_seconds(p.pid) for name, p in procs}


def pct(xs, p):
    return xs[min(len(xs) - 1, int(len(xs) * p))]


STAGES = re.compile(r"Applied units version (\d+) from redis(?: \(\d+ changed\))?: .*?; (commit -> push received (\S+) ms, "
                    r"received -> swapped (\d+) ms|no push received for it yet); stages: (.*) ms$")


def print_stages(work, edges, what, wanted):
    """Per stage p50/p99 (ms) over the edges' sync log lines of the versions `wanted` accepts (UnitSync logs
    each sync's stages: queued, probe, fetch, decode, build, prepare; and commit -> push received)."""
    stages = {}
    for i in range(edges):
        with open(f"{work}/edge-{i}.log") as log:
            for line in log:
                m = STAGES.search(line.rstrip())
                if not m or not wanted(int(m.group(1))):
                    continue
                if m.group(3) not in (None, "?"):
                    stages.setdefault("commit->push received", []).append(float(m.group(3)))
                if m.group(4) is not None:
                    stages.setdefault("push received->swapped", []).append(float(m.group(4)))
                    if m.group(3) != "?":
                        stages.setdefault("commit->swapped", []).append(float(m.group(3)) + float(m.group(4)))
                for part in m.group(5).split(", "):
                    name, ms = part.rsplit(" ", 1)
                    stages.setdefault(name, []).append(float(ms))
    print(f"  edge sync stages, {what} ({sum(1 for _ in stages.get('prepare', []))} syncs on {edges} edges), ms p50/p99/max: "
          + "; ".join(f"{k} {pct(sorted(v), 0.5):.1f}/{pct(sorted(v), 0.99):.1f}/{max(v):.1f}" for k, v in stages.items()),
          flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=10000)
    ap.add_argument("--changes", type=int, default=100)
    ap.add_argument("--edges", type=int, default=2)
    ap.add_argument("--warm-up", type=int, default=5, help="unmeasured single changes before the bulk")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="sync-scale-")
    cluster = Cluster()
    procs = []
    try:
        cluster.start()
        hosts = ",".join(f"redis://127.0.0.1:{p}" for p in cluster.ports)
        reg = free_port()
        # The bulk apply's staging/commit timings are logged at DEBUG (BulkStaging); printed below.
        procs.append(start("unit-registry", {"QUARKUS_HTTP_PORT": str(reg), "QUARKUS_REDIS_HOSTS": hosts,
                                             "REGISTRY_AUTH_EDITOR_TOKENS": "bench:" + TOKEN,
                                             "QUARKUS_LOG_CATEGORY__IO_NOTT_REGISTRY_UNIT_REPOSITORY__LEVEL": "DEBUG"},
                           f"{work}/registry.log"))
        edges = []
        for i in range(a.edges):
            port = free_port()
            edges.append(port)
            procs.append(start("edge-node", {"QUARKUS_HTTP_PORT": str(port), "QUARKUS_REDIS_HOSTS": hosts,
                                             "EDGE_NODE_ID": f"bench-edge-{i}",
                                             "EDGE_SYNC_SNAPSHOT_FILE": f"{work}/edge-{i}/units-snapshot.json"},
                               f"{work}/edge-{i}.log"))
        R = f"http://127.0.0.1:{reg}/api/v1"
        for _ in range(600):
            try:
                http("GET", R + "/units")
                if all(edge_version(p) >= 0 for p in edges):
                    break
            except OSError:
                pass
            time.sleep(0.5)
        print(f"# {a.units} units, {a.edges} edges {edges}, registry {reg}, logs in {work}; "
              f"loadavg {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

        warm_ms = []
        for w in range(a.warm_up):
            t = time.perf_counter()
            _, view, _ = http("PUT", f"{R}/units/warm-up", {"phase": "access", "hosts": ["warm-up.example"],
                                                            "code": f"-- warm-up {w}\nreturn"})
            warm_ms.append(max(await_all(edges, view["version"], t, deadline_s=120)) * 1000)
        if warm_ms:
            print(f"warm-up: {a.warm_up} single changes before the bulk, not measured: "
                  f"{', '.join(f'{x:.0f}' for x in warm_ms)} ms", flush=True)

        units = [{"id": f"t{i:05d}", "phase": "access", "hosts": [f"h{i}.example"],
                  "code": f"if ngx.var.arg_t{i} == 'x' then return ngx.exit(403) end"} for i in range(a.units)]
        _, exported, _ = http("GET", R + "/units/export")
        # CPU seconds each process spends on the bulk: what the bulk costs whatever the machine's
        # load (on a loaded machine the wall time is mostly waiting for a core).
        named = [("registry", procs[0])] + [(f"edge-{i}", p) for i, p in enumerate(procs[1:])] + \
                [(f"redis-{i}", p) for i, p in enumerate(cluster.procs)]
        cpu_before = cpu_of(named)
        edge_threads_before = threads_cpu(procs[1].pid)
        t0 = time.perf_counter()
        status, applied, _ = http("PUT", R + "/units", {"units": units}, {"If-Match": f'"{exported["version"]}"'})
        answered = time.perf_counter() - t0
        # Polled every 20 ms, not 2: 500 readiness requests a second per edge took CPU from the
        # syncs being measured, and 20 ms is under 1 % of the 5 s target.
        reached = await_all(edges, applied["version"], t0, deadline_s=300, every_s=0.02)
        cpu_after = cpu_of(named)
        edge_threads = threads_cpu(procs[1].pid)
        edge_threads = {k: v - edge_threads_before.get(k, 0.0) for k, v in edge_threads.items()}
        used = {k: cpu_after[k] - cpu_before[k] for k in cpu_before}
        print(f"bulk apply of {len(applied['created'])} created / {len(applied['updated'])} updated units: "
              f"PUT answered in {answered * 1000:.0f} ms; on every edge after {max(reached) * 1000:.0f} ms "
              f"(per edge: {', '.join(f'{r * 1000:.0f}' for r in reached)} ms; skew {(max(reached) - min(reached)) * 1000:.0f} ms); "
              f"loadavg {os.getloadavg()[0]:.1f}", flush=True)
        print(f"  CPU used by the bulk (PUT sent -> every edge serves it), s: registry {used['registry']:.2f}, "
              + ", ".join(f"{k} {v:.2f}" for k, v in used.items() if k.startswith("edge"))
              + f", redis (6 nodes) {sum(v for k, v in used.items() if k.startswith('redis')):.2f}; "
              f"total {sum(used.values()):.2f} s on {os.cpu_count()} cores", flush=True)
        print("  edge-0's CPU by thread, s: " + ", ".join(f"{k} {v:.2f}" for k, v in
              sorted(edge_threads.items(), key=lambda kv: -kv[1]) if v >= 0.05), flush=True)
        with open(f"{work}/registry.log") as log:
            for line in log:
                if "Bulk apply" in line:
                    print("  registry: " + line.strip().split("] ", 1)[-1], flush=True)

        print_stages(work, a.edges, "bulk", lambda v: v == applied["version"])

        single, skews, answered_ms = [], [], []
        first_single = None
        for c in range(a.changes):
            uid = f"t{(c * 37) % a.units:05d}"
            t = time.perf_counter()
            _, view, _ = http("PUT", f"{R}/units/{uid}", {"phase": "access", "hosts": [f"h{uid}.example"],
                                                          "code": f"-- change {c}\nreturn"})
            answered_ms.append((time.perf_counter() - t) * 1000)
            first_single = first_single or view["version"]
            reached = await_all(edges, view["version"], t, deadline_s=60)
            single.append(max(reached) * 1000)
            skews.append((max(reached) - min(reached)) * 1000)
        print(f"first change after the bulk: {single[0]:.0f} ms (PUT answered {answered_ms[0]:.0f} ms)", flush=True)
        single.sort()
        skews.sort()
        answered_ms.sort()

        print(f"single change (PUT sent -> every edge serves it), {a.changes} changes among {a.units} units: "
              f"p50 {pct(single, 0.5):.0f} ms, p99 {pct(single, 0.99):.0f} ms, max {single[-1]:.0f} ms; "
              f"edge skew p50 {pct(skews, 0.5):.0f} ms, p99 {pct(skews, 0.99):.0f} ms, max {skews[-1]:.0f} ms; "
              f"PUT answered p50 {pct(answered_ms, 0.5):.0f} ms, p99 {pct(answered_ms, 0.99):.0f} ms; "
              f"loadavg {os.getloadavg()[0]:.1f}", flush=True)
        print_stages(work, a.edges, "single changes", lambda v: v >= first_single)
        for i, p in enumerate(edges):
            with urllib.request.urlopen(f"http://127.0.0.1:{p}/q/metrics", timeout=10) as r:
                for line in r.read().decode().splitlines():
                    if line.startswith(("edge_units_sync_fetched_units_total", "edge_units_sync_full_total",
                                        "edge_units_propagation_seconds_count", "edge_units_propagation_seconds_sum", "jvm_memory_used_bytes{area=\"heap\"")):
                        print(f"  edge {i}: {line}")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
