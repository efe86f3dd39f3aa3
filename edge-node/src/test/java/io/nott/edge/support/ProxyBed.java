package io.nott.edge.support;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.edge.cache.CacheInterceptor;
import io.nott.edge.cache.CachePolicy;
import io.nott.edge.cache.CacheSettings;
import io.nott.edge.cache.HttpCache;
import io.nott.edge.metrics.EdgeMetrics;
import io.nott.edge.proxy.EdgeProxy;
import io.nott.edge.proxy.ProxyInterceptor;
import io.nott.edge.route.Route;
import io.nott.edge.route.RouteTable;
import io.nott.edge.upstream.Upstream;
import io.nott.edge.upstream.UpstreamSettings;
import io.nott.testsupport.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The proxy as plain objects on a free port, in front of test origins: no Quarkus, full control of time. */
public final class ProxyBed implements AutoCloseable {

    public final Vertx vertx;
    public final MutableClock clock = new MutableClock();
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final HttpCache cache;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Upstream> upstreams = new ArrayList<>();

    /** A route as the bed builds it: prefix, upstream settings, cache policy. */
    public record RouteSpec(String name, String prefix, UpstreamSettings upstream, CachePolicy cache) {
    }

    public ProxyBed(Vertx vertx, CacheSettings cacheSettings, List<RouteSpec> specs, List<ProxyInterceptor> extra) {
        this(vertx, cacheSettings, specs, List.of(), extra);
    }

    /** @param groups further upstream groups, not behind a route, that units may choose ({@code ngx.var.upstream}) */
    public ProxyBed(Vertx vertx, CacheSettings cacheSettings, List<RouteSpec> specs, List<UpstreamSettings> groups,
            List<ProxyInterceptor> extra) {
        this.vertx = vertx;
        this.cache = new HttpCache(cacheSettings, clock);
        List<Route> routes = new ArrayList<>();
        java.util.Map<String, Upstream> byName = new java.util.HashMap<>();
        for (RouteSpec spec : specs) {
            Upstream upstream = new Upstream(vertx, spec.upstream(), clock);
            upstreams.add(upstream);
            byName.put(upstream.name(), upstream);
            routes.add(new Route(spec.name(), spec.prefix(), upstream, spec.cache()));
        }
        for (UpstreamSettings group : groups) {
            Upstream upstream = new Upstream(vertx, group, clock);
            upstreams.add(upstream);
            byName.put(upstream.name(), upstream);
        }
        List<ProxyInterceptor> chain = new ArrayList<>(extra);
        RouteTable table = new RouteTable(routes, byName);
        chain.add(new CacheInterceptor(cache, vertx, clock, table::cachePolicy));
        EdgeProxy proxy = new EdgeProxy(table, chain, new EdgeMetrics(registry)::recordRequest);
        Router router = Router.router(vertx);
        router.route().handler(proxy);
        this.server = vertx.createHttpServer().requestHandler(router);
        await(server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture());
    }

    public static ProxyBed simple(Vertx vertx, String prefix, List<String> servers, CachePolicy cache) {
        return new ProxyBed(vertx, CacheSettings.defaults(),
                List.of(new RouteSpec("r", prefix, UpstreamSettings.of("up", servers), cache)), List.of());
    }

    public int port() {
        return server.actualPort();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public HttpResponse<String> get(String pathAndQuery, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpClient client() {
        return client;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        upstreams.forEach(Upstream::close);
        await(server.close().toCompletionStage().toCompletableFuture());
    }
}
