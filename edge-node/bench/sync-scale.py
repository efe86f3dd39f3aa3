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
The first measured change after the bulk is printed apart. --bulks 2 (the default) applies the set a
second time with every unit's code changed: the first apply is also each JVM's first run of the full-read
and bulk code (class loading, the JIT's compilations), the second what a bulk costs a running fleet.

The edges run with the JVM options the edge ships with: ./platform's default (Parallel GC, a fixed
512 MiB heap), or PLATFORM_EDGE_JVM_OPTIONS when set, as ./platform reads it (e.g. "-XX:+UseG1GC" to
measure the JVM's default collector). The edges used to run with the JVM's defaults (G1, a heap
sized from the machine), which measured something no node runs. Extra JVM options (e.g. a JDK 25
AOT cache: -XX:AOTCache=... or, for a training run, -XX:AOTCacheOutput=...) come from
SYNC_SCALE_REGISTRY_JVM and SYNC_SCALE_EDGE_JVM (split on spaces, after the shipped ones; {i} in the
edge's options is the edge's number).

usage: sync-scale.py [--units 10000] [--changes 100] [--edges 2] [--warm-up 5] [--bulks 2]
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
from fanout import Cluster, cli  # noqa: E402

# SYNC_SCALE_ROOT: where <module>/target/quarkus-app lives, if not this checkout (e.g. a copy of the
# packaged apps, so that a build running meanwhile cannot replace the jars under the benchmark).
ROOT = os.environ.get("SYNC_SCALE_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOKEN = "bench-editor-token"


def shipped_edge_jvm():
    """The edge's JVM options as ./platform passes them: PLATFORM_EDGE_JVM_OPTIONS, else its default
    (read from ./platform, so that the bench follows what ships)."""
    if "PLATFORM_EDGE_JVM_OPTIONS" in os.environ:
        return os.environ["PLATFORM_EDGE_JVM_OPTIONS"].split()
    platform = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "platform")
    with open(platform) as f:
        m = re.search(r'^EDGE_JVM_OPTIONS=\$\{PLATFORM_EDGE_JVM_OPTIONS:-"([^"]*)"\}', f.read(), re.M)
    if not m:
        sys.exit(f"{platform} no longer sets EDGE_JVM_OPTIONS as this bench expects: update shipped_edge_jvm()")
    return m.group(1).split()


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


def start(module, env, log, jvm=()):
    jar = os.path.join(ROOT, module, "target", "quarkus-app", "quarkus-run.jar")
    if not os.path.exists(jar):
        sys.exit(f"{jar} missing: build with ./mvnw -B -o -pl unit-registry,edge-node -am package -DskipTests")
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    return subprocess.Popen([java, *jvm, "-jar", jar], cwd=os.path.join(ROOT, module), env={**os.environ, **env},
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


def command_calls(port):
    """Commands a Redis node has run, by name (INFO commandstats), without the INFO calls that read them."""
    calls = {}
    for line in cli(port, "INFO", "COMMANDSTATS").splitlines():
        m = re.match(r"cmdstat_([^:]+):calls=(\d+)", line)
        if m and m.group(1) != "info":
            calls[m.group(1)] = int(m.group(2))
    return calls


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


def bulk(R, edges, procs, named, work, count, round_):
    """One bulk apply of `count` units (round 0 creates them, a later round rewrites every unit's code),
    printed with the CPU each process spent on it; answers the apply's JSON."""
    units = [{"id": f"t{i:05d}", "phase": "access", "hosts": [f"h{i}.example"],
              "code": f"if ngx.var.arg_t{i} == 'x' then return ngx.exit(403) end"
                      + ("" if round_ == 0 else f" -- bulk {round_}")} for i in range(count)]
    _, exported, _ = http("GET", R + "/units/export")
    # CPU seconds each process spends on the bulk: what the bulk costs whatever the machine's
    # load (on a loaded machine the wall time is mostly waiting for a core).
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
    print(f"bulk {round_ + 1}: apply of {len(applied['created'])} created / {len(applied['updated'])} updated units: "
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
        applies = [line for line in log if "Bulk apply" in line]
    if applies:  # this apply's lines: the last ones (BulkStaging's DEBUG line, then UnitService's)
        for line in applies[-2:]:
            print("  registry: " + line.strip().split("] ", 1)[-1], flush=True)

    print_stages(work, len(edges), "bulk", lambda v: v == applied["version"])
    return applied


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=10000)
    ap.add_argument("--changes", type=int, default=100)
    ap.add_argument("--edges", type=int, default=2)
    ap.add_argument("--warm-up", type=int, default=5, help="unmeasured single changes before the bulk")
    ap.add_argument("--poll-ms", type=float, default=2,
                    help="how often each edge's readiness is polled during the single changes (each poll costs the "
                         "edge CPU: see 'CPU per single change')")
    ap.add_argument("--bulks", type=int, default=2,
                    help="bulk applies of all units: the first creates them (the edges' first full read of a set "
                         "that size: class loading and the JIT included), each later one rewrites every unit")
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
                           f"{work}/registry.log", os.environ.get("SYNC_SCALE_REGISTRY_JVM", "").split()))
        edges = []
        edge_jvm = shipped_edge_jvm()
        for i in range(a.edges):
            port = free_port()
            edges.append(port)
            procs.append(start("edge-node", {"QUARKUS_HTTP_PORT": str(port), "QUARKUS_REDIS_HOSTS": hosts,
                                             "EDGE_NODE_ID": f"bench-edge-{i}",
                                             "EDGE_SYNC_SNAPSHOT_FILE": f"{work}/edge-{i}/units-snapshot.json"},
                               f"{work}/edge-{i}.log",
                               edge_jvm + os.environ.get("SYNC_SCALE_EDGE_JVM", "").replace("{i}", str(i)).split()))
        R = f"http://127.0.0.1:{reg}/api/v1"
        for _ in range(600):
            try:
                http("GET", R + "/units")
                if all(edge_version(p) >= 0 for p in edges):
                    break
            except OSError:
                pass
            time.sleep(0.5)
        print(f"# {a.units} units, {a.edges} edges {edges} (JVM: {' '.join(edge_jvm)}), registry {reg}, logs in {work}; "
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

        named = [("registry", procs[0])] + [(f"edge-{i}", p) for i, p in enumerate(procs[1:])] + \
                [(f"redis-{i}", p) for i, p in enumerate(cluster.procs)]
        for b in range(a.bulks):
            applied = bulk(R, edges, procs, named, work, a.units, b)
        single, skews, answered_ms = [], [], []
        first_single = None
        cpu_before, bench_before = cpu_of(named), os.times()
        calls_before, loop_started = command_calls(cluster.master), time.perf_counter()
        for c in range(a.changes):
            uid = f"t{(c * 37) % a.units:05d}"
            t = time.perf_counter()
            _, view, _ = http("PUT", f"{R}/units/{uid}", {"phase": "access", "hosts": [f"h{uid}.example"],
                                                          "code": f"-- change {c}\nreturn"})
            answered_ms.append((time.perf_counter() - t) * 1000)
            first_single = first_single or view["version"]
            reached = await_all(edges, view["version"], t, deadline_s=60, every_s=a.poll_ms / 1000)
            single.append(max(reached) * 1000)
            skews.append((max(reached) - min(reached)) * 1000)
        cpu_after, bench_after = cpu_of(named), os.times()
        calls_after, loop_s = command_calls(cluster.master), time.perf_counter() - loop_started
        per_change = {k: (v - calls_before.get(k, 0)) / a.changes for k, v in calls_after.items()
                      if v - calls_before.get(k, 0) > 0}
        print(f"commands on the {{cu}} master per single change: {sum(per_change.values()):.1f} ("
              + ", ".join(f"{k} {v:.1f}" for k, v in sorted(per_change.items(), key=lambda kv: -kv[1]))
              + f"); includes the edges' polls and heartbeats over the {loop_s:.1f} s of changes", flush=True)
        used = {k: (cpu_after[k] - cpu_before[k]) * 1000 / a.changes for k in cpu_before}
        # The bench's own share: its readiness polls (every 2 ms per edge) compete with what they measure.
        bench_ms = (bench_after.user + bench_after.system - bench_before.user - bench_before.system) * 1000 / a.changes
        print(f"CPU per single change (ms): registry {used['registry']:.1f}, "
              + ", ".join(f"{k} {v:.1f}" for k, v in used.items() if k.startswith("edge"))
              + f", redis (6 nodes) {sum(v for k, v in used.items() if k.startswith('redis')):.1f}, "
              f"this bench (client, polls) {bench_ms:.1f}", flush=True)
        print(f"first change after the bulk: {single[0]:.0f} ms (PUT answered {answered_ms[0]:.0f} ms)", flush=True)
        single.sort()
        skews.sort()
        answered_ms.sort()

        print(f"single change (PUT sent -> every edge serves it), {a.changes} changes among {a.units} units: "
              f"p50 {pct(single, 0.5):.0f} ms, p99 {pct(single, 0.99):.0f} ms, max {single[-1]:.0f} ms; "
              f"edge skew p50 {pct(skews, 0.5):.0f} ms, p99 {pct(skews, 0.99):.0f} ms, max {skews[-1]:.0f} ms; "
              f"PUT answered p50 {pct(answered_ms, 0.5):.0f} ms, p99 {pct(answered_ms, 0.99):.0f} ms; "
              f"loadavg {os.getloadavg()[0]:.1f}", flush=True)
        print_stages(work, len(edges), "single changes", lambda v: v >= first_single)
        print_stages(work, len(edges), "first change after the bulk", lambda v: v == first_single)
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
