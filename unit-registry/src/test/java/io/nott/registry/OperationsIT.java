package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.unit;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics, OpenAPI/Swagger UI and the UI's self-contained assets. */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class OperationsIT {

    @Test
    void metricsCountRequestsByRouteAndStatusValidationFailuresAndPublishLatency() {
        String id = freshId("metrics");
        double created = Api.answered(201);
        double invalid = Api.answered(400);
        double unauthorised = Api.answered(401);
        editor().body(unit("access", "x = 1")).put("/api/v1/units/" + id).then().statusCode(201);
        editor().body(Map.of("phase", "access", "code", "if then")).put("/api/v1/units/" + id).then().statusCode(400);
        given().get("/api/v1/units").then().statusCode(401);

        // Counted once each response is out: awaited, not read once right after the answers.
        Poll.upTo(Duration.ofSeconds(30), "the three requests counted").until(() -> Api.answered(201) > created
                && Api.answered(400) > invalid && Api.answered(401) > unauthorised);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        org.assertj.core.api.Assertions.assertThat(metrics)
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"201\"[^}]*uri=\"/api/v1/units/\\{id}\"")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"400\"[^}]*uri=\"/api/v1/units/\\{id}\"")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"401\"")
                .containsPattern("registry_validation_failures_total\\{field=\"code\"} [1-9]")
                .containsPattern("registry_publish_seconds_count [1-9]");
    }

    @Test
    void openApiAndSwaggerUiDescribeTheApi() {
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/units/{id}/rollback")).body(containsString("/api/v1/units/test"))
                .body(containsString("/api/v1/edges")).body(containsString("bearer"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void theUiIsServedWithItsEditorAndNoExternalResources() {
        given().redirects().follow(false).get("/ui").then().statusCode(302);
        given().get("/ui/").then().statusCode(200).body(containsString("NOTT unit registry"))
                .body(not(containsString("://")));
        given().get("/ui/vendor/lib/codemirror.js").then().statusCode(200).body(containsString("CodeMirror"));
        given().get("/ui/vendor/mode/lua/lua.js").then().statusCode(200).body(containsString("lua"));
        given().get("/ui/app.js").then().statusCode(200).body(not(containsString("http://")))
                .body(not(containsString("https://")));
    }
}
