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
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitSnapshot;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request bodies through real sockets: units that call {@code ngx.req.read_body} get the body read
 * before their phase, what they leave (the client's body or theirs) reaches a real origin with a
 * correct Content-Length, a body over {@code client_max_body_size} is a 413, and units that sleep
 * run off the event loop.
 */
class RequestBodyUnitsTest {

    private static final long MAX_BODY = 1024;

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
        // The origin answers what it got: method, Content-Length and the body.
        origin = new Origin(vertx).respond(r -> r.body().onSuccess(body -> r.response()
                .putHeader("Content-Type", "text/plain")
                .end(r.method().name() + " length=" + r.getHeader("Content-Length") + " body=" + body)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        holder = new SnapshotHolder(registry, Clock.systemUTC());
        offLoop = new OffLoop();
        PhaseRunner runner = new PhaseRunner(new RunnerSettings(RunnerSettings.DEFAULT.limits(), 5,
                java.time.Duration.ofSeconds(10), 1 << 20, java.time.Duration.ofSeconds(1), MAX_BODY), registry,
                Clock.systemUTC(), new InMemoryUnitRedisClient());
        LuaPhasesInterceptor lua = new LuaPhasesInterceptor(holder, new RequestPipeline(runner), offLoop, 1 << 20,
                UnitOutputLimits.DEFAULT, LuaPhasesInterceptor.DEFAULT_OFFLOAD_ABOVE_NANOS, MAX_BODY);
        bed = new ProxyBed(vertx, CacheSettings.defaults(), List.of(new ProxyBed.RouteSpec("api", "/",
                UpstreamSettings.of("api", List.of(origin.address())), CachePolicy.parse(false, List.of(), false))),
                List.of(lua));
    }

    @AfterEach
    void stop() {
        bed.close();
        origin.close();
        offLoop.close();
    }

    private void units(ComputingUnit... units) {
        UnitSnapshot snapshot = UnitSnapshot.build(1, Arrays.stream(units)
                .map(u -> u.withBudget(new Budget(1_000_000, 5_000))).toList());
        holder.swap(new AppliedSnapshot(snapshot, "v1", System.currentTimeMillis(), "test", List.of()));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return bed.client().send(HttpRequest.newBuilder(bed.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyReadByAUnitStillReachesTheOriginWhole() throws Exception {
        units(ComputingUnit.of("reader", Phase.ACCESS, "ngx.req.read_body() ngx.req.set_header('X-Len', #ngx.req.get_body_data())"));
        HttpResponse<String> r = post("/api/items", "{\"name\":\"cam-1\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("POST length=16 body={\"name\":\"cam-1\"}");
    }

    @Test
    void aBodySetByAUnitGoesUpstreamWithItsOwnLength() throws Exception {
        units(ComputingUnit.of("upper", Phase.REWRITE,
                "ngx.req.read_body() ngx.req.set_body_data(ngx.req.get_body_data():upper() .. '!!')"));
        assertThat(post("/api/items", "shout").body()).isEqualTo("POST length=7 body=SHOUT!!");
    }

    @Test
    void aDiscardedBodyGoesUpstreamEmpty() throws Exception {
        units(ComputingUnit.of("drop", Phase.ACCESS, "ngx.req.discard_body()"));
        assertThat(post("/api/items", "secret").body()).isEqualTo("POST length=0 body=");
    }

    @Test
    void aContentUnitAnswersFromTheFormBody() throws Exception {
        units(ComputingUnit.of("form", Phase.CONTENT,
                "ngx.req.read_body() local a = ngx.req.get_post_args() ngx.say(a.name, ' ', a.n)"));
        HttpResponse<String> r = post("/form", "name=cam+1&n=3");
        assertThat(r.body()).isEqualTo("cam 1 3\n");
        assertThat(origin.requests()).isZero();
    }

    @Test
    void aBodyOverTheLimitIs413AndTheConnectionCloses() throws Exception {
        units(ComputingUnit.of("reader", Phase.ACCESS, "ngx.req.read_body() ngx.say('read')"));
        // Declared too large: refused before a byte is read, as nginx does.
        assertThat(raw("POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000000\r\n\r\nshort"))
                .startsWith("HTTP/1.1 413").contains("413 Request Entity Too Large");
        // Chunked and too large: refused once the limit is passed.
        String chunk = "a".repeat(600);
        assertThat(raw("POST /x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(600) + "\r\n" + chunk + "\r\n" + Integer.toHexString(600) + "\r\n" + chunk
                + "\r\n0\r\n\r\n")).startsWith("HTTP/1.1 413");
        assertThat(post("/x", "small").body()).isEqualTo("read\n");
        assertThat(origin.requests()).isZero();
    }

    @Test
    void aSleepingUnitRunsOffTheEventLoop() throws Exception {
        units(ComputingUnit.of("sleeper", Phase.CONTENT,
                "ngx.sleep(0.02) ngx.say(tostring(ngx.headers_sent))"));
        HttpResponse<String> r = bed.get("/slow");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("false\n");
    }

    /** Sends raw bytes on a fresh connection and reads until the edge closes it (a loose 10 s timeout). */
    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", bed.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
