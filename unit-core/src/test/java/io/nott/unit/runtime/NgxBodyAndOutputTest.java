package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * Request bodies ({@code ngx.req.read_body} and friends), {@code ngx.sleep},
 * {@code send_headers}/{@code headers_sent}/{@code flush}, and the small informational APIs
 * ({@code ngx.worker}, {@code ngx.config}, {@code localtime}, {@code parse_http_time},
 * {@code raw_header}), as lua-nginx-module 0.10.23 behaves.
 */
class NgxBodyAndOutputTest {

    private final Fixture f = new Fixture();

    private static SimulatedExchange post(String body) {
        return SimulatedExchange.builder().host("example.com").method("POST").target("/t")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Content-Length", Integer.toString(body.length()))
                .body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Runs code in a phase; returns what it logged joined by '|', failing on error outcomes. */
    private String logged(Phase phase, HttpExchange ex, RequestState state, String code) {
        UnitOutcome o = f.one(phase, ex, state, code);
        assertThat(o.kind()).as("outcome of %s: %s", code, o.message()).isIn(Kind.OK, Kind.EXIT);
        return String.join("|", state.logs().stream().map(RequestState.LogLine::message).toList());
    }

    private String logged(HttpExchange ex, String code) {
        return logged(Phase.ACCESS, ex, new RequestState(), code);
    }

    @Test
    void bodyIsNilUntilReadThenTheClientsBody() {
        assertThat(logged(post("a=1&b=two+words&b=3&flag"), String.join("\n",
                "ngx.log(ngx.ERR, tostring(ngx.req.get_body_data()))",
                "ngx.req.read_body()",
                "ngx.log(ngx.ERR, ngx.req.get_body_data(), ',', tostring(ngx.req.get_body_file()))",
                "local args = ngx.req.get_post_args()",
                "ngx.log(ngx.ERR, args.a, ',', args.b[1], ',', args.b[2], ',', tostring(args.flag))",
                "local _, err = ngx.req.get_post_args(2)",
                "ngx.log(ngx.ERR, err)")))
                .isEqualTo("nil|a=1&b=two+words&b=3&flag,nil|1,two words,3,true|truncated");
    }

    @Test
    void noBodyReadsAsNilAndEmptyArgs() {
        assertThat(logged(Fixture.get("/"), String.join("\n",
                "ngx.req.read_body()",
                "ngx.log(ngx.ERR, tostring(ngx.req.get_body_data()), ',', tostring(next(ngx.req.get_post_args())))")))
                .isEqualTo("nil,nil");
    }

    @Test
    void setBodyDataNeedsAReadBodyAndIsWhatGoesUpstream() {
        RequestState state = new RequestState();
        assertThat(logged(Phase.REWRITE, post("original"), state, String.join("\n",
                "local ok, err = pcall(ngx.req.set_body_data, 'x')",
                "ngx.log(ngx.ERR, err)",
                "ngx.req.read_body()",
                "ngx.req.set_body_data('replaced')",
                "ngx.log(ngx.ERR, ngx.req.get_body_data())")))
                .endsWith("request body not read yet|replaced");
        assertThat(state.requestBodyChanged()).isTrue();
        assertThat(new String(state.requestBody(), StandardCharsets.UTF_8)).isEqualTo("replaced");
    }

    @Test
    void initAppendFinishBuildANewBody() {
        RequestState state = new RequestState();
        logged(Phase.ACCESS, post("x"), state, String.join("\n",
                "ngx.req.read_body()",
                "ngx.req.init_body()",
                "ngx.req.append_body('one,')",
                "ngx.req.append_body('two')",
                "ngx.req.finish_body()"));
        assertThat(new String(state.requestBody(), StandardCharsets.UTF_8)).isEqualTo("one,two");
    }

    @Test
    void discardBodySendsNothingUpstreamAndReadsAsNil() {
        RequestState state = new RequestState();
        assertThat(logged(Phase.ACCESS, post("secret"), state,
                "ngx.req.discard_body() ngx.req.read_body() ngx.log(ngx.ERR, tostring(ngx.req.get_body_data()))"))
                .isEqualTo("nil");
        assertThat(state.requestBodyChanged()).isTrue();
        assertThat(state.requestBody()).isEmpty();
    }

    @Test
    void bodyApisAreRefusedWhereNginxRefusesThem() {
        UnitOutcome o = f.one(Phase.HEADER_FILTER, post("x"), new RequestState(), "ngx.req.read_body()");
        assertThat(o.kind()).isEqualTo(Kind.ERROR);
        assertThat(o.message()).contains("ngx.req.read_body cannot be called in the header_filter phase");
        UnitOutcome args = f.one(Phase.ACCESS, post("x"), new RequestState(), "ngx.req.get_post_args()");
        assertThat(args.message()).contains("no request body found");
    }

    @Test
    void readingUnitsAreKnownToTheSnapshotSoTheHostReadsTheBodyFirst() {
        UnitSnapshot s = Fixture.snapshot(unit("r", Phase.ACCESS, "ngx.req.read_body()"),
                unit("p", Phase.CONTENT, "ngx.say('x')"));
        assertThat(s.readsBody(Phase.ACCESS)).isTrue();
        assertThat(s.readsBody(Phase.CONTENT)).isFalse();
    }

    @Test
    void sleepWaitsOffTheLoopAndIsMarkedBlocking() {
        UnitSnapshot s = Fixture.snapshot(unit("s", Phase.ACCESS, "ngx.sleep(0.01) ngx.log(ngx.ERR, 'woke')"));
        assertThat(s.blocks(Phase.ACCESS)).isTrue();
        RequestState state = new RequestState();
        long start = System.nanoTime();
        PhaseResult r = f.runner.run(s, Phase.ACCESS, Fixture.get("/"), state);
        assertThat(r.outcomes().get(0).kind()).isEqualTo(Kind.OK);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(10_000_000L);
        assertThat(state.logs()).extracting(RequestState.LogLine::message).containsExactly("woke");
    }

    @Test
    void onlyTheRequestsHostsWaitingUnitsMoveItsStep() {
        UnitSnapshot s = Fixture.snapshot(
                unit("redis-a", Phase.BODY_FILTER, "local r = edge_computing.redis_client").withHosts(java.util.List.of("a.example")),
                unit("sleep-word", Phase.BODY_FILTER, "-- ngx.sleep is refused here"),
                unit("reader-a", Phase.ACCESS, "ngx.req.read_body()").withHosts(java.util.List.of("a.example")));
        assertThat(s.blocks(Phase.BODY_FILTER, "a.example")).isTrue();
        assertThat(s.blocks(Phase.BODY_FILTER, "b.example")).isFalse();
        assertThat(s.readsBody(Phase.ACCESS, "a.example")).isTrue();
        assertThat(s.readsBody(Phase.ACCESS, "b.example")).isFalse();
    }

    @Test
    void aSleepPastTheWallBudgetIsATimeoutAtOnce() {
        UnitSnapshot s = Fixture.snapshot(unit("s", Phase.ACCESS, "ngx.sleep(5)").withBudget(new Budget(1_000_000, 50)));
        UnitOutcome o = f.runner.run(s, Phase.ACCESS, Fixture.get("/"), new RequestState()).outcomes().get(0);
        assertThat(o.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(o.message()).contains("ngx.sleep(5) would end after the unit's wall-clock budget");
    }

    @Test
    void sleepIsRefusedOutsideRequestPhasesAndForNegativeDurations() {
        assertThat(f.one(Phase.LOG, Fixture.get("/"), new RequestState(), "ngx.sleep(0)").kind()).isEqualTo(Kind.ERROR);
        assertThat(f.one(Phase.ACCESS, Fixture.get("/"), new RequestState(), "ngx.sleep(-1)").message())
                .contains("invalid sleep duration");
    }

    @Test
    void headersSentFollowsSendHeadersAndOutput() {
        RequestState state = new RequestState();
        assertThat(logged(Phase.CONTENT, Fixture.get("/"), state, String.join("\n",
                "ngx.log(ngx.ERR, tostring(ngx.headers_sent))",
                "ngx.send_headers()",
                "ngx.log(ngx.ERR, tostring(ngx.headers_sent))",
                "ngx.status = 404",
                "ngx.log(ngx.ERR, ngx.status)")))
                .isEqualTo("false|true|attempt to set ngx.status after sending out response headers|200");
        assertThat(state.bodyWritten()).isTrue();
    }

    @Test
    void workerConfigAndClockStrings() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneId.of("Europe/Berlin"));
        Fixture berlin = new Fixture(RunnerSettings.DEFAULT, clock);
        RequestState state = new RequestState();
        UnitOutcome o = berlin.one(Phase.ACCESS, Fixture.get("/"), state, String.join("\n",
                "ngx.log(ngx.ERR, ngx.worker.id(), ',', ngx.worker.count(), ',', type(ngx.worker.pid()), ',', tostring(ngx.worker.exiting()))",
                "ngx.log(ngx.ERR, ngx.config.subsystem, ',', ngx.config.nginx_version, ',', ngx.config.ngx_lua_version, ',', tostring(ngx.config.debug))",
                "ngx.log(ngx.ERR, ngx.localtime(), ',', ngx.utctime())",
                "ngx.log(ngx.ERR, ngx.parse_http_time('Sun, 06 Nov 1994 08:49:37 GMT'), ',', ngx.parse_http_time('Sunday, 06-Nov-94 08:49:37 GMT'), ',', ngx.parse_http_time('Sun Nov  6 08:49:37 1994'), ',', tostring(ngx.parse_http_time('junk')))"));
        assertThat(o.kind()).as(o.message()).isEqualTo(Kind.OK);
        assertThat(state.logs()).extracting(RequestState.LogLine::message).containsExactly(
                "0,1,number,false",
                "http,1022001,10023,false",
                "2026-11-27 11:00:00,2026-11-27 10:00:00",
                "784111777,784111777,784111777,nil");
    }

    @Test
    void rawHeaderRebuildsTheRequestHead() {
        SimulatedExchange ex = SimulatedExchange.builder().host("example.com").target("/a?b=1")
                .header("Host", "example.com").header("X-One", "1").build();
        assertThat(logged(ex, "ngx.log(ngx.ERR, ngx.req.raw_header(true))")).isEqualTo("Host: example.com\r\nX-One: 1\r\n\r\n");
        assertThat(logged(ex, "ngx.log(ngx.ERR, (ngx.req.raw_header():gsub('\\r\\n.*', '')))")).isEqualTo("GET /a?b=1 HTTP/1.1");
    }
}
