package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.unit;
import static io.nott.registry.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;

import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class DryRunIT {

    private static Map<String, Object> sample(String uri) {
        return Map.of("method", "GET", "uri", uri, "headers", Map.of("Host", "edge.example.com"),
                "clientAddress", "203.0.113.7");
    }

    @Test
    void anInlineAccessUnitExitsWithItsStatusAndLogs() {
        String code = "ngx.log(ngx.WARN, 'token is ', ngx.var.arg_token or 'missing')\n"
                + "if ngx.var.arg_token ~= 'abc' then return ngx.exit(ngx.HTTP_FORBIDDEN) end";
        long before = viewer().get("/api/v1/units").jsonPath().getLong("version");
        editor().body(Map.of("unit", unit("access", code), "request", sample("/hls/live.m3u8?token=nope")))
                .post("/api/v1/units/test").then().statusCode(200)
                .body("status", equalTo(403)).body("outcome", equalTo("exit"))
                .body("logs", hasItem(containsString("token is nope")))
                .body("instructions", greaterThan(0))
                .body("units[0].unitId", equalTo("draft")).body("units[0].phase", equalTo("access"));
        editor().body(Map.of("unit", unit("access", code), "request", sample("/hls/live.m3u8?token=abc"),
                        "response", Map.of("status", 200, "headers", Map.of("Content-Type", "application/vnd.apple.mpegurl"),
                                "body", "#EXTM3U")))
                .post("/api/v1/units/test").then().statusCode(200)
                .body("status", equalTo(200)).body("outcome", equalTo("ok")).body("body", equalTo("#EXTM3U"));
        assertThat(viewer().get("/api/v1/units").jsonPath().getLong("version")).as("nothing stored").isEqualTo(before);
    }

    /** The dry run chooses the sample request's location among the unit's paths as the edge does. */
    @Test
    void aPathScopedUnitRunsOnlyForItsPaths() {
        Map<String, Object> scoped = Map.of("phase", "access", "code", "return ngx.exit(403)",
                "paths", List.of("/hls/", "~ \\.key$"));
        editor().body(Map.of("unit", scoped, "request", sample("/hls/live.m3u8")))
                .post("/api/v1/units/test").then().statusCode(200).body("status", equalTo(403))
                .body("units[0].unitId", equalTo("draft"));
        editor().body(Map.of("unit", scoped, "request", sample("/keys/a.key")))
                .post("/api/v1/units/test").then().statusCode(200).body("status", equalTo(403));
        editor().body(Map.of("unit", scoped, "request", sample("/app/index.html")))
                .post("/api/v1/units/test").then().statusCode(200).body("status", equalTo(200))
                .body("units", equalTo(List.of()));
    }

    @Test
    void contentUnitsAnswerAndFiltersChangeTheSampleResponse() {
        editor().body(Map.of("unit", unit("content", "ngx.status = 201 ngx.say('hello ', ngx.var.remote_addr)"),
                        "request", sample("/x")))
                .post("/api/v1/units/test").then().statusCode(200)
                .body("status", equalTo(201)).body("body", equalTo("hello 203.0.113.7\n"));
        editor().body(Map.of("unit", unit("header_filter", "ngx.header['X-Edge'] = 'nott' ngx.header['Server'] = nil"),
                        "request", sample("/x"),
                        "response", Map.of("status", 200, "headers", Map.of("Server", "origin"), "body", "ok")))
                .post("/api/v1/units/test").then().statusCode(200)
                .body("headers.X-Edge", equalTo(List.of("nott"))).body("headers.Server", equalTo(null));
        editor().body(Map.of("unit", unit("body_filter", "ngx.arg[1] = string.upper(ngx.arg[1])"),
                        "request", sample("/x"), "response", Map.of("body", "#extm3u")))
                .post("/api/v1/units/test").then().statusCode(200).body("body", equalTo("#EXTM3U"));
    }

    @Test
    void hostileUnitsTimeOutInsteadOfHanging() {
        editor().body(Map.of("unit", Map.of("phase", "access", "code", "while true do end",
                        "budget", Map.of("instructions", 100000)), "request", sample("/")))
                .post("/api/v1/units/test").then().statusCode(200).body("outcome", equalTo("timeout"));
        editor().body(Map.of("unit", unit("access", "error('boom')"), "request", sample("/")))
                .post("/api/v1/units/test").then().statusCode(200).body("outcome", equalTo("error"))
                .body("units[0].message", equalTo("unit 'draft' (access) line 1: boom"));
        // Runtime errors read as LuaJIT's, with the unit, phase and line (issue #20's shape).
        editor().body(Map.of("unit", unit("access", "local t = {}\nreturn t.foo.bar"), "request", sample("/")))
                .post("/api/v1/units/test").then().statusCode(200).body("outcome", equalTo("error"))
                .body("units[0].message", equalTo("unit 'draft' (access) line 2: attempt to index field 'foo' (a nil value)"));
    }

    @Test
    void aStoredUnitOrTheWholeChainRuns() {
        String id = freshId("chain-a");
        editor().body(Map.of("phase", "rewrite", "code", "ngx.req.set_header('X-Rewritten', '1')", "order", 1))
                .put("/api/v1/units/" + id).then().statusCode(201);
        editor().body(Map.of("unitId", id, "request", sample("/")))
                .post("/api/v1/units/test").then().statusCode(200).body("outcome", equalTo("ok"))
                .body("requestHeaders.X-Rewritten", equalTo(List.of("1")));
        editor().body(Map.of("chain", true, "unit", unit("access",
                        "if ngx.req.get_headers()['X-Rewritten'] == '1' then ngx.exit(418) end"), "request", sample("/")))
                .post("/api/v1/units/test").then().statusCode(200).body("status", equalTo(418))
                .body("units.unitId", hasItem(id));
        editor().body(Map.of("unitId", freshId("absent"), "request", sample("/"))).post("/api/v1/units/test")
                .then().statusCode(404);
    }

    @Test
    void badDryRunsAnswer400() {
        editor().body(Map.of("request", sample("/"))).post("/api/v1/units/test").then().statusCode(400);
        editor().body(Map.of("unit", unit("access", "if then"), "request", sample("/"))).post("/api/v1/units/test")
                .then().statusCode(400).body("problems[0].line", equalTo(1))
                .body("problems[0].message", equalTo("code does not compile: unexpected symbol near 'then'"));
        editor().body(Map.of("unit", unit("access", "x = 1"), "request", sample("no-slash"))).post("/api/v1/units/test")
                .then().statusCode(400).body("problems[0].field", equalTo("request.uri"));
        editor().body(Map.of("chain", true, "phase", "nope")).post("/api/v1/units/test").then().statusCode(400);
        // Issue #20: a viewer may dry-run (it stores nothing); the refusal that stood here is gone on purpose.
        viewer().body(Map.of("unit", unit("access", "x = 1"))).post("/api/v1/units/test").then().statusCode(200);
    }
}
