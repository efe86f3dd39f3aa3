package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue #18 step 1: a unit's canary is validated, stored in its {cu} hash, shown, and dry-runnable on either side. */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class CanaryApiIT {

    @InjectRedisCluster
    RedisCluster cluster;

    /** A manual rollout: no controller moves the share, so the canary stays at {@code percent}. */
    private static Map<String, Object> withCanary(String canaryCode, int percent) {
        return Map.of("phase", "access", "code", "ngx.header['X-Side'] = 'stable'",
                "canary", Map.of("code", canaryCode, "percent", percent, "key", "cookie_viewer"),
                "rollout", Map.of("manual", true));
    }

    @Test
    void aCanaryIsStoredStampedWithItsVersionAndShown() {
        String id = freshId("canary");
        long version = editor().body(withCanary("ngx.header['X-Side'] = 'canary'", 10)).put("/api/v1/units/" + id)
                .then().statusCode(201)
                .body("canary.code", equalTo("ngx.header['X-Side'] = 'canary'")).body("canary.percent", equalTo(10))
                .body("canary.key", equalTo("cookie_viewer"))
                .extract().jsonPath().getLong("version");
        viewer().get("/api/v1/units/" + id).then().statusCode(200).body("canary.version", equalTo((int) version));
        String key = "{cu}:unit:" + id;
        var node = cluster.masterOf(key);
        assertThat(cluster.cli(node, "HGET", key, "canary_percent").trim()).isEqualTo("10");
        assertThat(cluster.cli(node, "HGET", key, "canary_version").trim()).isEqualTo(String.valueOf(version));
        // a later change that keeps the canary keeps its version: it is the same canary
        editor().body(Map.of("enabled", true)).patch("/api/v1/units/" + id).then().statusCode(200)
                .body("canary.version", equalTo((int) version));
        // a PUT without one removes it
        editor().body(Map.of("phase", "access", "code", "local a = 1")).put("/api/v1/units/" + id).then()
                .statusCode(200).body("canary", nullValue());
        assertThat(cluster.cli(node, "HEXISTS", key, "canary_code").trim()).isEqualTo("0");
        viewer().get("/api/v1/units/" + id + "/rollout").then().statusCode(200).body("status", equalTo("aborted"));
    }

    @Test
    void withoutAPlanACanaryStartsAtTheDefaultPlansFirstStep() {
        String id = freshId("defaultplan");
        editor().body(Map.of("phase", "access", "code", "local a = 1", "canary", Map.of("code", "local a = 2")))
                .put("/api/v1/units/" + id).then().statusCode(201);
        viewer().get("/api/v1/units/" + id).then().body("canary.percent", equalTo(1));
        viewer().get("/api/v1/units/" + id + "/rollout").then().statusCode(200).body("status", equalTo("running"))
                .body("percent", equalTo(1)).body("plan.steps", equalTo(java.util.List.of(1, 10, 50, 100)));
        editor().post("/api/v1/units/" + id + "/rollout/abort").then().statusCode(200);
    }

    @Test
    void aPlanWithoutACanaryOrWithBadStepsIsRefused() {
        editor().body(Map.of("phase", "access", "code", "local a = 1", "rollout", Map.of("steps", java.util.List.of(5))))
                .put("/api/v1/units/" + freshId("badplan")).then().statusCode(400)
                .body("problems.field", hasItem("rollout")).body("problems.field", hasItem("rollout.steps"));
    }

    @Test
    void aBadCanaryIsRefusedWithItsFieldsAndLine() {
        editor().body(Map.of("phase", "access", "code", "local a = 1",
                        "canary", Map.of("code", "local = 1", "percent", 101, "key", "bad key")))
                .put("/api/v1/units/" + freshId("badcanary")).then().statusCode(400)
                .body("problems.field", hasItem("canary.percent")).body("problems.field", hasItem("canary.key"))
                .body("problems.find { it.field == 'canary.code' }.line", equalTo(1));
    }

    @Test
    void theDryRunRunsEitherSideOrSplitsAsAnEdgeDoes() {
        String id = freshId("drycanary");
        editor().body(withCanary("ngx.exit(503)", 100)).put("/api/v1/units/" + id).then().statusCode(201);
        Map<String, Object> body = Map.of("unitId", id, "request", Map.of("uri", "/x"));
        viewer().body(body).queryParam("version", "canary").post("/api/v1/units/test").then().statusCode(200)
                .body("status", equalTo(503));
        viewer().body(body).queryParam("version", "stable").post("/api/v1/units/test").then().statusCode(200)
                .body("status", equalTo(200)).body("headers.X-Side", hasItem("stable"));
        // no version: split as an edge does; at 100 % every request runs the canary
        viewer().body(body).post("/api/v1/units/test").then().statusCode(200).body("status", equalTo(503));
        viewer().body(body).queryParam("version", "beta").post("/api/v1/units/test").then().statusCode(400)
                .body("problems[0].field", equalTo("version"));
        String plain = freshId("nocanary");
        editor().body(Map.of("phase", "access", "code", "local a = 1")).put("/api/v1/units/" + plain).then()
                .statusCode(201);
        viewer().body(Map.of("unitId", plain)).queryParam("version", "canary").post("/api/v1/units/test").then()
                .statusCode(400);
    }
}
