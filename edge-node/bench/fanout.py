#!/usr/bin/env python3
"""Fan-out simulation (issue #17): how a change reaches many edges, measured on loopback.

Starts its own 6-node Redis Cluster (3 masters, 3 replicas) on free ports, loads --units unit
hashes, then for each number of simulated edges and each design opens one subscription and one
data connection per edge (raw RESP over asyncio, one process), publishes --changes changes and
measures, per edge and change, publish -> message received -> fetch done. Redis CPU is the sum
of used_cpu_user+used_cpu_sys (INFO CPU) over all nodes, and of the {cu} slot's master alone,
per change.

Designs:
  full      what the edge did before #17: every edge subscribes on the first node of its list
            (the same node for the whole fleet) and on each change reads every unit
            (SMEMBERS + HGETALL each) from the {cu} master.
  delta     what #17 does: each edge subscribes on a random node (PUBLISH is broadcast over the
            cluster bus, so delivery is spread over all 6 nodes), the message lists the changed
            ids and the edge reads only those from the {cu} master.
  sharded   SPUBLISH/SSUBSCRIBE on {cu}:changes: subscribers on the {cu} shard only (master and
            its replica), changed ids read from that replica (READONLY).

The simulated edges are Python coroutines in one process: at 1,000 edges the client side (one
core, shared with the cluster) is part of what is measured, so the figures are an upper bound
for propagation; Redis CPU is Redis' own.

usage: fanout.py [--edges 100,500,1000] [--designs full,delta,sharded] [--units 200] [--changes 20]
"""
import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port_base(count):
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + count + 10000 >= 65535:
            continue
        ok = True
        for p in list(range(base, base + count)) + [p + 10000 for p in range(base, base + count)]:
            with socket.socket() as t:
                try:
                    t.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base


def cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, check=True).stdout


class Cluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="fanout-")
        self.base = free_port_base(6)
        self.ports = list(range(self.base, self.base + 6))
        self.procs = []

    def start(self):
        for p in self.ports:
            d = os.path.join(self.dir, str(p))
            os.makedirs(d)
            self.procs.append(subprocess.Popen(["redis-server", "--port", str(p), "--cluster-enabled", "yes",
                                                "--cluster-config-file", "nodes.conf", "--dir", d, "--save", "",
                                                "--appendonly", "no", "--maxclients", "10000", "--bind", "127.0.0.1"],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for p in self.ports:
            for _ in range(100):
                try:
                    if cli(p, "PING").strip() == "PONG":
                        break
                except subprocess.CalledProcessError:
                    pass
                time.sleep(0.1)
        subprocess.run(["redis-cli", "--cluster", "create", *[f"127.0.0.1:{p}" for p in self.ports],
                        "--cluster-replicas", "1", "--cluster-yes"], capture_output=True, check=True)
        for _ in range(200):
            if all("cluster_state:ok" in cli(p, "CLUSTER", "INFO") for p in self.ports):
                break
            time.sleep(0.1)
        slot = int(cli(self.ports[0], "CLUSTER", "KEYSLOT", "{cu}").strip())
        self.master = self.replica = None
        for line in cli(self.ports[0], "CLUSTER", "NODES").splitlines():
            f = line.split()
            port = int(f[1].split("@")[0].split(":")[1])
            if "master" in f[2] and any(self._in(slot, r) for r in f[8:]):
                self.master, master_id = port, f[0]
        for _ in range(300):  # replicas show up in CLUSTER NODES a little after the cluster is ok
            for line in cli(self.ports[0], "CLUSTER", "NODES").splitlines():
                f = line.split()
                if "slave" in f[2] and f[3] == master_id:
                    self.replica = int(f[1].split("@")[0].split(":")[1])
            if self.replica:
                break
            time.sleep(0.1)
        for _ in range(100):  # the replica must have synced before it can serve reads
            if "master_link_status:up" in cli(self.replica, "INFO", "REPLICATION"):
                break
            time.sleep(0.1)

    @staticmethod
    def _in(slot, r):
        if r.startswith("["):
            return False
        a, _, b = r.partition("-")
        return int(a) <= slot <= int(b or a)

    def cpu(self, ports=None):
        total = 0.0
        for p in ports or self.ports:
            for line in cli(p, "INFO", "CPU").splitlines():
                if line.startswith("used_cpu_sys:") or line.startswith("used_cpu_user:"):
                    total += float(line.split(":")[1])
        return total

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def resp(*args):
    out = [f"*{len(args)}\r\n".encode()]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(f"${len(b)}\r\n".encode() + b + b"\r\n")
    return b"".join(out)


async def read_reply(reader):
    line = await reader.readline()
    t, rest = line[:1], line[1:-2]
    if t in (b"+", b"-", b":"):
        return rest
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = await reader.readexactly(n + 2)
        return data[:-2]
    if t in (b"*", b">"):
        n = int(rest)
        return [await read_reply(reader) for _ in range(max(n, 0))]
    raise ValueError(f"unexpected RESP {line!r}")


class Edge:
    """One simulated edge: a subscription connection and a data connection."""

    def __init__(self, design, cluster, index, units, received):
        self.design, self.cluster, self.index, self.units, self.received = design, cluster, index, units, received

    async def start(self):
        if self.design == "full":
            sub_port, data_port = self.cluster.ports[0], self.cluster.master
        elif self.design == "delta":
            sub_port, data_port = self.cluster.ports[self.index % 6], self.cluster.master
        else:
            shard = [self.cluster.master, self.cluster.replica]
            sub_port, data_port = shard[self.index % 2], self.cluster.replica
        self.sr, self.sw = await asyncio.open_connection("127.0.0.1", sub_port)
        self.dr, self.dw = await asyncio.open_connection("127.0.0.1", data_port)
        if self.design == "sharded":
            self.dw.write(resp("READONLY"))
            await read_reply(self.dr)
            self.sw.write(resp("SSUBSCRIBE", "{cu}:changes"))
        else:
            self.sw.write(resp("SUBSCRIBE", "cu:changes"))
        await read_reply(self.sr)
        self.task = asyncio.create_task(self.loop())

    async def loop(self):
        while True:
            msg = await read_reply(self.sr)
            got = time.perf_counter()
            if not isinstance(msg, list) or msg[0] not in (b"message", b"smessage"):
                continue
            notice = json.loads(msg[2])
            if self.design == "full":
                self.dw.write(resp("SMEMBERS", "{cu}:units"))
                ids = await read_reply(self.dr)
                self.dw.write(b"".join(resp("HGETALL", b"{cu}:unit:" + i) for i in ids))
                for _ in ids:
                    await read_reply(self.dr)
            else:
                self.dw.write(b"".join(resp("HGETALL", "{cu}:unit:" + i) for i in notice["units"]))
                for _ in notice["units"]:
                    await read_reply(self.dr)
            self.received.append((notice["version"], got, time.perf_counter()))

    async def close(self):
        self.task.cancel()
        for w in (self.sw, self.dw):
            w.close()


async def run(cluster, design, edges, changes, units):
    received = []
    fleet = [Edge(design, cluster, i, units, received) for i in range(edges)]
    for i in range(0, edges, 100):
        await asyncio.gather(*(e.start() for e in fleet[i:i + 100]))
    pr, pw = await asyncio.open_connection("127.0.0.1", cluster.master)
    await asyncio.sleep(0.5)
    sent = {}
    cpu0, cpu_master0 = cluster.cpu(), cluster.cpu([cluster.master])
    for c in range(changes):
        version = c + 1
        unit = f"u{c % units}"
        pw.write(resp("HSET", "{cu}:unit:" + unit, "code", f"-- change {version}"))
        await read_reply(pr)
        notice = json.dumps({"version": version, "units": [unit], "dicts": False})
        sent[version] = time.perf_counter()
        pw.write(resp("SPUBLISH" if design == "sharded" else "PUBLISH",
                      "{cu}:changes" if design == "sharded" else "cu:changes", notice))
        await read_reply(pr)
        deadline = time.perf_counter() + 30
        while sum(1 for v, _, _ in received if v == version) < edges and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        await asyncio.sleep(0.05)
    cpu1, cpu_master1 = cluster.cpu(), cluster.cpu([cluster.master])
    pw.close()
    for e in fleet:
        await e.close()
    delivered = sorted((got - sent[v]) * 1000 for v, got, _ in received)
    done = sorted((fin - sent[v]) * 1000 for v, _, fin in received)
    missing = edges * changes - len(received)

    def pct(xs, p):
        return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")

    return {"design": design, "edges": edges, "changes": changes, "missing": missing,
            "recv_p50_ms": pct(delivered, 0.5), "recv_p99_ms": pct(delivered, 0.99),
            "done_p50_ms": pct(done, 0.5), "done_p99_ms": pct(done, 0.99),
            "redis_cpu_ms_per_change": (cpu1 - cpu0) * 1000 / changes,
            "cu_master_cpu_ms_per_change": (cpu_master1 - cpu_master0) * 1000 / changes}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edges", default="100,500,1000")
    ap.add_argument("--designs", default="full,delta,sharded")
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--changes", type=int, default=20)
    a = ap.parse_args()
    cluster = Cluster()
    try:
        cluster.start()
        for i in range(a.units):
            cli(cluster.master, "HSET", f"{{cu}}:unit:u{i}", "id", f"u{i}", "phase", "access", "code", "-- unit")
        cli(cluster.master, "SADD", "{cu}:units", *[f"u{i}" for i in range(a.units)])
        print(f"# cluster {cluster.ports}, {{cu}} master {cluster.master}, replica {cluster.replica}, "
              f"{a.units} units, loadavg {os.getloadavg()[0]:.1f}", flush=True)
        print("design  edges  recv_p50  recv_p99  done_p50  done_p99  redis_cpu/change  cu_master_cpu/change  missing  loadavg")
        for n in [int(x) for x in a.edges.split(",")]:
            for d in a.designs.split(","):
                r = asyncio.run(run(cluster, d, n, a.changes, a.units))
                print(f"{d:7} {n:6} {r['recv_p50_ms']:8.1f}ms {r['recv_p99_ms']:7.1f}ms {r['done_p50_ms']:7.1f}ms "
                      f"{r['done_p99_ms']:7.1f}ms {r['redis_cpu_ms_per_change']:12.1f}ms {r['cu_master_cpu_ms_per_change']:16.1f}ms "
                      f"{r['missing']:8} {os.getloadavg()[0]:7.1f}", flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
