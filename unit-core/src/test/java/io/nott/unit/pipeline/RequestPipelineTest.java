package io.nott.unit.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.BodyChunk;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.SimulatedExchange;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's rules, each checked against what nginx 1.22 + lua-nginx-module answered for the
 * same Lua (Debian's nginx-light and libnginx-mod-http-lua, {@code server_tokens off}).
 */
class RequestPipelineTest {

    /** nginx's 403 page, byte for byte (Content-Length: 146). */
    static final String NGINX_403 = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
            + "<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    private final RequestPipeline pipeline = new RequestPipeline(new PhaseRunner(RunnerSettings.DEFAULT, null,
            Clock.systemUTC(), new InMemoryUnitRedisClient()));
    private final List<UnitOutcome> outcomes = new ArrayList<>();
    private int upstreamCalls;

    private BufferedResponse run(ComputingUnit... units) {
        return run(null, units);
    }

    private BufferedResponse run(Phase only, ComputingUnit... units) {
        UnitSnapshot snapshot = UnitSnapshot.build(1, Arrays.stream(units)
                .map(u -> u.withBudget(new io.nott.unit.model.Budget(1_000_000, 5_000))).toList());
        assertThat(snapshot.errors()).isEmpty();
        PipelineRun run = pipeline.start(snapshot, SimulatedExchange.get("example.com", "/hls/live.m3u8"), only,
                outcomes::add);
        return pipeline.run(run, () -> {
            upstreamCalls++;
            return new BufferedResponse(200, Map.of("Content-Type", List.of("text/plain")),
                    "origin\n".getBytes(StandardCharsets.UTF_8));
        });
    }

    private static ComputingUnit unit(String id, Phase phase, String code) {
        return ComputingUnit.of(id, phase, code);
    }

    private static String body(BufferedResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void anExitAnswersWithNginxsPageAndKeepsTheHeadersUnitsSet() {
        BufferedResponse r = run(unit("deny", Phase.ACCESS, "ngx.header['X-A'] = '1' return ngx.exit(403)"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(body(r)).isEqualTo(NGINX_403).hasSize(146);
        assertThat(r.header("content-type")).isEqualTo("text/html");
        assertThat(r.header("X-A")).isEqualTo("1");
        assertThat(upstreamCalls).isZero();

        BufferedResponse notFound = run(unit("rw", Phase.REWRITE, "ngx.header['X-A'] = '1' return ngx.exit(404)"));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(body(notFound)).contains("<title>404 Not Found</title>");
        assertThat(notFound.header("X-A")).isEqualTo("1");
    }

    @Test
    void redirectsAnswerWithTheirPageAndLocation() {
        BufferedResponse r = run(unit("r", Phase.ACCESS, "return ngx.redirect('/elsewhere')"));
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("/elsewhere");
        assertThat(body(r)).contains("<title>302 Found</title>").hasSize(138);
        BufferedResponse moved = run(unit("r", Phase.CONTENT, "return ngx.redirect('http://a.example/x', 301)"));
        assertThat(moved.status()).isEqualTo(301);
        assertThat(body(moved)).hasSize(162);
    }

    @Test
    void statusesWithoutAPageAnswerEmpty() {
        BufferedResponse ok = run(unit("e", Phase.ACCESS, "return ngx.exit(200)"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEmpty();
        assertThat(ok.header("Content-Type")).isEqualTo("text/plain");
        BufferedResponse statusWins = run(unit("e", Phase.REWRITE, "ngx.status = 403 return ngx.exit(200)"));
        assertThat(statusWins.status()).isEqualTo(403);
        assertThat(statusWins.body()).isEmpty();
        BufferedResponse noContent = run(unit("e", Phase.ACCESS, "return ngx.exit(204)"));
        assertThat(noContent.status()).isEqualTo(204);
        assertThat(noContent.header("Content-Type")).isNull();
        BufferedResponse teapot = run(unit("e", Phase.ACCESS, "return ngx.exit(418)"));
        assertThat(teapot.status()).isEqualTo(418);
        assertThat(teapot.body()).isEmpty();
        assertThat(teapot.header("Content-Type")).isNull();
        assertThat(run(unit("e", Phase.ACCESS, "return ngx.exit(494)")).status()).isEqualTo(400);
        assertThat(upstreamCalls).isZero();
    }

    @Test
    void aBodyWrittenBeforeTheUpstreamIsTheAnswer() {
        BufferedResponse r = run(unit("say", Phase.ACCESS, "ngx.status = 201 ngx.say('hi')"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(body(r)).isEqualTo("hi\n");
        assertThat(r.header("Content-Type")).isEqualTo("text/plain");
        assertThat(upstreamCalls).isZero();
    }

    @Test
    void headerFilterSeesTheLocalAnswer() {
        BufferedResponse r = run(unit("deny", Phase.ACCESS, "return ngx.exit(403)"),
                unit("tag", Phase.HEADER_FILTER, "ngx.header['X-S'] = ngx.status ngx.header['X-CT'] = ngx.header['Content-Type']"));
        assertThat(r.header("X-S")).isEqualTo("403");
        assertThat(r.header("X-CT")).isEqualTo("text/html");
        BufferedResponse redirect = run(unit("r", Phase.ACCESS, "return ngx.redirect('/r', 307)"),
                unit("tag", Phase.HEADER_FILTER, "ngx.header['X-S'] = ngx.status"));
        assertThat(redirect.header("X-S")).isEqualTo("307");
    }

    @Test
    void aStatusSetBeforeProxyingGivesWayToTheUpstreamsButHeaderFilterSetsIt() {
        BufferedResponse r = run(unit("s", Phase.ACCESS, "ngx.status = 202"),
                unit("tag", Phase.HEADER_FILTER, "ngx.header['X-S'] = ngx.status"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-S")).isEqualTo("200");
        BufferedResponse changed = run(unit("hf", Phase.HEADER_FILTER, "ngx.status = 404"));
        assertThat(changed.status()).isEqualTo(404);
        assertThat(body(changed)).isEqualTo("origin\n");
    }

    @Test
    void anExitInHeaderFilterReplacesTheResponseAndBodyFilterSeesThePage() {
        BufferedResponse r = run(unit("hf", Phase.HEADER_FILTER, "return ngx.exit(403)"),
                unit("up", Phase.BODY_FILTER, "ngx.arg[1] = string.upper(ngx.arg[1])"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(body(r)).isEqualTo(NGINX_403.toUpperCase(java.util.Locale.ROOT));
        assertThat(r.header("Content-Type")).isEqualTo("text/html");
    }

    @Test
    void failuresFollowThePolicy() {
        ComputingUnit broken = unit("broken", Phase.ACCESS, "error('boom')");
        BufferedResponse open = run(broken);
        assertThat(open.status()).isEqualTo(200);
        assertThat(body(open)).isEqualTo("origin\n");
        BufferedResponse closed = run(broken.withFailure(FailurePolicy.CLOSED));
        assertThat(closed.status()).isEqualTo(500);
        assertThat(body(closed)).contains("<title>500 Internal Server Error</title>");
        // nginx closes the connection when header_filter fails: ErrorPages.CLOSE tells the host to.
        BufferedResponse closedHeaderFilter = run(unit("hf", Phase.HEADER_FILTER, "error('boom')")
                .withFailure(FailurePolicy.CLOSED));
        assertThat(closedHeaderFilter.status()).isEqualTo(ErrorPages.CLOSE);
        assertThat(body(closedHeaderFilter)).isEmpty();
        BufferedResponse closedBodyFilter = run(unit("bf", Phase.BODY_FILTER, "error('boom')")
                .withFailure(FailurePolicy.CLOSED));
        assertThat(closedBodyFilter.status()).isEqualTo(200);
        assertThat(body(closedBodyFilter)).isEqualTo("origin\n");
        assertThat(outcomes).extracting(UnitOutcome::kind).contains(UnitOutcome.Kind.ERROR);
    }

    @Test
    void aContentUnitThatWritesNothingAnswersAnEmpty200LikeContentByLua() {
        BufferedResponse r = run(unit("quiet", Phase.CONTENT, "local x = 1"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(body(r)).isEmpty();
        assertThat(upstreamCalls).isZero();
        BufferedResponse redirect = run(unit("loc", Phase.CONTENT, "ngx.status = 302 ngx.header['Location'] = '/x'"));
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).isEqualTo("/x");
    }

    @Test
    void bodyFilterEofDropsTheRestAndThePhaseFilterRunsOnlyOnePhase() {
        UnitSnapshot snapshot = UnitSnapshot.build(1, List.of(unit("cut", Phase.BODY_FILTER,
                "ngx.arg[1] = 'X' ngx.arg[2] = true")));
        PipelineRun run = pipeline.start(snapshot, SimulatedExchange.get("example.com", "/"), null, outcomes::add);
        BodyChunk first = run.runBodyFilter("a".getBytes(StandardCharsets.UTF_8), false);
        assertThat(first.data()).asString().isEqualTo("X");
        assertThat(first.eof()).isTrue();
        assertThat(run.runBodyFilter("b".getBytes(StandardCharsets.UTF_8), true).data()).isEmpty();

        BufferedResponse onlyHeader = run(Phase.HEADER_FILTER, unit("deny", Phase.ACCESS, "return ngx.exit(403)"),
                unit("tag", Phase.HEADER_FILTER, "ngx.header['X-T'] = '1'"));
        assertThat(onlyHeader.status()).isEqualTo(200);
        assertThat(onlyHeader.header("X-T")).isEqualTo("1");
    }
}
