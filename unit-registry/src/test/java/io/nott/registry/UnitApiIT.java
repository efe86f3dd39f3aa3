package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.unit;
import static io.nott.registry.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class UnitApiIT {

    @InjectRedisCluster
    RedisCluster cluster;

    @Inject
    ReactiveRedisDataSource reactive;

    @Test
    void createOnlyGetAndConditionalGet() {
        String id = freshId("create");
        long version = editor().header("If-None-Match", "*").body(unit("access", "ngx.exit(403)"))
                .put("/api/v1/units/" + id)
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/units/" + id))
                .body("id", equalTo(id)).body("phase", equalTo("access")).body("sampling", equalTo(100))
                .body("enabled", equalTo(true)).body("failure", equalTo("open")).body("updatedBy", equalTo("alice"))
                .body("budget.instructions", notNullValue()).body("legacy", equalTo(false))
                .extract().jsonPath().getLong("version");

        editor().header("If-None-Match", "*").body(unit("access", "ngx.exit(401)")).put("/api/v1/units/" + id)
                .then().statusCode(412).body("error", containsString("already exists"));

        viewer().get("/api/v1/units/" + id).then().statusCode(200)
                .header("ETag", Api.etagOf(version)).body("code", equalTo("ngx.exit(403)"));
        viewer().header("If-None-Match", Api.etagOf(version)).get("/api/v1/units/" + id).then().statusCode(304);
        viewer().get("/api/v1/units/" + freshId("missing")).then().statusCode(404).body("status", equalTo(404));
    }

    @Test
    void phaseSpellingsAreNormalised() {
        String id = freshId("spelling");
        editor().body(unit("header_filter_by_lua_block", "ngx.header['X-A'] = '1'")).put("/api/v1/units/" + id)
                .then().statusCode(201).body("phase", equalTo("header_filter"));
    }

    @Test
    void listCarriesTheGlobalVersionAsEtag() {
        String id = freshId("list");
        editor().body(unit("log", "ngx.log(ngx.INFO, 'x')")).put("/api/v1/units/" + id).then().statusCode(201);
        var response = viewer().get("/api/v1/units").then().statusCode(200)
                .body("units.id", hasItem(id)).extract();
        long version = response.jsonPath().getLong("version");
        assertThat(response.header("ETag")).isEqualTo(Api.etagOf(version));
        assertThat(cluster.cli(cluster.masterOf("{cu}:version"), "GET", "{cu}:version").trim())
                .isEqualTo(String.valueOf(version));
        viewer().header("If-None-Match", Api.etagOf(version)).get("/api/v1/units").then().statusCode(304);
    }

    @Test
    void staleIfMatchAnswers412AndChangesNothing() {
        String id = freshId("stale");
        long v1 = editor().body(unit("access", "local a = 1")).put("/api/v1/units/" + id).then().statusCode(201)
                .extract().jsonPath().getLong("version");
        long v2 = editor().header("If-Match", Api.etagOf(v1)).body(unit("access", "local a = 2"))
                .put("/api/v1/units/" + id).then().statusCode(200).header("ETag", notNullValue())
                .extract().jsonPath().getLong("version");
        assertThat(v2).isGreaterThan(v1);
        long globalBefore = viewer().get("/api/v1/units").jsonPath().getLong("version");
        int auditBefore = viewer().queryParam("unit", id).get("/api/v1/audit").jsonPath().getList("$").size();

        editor().header("If-Match", Api.etagOf(v1)).body(unit("access", "local a = 3")).put("/api/v1/units/" + id)
                .then().statusCode(412).body("error", containsString("is at version " + v2));
        editor().header("If-Match", Api.etagOf(v1)).body(Map.of("enabled", false)).patch("/api/v1/units/" + id)
                .then().statusCode(412);
        editor().header("If-Match", Api.etagOf(v1)).delete("/api/v1/units/" + id).then().statusCode(412);
        editor().header("If-Match", "*").body(unit("access", "x = 1")).put("/api/v1/units/" + freshId("absent"))
                .then().statusCode(412);

        viewer().get("/api/v1/units/" + id).then().statusCode(200).body("code", equalTo("local a = 2"))
                .body("version", equalTo((int) v2)).body("enabled", equalTo(true));
        assertThat(viewer().get("/api/v1/units").jsonPath().getLong("version")).isEqualTo(globalBefore);
        assertThat(viewer().queryParam("unit", id).get("/api/v1/audit").jsonPath().getList("$")).hasSize(auditBefore);
    }

    @Test
    void patchChangesOnlyTheSwitches() {
        String id = freshId("patch");
        editor().body(Map.of("phase", "access", "code", "local x = 1", "sampling", 50)).put("/api/v1/units/" + id)
                .then().statusCode(201);
        editor().body(Map.of("enabled", false, "sampling", 10, "order", 5, "hosts", List.of("*.example.com")))
                .patch("/api/v1/units/" + id).then().statusCode(200)
                .body("enabled", equalTo(false)).body("sampling", equalTo(10)).body("order", equalTo(5))
                .body("hosts", hasItem("*.example.com")).body("code", equalTo("local x = 1"));
        editor().body(Map.of("sampling", 101, "hosts", List.of("~(unclosed"))).patch("/api/v1/units/" + id)
                .then().statusCode(400).body("problems.field", hasItems("sampling", "hosts[0]"));
        editor().body(Map.of()).patch("/api/v1/units/" + id).then().statusCode(400);
        editor().body(Map.of("enabled", true)).patch("/api/v1/units/" + freshId("nobody")).then().statusCode(404);
    }

    @Test
    void pathsAreStoredShownPatchedAndRefusedWithTheirIndex() {
        String id = freshId("paths");
        editor().body(Map.of("phase", "access", "code", "local x = 1", "paths", List.of("/hls/", "~* \\.m3u8$")))
                .put("/api/v1/units/" + id).then().statusCode(201)
                .body("paths", equalTo(List.of("/hls/", "~* \\.m3u8$")));
        assertThat(cluster.cli(cluster.masterOf("{cu}:unit:" + id), "HGET", "{cu}:unit:" + id, "paths").trim())
                .isEqualTo("[\"/hls/\",\"~* \\\\.m3u8$\"]");
        viewer().get("/api/v1/units/" + id).then().statusCode(200).body("paths", hasItem("/hls/"));
        editor().body(Map.of("paths", List.of("= /live.m3u8"))).patch("/api/v1/units/" + id).then().statusCode(200)
                .body("paths", equalTo(List.of("= /live.m3u8"))).body("code", equalTo("local x = 1"));
        editor().body(Map.of("paths", List.of())).patch("/api/v1/units/" + id).then().statusCode(200)
                .body("paths", equalTo(List.of()));
        editor().body(Map.of("phase", "access", "code", "local x = 1", "paths", List.of("hls/", "~ (unclosed", "@named")))
                .put("/api/v1/units/" + id).then().statusCode(400)
                .body("problems.field", equalTo(List.of("paths[0]", "paths[1]", "paths[2]")))
                .body("problems[0].message", containsString("must be a path starting with /"))
                .body("problems[1].message", containsString("pcre_compile() failed: missing )"));
        editor().body(Map.of("paths", List.of("~ [a-"))).patch("/api/v1/units/" + id)
                .then().statusCode(400).body("problems.field", hasItem("paths[0]"));
        editor().body("{\"phase\":\"access\",\"code\":\"x = 1\",\"paths\":\"/hls/\"}").put("/api/v1/units/" + id)
                .then().statusCode(400).body("problems[0].field", equalTo("paths"))
                .body("problems[0].message", containsString("nginx location specs"));
    }

    @Test
    void deleteKeepsHistoryAndRollbackBringsItBack() {
        String id = freshId("rollback");
        long v1 = editor().body(unit("content", "ngx.say('one')")).put("/api/v1/units/" + id).then().statusCode(201)
                .extract().jsonPath().getLong("version");
        editor().body(unit("content", "ngx.say('two')")).put("/api/v1/units/" + id).then().statusCode(200);
        editor().delete("/api/v1/units/" + id).then().statusCode(204);
        viewer().get("/api/v1/units/" + id).then().statusCode(404);
        editor().delete("/api/v1/units/" + id).then().statusCode(404);
        assertThat(cluster.cli(cluster.masterOf("{cu}:units"), "SISMEMBER", "{cu}:units", id).trim()).isEqualTo("0");

        viewer().get("/api/v1/units/" + id + "/versions").then().statusCode(200)
                .body("action", equalTo(List.of("delete", "update", "create")))
                .body("[0].deleted", equalTo(true)).body("[0].unit", nullValue())
                .body("[2].unit.code", equalTo("ngx.say('one')"));

        long v4 = editor().body(Map.of("version", v1)).post("/api/v1/units/" + id + "/rollback").then().statusCode(200)
                .body("code", equalTo("ngx.say('one')")).extract().jsonPath().getLong("version");
        assertThat(v4).isGreaterThan(v1);
        viewer().get("/api/v1/units/" + id).then().statusCode(200).body("code", equalTo("ngx.say('one')"));

        editor().body(Map.of("version", 999_999)).post("/api/v1/units/" + id + "/rollback").then().statusCode(404);
        editor().body(Map.of()).post("/api/v1/units/" + id + "/rollback").then().statusCode(400);
        long deleteVersion = viewer().get("/api/v1/units/" + id + "/versions").jsonPath().getLong("[1].version");
        editor().body(Map.of("version", deleteVersion)).post("/api/v1/units/" + id + "/rollback").then().statusCode(400);
        viewer().get("/api/v1/units/" + freshId("never") + "/versions").then().statusCode(404);
    }

    @Test
    void invalidUnitsAnswer400WithEveryProblemAndItsField() {
        editor().body(Map.of("phase", "acces", "code", "if then", "sampling", 150, "hosts", List.of("~[a-", "bad host!"),
                        "failure", "maybe", "budget", Map.of("instructions", 0, "wallMillis", 10_000_000)))
                .put("/api/v1/units/" + freshId("bad"))
                .then().statusCode(400)
                .body("problems.field", hasItems("phase", "code", "sampling", "hosts[0]", "hosts[1]", "failure",
                        "budget.instructions", "budget.wallMillis"))
                .body("problems.find { it.field == 'code' }.line", equalTo(1));
        editor().body(unit("access", "x = 1")).put("/api/v1/units/Not_Valid").then().statusCode(400)
                .body("problems.field", hasItem("id"));
        editor().body(Map.of("id", "other", "phase", "access", "code", "x = 1")).put("/api/v1/units/" + freshId("mismatch"))
                .then().statusCode(400).body("problems.field", hasItem("id"));
        editor().body(Map.of("code", "x = 1")).put("/api/v1/units/" + freshId("nophase")).then().statusCode(400)
                .body("problems.field", hasItem("phase"));
        editor().body("{not json").put("/api/v1/units/" + freshId("json")).then().statusCode(400)
                .body("error", containsString("not valid JSON"));
    }

    @Test
    void aBalancerUnitThatWouldYieldIsRefusedNamingTheApiAndItsLine() {
        String code = "local b = require \"ngx.balancer\"\n"
                + "local n = edge_computing.redis_client:get(\"peer\")\n"
                + "-- ngx.sleep in a comment does not count\n"
                + "ngx.sleep(0.1)\n"
                + "b.set_current_peer(\"127.0.0.1\", 8080)";
        editor().body(unit("balancer", code)).put("/api/v1/units/" + freshId("yielding-balancer"))
                .then().statusCode(400)
                .body("problems.line", equalTo(List.of(2, 4)))
                .body("problems[0].message", containsString("edge_computing.redis_client on line 2"))
                .body("problems[1].message", containsString("ngx.sleep on line 4"))
                .body("problems[1].message", containsString("access unit"));
        // the same calls are fine in an access unit, and a balancer unit without them is accepted
        editor().body(unit("access", code)).put("/api/v1/units/" + freshId("yielding-access")).then().statusCode(201);
        editor().body(unit("balancer", "require(\"ngx.balancer\").set_current_peer(\"127.0.0.1\", 8080)"))
                .put("/api/v1/units/" + freshId("plain-balancer")).then().statusCode(201);
    }

    @Test
    void codeOverTheLimitAnswers413() {
        String big = "-- " + "x".repeat(70_000);
        editor().body(unit("access", big)).put("/api/v1/units/" + freshId("big")).then().statusCode(413)
                .body("problems[0].field", equalTo("code")).body("error", containsString("limit"));
        editor().body(unit("access", big)).post("/api/v1/units/validate").then().statusCode(413);
    }

    @Test
    void validateCompilesWithoutRunningAndReportsLines() {
        editor().body(Map.of("phase", "access", "code", "local a = 1\nlocal b = = 2\n")).post("/api/v1/units/validate")
                .then().statusCode(200).body("valid", equalTo(false))
                .body("problems[0].field", equalTo("code")).body("problems[0].line", equalTo(2));
        // Would loop forever if it ran: validation must only compile.
        viewer().body(Map.of("phase", "access", "code", "while true do end")).post("/api/v1/units/validate")
                .then().statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void everyChangeIsAuditedAndPublished() {
        List<String> published = new CopyOnWriteArrayList<>();
        reactive.pubsub(String.class).subscribe("cu:changes").subscribe().with(published::add);
        String id = freshId("audit");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            // the subscription is asynchronous: write until a publish of our write arrives
            long v = editor().body(unit("access", "x = 1")).put("/api/v1/units/" + id).jsonPath().getLong("version");
            return published.stream().anyMatch(m -> io.nott.unit.codec.ChangeNotice.parse(m).version() == v);
        });
        viewer().queryParam("unit", id).get("/api/v1/audit").then().statusCode(200)
                .body("[0].unit", equalTo(id)).body("[0].actor", equalTo("alice"))
                .body("[0].action", notNullValue()).body("[0].at", notNullValue());
        viewer().queryParam("limit", 0).get("/api/v1/audit").then().statusCode(400);
    }

    @Test
    void aWriteLeavesEveryKeyConsistent() {
        String id = freshId("atomic");
        long v = editor().body(unit("rewrite", "x = 1")).put("/api/v1/units/" + id).jsonPath().getLong("version");
        var master = cluster.masterOf("{cu}:version");
        assertThat(cluster.cli(master, "HGET", "{cu}:unit:" + id, "version").trim()).isEqualTo(String.valueOf(v));
        assertThat(cluster.cli(master, "SISMEMBER", "{cu}:units", id).trim()).isEqualTo("1");
        assertThat(cluster.cli(master, "LINDEX", "{cu}:history:" + id, "0")).contains("\"version\":" + v);
        assertThat(cluster.cli(master, "XREVRANGE", "{cu}:audit", "+", "-", "COUNT", "20")).contains(id);
    }
}
