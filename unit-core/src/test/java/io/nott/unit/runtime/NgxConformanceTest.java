package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OpenResty conformance: each {@code ngx} function behaves as it does in nginx, including every
 * example from the seed. Units report what they see through {@code ngx.log}, whose lines the
 * tests read back from {@link RequestState#logs()}.
 */
class NgxConformanceTest {

    private final Fixture f = new Fixture();

    private SimulatedExchange.Builder req() {
        return SimulatedExchange.builder().host("example.com");
    }

    /** Runs code in a phase and returns what it logged, joined by '|'; fails on error outcomes. */
    private String logged(Phase phase, HttpExchange ex, String code) {
        RequestState state = new RequestState();
        UnitOutcome o = f.one(phase, ex, state, code);
        assertThat(o.kind()).as("outcome of %s: %s", code, o.message()).isIn(Kind.OK, Kind.EXIT);
        return String.join("|", state.logs().stream().map(RequestState.LogLine::message).toList());
    }

    private String logged(String code) {
        return logged(Phase.ACCESS, get("/"), code);
    }

    // ---- ngx.var -----------------------------------------------------------------------------

    @Test
    void varValuesAreStringsAsInNginx() {
        SimulatedExchange ex = req().method("POST").target("/hls/live.m3u8?token=abc&A=1&flag&x=%20y")
                .remoteAddress("192.0.2.7").header("Referer", "http://localhost/app").header("X-Forwarded-For", "1.1.1.1")
                .header("Cookie", "superstition=token; other=2").variable("upstream_response_time", "0.012")
                .variable("request_time", "0.020").variable("tcpinfo_rtt", "345").build();
        String out = logged(Phase.ACCESS, ex, String.join("\n",
                "ngx.log(ngx.ERR, ngx.var.arg_token, ',', ngx.var.arg_a, ',', ngx.var.arg_flag, ',', ngx.var.arg_x, ',', tostring(ngx.var.arg_missing))",
                "ngx.log(ngx.ERR, ngx.var.cookie_superstition, ',', ngx.var.cookie_other, ',', tostring(ngx.var.cookie_nope))",
                "ngx.log(ngx.ERR, ngx.var.http_referer, ',', ngx.var.http_x_forwarded_for, ',', ngx.var.remote_addr)",
                "ngx.log(ngx.ERR, ngx.var.host, ',', ngx.var.uri, ',', ngx.var.args, ',', ngx.var.request_uri, ',', ngx.var.request_method, ',', ngx.var.scheme)",
                "ngx.log(ngx.ERR, type(ngx.var.upstream_response_time), ',', ngx.var.upstream_response_time, ',', ngx.var.request_time, ',', ngx.var.tcpinfo_rtt)",
                "ngx.log(ngx.ERR, ngx.var.time_iso8601, ',', ngx.var.msec, ',', ngx.var.is_args)"));
        assertThat(out.split("\\|")).containsExactly(
                "abc,1,,%20y,nil",
                "token,2,nil",
                "http://localhost/app,1.1.1.1,192.0.2.7",
                "example.com,/hls/live.m3u8,token=abc&A=1&flag&x=%20y,/hls/live.m3u8?token=abc&A=1&flag&x=%20y,POST,http",
                "string,0.012,0.020,345",
                "2026-11-27T10:00:00+00:00,1795773600.250,?");
    }

    @Test
    void unknownVariablesAreNilAndAssignedArgsAreVisibleToLaterUnits() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.ACCESS, get("/"), state,
                unit("a", Phase.ACCESS, "ngx.log(ngx.ERR, tostring(ngx.var.no_such_var)) ngx.var.args = 42").withOrder(1),
                unit("b", Phase.ACCESS, "ngx.log(ngx.ERR, ngx.var.args, type(ngx.var.args))").withOrder(2));
        assertThat(r.isContinue()).isTrue();
        assertThat(state.logs()).extracting(RequestState.LogLine::message).containsExactly("nil", "42string");
        assertThat(state.variables()).containsEntry("args", "42");
        assertThat(state.argsChanged()).isTrue();
    }

    @Test
    void writesToBuiltInOrUnknownVariablesFailWithNginxsErrors() {
        RequestState state = new RequestState();
        UnitOutcome o = f.one(Phase.ACCESS, get("/"), state, String.join("\n",
                "local _, e1 = pcall(function() ngx.var.uri = '/x' end)",
                "local _, e2 = pcall(function() ngx.var.my_flag = 1 end)",
                "ngx.log(ngx.ERR, e1)",
                "ngx.log(ngx.ERR, e2)"));
        assertThat(o.kind()).isEqualTo(Kind.OK);
        assertThat(state.logs()).extracting(RequestState.LogLine::message).anySatisfy(m ->
                assertThat(m).contains("variable \"uri\" not changeable"));
        assertThat(state.logs()).extracting(RequestState.LogLine::message).anySatisfy(m ->
                assertThat(m).contains("variable \"my_flag\" not found for writing"));
        assertThat(state.variables()).isEmpty();
    }

    @Test
    void setUriSetMethodAndSetUriArgsChangeLaterReads() {
        RequestState state = new RequestState();
        UnitOutcome o = f.one(Phase.REWRITE, get("/a?x=1"), state, String.join("\n",
                "ngx.req.set_uri('/b c')",
                "ngx.req.set_method(ngx.HTTP_DELETE)",
                "ngx.req.set_uri_args({k = 'v'})",
                "ngx.log(ngx.ERR, ngx.var.uri, ' ', ngx.req.get_method(), ' ', ngx.var.request_method, ' ', ngx.var.args)"));
        assertThat(o.kind()).isEqualTo(Kind.OK);
        assertThat(state.logs().get(0).message()).isEqualTo("/b c DELETE DELETE k=v");
        assertThat(state.uri()).isEqualTo("/b c");
        assertThat(state.method()).isEqualTo("DELETE");
        assertThat(state.args()).isEqualTo("k=v");
        assertThat(state.jumped()).isFalse();
    }

    // ---- ngx.header ----------------------------------------------------------------------------

    @Test
    void headerTablesRepeatNilRemovesUnderscoresBecomeHyphens() {
        RequestState state = new RequestState();
        UnitOutcome o = f.one(Phase.ACCESS, get("/"), state, String.join("\n",
                "ngx.header['Set-Cookie'] = {'a=1', 'b=2'}",
                "ngx.header.x_powered_by = 'units'",
                "ngx.header['X-Num'] = 42",
                "ngx.header['X-Gone'] = 'soon'",
                "ngx.header['X-Gone'] = nil",
                "ngx.header.Server = nil",
                "ngx.log(ngx.ERR, ngx.header['x-powered-by'], ',', #ngx.header['set-cookie'], ',', tostring(ngx.header['X-Gone']))"));
        assertThat(o.kind()).isEqualTo(Kind.OK);
        assertThat(state.headerChanges()).containsExactly(
                new RequestState.HeaderChange("Set-Cookie", List.of("a=1", "b=2")),
                new RequestState.HeaderChange("x-powered-by", List.of("units")),
                new RequestState.HeaderChange("X-Num", List.of("42")),
                new RequestState.HeaderChange("X-Gone", List.of()),
                new RequestState.HeaderChange("Server", List.of()));
        assertThat(state.logs().get(0).message()).isEqualTo("units,2,nil");
    }

    @Test
    void headerFilterSeesAndChangesTheUpstreamResponse() {
        SimulatedExchange ex = req().target("/hls/live.m3u8").upstreamStatus(200)
                .responseHeader("Content-Type", "application/vnd.apple.mpegurl").responseHeader("Content-Length", "120").build();
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.HEADER_FILTER, ex, state, unit("hf", Phase.HEADER_FILTER, String.join("\n",
                "ngx.log(ngx.ERR, ngx.header.content_type, ',', ngx.status, ',', ngx.var.status)",
                "ngx.header.content_length = nil",
                "if ngx.status == 200 then ngx.status = 203 end")));
        assertThat(r.isContinue()).isTrue();
        assertThat(state.logs().get(0).message()).isEqualTo("application/vnd.apple.mpegurl,200,200");
        assertThat(state.headerChange("Content-Length").removed()).isTrue();
        assertThat(state.status()).isEqualTo(203);
    }

    /** The seed's "metrics headers" unit. */
    @Test
    void seedMetricsHeaders() {
        SimulatedExchange ex = req().variable("upstream_response_time", "0.004").variable("upstream_connect_time", "0.001")
                .variable("request_time", "0.006").variable("tcpinfo_rtt", "120").upstreamStatus(200).build();
        RequestState state = new RequestState();
        f.run(Phase.HEADER_FILTER, ex, state, unit("metrics", Phase.HEADER_FILTER, String.join("\n",
                "ngx.header['X-Metrics-upstream_response_time'] = ngx.var.upstream_response_time",
                "ngx.header['X-Metrics-upstream_connect_time'] = ngx.var.upstream_connect_time",
                "ngx.header['X-Metrics-request_time'] = ngx.var.request_time",
                "ngx.header['X-Metrics-tcpinfo_rtt'] = ngx.var.tcpinfo_rtt",
                "ngx.header['X-Metrics-time_iso8601'] = ngx.var.time_iso8601")));
        assertThat(state.headerChanges()).extracting(c -> c.name() + "=" + c.values().get(0)).containsExactly(
                "X-Metrics-upstream-response-time=0.004", "X-Metrics-upstream-connect-time=0.001",
                "X-Metrics-request-time=0.006", "X-Metrics-tcpinfo-rtt=120",
                "X-Metrics-time-iso8601=2026-11-27T10:00:00+00:00");
    }

    // ---- referer check (seed) / ngx.req ------------------------------------------------------

    @Test
    void seedRefererCheck() {
        String code = "local headers = ngx.req.get_headers()\n"
                + "if not string.find(headers[\"Referer\"],\"localhost\") then\n"
                + "return ngx.exit(ngx.HTTP_FORBIDDEN)\nend";
        PhaseResult ok = f.run(Phase.ACCESS, req().header("referer", "http://localhost:8080/app").build(),
                new RequestState(), unit("origin", Phase.ACCESS, code));
        PhaseResult denied = f.run(Phase.ACCESS, req().header("Referer", "http://evil.example/").build(),
                new RequestState(), unit("origin", Phase.ACCESS, code));
        assertThat(ok.isContinue()).isTrue();
        assertThat(denied.status()).isEqualTo(403);
    }

    @Test
    void reqFunctions() {
        SimulatedExchange ex = req().method("GET").target("/p?a=1&a=2&b=x%20y&c&d=").header("Accept", "a")
                .header("X-Multi", "1").header("X-Multi", "2").build();
        RequestState state = new RequestState();
        UnitOutcome o = f.one(Phase.REWRITE, ex, state, String.join("\n",
                "local h = ngx.req.get_headers()",
                "ngx.log(ngx.ERR, h.accept, ',', h['ACCEPT'], ',', h.x_multi[1], h.x_multi[2], ',', ngx.req.get_method())",
                "local args = ngx.req.get_uri_args()",
                "ngx.log(ngx.ERR, args.a[1], args.a[2], ',', args.b, ',', tostring(args.c), ',', '[' .. args.d .. ']')",
                "ngx.req.set_header('X-Edge', 'yes')",
                "ngx.req.set_header('X-Multi', {'3', '4'})",
                "ngx.req.clear_header('Accept')"));
        assertThat(o.kind()).as(o.message()).isEqualTo(Kind.OK);
        assertThat(state.logs()).extracting(RequestState.LogLine::message).containsExactly("a,a,12,GET", "12,x y,true,[]");
        assertThat(ex.requestHeader("X-Edge")).isEqualTo("yes");
        assertThat(ex.requestHeader("Accept")).isNull();
        assertThat(ex.requestHeaders()).filteredOn(e -> e.getKey().equals("X-Multi")).extracting(e -> e.getValue())
                .containsExactly("3", "4");
    }

    // ---- ngx.ctx, exit, redirect, say, status ---------------------------------------------------

    @Test
    void ctxIsSharedByAllPhasesOfOneRequest() {
        RequestState state = new RequestState();
        f.run(Phase.ACCESS, get("/"), state, unit("a", Phase.ACCESS, "ngx.ctx.started = 'yes'; ngx.ctx.n = 1"));
        f.run(Phase.HEADER_FILTER, get("/"), state, unit("h", Phase.HEADER_FILTER, "ngx.ctx.n = ngx.ctx.n + 1"));
        f.run(Phase.LOG, get("/"), state, unit("l", Phase.LOG, "ngx.log(ngx.INFO, ngx.ctx.started, ngx.ctx.n)"));
        assertThat(state.logs()).extracting(RequestState.LogLine::message).containsExactly("yes2");
        assertThat(state.logs().get(0).levelName()).isEqualTo("info");
        RequestState other = new RequestState();
        f.run(Phase.LOG, get("/"), other, unit("l", Phase.LOG, "ngx.log(ngx.INFO, tostring(ngx.ctx.started))"));
        assertThat(other.logs().get(0).message()).isEqualTo("nil");
    }

    @Test
    void closuresStoredInCtxStillWorkInALaterPhase() {
        RequestState state = new RequestState();
        f.run(Phase.ACCESS, get("/"), state, unit("a", Phase.ACCESS,
                "local prefix = 'seen:' ngx.ctx.describe = function(x) return prefix .. x .. tostring(type(ngx)) end"));
        f.run(Phase.LOG, get("/"), state, unit("l", Phase.LOG, "ngx.log(ngx.INFO, ngx.ctx.describe('later'))"));
        assertThat(state.logs()).extracting(RequestState.LogLine::message).containsExactly("seen:latertable");
    }

    @Test
    void redirectSetsLocationAndExits() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.REWRITE, get("/old"), state, unit("r", Phase.REWRITE, "return ngx.redirect('/new', 301)"));
        assertThat(r.action()).isEqualTo(PhaseResult.Action.EXIT);
        assertThat(r.status()).isEqualTo(301);
        assertThat(state.headerChange("location").values()).containsExactly("/new");
        RequestState escaped = new RequestState();
        f.one(Phase.REWRITE, get("/"), escaped, "ngx.redirect('/x\\r\\nX: y')");
        assertThat(escaped.headerChange("location").values()).containsExactly("/x%0D%0AX: y");
    }

    @Test
    void contentPhaseBuildsTheBodyWithSayAndPrint() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.CONTENT, get("/hello"), state, unit("c", Phase.CONTENT, String.join("\n",
                "ngx.status = 201",
                "ngx.header.content_type = 'text/plain'",
                "ngx.say('hello ', ngx.var.uri, ' ', 1.5, ' ', true, ' ', nil)",
                "ngx.print({'a', {'b', 'c'}}, 7)")));
        assertThat(r.action()).isEqualTo(PhaseResult.Action.RESPONSE);
        assertThat(r.status()).isEqualTo(201);
        assertThat(new String(state.body(), StandardCharsets.UTF_8)).isEqualTo("hello /hello 1.5 true nil\nabc7");
    }

    @Test
    void everyContentUnitAddsToTheBodyUnlessOneExits() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.CONTENT, get("/"), state,
                unit("c1", Phase.CONTENT, "ngx.say('one')").withOrder(1),
                unit("c2", Phase.CONTENT, "ngx.say('two') ngx.exit(ngx.OK)").withOrder(2),
                unit("c3", Phase.CONTENT, "ngx.print('three') return ngx.exit(202)").withOrder(3),
                unit("c4", Phase.CONTENT, "ngx.say('never')").withOrder(4));
        assertThat(r.action()).isEqualTo(PhaseResult.Action.RESPONSE);
        // nginx sent 200 with the first say: the later exit(202) changes nothing (conformance: exit.t).
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(state.body(), StandardCharsets.UTF_8)).isEqualTo("one\ntwo\nthree");
        assertThat(r.outcomes()).extracting(UnitOutcome::unitId).containsExactly("c1", "c2", "c3");
        // A content unit that ran is the handler, as content_by_lua: an empty 200, no upstream.
        PhaseResult silent = f.run(Phase.CONTENT, get("/"), new RequestState(), unit("quiet", Phase.CONTENT, "local x = 1"));
        assertThat(silent.action()).isEqualTo(PhaseResult.Action.RESPONSE);
        assertThat(silent.status()).isEqualTo(200);
    }

    @Test
    void sayThenExitInAccessAnswersWithTheBody() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.ACCESS, get("/"), state, unit("c", Phase.ACCESS,
                "ngx.say('blocked') return ngx.exit(ngx.HTTP_OK)"));
        assertThat(r.action()).isEqualTo(PhaseResult.Action.RESPONSE);
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(state.body(), StandardCharsets.UTF_8)).isEqualTo("blocked\n");
    }

    @Test
    void exitErrorClosesTheConnectionAndBadStatusIsAnError() {
        assertThat(f.run(Phase.ACCESS, get("/"), new RequestState(), unit("e", Phase.ACCESS, "ngx.exit(ngx.ERROR)")).status())
                .isEqualTo(PhaseRunner.CLOSE);
        assertThat(f.one(Phase.ACCESS, get("/"), new RequestState(), "ngx.exit('404')").message())
                .contains("bad argument #1 to 'exit' (number expected, got string)");
        assertThat(f.one(Phase.ACCESS, get("/"), new RequestState(), "ngx.exit(42)").message())
                .contains("bad argument #1 to 'ngx.exit': status 42");
    }

    // ---- phase checks ---------------------------------------------------------------------------

    @Test
    void apisCheckTheirPhaseAndNameTheAllowedOnes() {
        assertThat(f.one(Phase.LOG, get("/"), new RequestState(), "ngx.say('x')").message())
                .contains("ngx.say cannot be called in the log phase; allowed in: rewrite, access, content");
        assertThat(f.one(Phase.BODY_FILTER, get("/"), new RequestState(), "ngx.exit(403)").message())
                .contains("ngx.exit cannot be called in the body_filter phase; allowed in: rewrite, access, content, header_filter");
        assertThat(f.one(Phase.ACCESS, get("/"), new RequestState(), "local x = ngx.arg[1]").message())
                .contains("ngx.arg cannot be called in the access phase; allowed in: body_filter");
        assertThat(f.one(Phase.LOG, get("/"), new RequestState(), "ngx.req.set_header('a', 'b')").message())
                .contains("allowed in: rewrite, access, content, header_filter, body_filter");
        // OpenResty logs and ignores header writes once headers are out.
        RequestState state = new RequestState();
        assertThat(f.one(Phase.LOG, get("/"), state, "ngx.header['X'] = '1'").kind()).isEqualTo(Kind.OK);
        assertThat(state.headerChanges()).isEmpty();
        assertThat(state.logs().get(0).message()).contains("after sending out response headers");
    }

    // ---- body_filter (seed: HLS tag) -------------------------------------------------------------

    @Test
    void seedHlsTagInBodyFilter() {
        UnitSnapshot s = Fixture.snapshot(unit("hls", Phase.BODY_FILTER, String.join("\n",
                "ngx.header.content_length = nil",
                "if ngx.arg[2] then ngx.arg[1] = ngx.arg[1] .. \"\\n#COPYRIGHT:\" end")));
        RequestState state = new RequestState();
        SimulatedExchange ex = get("/hls/live.m3u8");
        BodyChunk first = f.runner.runBodyFilter(s, ex, state, "#EXTM3U\n".getBytes(StandardCharsets.UTF_8), false);
        BodyChunk last = f.runner.runBodyFilter(s, ex, state, "live_high.m3u8".getBytes(StandardCharsets.UTF_8), true);
        assertThat(new String(first.data(), StandardCharsets.UTF_8)).isEqualTo("#EXTM3U\n");
        assertThat(new String(last.data(), StandardCharsets.UTF_8)).isEqualTo("live_high.m3u8\n#COPYRIGHT:");
        assertThat(last.eof()).isTrue();
        assertThat(last.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK);
    }

    @Test
    void bodyFilterCanDropAndEndTheBodyAndBinaryIsPreserved() {
        UnitSnapshot s = Fixture.snapshot(unit("drop", Phase.BODY_FILTER, "ngx.arg[1] = string.upper(ngx.arg[1]) ngx.arg[2] = true"));
        byte[] bin = {(byte) 0xff, 0, (byte) 0x80, 'a'};
        BodyChunk c = f.runner.runBodyFilter(s, get("/"), new RequestState(), bin, false);
        assertThat(c.data()).containsExactly((byte) 0xff, 0, (byte) 0x80, 'A');
        assertThat(c.eof()).isTrue();
    }

    @Test
    void failingBodyFilterLeavesTheChunkUnchanged() {
        UnitSnapshot s = Fixture.snapshot(unit("bad", Phase.BODY_FILTER, "ngx.arg[1] = 'changed' error('boom')"));
        BodyChunk c = f.runner.runBodyFilter(s, get("/"), new RequestState(), "orig".getBytes(StandardCharsets.UTF_8), true);
        assertThat(new String(c.data(), StandardCharsets.UTF_8)).isEqualTo("orig");
        assertThat(c.outcomes().get(0).kind()).isEqualTo(Kind.ERROR);
    }

    // ---- per-IP counter through redis_client (seed) -------------------------------------------------

    @Test
    void seedPerIpCounterThroughRedisClient() {
        String code = "local resp, err = edge_computing.redis_client:incr(ngx.var.remote_addr)\n"
                + "ngx.header['X-Request-Counter'] = resp";
        // A generous wall budget: this is about the counter, and at load 30 one call took over 50 ms.
        var counter = unit("counter", Phase.ACCESS, code).withBudget(new io.nott.unit.model.Budget(1_000_000, 10_000));
        for (int i = 1; i <= 3; i++) {
            RequestState state = new RequestState();
            PhaseResult result = f.run(Phase.ACCESS, req().remoteAddress("203.0.113.9").build(), state, counter);
            assertThat(result.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK);
            assertThat(state.headerChange("X-Request-Counter").values()).containsExactly(Integer.toString(i));
        }
        assertThat(f.redis.dump()).containsEntry("ud:203.0.113.9", "3");
    }

    @Test
    void seedWrapperStyleEdgeComputingArgumentAndAllCommands() {
        String out = logged(String.join("\n",
                "local ec = ...",
                "local r = ec.redis_client",
                "assert(r == edge_computing.redis_client)",
                "ngx.log(ngx.ERR, r:set('k', 'v'), r:get('k'), tostring(r:get('none') == ngx.null))",
                "ngx.log(ngx.ERR, r:incrby('n', 5), r:expire('n', 60), r:ttl('n'), r:del('n'), r:ttl('n'))",
                "ngx.log(ngx.ERR, r:hset('h', 'f', 'x'), r:hget('h', 'f'), r:hincrby('h', 'c', 2))",
                "ngx.log(ngx.ERR, r:sadd('s', 'm'), r:sismember('s', 'm'), #r:smembers('s'), r:srem('s', 'm'), r:sismember('s', 'm'))",
                "local v, err = r:incr('k')",
                "ngx.log(ngx.ERR, tostring(v), ' ', err)",
                "ngx.log(ngx.ERR, r.get('k'))"));
        assertThat(out.split("\\|")).containsExactly("OKvtrue", "51601-2", "1x2", "11110",
                "nil ERR value is not an integer or out of range", "v");
    }

    @Test
    void jsonHelper() {
        String out = logged(String.join("\n",
                "local json = edge_computing.json",
                "ngx.log(ngx.ERR, json.encode({a = 1, list = {1, 2.5, 'x', true}, n = json.null}))",
                "local t = json.decode('{\"k\":[1,{\"z\":null}],\"s\":\"\\\\u00e9\"}')",
                "ngx.log(ngx.ERR, t.k[1], type(t.k[2]), tostring(t.k[2].z == ngx.null), t.s)",
                "local bad, err = json.decode('{oops')",
                "ngx.log(ngx.ERR, tostring(bad), ' ', err)"));
        String[] lines = out.split("\\|");
        assertThat(lines[0]).contains("\"a\":1").contains("\"list\":[1,2.5,\"x\",true]").contains("\"n\":null");
        assertThat(lines[1]).isEqualTo("1tabletrueé");
        assertThat(lines[2]).startsWith("nil invalid JSON at offset 1");
    }

    // ---- helpers --------------------------------------------------------------------------------

    @Test
    void stringHelpers() {
        String out = logged(String.join("\n",
                "ngx.log(ngx.ERR, ngx.encode_base64('hello?'), ' ', ngx.decode_base64('aGVsbG8/'), ' ', tostring(ngx.decode_base64('%%%')))",
                "ngx.log(ngx.ERR, ngx.escape_uri('a b/c?d=é'), ' ', ngx.unescape_uri('a%20b+c%2'))",
                "ngx.log(ngx.ERR, ngx.md5('abc'), ' ', #ngx.md5_bin('abc'), ' ', #ngx.sha1_bin('abc'), ' ', ngx.crc32_long('abc'))",
                "ngx.log(ngx.ERR, ngx.http_time(0), ' ', ngx.time(), ' ', ngx.now(), ' ', ngx.today())",
                "ngx.log(ngx.ERR, ngx.HTTP_FORBIDDEN, ngx.HTTP_OK, ngx.OK, ngx.ERR, ngx.HTTP_GET, ngx.HTTP_PATCH, tostring(ngx.null))"));
        assertThat(out.split("\\|")).containsExactly(
                "aGVsbG8/ hello? nil",
                "a%20b%2Fc%3Fd%3D%C3%A9 a b c%2",
                "900150983cd24fb0d6963f7d28e17f72 16 20 891568578",
                "Thu, 01 Jan 1970 00:00:00 GMT 1795773600 1795773600.25 2026-11-27",
                "403200042" + "16384userdata: NULL");
    }

    @Test
    void ngxRe() {
        String out = logged(String.join("\n",
                "local m = ngx.re.match('/hls/live_high.m3u8', [[/hls/(\\w+)_(?<q>\\w+)\\.m3u8]])",
                "ngx.log(ngx.ERR, m[0], ',', m[1], ',', m[2], ',', m.q)",
                "ngx.log(ngx.ERR, tostring(ngx.re.match('abc', 'x')), ',', ngx.re.find('hello', 'l+'))",
                "ngx.log(ngx.ERR, ngx.re.gsub('a1b22c333', '[0-9]+', '<$0>'))",
                "ngx.log(ngx.ERR, ngx.re.sub('Hello', 'hello', 'bye', 'i'))",
                "ngx.log(ngx.ERR, ngx.re.gsub('a-b', '(\\\\w)', function(m) return m[1]:upper() end))",
                "local n = 0 for m in ngx.re.gmatch('a1b2c3', '[a-z]([0-9])') do n = n + tonumber(m[1]) end",
                "ngx.log(ngx.ERR, n)",
                "local r, err = ngx.re.match('x', '(')",
                "ngx.log(ngx.ERR, tostring(r), ' ', err)"));
        assertThat(out.split("\\|")).containsExactly(
                "/hls/live_high.m3u8,live,high,high",
                "nil,34",
                "a<1>b<22>c<333>3",
                "bye1",
                "A-B2",
                "6",
                // nginx 1.22 + lua-nginx-module's wording, measured (re-errors.t)
                "nil pcre_compile() failed: missing ) in \"(\"");
    }

    @Test
    void printGoesToTheLogAndLoadstringUnpackExist() {
        String out = logged(String.join("\n",
                "print('p', 1, nil)",
                "local f = loadstring('return 1 + ...')",
                "ngx.log(ngx.ERR, f(2), ' ', select('#', unpack({1, 2, 3})), ' ', table.unpack({9}))",
                "local g, err = loadstring('return +')",
                "ngx.log(ngx.ERR, tostring(g), ' ', err)"));
        assertThat(out.split("\\|")).containsExactly("p\t1\tnil", "3 3 9", "nil [string \"return +\"]:1: unexpected symbol near '+'");
    }
}
