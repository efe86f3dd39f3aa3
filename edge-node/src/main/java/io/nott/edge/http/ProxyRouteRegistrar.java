package io.nott.edge.http;

import io.nott.edge.cache.CacheInterceptor;
import io.nott.edge.cache.HttpCache;
import io.nott.edge.metrics.EdgeMetrics;
import io.nott.edge.proxy.EdgeProxy;
import io.nott.edge.proxy.ProxyInterceptor;
import io.nott.edge.route.RouteTable;
import io.nott.edge.units.run.LuaPhasesInterceptor;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.List;

/**
 * Assembles the proxy and puts it on Quarkus' HTTP server: the chain of interceptors, the route
 * table as origin selector and cache-policy source, metrics as the "response sent" listener;
 * one catch-all route on the main router hands every configured prefix to {@link EdgeProxy} and
 * everything else (notably {@code /q/*}) back to Quarkus. The pieces themselves are built from
 * {@code EdgeConfig} in {@code config}; this is the one place that knows how they fit.
 */
@ApplicationScoped
public class ProxyRouteRegistrar {

    private final RouteTable routes;
    private final HttpCache cache;
    private final EdgeMetrics metrics;
    private final Vertx vertx;
    private final Clock clock;
    private final LuaPhasesInterceptor luaPhases;

    public ProxyRouteRegistrar(RouteTable routes, HttpCache cache, EdgeMetrics metrics, Vertx vertx, Clock clock,
            LuaPhasesInterceptor luaPhases) {
        this.luaPhases = luaPhases;
        this.routes = routes;
        this.cache = cache;
        this.metrics = metrics;
        this.vertx = vertx;
        this.clock = clock;
    }

    void register(@Observes Router router) {
        // OpenResty's order: rewrite/access (and content) before the cache lookup, filters on the way out.
        List<ProxyInterceptor> chain = List.of(luaPhases, new CacheInterceptor(cache, vertx, clock, routes::cachePolicy));
        router.route().order(-1000).handler(new EdgeProxy(routes, chain, metrics::recordRequest));
    }
}
