package io.nott.edge.units;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.edge.cache.CachePolicy;
import io.nott.edge.cache.CacheSettings;
import io.nott.edge.support.Origin;
import io.nott.edge.support.ProxyBed;
import io.nott.edge.units.run.LuaPhasesInterceptor;
import io.nott.edge.units.run.OffLoop;
import io.nott.edge.units.run.UnitOutputLimits;
import io.nott.edge.units.sync.AppliedSnapshot;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.upstream.UpstreamSettings;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitSnapshot;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Units that try to break the edge through what they hand it (issue #15): framing headers, header
 * floods, oversized body_filter output. Each ends in an answer the client can read (or, once the
 * head is out, a cut connection), never a hang or a silently oversized response.
 */
class HostileUnitsTest {

    static Vertx vertx;
    Origin origin;
    ProxyBed bed;
    SnapshotHolder holder;
    OffLoop offLoop;

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
        origin = new Origin(vertx).respond(r -> r.response().putHeader("X-Origin-Length", String.valueOf(r.getHeader("Content-Length")))
                .end("origin body"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        holder = new SnapshotHolder(registry, Clock.systemUTC());
        offLoop = new OffLoop();
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, registry, Clock.systemUTC(), new InMemoryUnitRedisClient());
        LuaPhasesInterceptor lua = new LuaPhasesInterceptor(holder, new RequestPipeline(runner), offLoop, 1 << 20,
                UnitOutputLimits.DEFAULT);
        bed = new ProxyBed(vertx, CacheSettings.defaults(), List.of(new ProxyBed.RouteSpec("hls", "/hls",
                UpstreamSettings.of("hls", List.of(origin.address())), CachePolicy.DISABLED)), List.of(lua));
    }

    @AfterEach
    void stop() {
        bed.close();
        origin.close();
        offLoop.close();
    }

    /** Generous budgets: the point is what the units hand the edge, not the sandbox's own limits. */
    private void units(ComputingUnit... units) {
        UnitSnapshot snapshot = UnitSnapshot.build(1, Arrays.stream(units)
                .map(u -> u.withBudget(new Budget(100_000_000, 20_000)).withFailure(FailurePolicy.OPEN)).toList());
        holder.swap(new AppliedSnapshot(snapshot, "v1", System.currentTimeMillis(), "test", List.of()));
    }

    /**
     * Issue #15's library calls that built more than the string limit in one call (an
     * OutOfMemoryError on the edge before): each is refused before it allocates, the fail-open
     * unit ends as an error and the request goes on to the origin.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "local s = string.rep('\\255', 4*1024*1024) for i = 1, 100 do s = ngx.escape_uri(s) end",
        "local s = string.rep('\\255', 6e6) local a = ngx.encode_args({a = s})",
        "local s = string.rep('\"', 4e6) local j = edge_computing.json.encode({s, s, s})",
        "local d = os.date(string.rep('%c', 4*1024*1024))",
        "local q = string.format('%q', string.rep('\"', 9e6))",
        "local b = ngx.encode_base64(string.rep('x', 15e6))",
        "local s = string.rep('x', 16*1024*1024 - 1) for i = 1, 8 do local u = s:upper() end"})
    void libraryCallsBuildingPastTheLimitsEndTheUnitNotTheEdge(String code) {
        units(ComputingUnit.of("hostile", Phase.ACCESS, code + " ngx.header['X-Survived'] = 'yes'"));
        HttpResponse<String> response = bed.get("/hls/a.m3u8");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("origin body");
        assertThat(response.headers().firstValue("X-Survived")).as("the unit was stopped").isEmpty();
    }

    /** Issue #15: hashing 16 MiB per instruction took 6.5 s against a 50 ms budget; it is charged by the byte now. */
    @Test
    void hashingInALoopEndsAtTheBudget() {
        UnitSnapshot snapshot = UnitSnapshot.build(1, List.of(ComputingUnit.of("md5", Phase.ACCESS,
                "local s = string.rep('x', 16*1024*1024 - 1) while true do ngx.md5(s) end ngx.header['X-Survived'] = 'yes'")));
        holder.swap(new AppliedSnapshot(snapshot, "v1", System.currentTimeMillis(), "test", List.of()));
        HttpResponse<String> response = bed.get("/hls/a.m3u8");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Survived")).isEmpty();
    }

    @Test
    void contentLengthSetByARewriteUnitDoesNotHangTheRequest() {
        units(ComputingUnit.of("liar", Phase.REWRITE, "ngx.req.set_header('Content-Length', '40')"
                + " ngx.req.set_header('Transfer-Encoding', 'chunked') ngx.req.set_header('Connection', 'close')"));
        HttpResponse<String> response = bed.get("/hls/a.m3u8");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("origin body");
        assertThat(response.headers().firstValue("X-Origin-Length")).hasValue("null");
    }

    @Test
    void framingHeadersSetOnTheResponseAreTheEdgesNotTheUnits() {
        units(ComputingUnit.of("liar", Phase.HEADER_FILTER, "ngx.header['Content-Length'] = '4000'"
                + " ngx.header['Transfer-Encoding'] = 'gzip' ngx.header['X-Kept'] = 'yes'"));
        HttpResponse<String> response = bed.get("/hls/a.m3u8");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("origin body");
        assertThat(response.headers().firstValue("Content-Length")).hasValue("11");
        assertThat(response.headers().firstValue("X-Kept")).hasValue("yes");
    }

    @Test
    void aFailOpenUnitFloodingResponseHeadersGetsA500NotADroppedConnection() {
        units(ComputingUnit.of("flood", Phase.ACCESS, "for i = 1, 200000 do ngx.header['X-Flood-' .. i] = 'v' end"));
        HttpResponse<String> response = bed.get("/hls/a.m3u8");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("more than 100 headers");
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-flood"));
    }

    @Test
    void aUnitFloodingRequestHeadersGetsA500AndTheOriginSeesNothing() {
        units(ComputingUnit.of("flood", Phase.REWRITE, "for i = 1, 200000 do ngx.req.set_header('X-Flood-' .. i, 'v') end"));
        origin.resetCount();
        HttpResponse<String> response = bed.get("/hls/a.m3u8");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(origin.requests()).isZero();
    }

    @Test
    void oneHeaderLargerThanTheByteLimitGetsA500() {
        units(ComputingUnit.of("big", Phase.HEADER_FILTER, "ngx.header['X-Big'] = string.rep('x', 100 * 1024)"));
        assertThat(bed.get("/hls/a.m3u8").statusCode()).isEqualTo(500);
    }

    @Test
    void bodyFilterOutputBeyondTheBodyLimitIsNeverSentWhole() {
        units(ComputingUnit.of("inflate", Phase.BODY_FILTER, "ngx.arg[1] = string.rep('B', 15 * 1024 * 1024)"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(bed.uri("/hls/a.m3u8")).timeout(Duration.ofSeconds(60)).build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            // Either refused before the head went out, or (never) a complete body: both chunks are 30 MiB.
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body().length).isLessThan(16 * 1024 * 1024);
        } catch (IOException cut) {
            // The head was out: the connection was cut, the client knows the body is incomplete.
            assertThat(cut).isNotNull();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        // The edge keeps serving.
        units();
        assertThat(bed.get("/hls/a.m3u8").body()).isEqualTo("origin body");
    }
}
