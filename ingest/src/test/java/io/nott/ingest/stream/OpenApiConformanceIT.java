package io.nott.ingest.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.ingest.support.IngestTestResource;
import io.nott.testsupport.OpenApiContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

/**
 * Calls every operation of the ingest's own OpenAPI document against the real service (with its
 * nginx and FFmpeg) and holds each answer to the document: the status must be listed for that
 * operation and the body must match the schema documented for it.
 */
@QuarkusTest
@WithTestResource(IngestTestResource.class)
class OpenApiConformanceIT {

    private static final String KEY = "Bearer " + IngestTestResource.STREAM_KEY;

    private OpenApiContract contract;

    private void expect(int status, String method, String path, RequestSpecification request) {
        Response response = request.request(method, path);
        contract.check(method, path, response.statusCode(), response.contentType(), response.asString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.asString()).isEqualTo(status);
    }

    private static RequestSpecification keyed() {
        return given().header("Authorization", KEY);
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() {
        contract = OpenApiContract.of(given().queryParam("format", "json").get("/q/openapi").asString());
        String streams = "/api/v1/streams";

        expect(200, "GET", streams, given());
        expect(406, "GET", streams, given().accept("application/xml"));
        expect(404, "GET", streams + "/nobody", given());
        expect(400, "GET", streams + "/bad_name", given());

        expect(401, "POST", streams + "/contract/test-source", given());
        expect(403, "POST", streams + "/contract/test-source", given().header("Authorization", "Bearer nope"));
        expect(400, "POST", streams + "/bad_name/test-source", keyed());
        expect(413, "POST", streams + "/contract/test-source", keyed().contentType("application/octet-stream")
                .body(new byte[11 * 1024 * 1024]));
        expect(202, "POST", streams + "/contract/test-source", keyed());
        expect(409, "POST", streams + "/contract/test-source", keyed());
        expect(204, "DELETE", streams + "/contract/test-source", keyed());
        expect(404, "DELETE", streams + "/contract/test-source", keyed());
        expect(401, "DELETE", streams + "/contract/test-source", given());

        expect(404, "DELETE", streams + "/nobody", keyed());
        expect(401, "DELETE", streams + "/nobody", given());
        expect(400, "DELETE", streams + "/bad_name", keyed());

        expect(404, "GET", streams + "/nobody/transcoder-log", keyed());
        expect(400, "GET", streams + "/nobody/transcoder-log", keyed().queryParam("lines", 0));
        expect(401, "GET", streams + "/nobody/transcoder-log", given());

        expect(403, "POST", "/internal/rtmp/on-publish", given().formParam("name", "cam7").formParam("key", "wrong")
                .formParam("clientid", "7"));
        expect(200, "POST", "/internal/rtmp/on-publish", given().formParam("name", "cam7")
                .formParam("key", IngestTestResource.STREAM_KEY).formParam("clientid", "8").formParam("addr", "10.0.0.8"));
        expect(200, "POST", "/internal/rtmp/on-publish-done", given().formParam("name", "cam7").formParam("clientid", "8"));
        expect(415, "POST", "/internal/rtmp/on-publish-done", given().contentType("application/json").body("{}"));

        assertThat(contract.answered().keySet()).as("every documented operation was called")
                .containsExactlyInAnyOrderElementsOf(contract.operations("/"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
