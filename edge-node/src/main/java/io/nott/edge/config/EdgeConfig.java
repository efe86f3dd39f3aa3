package io.nott.edge.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Settings of an edge node, under {@code edge.*}. */
@ConfigMapping(prefix = "edge")
public interface EdgeConfig {

    /** This node's name in heartbeats and metrics; the host name when absent. */
    Optional<String> nodeId();

    /** Routes by name: a path prefix and the upstream group it goes to. */
    Map<String, RouteConfig> routes();

    /** Upstream groups by name. */
    Map<String, UpstreamConfig> upstreams();

    /** The HTTP cache. */
    CacheConfig cache();

    /** How units reach this node from Redis. */
    SyncConfig sync();

    /** How units run. */
    UnitsConfig units();

    /** The node's shared dicts ({@code ngx.shared}), declared in the registry. */
    SharedDictsConfig sharedDicts();

    /** Bounds on the shared dicts of this node. */
    interface SharedDictsConfig {
        /**
         * Largest sum of the declared dict sizes this node gives heap to (nginx size syntax);
         * declarations past it (in name order) are refused with an error in the log and their
         * {@code ngx.shared.<name>} is nil. Default 256m.
         */
        @WithDefault("256m")
        String maxTotal();
    }

    /** Snapshot sync and heartbeat. */
    interface SyncConfig {

        /** Fallback poll of {@code {cu}:version} (and the legacy {@code coding_units}), with +-25% jitter; default 1s. Pushes on {@code cu:changes} are applied at once. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Where the last good snapshot is kept for starts with Redis down; default {@code ${java.io.tmpdir}/nott-edge/<node-id>/units-snapshot.json}. */
        Optional<String> snapshotFile();

        /** How often the heartbeat ({@code {cu}:edge:<node-id>}, read by the registry's GET /edges) is written; default 5s. */
        @WithDefault("5s")
        Duration heartbeatInterval();

        /** Lifetime of one heartbeat key; default 30s. */
        @WithDefault("30s")
        Duration heartbeatTtl();

        /**
         * Consecutive failed syncs after which the node reports itself {@code failing}: readiness
         * goes DOWN and the heartbeat says so (the registry's GET /api/v1/edges marks it
         * {@code behind}); the sync keeps trying and heals on the next success; default 5.
         */
        @WithDefault("5")
        int maxFailures();

        /**
         * How long the node may run an older version than one it has been told about (a push on
         * {@code cu:changes} or a polled {@code {cu}:version}) before it reports itself
         * {@code behind}: readiness DOWN until it catches up; default 30s.
         */
        @WithDefault("30s")
        Duration maxLag();
    }

    /** Unit execution. */
    interface UnitsConfig {

        /** Longest wait of one {@code edge_computing.redis_client} call before it returns nil and an error; default 250ms. */
        @WithDefault("250ms")
        Duration redisTimeout();

        /**
         * Request steps whose units wait only for Redis stay on their event loop, suspended while
         * they wait (unit-core's {@code LoopStep}), instead of moving to a virtual thread; default
         * true: no thread hop per call, and the command goes out on that loop's own pipelined
         * socket (a loop turn's commands written together, the reply read on the loop that sent it): the Redis
         * row served 1.42x main's req/s at load under 2 and cost 0.70-0.84 of its CPU per request
         * under load (edge-node README, "Rows 4 and 5, eighth pass", issue #21; a quiet profile
         * run is not settled); false moves such steps to a virtual thread.
         */
        @WithDefault("true")
        boolean redisOnLoop();

        /** Largest body a {@code body_filter} that calls {@code redis_client} may collect (it sees the body as one chunk); default 16M. */
        @WithDefault("16M")
        MemorySize maxFilteredBody();

        /**
         * Most {@code edge_computing.redis_client} commands of this node in flight at once (one
         * pipelined connection carries them all); one more returns {@code nil, "... refused ..."}
         * at once instead of queueing; default 512.
         */
        @WithDefault("512")
        int redisMaxInFlight();

        /**
         * A pipeline step runs off the event loop, on a virtual thread, while one of its units has
         * a recent cost above this (unit-core's {@code UnitCost}: a decaying high-water estimate of
         * the call duration), and inline again once below half of it; default 1ms.
         */
        @WithDefault("1ms")
        Duration offloadAbove();

        /**
         * Most such slow steps in flight off the event loop on this node; past it the step runs
         * inline without its slow units (outcome {@code overloaded}, their failure policy decides
         * 500 or continue) and readiness is DOWN while the bound is reached; default 256.
         */
        @WithDefault("256")
        int offloadMaxInFlight();

        /**
         * Most slow steps running at once off the event loop: the cores slow units may hold
         * together, so that the event loops keep the others for other traffic; the rest of the
         * {@code offload-max-in-flight} steps wait their turn in arrival order. Default: half the
         * cores, at least 1.
         */
        java.util.OptionalInt offloadConcurrency();

        /**
         * Longest a slow step waits for one of the {@code offload-concurrency} turns; a step that
         * would wait longer runs inline without its slow units (outcome {@code overloaded}, their
         * failure policy decides 500 or continue; {@code edge_units_offload_refused_total{reason="max-wait"}}).
         * Default 1s, as {@code max-redis-wait}: the other wait a unit call may spend outside its
         * budget, so no wait of the node's adds more than a second to a request; 0 never waits.
         */
        @WithDefault("1s")
        Duration offloadMaxWait();

        /**
         * Commands in flight and no reply from Redis for this long: the units' Redis connection
         * is dropped (failing what still waits on it) and reopened; default 5s.
         */
        @WithDefault("5s")
        Duration redisStuckAfter();

        /**
         * How long one unit call may wait for {@code redis_client} answers without it counting
         * against its wall-clock budget (each command is still bounded by redis-timeout); default 1s.
         */
        @WithDefault("1s")
        Duration maxRedisWait();

        /** Consecutive errors/timeouts of one unit that open its circuit breaker; default 5. */
        @WithDefault("5")
        int breakerFailureThreshold();

        /** How long an open breaker refuses calls before one trial call; default 10s. */
        @WithDefault("10s")
        Duration breakerCoolDown();

        /**
         * Most bytes {@code ngx.say}/{@code ngx.print} may write per request, and most bytes the
         * {@code body_filter} units of one response may produce (beyond it: 500 while nothing is
         * sent, else the connection is cut); default 16M.
         */
        @WithDefault("16M")
        MemorySize maxBody();

        /**
         * Largest request body the node reads for units that call {@code ngx.req.read_body} (or
         * {@code discard_body}), and largest body they may set: nginx's {@code client_max_body_size}.
         * The body is read into memory before the request phases, without blocking the event loop;
         * a larger one is refused with 413 (at once when its Content-Length says so). Requests for
         * which no unit reads the body stream it upstream unbuffered, unbounded by this; default 1M.
         */
        @WithDefault("1M")
        MemorySize clientMaxBodySize();

        /**
         * Most header values units may set on one request, and apart on its response (beyond it the
         * request ends in a 500); {@code Content-Length}, {@code Transfer-Encoding} and hop-by-hop
         * headers are the edge's and never taken from units; default 100.
         */
        @WithDefault("100")
        int maxHeaders();

        /** Most bytes of header names and values units may set on one request, and apart on its response; default 64K. */
        @WithDefault("64K")
        MemorySize maxHeaderBytes();

        /**
         * Share of the heap (0-1] that unit calls in flight on this node may reserve together;
         * each call reserves the sandbox's {@code max-allocated} before it runs (unit-core's
         * {@code MemoryAdmission}). A call that does not fit is not run (outcome
         * {@code overloaded}; its failure policy decides 500 or continue); default 0.5.
         */
        @WithDefault("0.5")
        double memoryShare();

        /**
         * How long a call on a virtual thread (a Redis-calling phase) may wait for unit memory to
         * free up; calls on the event loop never wait; default 5s, as long as redis-stuck-after:
         * the calls holding the memory are mostly waiting for Redis answers, which end within
         * that, so a short wait refused calls (and lost the seed counter's increments in the soak
         * and its failover) while no memory was at risk. A waiting virtual thread costs nothing.
         */
        @WithDefault("5s")
        Duration memoryMaxWait();

        /**
         * Units whose {@code edge_computing.redis_client} keys are isolated (issue #15): their keys
         * are prefixed with their id ({@code ui:<id>:}), so they cannot read or write another
         * unit's keys or the shared ones, nor can any other unit reach theirs. Unit ids, or
         * {@code *} for every unit; default none: every unit shares one namespace ({@code ud:}),
         * as the seed's units expect.
         */
        Optional<Set<String>> redisIsolated();

        /**
         * Key prefixes (as units write them, e.g. {@code config:}) whose {@code get}, {@code hget},
         * {@code sismember} and {@code smembers} are answered from this node's memory for up to
         * redis-read-cache-ttl after Redis answered (issue #21; semantics in {@code ReadThroughCache}:
         * another node's write is seen when the entry expires, this node's at once); default none:
         * every read goes to Redis.
         */
        Optional<List<String>> redisReadCachePrefixes();

        /** How old a cached read may be (edge.units.redis-read-cache-prefixes); default 1s. */
        @WithDefault("1s")
        Duration redisReadCacheTtl();

        /** Most keys the read cache holds; past it, expired entries and then all are dropped; default 10000. */
        @WithDefault("10000")
        int redisReadCacheMaxKeys();

        /** The Lua sandbox's resource limits (unit-core's {@code SandboxLimits}). */
        SandboxConfig sandbox();
    }

    /** unit-core's {@code SandboxLimits}; the defaults are unit-core's. */
    interface SandboxConfig {

        /** Nested Lua calls (pcall included) before "stack overflow"; protects the JVM stack; default 200. */
        @WithDefault("200")
        int maxCallDepth();

        /** Largest string one operation may build ({@code ..}, {@code string.rep}, {@code table.concat}, ...); default 16M. */
        @WithDefault("16M")
        MemorySize maxString();

        /** Memory one unit call may allocate in total before it is stopped; default 64M. */
        @WithDefault("64M")
        MemorySize maxAllocated();

        /** Most values {@code unpack}/{@code string.byte} may return (LuaJIT: about 8000); default 8000. */
        @WithDefault("8000")
        int maxUnpack();
    }

    /** One route. */
    interface RouteConfig {

        /** Path prefix, matched as whole segments ({@code /hls} matches {@code /hls/a.ts}, not {@code /hlsx}); the path is passed on unchanged. */
        String prefix();

        /** Name of the upstream group under {@code edge.upstreams}. */
        String upstream();

        /** Whether responses of this route go through the cache ({@code proxy_cache}); default true. */
        @WithDefault("true")
        boolean cache();

        /**
         * {@code proxy_cache_valid}: lifetimes by status for responses without freshness headers,
         * e.g. {@code 200 302=10m,404=1m,any=5s}; default none (only Cache-Control/Expires make a
         * response cacheable).
         */
        Optional<List<String>> cacheValid();

        /** {@code proxy_ignore_headers Cache-Control Expires}: the route's {@code cache-valid} always wins; default false. */
        @WithDefault("false")
        boolean cacheIgnoreHeaders();
    }

    /** One upstream group. */
    interface UpstreamConfig {

        /** Servers as {@code host:port}, used round-robin. */
        List<String> servers();

        /** Longest wait for a connection before answering 504; default 2s. */
        @WithDefault("2s")
        Duration connectTimeout();

        /** Longest silence from the upstream (head or body) before answering 504; default 30s. */
        @WithDefault("30s")
        Duration readTimeout();

        /** Failures that take a server out of rotation (nginx {@code max_fails}); default 1. Ignored for a lone server. */
        @WithDefault("1")
        int maxFails();

        /** How long a failed server stays out of rotation (nginx {@code fail_timeout}); default 10s. */
        @WithDefault("10s")
        Duration failTimeout();

        /** Keep-alive connections pooled per server; default 64. */
        @WithDefault("64")
        int keepalive();

        /** How long an idle pooled connection is kept; default 60s. */
        @WithDefault("60s")
        Duration keepaliveTimeout();

        /**
         * Further {@code host:port} peers a balancer unit may pick with
         * {@code ngx.balancer.set_current_peer} besides {@link #servers()}; default none. Nothing
         * else is ever connected to (a unit cannot make the edge a proxy to arbitrary hosts).
         */
        Optional<List<String>> allowedPeers();

        /**
         * nginx's {@code proxy_next_upstream}: besides {@code error} and {@code timeout} (always on),
         * the response statuses after which a GET/HEAD goes to the next server:
         * {@code http_500}, {@code http_502}, {@code http_503}, {@code http_504}, {@code http_403},
         * {@code http_404}, {@code http_429}; default none.
         */
        Optional<List<String>> nextUpstream();

        /** nginx's {@code proxy_next_upstream_tries}: most attempts per request, 0 = no limit; default 0. */
        @WithDefault("0")
        int maxTries();
    }

    /** The HTTP cache (nginx {@code proxy_cache_*}). */
    interface CacheConfig {

        /** The cache as a whole; default true. */
        @WithDefault("true")
        boolean enabled();

        /** Memory for cached bodies and headers; least recently used entries go first; default 256M. */
        @WithDefault("256M")
        MemorySize maxSize();

        /** Larger responses stream through uncached; default 16M. */
        @WithDefault("16M")
        MemorySize maxEntrySize();

        /** The cache key ({@code proxy_cache_key}), from $request_method, $scheme, $host, $request_uri, $uri, $args, $http_*; default {@code $request_method $host$request_uri}. */
        @WithDefault("$request_method $host$request_uri")
        String key();

        /** {@code proxy_cache_lock_timeout}: how long concurrent misses wait for the one upstream request; default 5s. */
        @WithDefault("5s")
        Duration lockTimeout();

        /** Entries not read for this long are dropped, fresh or stale (nginx {@code inactive}); default 10m. */
        @WithDefault("10m")
        Duration inactive();

        /** {@code proxy_cache_use_stale}: any of error, timeout, updating; default all three. */
        @WithDefault("error,timeout,updating")
        List<String> useStale();

        /** A client's {@code Cache-Control: no-cache} or {@code Pragma: no-cache} bypasses the lookup (X-Cache-Status BYPASS); default true. */
        @WithDefault("true")
        boolean bypassOnNoCache();
    }
}
