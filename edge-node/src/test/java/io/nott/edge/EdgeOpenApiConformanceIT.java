package io.nott.edge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.nott.edge.support.EdgeStateResource;
import io.nott.edge.support.FailingOriginsResource;
import io.nott.edge.support.OriginResource;
import io.nott.edge.support.RouterRoutes;
import io.nott.testsupport.OpenApiContract;
import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.ext.web.Route;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Issue #20: the edge's own OpenAPI document ({@code /q/openapi}, written by {@code EdgeOpenApi})
 * held against the real edge: every documented operation is called (the proxy's catch-all with
 * each method, in front of a real origin, a dead port and a silent server) and each answer's
 * status must be listed for it and its body must match the documented schema. And the document
 * and Swagger UI take no path from the proxy.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OriginResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EdgeStateResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FailingOriginsResource.class, restrictToAnnotatedClass = true)
class EdgeOpenApiConformanceIT {

    @Inject
    RouterRoutes routes;

    private OpenApiContract contract;

    private void expect(int status, String method, String path, RequestSpecification request) {
        Response response = request.request(method, path);
        contract.check(method, path, response.statusCode(), response.contentType(), response.asString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.asString()).isEqualTo(status);
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() {
        // Ready once the first units sync applied, which may come a moment after Quarkus started.
        Poll.upTo(Duration.ofSeconds(60), "the edge is ready")
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        contract = OpenApiContract.of(given().queryParam("format", "json").get("/q/openapi").asString());

        for (String health : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started")) {
            expect(200, "GET", health, given());
        }
        expect(200, "GET", "/q/metrics", given());
        expect(200, "GET", "/q/openapi", given().queryParam("format", "json"));

        // The proxy: a route's prefix is itself a proxied path (one segment, as the template has it).
        for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
            expect(200, method, "/hls", given());
        }
        expect(404, "GET", "/nowhere", given());
        expect(400, "GET", "/%00", given().urlEncodingEnabled(false));
        expect(502, "GET", "/dead", given());
        expect(504, "GET", "/slow", given());

        assertThat(contract.answered().keySet()).as("every documented operation was called")
                .containsExactlyInAnyOrderElementsOf(contract.operations("/"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void theDocumentAndSwaggerUiTakeNoProxiedPath() {
        // Every route of the HTTP server that claims a path claims one under /q (Quarkus mounts its
        // own endpoints, the document and Swagger UI included, on one sub-router at /q/); the
        // proxy's own route (no path) sees every request first and hands back only what no prefix matches.
        List<String> claimed = routes.router().getRoutes().stream().map(Route::getPath).filter(Objects::nonNull).toList();
        assertThat(claimed).isNotEmpty().allSatisfy(path -> assertThat(path).startsWith("/q/"));
        given().get("/hls/q/openapi").then().statusCode(200).body(equalTo("origin /hls/q/openapi"));
        given().get("/app/swagger-ui/").then().statusCode(200).body(equalTo("origin /app/swagger-ui/"));
        given().get("/openapi").then().statusCode(404).contentType("application/json");
    }
}
