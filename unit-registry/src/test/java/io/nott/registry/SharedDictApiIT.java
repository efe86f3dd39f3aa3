package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.unit;
import static io.nott.registry.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/shared-dicts} on a real Redis Cluster: versions, audit, validation, the dry run. */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class SharedDictApiIT {

    private static long version() {
        return viewer().get("/api/v1/shared-dicts").jsonPath().getLong("version");
    }

    @Test
    void declaringResizingAndRemovingBumpsTheVersionAndIsAudited() {
        String name = "dict_" + freshId("d").replaceAll("[^a-z0-9]", "_");
        long before = version();
        editor().body(Map.of("size", "10m")).put("/api/v1/shared-dicts/" + name).then().statusCode(201);
        assertThat(version()).isEqualTo(before + 1);
        var view = viewer().get("/api/v1/shared-dicts/" + name).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("size")).isEqualTo("10m");
        assertThat(view.getLong("bytes")).isEqualTo(10L << 20);
        editor().body(Map.of("size", "512K")).put("/api/v1/shared-dicts/" + name).then().statusCode(200);
        assertThat(viewer().get("/api/v1/shared-dicts").jsonPath().getList("dicts.name")).contains(name);
        editor().delete("/api/v1/shared-dicts/" + name).then().statusCode(204);
        assertThat(version()).isEqualTo(before + 3);
        var audit = viewer().queryParam("unit", "ngx.shared." + name).get("/api/v1/audit").jsonPath();
        assertThat(audit.getList("action", String.class)).contains("put-shared-dict", "delete-shared-dict");
    }

    @Test
    void badNamesAndSizesAreRefusedWithTheProblem() {
        var bad = editor().body(Map.of("size", "10x")).put("/api/v1/shared-dicts/ok_name")
                .then().statusCode(400).extract().jsonPath();
        assertThat(bad.getString("problems[0].field")).isEqualTo("size");
        assertThat(bad.getString("problems[0].message")).contains("10m");
        var tooSmall = editor().body(Map.of("size", "4k")).put("/api/v1/shared-dicts/ok_name")
                .then().statusCode(400).extract().jsonPath();
        assertThat(tooSmall.getString("problems[0].message")).contains("8192");
        var name = editor().body(Map.of("size", "1m")).put("/api/v1/shared-dicts/1bad")
                .then().statusCode(400).extract().jsonPath();
        assertThat(name.getString("problems[0].field")).isEqualTo("name");
        var total = editor().body(Map.of("size", "1g")).put("/api/v1/shared-dicts/huge")
                .then().statusCode(400).extract().jsonPath();
        assertThat(total.getString("problems[0].message")).contains("registry.shared-dicts.max-total");
    }

    @Test
    void theDryRunSeesDeclaredDictsEmptyAndInMemory() {
        String name = "dry_" + freshId("d").replaceAll("[^a-z0-9]", "_");
        editor().body(Map.of("size", "1m")).put("/api/v1/shared-dicts/" + name).then().statusCode(201);
        String code = "local d = ngx.shared." + name + " ngx.header['X-Hits'] = d:incr('k', 1, 0)"
                + " ngx.header['X-Cap'] = d:capacity() ngx.header['X-None'] = tostring(ngx.shared.undeclared)";
        for (int i = 0; i < 2; i++) {
            var r = viewer().body(Map.of("unit", unit("access", code), "request", Map.of("uri", "/")))
                    .post("/api/v1/units/test").then().statusCode(200).extract().jsonPath();
            assertThat(r.getString("outcome")).isEqualTo("ok");
            assertThat(r.getMap("headers").toString().toLowerCase()).contains("x-hits=[1]").contains("x-cap=[1048576]")
                    .contains("x-none=[nil]");
        }
        editor().delete("/api/v1/shared-dicts/" + name).then().statusCode(204);
    }
}
