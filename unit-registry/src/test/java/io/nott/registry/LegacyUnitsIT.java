package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class LegacyUnitsIT {

    @InjectRedisCluster
    RedisCluster cluster;

    /** What the seed's "How to use it" does: a string key and the id in coding_units, by redis-cli. */
    private void seed(String id, String value) {
        cluster.cli(cluster.masterOf(id), "SET", id, value);
        cluster.cli(cluster.masterOf("coding_units"), "SADD", "coding_units", id);
    }

    @Test
    void handWrittenUnitsAreListedAsLegacy() {
        String plain = freshId("seed-plain");
        String sampled = freshId("seed-sampled");
        String broken = freshId("seed-broken");
        seed(plain, "access_by_lua_block||if ngx.var.arg_a == 'x' or ngx.var.arg_b == 'y' then ngx.exit(403) end");
        seed(sampled, "log||local s = 'a||b' ngx.log(ngx.ERR, s)||50");
        seed(broken, "no separator here");

        JsonPath list = viewer().get("/api/v1/units").then().statusCode(200).extract().jsonPath();
        Map<String, Object> p = list.getMap("units.find { it.id == '" + plain + "' }");
        assertThat(p).containsEntry("legacy", true).containsEntry("phase", "access").containsEntry("sampling", 100);
        assertThat((String) p.get("code")).contains("ngx.var.arg_a == 'x' or");
        Map<String, Object> s = list.getMap("units.find { it.id == '" + sampled + "' }");
        assertThat(s).containsEntry("legacy", true).containsEntry("phase", "log").containsEntry("sampling", 50)
                .containsEntry("code", "local s = 'a||b' ngx.log(ngx.ERR, s)");
        Map<String, Object> b = list.getMap("units.find { it.id == '" + broken + "' }");
        assertThat(b).containsEntry("legacy", true);
        assertThat((String) b.get("problem")).contains("phase||code");

        viewer().get("/api/v1/units/" + plain).then().statusCode(200).body("legacy", equalTo(true))
                .body("version", nullValue());
    }

    @Test
    void aLegacyUnitCanBeImportedIntoTheRegistryFormat() {
        String id = freshId("seed-import");
        seed(id, "header_filter||ngx.header['X-Seed'] = 'yes'||25");
        editor().post("/api/v1/units/" + id + "/import").then().statusCode(201)
                .body("legacy", equalTo(false)).body("phase", equalTo("header_filter")).body("sampling", equalTo(25))
                .body("code", equalTo("ngx.header['X-Seed'] = 'yes'"));
        assertThat(cluster.cli(cluster.masterOf(id), "EXISTS", id).trim()).isEqualTo("0");
        assertThat(cluster.cli(cluster.masterOf("coding_units"), "SISMEMBER", "coding_units", id).trim()).isEqualTo("0");
        viewer().get("/api/v1/units/" + id).then().statusCode(200).body("legacy", equalTo(false));
        viewer().get("/api/v1/units/" + id + "/versions").then().statusCode(200).body("[0].action", equalTo("import"));
        editor().post("/api/v1/units/" + id + "/import").then().statusCode(404);

        String kept = freshId("seed-keep");
        seed(kept, "access||ngx.exit(401)");
        editor().queryParam("keepLegacy", true).post("/api/v1/units/" + kept + "/import").then().statusCode(201);
        assertThat(cluster.cli(cluster.masterOf(kept), "EXISTS", kept).trim()).isEqualTo("1");
        editor().post("/api/v1/units/" + kept + "/import").then().statusCode(409)
                .body("error", containsString("already exists"));

        String bad = freshId("seed-bad");
        seed(bad, "access||if then");
        editor().post("/api/v1/units/" + bad + "/import").then().statusCode(400).body("problems[0].field", equalTo("code"));
    }

    @Test
    void everyListedLegacyUnitCanBeDeletedAndTheDeleteIsAudited() {
        String plain = freshId("seed-del");
        String broken = freshId("seed-del-broken");
        String oddName = "Seed Unit " + freshId("x");
        seed(plain, "access||ngx.exit(403)");
        seed(broken, "no separator here");
        seed(oddName, "access||ngx.exit(403)");
        cluster.cli(cluster.masterOf("coding_units"), "SADD", "coding_units", "seed-missing-" + plain);

        editor().header("If-Match", "\"1\"").delete("/api/v1/units/" + plain).then().statusCode(412);
        assertThat(cluster.cli(cluster.masterOf(plain), "EXISTS", plain).trim()).as("a failed precondition keeps it")
                .isEqualTo("1");
        Api.viewer().delete("/api/v1/units/" + plain).then().statusCode(403);

        for (String id : new String[] {plain, broken, oddName, "seed-missing-" + plain}) {
            editor().delete("/api/v1/units/{id}", id).then().statusCode(204);
            assertThat(cluster.cli(cluster.masterOf("coding_units"), "SISMEMBER", "coding_units", id).trim())
                    .as("%s left coding_units", id).isEqualTo("0");
            assertThat(cluster.cli(cluster.masterOf(id), "EXISTS", id).trim()).as("key %s", id).isEqualTo("0");
            editor().delete("/api/v1/units/{id}", id).then().statusCode(oddName.equals(id) ? 400 : 404);
        }
        JsonPath list = viewer().get("/api/v1/units").then().statusCode(200).extract().jsonPath();
        assertThat(list.getList("units.id", String.class)).doesNotContain(plain, broken, oddName);
        viewer().get("/api/v1/units/" + plain + "/versions").then().statusCode(200)
                .body("[0].action", equalTo("delete-legacy")).body("[0].actor", equalTo("alice"));
        viewer().queryParam("unit", plain).get("/api/v1/audit").then().statusCode(200)
                .body("[0].action", equalTo("delete-legacy"));
    }

    @Test
    void deletingAUnitKeptInBothFormatsRemovesTheRegistryOneThenTheLegacyOne() {
        String id = freshId("seed-both");
        seed(id, "access||ngx.exit(401)");
        editor().queryParam("keepLegacy", true).post("/api/v1/units/" + id + "/import").then().statusCode(201);
        editor().delete("/api/v1/units/" + id).then().statusCode(204);
        viewer().get("/api/v1/units/" + id).then().statusCode(200).body("legacy", equalTo(true));
        editor().delete("/api/v1/units/" + id).then().statusCode(204);
        viewer().get("/api/v1/units/" + id).then().statusCode(404);
    }
}
