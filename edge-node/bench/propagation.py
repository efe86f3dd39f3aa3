#!/usr/bin/env python3
"""Times how long a unit change takes to show at the edge.

Each round writes a unit in the registry's format (hash + index + version bump, then PUBLISH on
cu:changes, as the registry does) straight into Redis and polls the edge until its answer carries
the new value. Prints p50/p99/max over all rounds. With --no-push the PUBLISH is left out, which
measures the jittered poll fallback instead.

Usage: propagation.py REDIS_PORT EDGE_PORT [--rounds N] [--no-push]
"""
import argparse, http.client, random, socket, statistics, time

def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out

def read_reply(f):
    line = f.readline()
    kind, rest = line[:1], line[1:-2]
    if kind in b"+:":
        return rest
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b"$":
        n = int(rest)
        return None if n < 0 else f.read(n + 2)[:-2]
    if kind == b"*":
        return [read_reply(f) for _ in range(int(rest))]
    raise RuntimeError("unexpected reply %r" % line)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("redis_port", type=int)
    p.add_argument("edge_port", type=int)
    p.add_argument("--rounds", type=int, default=200)
    p.add_argument("--no-push", action="store_true")
    a = p.parse_args()
    r = socket.create_connection(("127.0.0.1", a.redis_port))
    rf = r.makefile("rb")
    edge = http.client.HTTPConnection("127.0.0.1", a.edge_port, timeout=10)
    samples = []
    for i in range(1, a.rounds + 1):
        marker = "m%d-%d" % (i, random.randrange(1 << 30))
        code = "ngx.header['X-Prop'] = '%s'" % marker
        t0 = time.perf_counter()
        cmds = [resp("HSET", "{cu}:unit:prop", "id", "prop", "phase", "header_filter", "code", code),
                resp("SADD", "{cu}:units", "prop"),
                resp("INCR", "{cu}:version")]
        r.sendall(b"".join(cmds))
        replies = [read_reply(rf) for _ in cmds]
        if not a.no_push:
            r.sendall(resp("PUBLISH", "cu:changes", replies[2].decode()))
            read_reply(rf)
        while True:
            edge.request("GET", "/hls/live.m3u8")
            res = edge.getresponse()
            res.read()
            if res.getheader("X-Prop") == marker:
                break
            if time.perf_counter() - t0 > 30:
                raise SystemExit("round %d: the edge did not show the change within 30 s" % i)
        samples.append((time.perf_counter() - t0) * 1000)
        time.sleep(random.uniform(0.02, 0.05))
    samples.sort()
    q = lambda f: samples[min(len(samples) - 1, int(round(f * (len(samples) - 1))))]
    mode = "poll only (no PUBLISH)" if a.no_push else "push (PUBLISH on cu:changes)"
    print("| %s | %d | %.1f | %.1f | %.1f |" % (mode, len(samples), q(0.5), q(0.99), samples[-1]))

if __name__ == "__main__":
    main()
