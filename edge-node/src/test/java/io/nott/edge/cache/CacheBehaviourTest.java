package io.nott.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.edge.support.Origin;
import io.nott.edge.support.ProxyBed;
import io.nott.edge.upstream.UpstreamSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** nginx proxy_cache behaviour against a real origin: every X-Cache-Status word, the lock, stale answers. */
class CacheBehaviourTest {

    static Vertx vertx;
    Origin origin;
    ProxyBed bed;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    @BeforeEach
    void start() {
        origin = new Origin(vertx);
        bed = ProxyBed.simple(vertx, "/hls", List.of(origin.address()),
                CachePolicy.parse(true, List.of("200=60s"), false));
    }

    @AfterEach
    void stop() {
        bed.close();
        origin.close();
    }

    private static String cacheStatus(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache-Status").orElse("none");
    }

    @Test
    void missThenHitFromOneUpstreamRequest() {
        origin.respond(r -> r.response().putHeader("Content-Type", "application/vnd.apple.mpegurl").end("#EXTM3U"));
        HttpResponse<String> first = bed.get("/hls/a.m3u8");
        HttpResponse<String> second = bed.get("/hls/a.m3u8");
        assertThat(cacheStatus(first)).isEqualTo("MISS");
        assertThat(cacheStatus(second)).isEqualTo("HIT");
        assertThat(second.body()).isEqualTo("#EXTM3U");
        assertThat(second.headers().firstValue("Content-Type")).hasValue("application/vnd.apple.mpegurl");
        assertThat(origin.requests()).isEqualTo(1);
    }

    @Test
    void keysOnMethodHostAndUri() {
        origin.respond(r -> r.response().end(r.uri()));
        bed.get("/hls/a.ts?x=1");
        assertThat(cacheStatus(bed.get("/hls/a.ts?x=2"))).isEqualTo("MISS");
        assertThat(bed.get("/hls/a.ts?x=1").body()).isEqualTo("/hls/a.ts?x=1");
        assertThat(origin.requests()).isEqualTo(2);
    }

    @Test
    void expiredEntryIsRefetchedAndSaysExpired() {
        origin.respond(r -> r.response().end("v" + origin.requests()));
        bed.get("/hls/a.m3u8");
        bed.clock.advance(Duration.ofSeconds(61));
        HttpResponse<String> refreshed = bed.get("/hls/a.m3u8");
        assertThat(cacheStatus(refreshed)).isEqualTo("EXPIRED");
        assertThat(refreshed.body()).isEqualTo("v2");
        assertThat(cacheStatus(bed.get("/hls/a.m3u8"))).isEqualTo("HIT");
    }

    @Test
    void staleEntryServedWhenTheOriginFails() {
        origin.respond(r -> r.response().end("good"));
        bed.get("/hls/a.m3u8");
        bed.clock.advance(Duration.ofSeconds(61));
        origin.respond(r -> r.connection().close()); // the origin breaks: nginx's "error"
        HttpResponse<String> stale = bed.get("/hls/a.m3u8");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(cacheStatus(stale)).isEqualTo("STALE");
        assertThat(stale.body()).isEqualTo("good");
    }

    @Test
    void withoutAnEntryAnOriginFailureIs502() {
        origin.respond(r -> r.connection().close());
        HttpResponse<String> r = bed.get("/hls/a.m3u8");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).startsWith("{\"status\":502,").contains("The origin broke the connection");
    }

    @Test
    void staleEntryServedAsUpdatingWhileAnotherRequestRefreshes() throws Exception {
        origin.respond(r -> r.response().end("old"));
        bed.get("/hls/a.m3u8");
        bed.clock.advance(Duration.ofSeconds(61));
        List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        origin.respond(held::add); // the refresh hangs until released
        CompletableFuture<HttpResponse<String>> refreshing = bed.client().sendAsync(
                HttpRequest.newBuilder(bed.uri("/hls/a.m3u8")).build(), HttpResponse.BodyHandlers.ofString());
        awaitUntil(() -> held.size() == 1);
        HttpResponse<String> meanwhile = bed.get("/hls/a.m3u8");
        assertThat(cacheStatus(meanwhile)).isEqualTo("UPDATING");
        assertThat(meanwhile.body()).isEqualTo("old");
        held.get(0).response().end("new");
        HttpResponse<String> refreshed = refreshing.get(10, TimeUnit.SECONDS);
        assertThat(cacheStatus(refreshed)).isEqualTo("EXPIRED");
        assertThat(refreshed.body()).isEqualTo("new");
        assertThat(bed.get("/hls/a.m3u8").body()).isEqualTo("new");
    }

    @Test
    void clientNoCacheBypassesTheLookupButRefreshesTheEntry() {
        origin.respond(r -> r.response().end("v" + origin.requests()));
        bed.get("/hls/a.m3u8");
        HttpResponse<String> bypass = bed.get("/hls/a.m3u8", "Cache-Control", "no-cache");
        assertThat(cacheStatus(bypass)).isEqualTo("BYPASS");
        assertThat(bypass.body()).isEqualTo("v2");
        assertThat(bed.get("/hls/a.m3u8").body()).isEqualTo("v2");
    }

    @Test
    void hundredConcurrentMissesMakeExactlyOneUpstreamRequest() throws Exception {
        List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        origin.respond(held::add);
        String segment = "s".repeat(100 * 1024);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            responses.add(bed.client().sendAsync(HttpRequest.newBuilder(bed.uri("/hls/seg1.ts")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        awaitUntil(() -> held.size() == 1);
        // Let the other 99 reach the lock before the origin answers.
        awaitUntil(() -> waitingOnLock() >= 99);
        held.get(0).response().end(segment);
        for (CompletableFuture<HttpResponse<String>> f : responses) {
            HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).hasSize(segment.length());
        }
        assertThat(origin.requests()).isEqualTo(1);
        assertThat(responses.stream().map(f -> cacheStatus(f.join())).filter("MISS"::equals).count()).isEqualTo(1);
        assertThat(responses.stream().map(f -> cacheStatus(f.join())).filter("HIT"::equals).count()).isEqualTo(99);
    }

    private int waitingOnLock() {
        HttpCache.Fill fill = bed.cache.fillOf("GET 127.0.0.1/hls/seg1.ts");
        return fill == null ? 0 : fill.done().getNumberOfDependents();
    }

    @Test
    void setCookieAndErrorStatusesAreNeverCached() {
        origin.respond(r -> r.response().putHeader("Set-Cookie", "superstition=token").end("private"));
        bed.get("/hls/a");
        assertThat(cacheStatus(bed.get("/hls/a"))).isEqualTo("MISS");
        origin.respond(r -> r.response().setStatusCode(500).end("boom"));
        bed.get("/hls/b");
        assertThat(cacheStatus(bed.get("/hls/b"))).isEqualTo("MISS");
        assertThat(origin.requests()).isEqualTo(4);
    }

    @Test
    void upstreamCacheControlWinsOverTheRouteRule() {
        origin.respond(r -> r.response().putHeader("Cache-Control", "max-age=5").end("five"));
        bed.get("/hls/a");
        bed.clock.advance(Duration.ofSeconds(6));
        assertThat(cacheStatus(bed.get("/hls/a"))).isEqualTo("EXPIRED");
        origin.respond(r -> r.response().putHeader("Cache-Control", "no-store").end("never"));
        bed.get("/hls/b");
        assertThat(cacheStatus(bed.get("/hls/b"))).isEqualTo("MISS");
    }

    @Test
    void aLargeChunkedSegmentStreamsAndIsCachedWhole() {
        String body = "z".repeat(512 * 1024);
        origin.respond(r -> {
            r.response().setChunked(true);
            for (int i = 0; i < 8; i++) {
                r.response().write(body.substring(i * 64 * 1024, (i + 1) * 64 * 1024));
            }
            r.response().end();
        });
        assertThat(bed.get("/hls/big.ts").body()).isEqualTo(body);
        HttpResponse<String> hit = bed.get("/hls/big.ts");
        assertThat(cacheStatus(hit)).isEqualTo("HIT");
        assertThat(hit.body()).isEqualTo(body);
        assertThat(hit.headers().firstValue("Content-Length")).hasValue(String.valueOf(body.length()));
    }

    @Test
    void lockTimeoutSendsTheWaiterUpstreamUncached() throws Exception {
        bed.close();
        CacheSettings quick = new CacheSettings(true, 1 << 20, 1 << 20, CacheKeyTemplate.parse(CacheKeyTemplate.DEFAULT),
                Duration.ofMillis(200), Duration.ofMinutes(10), true, true, true, true);
        bed = new ProxyBed(vertx, quick, List.of(new ProxyBed.RouteSpec("r", "/hls",
                UpstreamSettings.of("up", List.of(origin.address())), CachePolicy.parse(true, List.of("200=60s"), false))),
                List.of());
        List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        origin.respond(r -> {
            if (held.isEmpty()) {
                held.add(r);
            } else {
                r.response().end("second");
            }
        });
        CompletableFuture<HttpResponse<String>> first = bed.client().sendAsync(
                HttpRequest.newBuilder(bed.uri("/hls/a")).build(), HttpResponse.BodyHandlers.ofString());
        awaitUntil(() -> held.size() == 1);
        HttpResponse<String> second = bed.get("/hls/a");
        assertThat(second.body()).isEqualTo("second");
        assertThat(cacheStatus(second)).isEqualTo("MISS");
        held.get(0).response().end("first");
        assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("first");
        assertThat(bed.get("/hls/a").body()).isEqualTo("first");
    }

    @Test
    void theCacheStaysWithinItsByteBound() {
        bed.close();
        CacheSettings small = new CacheSettings(true, 300 * 1024, 200 * 1024, CacheKeyTemplate.parse(CacheKeyTemplate.DEFAULT),
                Duration.ofSeconds(5), Duration.ofMinutes(10), true, true, true, true);
        bed = new ProxyBed(vertx, small, List.of(new ProxyBed.RouteSpec("r", "/hls",
                UpstreamSettings.of("up", List.of(origin.address())), CachePolicy.parse(true, List.of("200=60s"), false))),
                List.of());
        String body = "b".repeat(100 * 1024);
        origin.respond(r -> r.response().end(body));
        for (int i = 0; i < 10; i++) {
            bed.get("/hls/s" + i + ".ts");
        }
        assertThat(bed.cache.weightedSize()).isLessThanOrEqualTo(300 * 1024);
        assertThat(bed.cache.entryCount()).isBetween(1L, 2L);
        origin.respond(r -> r.response().end("c".repeat(250 * 1024)));
        bed.get("/hls/too-big.ts");
        assertThat(cacheStatus(bed.get("/hls/too-big.ts"))).isEqualTo("MISS");
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
