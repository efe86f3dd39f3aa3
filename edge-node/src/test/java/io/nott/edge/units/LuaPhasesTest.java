package io.nott.edge.units;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.edge.cache.CachePolicy;
import io.nott.edge.cache.CacheSettings;
import io.nott.edge.support.Origin;
import io.nott.edge.support.ProxyBed;
import io.nott.edge.units.run.LuaPhasesInterceptor;
import io.nott.edge.units.run.OffLoop;
import io.nott.edge.units.sync.AppliedSnapshot;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.upstream.UpstreamSettings;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitRedisClient;
import io.nott.unit.runtime.UnitSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** Units in every phase, in OpenResty's order, against a real origin and the real cache. */
class LuaPhasesTest {

    static Vertx vertx;
    Origin origin;
    ProxyBed bed;
    SnapshotHolder holder;
    OffLoop offLoop;
    final Set<String> redisThreads = ConcurrentHashMap.newKeySet();
    final InMemoryUnitRedisClient memory = new InMemoryUnitRedisClient();

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
        origin = new Origin(vertx).respond(r -> r.response()
                .putHeader("Content-Type", "application/vnd.apple.mpegurl")
                .putHeader("X-Origin-Saw", String.valueOf(r.getHeader("X-Rewritten")))
                .putHeader("X-Origin-Request", r.method().name() + " " + r.uri())
                .end("#EXTM3U\n#EXTINF:2.0,\nseg1.ts\n"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        holder = new SnapshotHolder(registry, Clock.systemUTC());
        offLoop = new OffLoop();
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, registry, Clock.systemUTC(), recording(memory));
        LuaPhasesInterceptor lua = new LuaPhasesInterceptor(holder, new RequestPipeline(runner), offLoop, 1 << 20);
        bed = new ProxyBed(vertx, CacheSettings.defaults(), List.of(new ProxyBed.RouteSpec("hls", "/hls",
                UpstreamSettings.of("hls", List.of(origin.address())), CachePolicy.parse(true, List.of("200=60s"), false))),
                List.of(lua));
    }

    @AfterEach
    void stop() {
        bed.close();
        origin.close();
        offLoop.close();
    }

    /**
     * Installs units with a generous wall-clock budget: the first call on a fresh thread builds a
     * Lua runtime, which on a loaded test machine can exceed the 50 ms default.
     */
    private void units(ComputingUnit... units) {
        UnitSnapshot snapshot = UnitSnapshot.build(1, java.util.Arrays.stream(units)
                .map(u -> u.withBudget(new io.nott.unit.model.Budget(1_000_000, 5_000))).toList());
        holder.swap(new AppliedSnapshot(snapshot, "v1", System.currentTimeMillis(), "test", List.of()));
    }

    /** Records on which kind of thread each Redis call ran. */
    private UnitRedisClient recording(InMemoryUnitRedisClient delegate) {
        return (UnitRedisClient) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {UnitRedisClient.class}, (proxy, method, args) -> {
                    redisThreads.add((Context.isOnEventLoopThread() ? "event-loop" : "other")
                            + (Thread.currentThread().isVirtual() ? "/virtual" : "/platform"));
                    try {
                        return method.invoke(delegate, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static final String TOKEN = """
            local token = ngx.var.arg_token or ngx.var.cookie_superstition
            if token ~= 'token' then
              return ngx.exit(ngx.HTTP_FORBIDDEN)
            end
            ngx.header['Set-Cookie'] = {'superstition=token'}
            """;

    @Test
    void accessRunsBeforeTheCacheSoA403NeverReachesCacheOrOrigin() {
        units(ComputingUnit.of("authentication", Phase.ACCESS, TOKEN));
        HttpResponse<String> denied = bed.get("/hls/live.m3u8");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("X-Cache-Status")).isEmpty();
        assertThat(origin.requests()).isZero();

        HttpResponse<String> allowed = bed.get("/hls/live.m3u8?token=token");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Set-Cookie")).hasValue("superstition=token");
        assertThat(bed.get("/hls/live.m3u8?token=token").headers().firstValue("X-Cache-Status")).hasValue("HIT");
        // A cached entry still does not get past access, and the cookie opens it as the seed says.
        assertThat(bed.get("/hls/live.m3u8?token=nope").statusCode()).isEqualTo(403);
        assertThat(bed.get("/hls/live.m3u8?token=token", "Cookie", "superstition=token").statusCode()).isEqualTo(200);
        assertThat(origin.requests()).isEqualTo(1);
        // The Set-Cookie of access never lands in the cache.
        assertThat(bed.cache.get("GET 127.0.0.1/hls/live.m3u8?token=token").headers().contains("Set-Cookie")).isFalse();
    }

    @Test
    void rewriteChangesTheRequestThatGoesUpstream() {
        units(ComputingUnit.of("rewriter", Phase.REWRITE, "ngx.req.set_header('X-Rewritten', 'yes')"));
        assertThat(bed.get("/hls/a.m3u8").headers().firstValue("X-Origin-Saw")).hasValue("yes");
    }

    @Test
    void setUriSetMethodAndSetUriArgsChangeWhatGoesUpstream() {
        units(ComputingUnit.of("rewriter", Phase.REWRITE, """
                ngx.req.set_uri('/hls/other dir/b.m3u8')
                ngx.req.set_uri_args({k = 'v'})
                ngx.req.set_method(ngx.HTTP_PUT)
                ngx.header['X-Unit-Saw'] = ngx.var.uri .. ' ' .. ngx.req.get_method() .. ' ' .. ngx.var.request_uri
                """));
        HttpResponse<String> r = bed.get("/hls/a.m3u8?x=1");
        assertThat(r.headers().firstValue("X-Origin-Request")).hasValue("PUT /hls/other%20dir/b.m3u8?k=v");
        assertThat(r.headers().firstValue("X-Unit-Saw")).hasValue("/hls/other dir/b.m3u8 PUT /hls/a.m3u8?x=1");
    }

    @Test
    void setArgsWithoutSetUriKeepsTheNormalisedPath() {
        units(ComputingUnit.of("args", Phase.ACCESS, "ngx.var.args = 'only=args'"));
        HttpResponse<String> r = bed.get("/hls/x/../a%20b.m3u8?x=1");
        assertThat(r.headers().firstValue("X-Origin-Request")).hasValue("GET /hls/a%20b.m3u8?only=args");
    }

    @Test
    void contentAnswersInsteadOfProxying() {
        units(ComputingUnit.of("hello", Phase.CONTENT, "ngx.say('hello from ', ngx.var.uri)"));
        HttpResponse<String> r = bed.get("/hls/anything");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello from /hls/anything\n");
        assertThat(origin.requests()).isZero();
    }

    @Test
    void headerFilterRunsOnMissesAndHitsWithRealNgxVars() {
        units(ComputingUnit.of("metrics", Phase.HEADER_FILTER, """
                ngx.header['X-Metrics-upstream_response_time'] = ngx.var.upstream_response_time
                ngx.header['X-Metrics-upstream_connect_time'] = ngx.var.upstream_connect_time
                ngx.header['X-Metrics-request_time'] = ngx.var.request_time
                ngx.header['X-Metrics-upstream_cache_status'] = ngx.var.upstream_cache_status
                ngx.header['X-Metrics-time_iso8601'] = ngx.var.time_iso8601
                """));
        HttpResponse<String> miss = bed.get("/hls/m.m3u8");
        // OpenResty turns '_' into '-' in ngx.header names, and so does unit-core.
        assertThat(miss.headers().firstValue("X-Metrics-upstream-cache-status")).hasValue("MISS");
        // As nginx: "-" until the upstream body is complete, so always "-" in header_filter
        // (openresty-conformance: seed.t "metrics headers", var.t).
        assertThat(miss.headers().firstValue("X-Metrics-upstream-response-time")).hasValue("-");
        assertThat(miss.headers().firstValue("X-Metrics-upstream-connect-time").orElseThrow()).matches("\\d+\\.\\d{3}");
        assertThat(miss.headers().firstValue("X-Metrics-request-time").orElseThrow()).matches("\\d+\\.\\d{3}");
        assertThat(miss.headers().firstValue("X-Metrics-time-iso8601").orElseThrow()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
        HttpResponse<String> hit = bed.get("/hls/m.m3u8");
        assertThat(hit.headers().firstValue("X-Metrics-upstream-cache-status")).hasValue("HIT");
        assertThat(hit.headers().firstValue("X-Metrics-upstream-response-time")).isEmpty(); // no upstream on a hit
        assertThat(hit.headers().firstValue("X-Metrics-request-time")).isPresent();
    }

    @Test
    void bodyFilterChangesEveryResponseAndSendsItChunked() {
        units(ComputingUnit.of("copyright", Phase.BODY_FILTER, """
                if ngx.arg[2] then
                  ngx.arg[1] = ngx.arg[1] .. '#COPYRIGHT:nott'
                end
                """));
        HttpResponse<String> miss = bed.get("/hls/live.m3u8");
        HttpResponse<String> hit = bed.get("/hls/live.m3u8");
        for (HttpResponse<String> r : List.of(miss, hit)) {
            assertThat(r.body()).isEqualTo("#EXTM3U\n#EXTINF:2.0,\nseg1.ts\n#COPYRIGHT:nott");
            assertThat(r.headers().firstValue("Content-Length")).isEmpty();
            assertThat(r.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        }
        assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
        // The cache holds the origin's body, not the filtered one.
        assertThat(bed.cache.get("GET 127.0.0.1/hls/live.m3u8").body().toString()).doesNotContain("COPYRIGHT");
    }

    @Test
    void headerFilterAlsoSeesLocalExitsAndErrors() {
        units(ComputingUnit.of("deny", Phase.ACCESS, "if ngx.var.arg_deny then return ngx.exit(403) end"),
                ComputingUnit.of("tag", Phase.HEADER_FILTER, "ngx.header['X-Status-Seen'] = ngx.status"));
        assertThat(bed.get("/hls/x?deny=1").headers().firstValue("X-Status-Seen")).hasValue("403");
        assertThat(bed.get("/hls/x").headers().firstValue("X-Status-Seen")).hasValue("200");
    }

    @Test
    void exitsAnswerWithNginxsPageAndAHeaderFilterExitReplacesTheUpstreamBody() {
        units(ComputingUnit.of("deny", Phase.ACCESS, "if ngx.var.arg_deny then ngx.header['X-A'] = '1' return ngx.exit(403) end"),
                ComputingUnit.of("gone", Phase.HEADER_FILTER, "if ngx.var.arg_gone then return ngx.exit(410) end"));
        HttpResponse<String> denied = bed.get("/hls/x?deny=1");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).isEqualTo("<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
                + "<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
        assertThat(denied.headers().firstValue("Content-Type")).hasValue("text/html");
        assertThat(denied.headers().firstValue("X-A")).hasValue("1");
        HttpResponse<String> gone = bed.get("/hls/y?gone=1");
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.body()).contains("<title>410 Gone</title>");
        assertThat(bed.get("/hls/y").body()).startsWith("#EXTM3U");
    }

    @Test
    void logPhaseRunsAfterTheResponseAndRedisUnitsNeverRunOnAnEventLoop() {
        units(ComputingUnit.of("counter", Phase.ACCESS, """
                local n = edge_computing.redis_client:incr(ngx.var.remote_addr)
                ngx.header['X-Request-Counter'] = n
                """),
                ComputingUnit.of("logger", Phase.LOG, "edge_computing.redis_client:incr('logged')"));
        assertThat(bed.get("/hls/a").headers().firstValue("X-Request-Counter")).hasValue("1");
        assertThat(bed.get("/hls/a").headers().firstValue("X-Request-Counter")).hasValue("2");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"2".equals(memory.get("ud:logged")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(memory.get("ud:logged")).isEqualTo("2");
        assertThat(redisThreads).containsOnly("other/virtual");
    }

    @Test
    void aUnitThatDoesNotCompileIsSkippedAndTheRestRun() {
        UnitSnapshot snapshot = UnitSnapshot.build(2, List.of(
                ComputingUnit.of("broken", Phase.ACCESS, "if then end"),
                ComputingUnit.of("tag", Phase.HEADER_FILTER, "ngx.header['X-Tag'] = 'on'")));
        holder.swap(new AppliedSnapshot(snapshot, "v2", System.currentTimeMillis(), "test", List.of()));
        assertThat(snapshot.errors()).containsKey("broken");
        HttpResponse<String> r = bed.get("/hls/a");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Tag")).hasValue("on");
    }

    @Test
    void aFailingUnitWithFailureOpenDoesNotBreakTheRequest() {
        units(ComputingUnit.of("seed-referer", Phase.ACCESS, """
                local headers = ngx.req.get_headers()
                if not string.find(headers['Referer'], 'localhost') then
                  return ngx.exit(ngx.HTTP_FORBIDDEN)
                end
                """));
        // No Referer: string.find(nil) raises; the unit fails open, as the seed's xpcall did.
        assertThat(bed.get("/hls/a").statusCode()).isEqualTo(200);
        assertThat(bed.get("/hls/a", "Referer", "http://evil.example/").statusCode()).isEqualTo(403);
        assertThat(bed.get("/hls/a", "Referer", "http://localhost/").statusCode()).isEqualTo(200);
    }
}
