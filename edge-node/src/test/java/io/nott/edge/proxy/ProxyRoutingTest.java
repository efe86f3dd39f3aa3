package io.nott.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.edge.cache.CachePolicy;
import io.nott.edge.cache.CacheSettings;
import io.nott.edge.support.Origin;
import io.nott.edge.support.ProxyBed;
import io.nott.edge.upstream.UpstreamSettings;
import io.nott.testsupport.FreePorts;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proxy without cache: routes, headers, round-robin, passive health, 502 and 504. */
class ProxyRoutingTest {

    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @Test
    void routesByPrefixAndPassesThePathAndForwardingHeaders() {
        try (Origin hls = new Origin(vertx); Origin app = new Origin(vertx)) {
            hls.respond(r -> r.response().putHeader("X-Seen", r.uri() + "|" + r.getHeader("X-Forwarded-For") + "|"
                    + r.getHeader("X-Forwarded-Proto") + "|" + r.getHeader("X-Forwarded-Host") + "|" + r.getHeader("Host"))
                    .end("hls"));
            app.respond(r -> r.response().end("app"));
            try (ProxyBed bed = new ProxyBed(vertx, CacheSettings.defaults(), List.of(
                    new ProxyBed.RouteSpec("hls", "/hls", UpstreamSettings.of("hls", List.of(hls.address())), CachePolicy.DISABLED),
                    new ProxyBed.RouteSpec("app", "/app", UpstreamSettings.of("app", List.of(app.address())), CachePolicy.DISABLED)),
                    List.of())) {
                HttpResponse<String> viaHls = bed.get("/hls/colorbar.m3u8?token=token", "X-Forwarded-For", "10.1.1.1");
                assertThat(viaHls.statusCode()).isEqualTo(200);
                assertThat(viaHls.body()).isEqualTo("hls");
                assertThat(viaHls.headers().firstValue("X-Seen")).hasValue("/hls/colorbar.m3u8?token=token|10.1.1.1, 127.0.0.1|http|127.0.0.1:"
                        + bed.port() + "|127.0.0.1:" + bed.port());
                assertThat(viaHls.headers().firstValue("X-Cache-Status")).isEmpty();
                assertThat(bed.get("/app").body()).isEqualTo("app");
                assertThat(bed.get("/app/index.html").body()).isEqualTo("app");
                assertThat(bed.get("/application").statusCode()).isEqualTo(404);
                assertThat(bed.get("/other").statusCode()).isEqualTo(404);
            }
        }
    }

    @Test
    void spreadsRequestsRoundRobinOverTheGroup() {
        try (Origin a = new Origin(vertx); Origin b = new Origin(vertx)) {
            a.respond(r -> r.response().end("a"));
            b.respond(r -> r.response().end("b"));
            try (ProxyBed bed = ProxyBed.simple(vertx, "/hls", List.of(a.address(), b.address()), CachePolicy.DISABLED)) {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    seen.add(bed.get("/hls/x").body());
                }
                assertThat(seen).containsExactlyInAnyOrder("a", "b");
                assertThat(a.requests()).isEqualTo(3);
                assertThat(b.requests()).isEqualTo(3);
            }
        }
    }

    @Test
    void skipsADeadServerAndKeepsAnswering() throws Exception {
        int deadPort = FreePorts.one(); // nobody listens there
        try (Origin alive = new Origin(vertx)) {
            alive.respond(r -> r.response().end("alive"));
            try (ProxyBed bed = ProxyBed.simple(vertx, "/hls", List.of("127.0.0.1:" + deadPort, alive.address()),
                    CachePolicy.DISABLED)) {
                for (int i = 0; i < 10; i++) {
                    HttpResponse<String> r = bed.get("/hls/x");
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("alive");
                }
                // The dead server failed once, was retried on the live one, then left out for fail_timeout.
                assertThat(alive.requests()).isEqualTo(10);
            }
        }
    }

    @Test
    void answers502WithAReasonWhenTheUpstreamRefuses() throws Exception {
        int deadPort = FreePorts.one(); // nobody listens there
        try (ProxyBed bed = ProxyBed.simple(vertx, "/hls", List.of("127.0.0.1:" + deadPort), CachePolicy.DISABLED)) {
            HttpResponse<String> r = bed.get("/hls/x");
            assertThat(r.statusCode()).isEqualTo(502);
            // The edge's own error, in the one JSON shape (issue #20)
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.body()).startsWith("{\"status\":502,\"error\":\"upstream up (127.0.0.1:" + deadPort + ")");
        }
    }

    @Test
    void answers504WhenTheUpstreamIsSilentPastTheReadTimeout() {
        try (Origin silent = new Origin(vertx)) {
            silent.respond(r -> { /* never answers */ });
            UpstreamSettings settings = UpstreamSettings.of("slow", List.of(silent.address()))
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300));
            try (ProxyBed bed = new ProxyBed(vertx, CacheSettings.defaults(),
                    List.of(new ProxyBed.RouteSpec("r", "/hls", settings, CachePolicy.DISABLED)), List.of())) {
                HttpResponse<String> r = bed.get("/hls/x");
                assertThat(r.statusCode()).isEqualTo(504);
                assertThat(r.body()).startsWith("{\"status\":504,\"error\":\"upstream slow")
                        .contains("did not answer within 300 ms");
            }
        }
    }

    @Test
    void streamsALargeChunkedBodyThrough() {
        String big = "x".repeat(3 * 1024 * 1024);
        try (Origin origin = new Origin(vertx)) {
            origin.respond(r -> {
                r.response().setChunked(true);
                for (int i = 0; i < 3; i++) {
                    r.response().write(big.substring(i * 1024 * 1024, (i + 1) * 1024 * 1024));
                }
                r.response().end();
            });
            try (ProxyBed bed = ProxyBed.simple(vertx, "/hls", List.of(origin.address()), CachePolicy.DISABLED)) {
                HttpResponse<String> r = bed.get("/hls/big.ts");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).hasSize(big.length());
            }
        }
    }

    @Test
    void forwardsARequestBody() {
        try (Origin origin = new Origin(vertx)) {
            origin.respond(r -> r.body().onSuccess(b -> r.response().end("got " + b.length())));
            try (ProxyBed bed = ProxyBed.simple(vertx, "/api", List.of(origin.address()), CachePolicy.DISABLED)) {
                var request = java.net.http.HttpRequest.newBuilder(bed.uri("/api/streams"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("y".repeat(100_000))).build();
                HttpResponse<String> r = bed.client().send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).isEqualTo("got 100000");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }
}
