package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.unit;
import static io.nott.registry.Api.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.OpenApiContract;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Calls every operation of the registry's own OpenAPI document against the real service and a
 * real Redis Cluster, with requests that succeed and requests that are refused, and holds each
 * answer to the document: the status must be listed for that operation and the body must match
 * the schema documented for it.
 */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class OpenApiConformanceIT {

    @InjectRedisCluster
    RedisCluster cluster;

    private OpenApiContract contract;

    private int call(String method, String path, RequestSpecification request) {
        Response response = request.request(method, path);
        contract.check(method, path, response.statusCode(), response.contentType(), response.asString());
        return response.statusCode();
    }

    private void expect(int status, String method, String path, RequestSpecification request) {
        assertThat(call(method, path, request)).as("%s %s", method, path).isEqualTo(status);
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() {
        contract = OpenApiContract.of(given().queryParam("format", "json").get("/q/openapi").asString());
        String id = freshId("contract");
        String units = "/api/v1/units";
        String unit = units + "/" + id;
        String big = "{\"phase\":\"access\",\"code\":\"-- " + "x".repeat(3 * 1024 * 1024) + "\"}";
        String broken = freshId("contract-broken");
        cluster.cli(cluster.masterOf(broken), "SET", broken, "no separator");
        cluster.cli(cluster.masterOf("coding_units"), "SADD", "coding_units", broken);

        expect(201, "PUT", unit, editor().body(unit("access", "ngx.header['X-A'] = '1'")));
        expect(200, "PUT", unit, editor().body(Map.of("phase", "access", "code", "x = 2", "hosts", java.util.List.of("a.example"),
                "budget", Map.of("instructions", 100000), "failure", "closed")));
        expect(200, "PUT", unit, editor().body(Map.of("phase", "access", "code", "x = 2", "hosts", java.util.List.of("a.example"),
                "paths", java.util.List.of("/hls/", "= /x", "^~ /s/", "~ \\.ts$", "~* \\.M3U8$"),
                "budget", Map.of("instructions", 100000), "failure", "closed")));
        expect(400, "PUT", unit, editor().body(Map.of("phase", "access", "code", "x = 2", "paths", java.util.List.of("~ ("))));
        expect(400, "PUT", unit, editor().body("{\"phase\":\"access\",\"code\":\"x\",\"sampling\":\"half\"}"));
        expect(400, "PUT", unit, editor().body(Map.of("phase", "access", "code", "x = 1", "colour", "red")));
        expect(400, "PUT", unit, editor().body(unit("access", "if then")));
        expect(403, "PUT", unit, viewer().body(unit("access", "x = 1")));
        expect(412, "PUT", unit, editor().header("If-Match", "\"1\"").body(unit("access", "x = 1")));
        expect(412, "PUT", unit, editor().header("If-None-Match", "*").body(unit("access", "x = 1")));
        expect(413, "PUT", unit, editor().body(big));
        expect(415, "PUT", unit, editor().contentType("text/plain").body("x = 1"));
        expect(401, "PUT", unit, given().contentType("application/json").body(unit("access", "x = 1")));

        String etag = given().auth().oauth2(Api.VIEWER).get(units).header("ETag");
        expect(200, "GET", units, viewer());
        expect(304, "GET", units, viewer().header("If-None-Match", etag));
        expect(200, "GET", units, viewer().queryParam("limit", 1).queryParam("phase", "access"));
        expect(400, "GET", units, viewer().queryParam("limit", "many"));
        expect(401, "GET", units, given());
        expect(406, "GET", units, viewer().accept("application/xml"));
        expect(200, "GET", unit, viewer());
        String unitEtag = given().auth().oauth2(Api.VIEWER).get(unit).header("ETag");
        expect(304, "GET", unit, viewer().header("If-None-Match", unitEtag));
        expect(404, "GET", units + "/" + freshId("none"), viewer());
        expect(200, "GET", units + "/" + broken, viewer());

        expect(200, "PATCH", unit, editor().body(Map.of("enabled", false, "sampling", 50)));
        expect(200, "PATCH", unit, editor().body(Map.of("paths", java.util.List.of("/hls/"))));
        expect(400, "PATCH", unit, editor().body(Map.of("paths", java.util.List.of("hls"))));
        expect(400, "PATCH", unit, editor().body(Map.of()));
        expect(400, "PATCH", unit, editor().body("{\"enabled\":\"yes\"}"));
        expect(404, "PATCH", units + "/" + freshId("none"), editor().body(Map.of("enabled", true)));
        expect(412, "PATCH", unit, editor().header("If-Match", "\"1\"").body(Map.of("enabled", true)));
        expect(403, "PATCH", unit, viewer().body(Map.of("enabled", true)));

        expect(200, "GET", unit + "/versions", viewer());
        expect(404, "GET", units + "/" + freshId("none") + "/versions", viewer());
        long first = given().auth().oauth2(Api.VIEWER).get(unit + "/versions").jsonPath().getLong("[-1].version");
        expect(200, "POST", unit + "/rollback", editor().body(Map.of("version", first)));
        expect(400, "POST", unit + "/rollback", editor().body(Map.of()));
        expect(404, "POST", unit + "/rollback", editor().body(Map.of("version", 987654321)));
        expect(412, "POST", unit + "/rollback", editor().header("If-Match", "\"1\"").body(Map.of("version", first)));
        expect(403, "POST", unit + "/rollback", viewer().body(Map.of("version", first)));

        String legacy = freshId("contract-legacy");
        cluster.cli(cluster.masterOf(legacy), "SET", legacy, "access||ngx.exit(401)");
        cluster.cli(cluster.masterOf("coding_units"), "SADD", "coding_units", legacy);
        expect(201, "POST", units + "/" + legacy + "/import", editor().queryParam("keepLegacy", true));
        expect(409, "POST", units + "/" + legacy + "/import", editor());
        expect(404, "POST", units + "/" + freshId("none") + "/import", editor());
        expect(400, "POST", units + "/" + broken + "/import", editor());
        expect(403, "POST", units + "/" + legacy + "/import", viewer());

        expect(200, "POST", units + "/validate", viewer().body(unit("access", "if then")));
        expect(400, "POST", units + "/validate", viewer().body(Map.of("phase", "access", "code", "x", "colour", 1)));
        expect(413, "POST", units + "/validate", viewer().body(big));
        expect(200, "POST", units + "/test", viewer().body(Map.of("unit", unit("access", "ngx.exit(403)"),
                "request", Map.of("uri", "/hls/a.m3u8"))));
        expect(400, "POST", units + "/test", viewer().body(Map.of("request", Map.of("uri", "/"))));
        expect(415, "POST", units + "/test", viewer().contentType("text/plain").body("x"));

        String canaried = units + "/" + freshId("contract-canary");
        expect(201, "PUT", canaried, editor().body(Map.of("phase", "access", "code", "x = 1",
                "canary", Map.of("code", "x = 2", "percent", 5), "rollout", Map.of("manual", true))));
        expect(200, "GET", canaried + "/health", viewer());
        expect(200, "GET", canaried + "/rollout", viewer());
        expect(404, "GET", units + "/" + freshId("none") + "/rollout", viewer());
        expect(200, "POST", canaried + "/rollout/pause", editor());
        expect(409, "POST", canaried + "/rollout/pause", editor());
        expect(400, "POST", canaried + "/rollout/sideways", editor());
        expect(403, "POST", canaried + "/rollout/abort", viewer());
        expect(404, "POST", units + "/" + freshId("none") + "/rollout/abort", editor());
        expect(200, "POST", canaried + "/rollout/abort", editor());

        expect(412, "DELETE", unit, editor().header("If-Match", "\"1\""));
        expect(403, "DELETE", unit, viewer());
        expect(204, "DELETE", unit, editor());
        expect(404, "DELETE", unit, editor());
        expect(400, "DELETE", units + "/Not_Valid", editor());
        expect(204, "DELETE", units + "/" + legacy, editor());
        expect(204, "DELETE", units + "/" + legacy, editor());
        expect(204, "DELETE", units + "/" + broken, editor());

        expect(200, "GET", "/api/v1/audit", viewer().queryParam("unit", id));
        expect(400, "GET", "/api/v1/audit", viewer().queryParam("limit", 0));
        expect(200, "GET", "/api/v1/edges", viewer());

        String dicts = "/api/v1/shared-dicts";
        String dict = dicts + "/contract_" + id.replaceAll("[^a-z0-9]", "_");
        expect(201, "PUT", dict, editor().body(Map.of("size", "64k")));
        expect(200, "PUT", dict, editor().body(Map.of("size", "128k")));
        expect(400, "PUT", dict, editor().body(Map.of("size", "lots")));
        expect(400, "PUT", dict, editor().body(Map.of()));
        expect(400, "PUT", dicts + "/not-a-lua-name", editor().body(Map.of("size", "1m")));
        expect(400, "PUT", dicts + "/too_much", editor().body(Map.of("size", "300m")));
        expect(403, "PUT", dict, viewer().body(Map.of("size", "1m")));
        expect(200, "GET", dicts, viewer());
        expect(200, "GET", dict, viewer());
        expect(404, "GET", dicts + "/no_such_dict", viewer());
        expect(403, "DELETE", dict, viewer());
        expect(204, "DELETE", dict, editor());
        expect(404, "DELETE", dict, editor());

        // The set operations last: PUT /units rewrites every registry unit, so it applies what export gave.
        io.restassured.path.json.JsonPath exported = viewer().get(units + "/export").jsonPath();
        expect(200, "GET", units + "/export", viewer());
        Map<String, Object> set = Map.of("units", exported.getList("units"));
        expect(200, "PUT", units, editor().header("If-Match", "\"" + exported.getLong("version") + "\"").body(set));
        expect(412, "PUT", units, editor().header("If-Match", "\"1\"").body(set));
        expect(400, "PUT", units, editor().body(Map.of("units", java.util.List.of(Map.of("id", "x", "phase", "nope",
                "code", "x = 1")))));
        expect(403, "PUT", units, viewer().body(set));

        Set<String> documented = contract.operations("/api/");
        assertThat(documented).as("the document lists the API").hasSizeGreaterThanOrEqualTo(12);
        assertThat(contract.answered().keySet()).as("every documented operation was called")
                .containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void theDocumentDescribesErrorsEnumsAndSecurity() {
        String json = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        io.restassured.path.json.JsonPath doc = new io.restassured.path.json.JsonPath(json);
        assertThat(doc.getList("components.schemas.ErrorBody.required", String.class))
                .contains("status", "error", "problems");
        assertThat(doc.getList("components.schemas.UnitView.properties.phase.enum", String.class))
                .contains("access", "header_filter", "log");
        assertThat(doc.getList("components.schemas.UnitView.properties.failure.enum", String.class))
                .as("null: a legacy unit that cannot be read has no policy").containsExactlyInAnyOrder("open", "closed", null);
        assertThat(doc.getList("components.schemas.Phase.enum", String.class)).contains("access", "header_filter");
        assertThat(doc.getMap("paths.'/api/v1/units/{id}'.delete.responses")).containsKeys("204", "401", "403", "404",
                "412", "503").doesNotContainKey("200");
        assertThat(doc.getMap("paths.'/api/v1/units/{id}'.put.responses")).containsKeys("200", "201", "400", "412",
                "413", "415");
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
