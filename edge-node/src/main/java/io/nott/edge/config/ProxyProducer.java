package io.nott.edge.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.edge.cache.CacheKeyTemplate;
import io.nott.edge.cache.CachePolicy;
import io.nott.edge.cache.CacheSettings;
import io.nott.edge.cache.HttpCache;
import io.nott.edge.metrics.EdgeMetrics;
import io.nott.edge.route.Route;
import io.nott.edge.route.RouteTable;
import io.nott.edge.upstream.Upstream;
import io.nott.edge.upstream.UpstreamSettings;
import io.nott.unit.runtime.CoarseClock;
import io.quarkus.arc.DefaultBean;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the data plane's plain objects from {@link EdgeConfig}; bad settings fail the start with a message naming the key. */
@ApplicationScoped
public class ProxyProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Micrometer's clock for every registry (in place of Quarkus' default {@code Clock.SYSTEM}):
     * wall time from {@link CoarseClock}, at most 250 ms old. Micrometer reads it on every timer and
     * summary record only to see whether a 40 s window turns: four system clock reads per unit call
     * otherwise. Durations are measured on its monotonic time, which is exact.
     */
    @Produces
    @Singleton
    io.micrometer.core.instrument.Clock meterClock() {
        return CoarseClock.get();
    }

    @Produces
    @Singleton
    CacheSettings cacheSettings(EdgeConfig config) {
        EdgeConfig.CacheConfig c = config.cache();
        List<String> stale = c.useStale().stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
        for (String s : stale) {
            if (!List.of("error", "timeout", "updating", "off").contains(s)) {
                throw new IllegalArgumentException("edge.cache.use-stale: '" + s + "' is not one of error, timeout, updating, off");
            }
        }
        return new CacheSettings(c.enabled(), c.maxSize().asLongValue(), c.maxEntrySize().asLongValue(),
                CacheKeyTemplate.parse(c.key()), c.lockTimeout(), c.inactive(), stale.contains("error"),
                stale.contains("timeout"), stale.contains("updating"), c.bypassOnNoCache());
    }

    @Produces
    @Singleton
    HttpCache httpCache(CacheSettings settings, Clock clock, MeterRegistry registry) {
        HttpCache cache = new HttpCache(settings, clock);
        Gauge.builder("edge.cache.size", cache, HttpCache::weightedSize).baseUnit("bytes")
                .description("Bytes held by the HTTP cache").register(registry);
        Gauge.builder("edge.cache.entries", cache, HttpCache::entryCount)
                .description("Entries in the HTTP cache").register(registry);
        return cache;
    }

    @Produces
    @Singleton
    EdgeMetrics edgeMetrics(MeterRegistry registry) {
        return new EdgeMetrics(registry);
    }

    @Produces
    @Singleton
    RouteTable routeTable(EdgeConfig config, Vertx vertx, Clock clock) {
        Map<String, Upstream> upstreams = new HashMap<>();
        config.upstreams().forEach((name, u) -> upstreams.put(name, new Upstream(vertx,
                new UpstreamSettings(name, u.servers(), u.connectTimeout(), u.readTimeout(), u.maxFails(),
                        u.failTimeout(), u.keepalive(), u.keepaliveTimeout(), u.allowedPeers().orElse(List.of()),
                        nextUpstream(name, u.nextUpstream().orElse(List.of())), u.maxTries()), clock)));
        List<Route> routes = new ArrayList<>();
        config.routes().forEach((name, r) -> {
            Upstream upstream = upstreams.get(r.upstream());
            if (upstream == null) {
                throw new IllegalArgumentException("edge.routes." + name + ".upstream names '" + r.upstream()
                        + "' but there is no edge.upstreams." + r.upstream() + ".servers; known: " + upstreams.keySet());
            }
            if (!r.prefix().startsWith("/")) {
                throw new IllegalArgumentException("edge.routes." + name + ".prefix must start with '/', got '" + r.prefix() + "'");
            }
            CachePolicy policy;
            try {
                policy = CachePolicy.parse(r.cache(), r.cacheValid().orElse(List.of()), r.cacheIgnoreHeaders());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("edge.routes." + name + ".cache-valid: " + e.getMessage(), e);
            }
            routes.add(new Route(name, r.prefix(), upstream, policy));
        });
        return new RouteTable(routes, upstreams);
    }

    /** {@code proxy_next_upstream}'s words to the statuses they retry on; errors and timeouts always retry. */
    static Set<Integer> nextUpstream(String group, List<String> words) {
        Set<Integer> statuses = new HashSet<>();
        for (String word : words) {
            String w = word.trim().toLowerCase(Locale.ROOT);
            switch (w) {
                case "", "error", "timeout" -> { }
                case "http_500", "http_502", "http_503", "http_504", "http_403", "http_404", "http_429" ->
                        statuses.add(Integer.parseInt(w.substring(5)));
                default -> throw new IllegalArgumentException("edge.upstreams." + group + ".next-upstream: '" + word
                        + "' is not one of error, timeout, http_500, http_502, http_503, http_504, http_403, http_404, http_429");
            }
        }
        return statuses;
    }
}
