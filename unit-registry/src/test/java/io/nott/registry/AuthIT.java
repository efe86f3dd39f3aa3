package io.nott.registry;

import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.unit;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class AuthIT {

    @Test
    void noTokenIs401WithAChallenge() {
        given().get("/api/v1/units").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer")).body("error", containsString("Bearer"));
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/api/v1/edges").then().statusCode(401);
        given().contentType(ContentType.JSON).body(unit("access", "x = 1")).put("/api/v1/units/" + freshId("anon"))
                .then().statusCode(401);
    }

    @Test
    void unknownTokenIs401() {
        given().auth().oauth2("not-a-token").get("/api/v1/audit").then().statusCode(401)
                .body("error", containsString("not known"));
    }

    @Test
    void viewerReadsButCannotWrite() {
        String id = freshId("roles");
        Api.viewer().get("/api/v1/units").then().statusCode(200);
        Api.viewer().get("/api/v1/edges").then().statusCode(200);
        Api.viewer().body(unit("access", "x = 1")).put("/api/v1/units/" + id).then().statusCode(403)
                .body("error", containsString("editor"));
        Api.editor().body(unit("access", "x = 1")).put("/api/v1/units/" + id).then().statusCode(201);
        Api.viewer().body(Map.of("enabled", false)).patch("/api/v1/units/" + id).then().statusCode(403);
        Api.viewer().delete("/api/v1/units/" + id).then().statusCode(403);
        Api.viewer().body(Map.of("version", 1)).post("/api/v1/units/" + id + "/rollback").then().statusCode(403);
        Api.viewer().post("/api/v1/units/" + id + "/import").then().statusCode(403);
        Api.viewer().get("/api/v1/units/" + id).then().statusCode(200).body("enabled", equalTo(true));
    }

    @Test
    void viewerMayDryRunBecauseADryRunStoresNothing() {
        long before = Api.viewer().get("/api/v1/units").jsonPath().getLong("version");
        Api.viewer().body(Map.of("unit", unit("access", "ngx.exit(403)"), "request", Map.of("uri", "/hls/a.m3u8")))
                .post("/api/v1/units/test").then().statusCode(200).body("status", equalTo(403));
        Api.viewer().body(unit("access", "ngx.exit(403)")).post("/api/v1/units/validate").then()
                .statusCode(200).body("valid", equalTo(true));
        org.assertj.core.api.Assertions.assertThat(Api.viewer().get("/api/v1/units").jsonPath().getLong("version"))
                .as("a dry run stores nothing").isEqualTo(before);
    }

    @Test
    void healthMetricsOpenApiAndUiNeedNoToken() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/units"));
    }
}
