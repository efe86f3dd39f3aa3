package io.nott.edge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nott.edge.cache.CacheStatus;
import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.upstream.UpstreamTiming;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's meters: requests by route, status and cache status, and upstream latency by
 * group. Meters are looked up once per (route, status, cache status) and kept, so a request
 * costs a map read by route, two array reads and an increment: nothing is allocated. Plugged into the proxy as its "response sent" listener; reads the
 * cache's and the upstream's attachments from the context.
 */
public final class EdgeMetrics {

    private static final CacheStatus[] STATUSES = CacheStatus.values();
    /** Upstream answers: a cached segment from a LAN origin in ms, a playlist waiting on the transcoder up to seconds. */
    private static final Duration[] UPSTREAM_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    /** Statuses 100-599 by {@code status - 100}: an array index, where a map key would box every status above 127. */
    private static final int FIRST_STATUS = 100;
    private static final int STATUS_RANGE = 500;

    private final ConcurrentHashMap<String, Counter[][]> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> upstreamTimers = new ConcurrentHashMap<>();

    public EdgeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void recordRequest(ProxyContext context) {
        String route = context.origin().name();
        int status = context.status();
        CacheStatus cache = context.get(CacheStatus.class);
        Counter[][] byStatus = requests.get(route);
        if (byStatus == null) {
            byStatus = requests.computeIfAbsent(route, r -> new Counter[STATUS_RANGE][]);
        }
        int slot = cache == null ? STATUSES.length : cache.ordinal();
        int row = status - FIRST_STATUS;
        Counter[] byCache = row >= 0 && row < STATUS_RANGE ? byStatus[row] : null;
        Counter counter = byCache == null ? null : byCache[slot];
        if (counter == null) {
            // First request of this (route, status, cache): Micrometer's register returns the meter
            // already registered for these tags, so two event loops racing here count into one
            // counter; a slot written by one loop and not yet seen by another only costs that
            // loop one more lookup.
            counter = Counter.builder("edge.requests")
                    .description("Requests answered by the edge, by route, status and cache status")
                    .tag("route", route)
                    .tag("status", String.valueOf(status))
                    .tag("cache", cache == null ? "NONE" : cache.name())
                    .register(registry);
            if (row >= 0 && row < STATUS_RANGE) {
                if (byCache == null) {
                    byCache = new Counter[STATUSES.length + 1];
                    byStatus[row] = byCache;
                }
                byCache[slot] = counter;
            }
        }
        counter.increment();
        UpstreamTiming upstream = context.get(UpstreamTiming.class);
        if (upstream == null) {
            return;
        }
        long upstreamNanos = upstream.responseNanos() >= 0 ? upstream.responseNanos() : upstream.headerNanos();
        if (upstreamNanos >= 0) {
            upstreamTimers.computeIfAbsent(upstream.group(), name -> Timer.builder("edge.upstream.response")
                    .description("Time from asking an upstream for a connection to its last body byte")
                    .tag("upstream", name)
                    .serviceLevelObjectives(UPSTREAM_BUCKETS)
                    .register(registry)).record(upstreamNanos, TimeUnit.NANOSECONDS);
        }
    }
}
