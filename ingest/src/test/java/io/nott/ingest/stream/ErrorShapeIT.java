package io.nott.ingest.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.nott.ingest.support.IngestTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** Every refusal, including Quarkus' own, answers {"status", "error", "problems"} like the registry's. */
@QuarkusTest
@WithTestResource(IngestTestResource.class)
class ErrorShapeIT {

    private static final String KEY = "Bearer " + IngestTestResource.STREAM_KEY;

    private static ValidatableResponse shaped(ValidatableResponse response, int status) {
        return response.statusCode(status).contentType("application/json").body("status", equalTo(status))
                .body("problems.size()", equalTo(0));
    }

    @Test
    void ownAndFrameworkErrorsShareTheShape() {
        shaped(given().get("/api/v1/streams/nobody").then(), 404).body("error", containsString("not being published"));
        shaped(given().post("/api/v1/streams/a/test-source").then(), 401).body("error", containsString("Bearer"));
        shaped(given().get("/api/v1/nothing").then(), 404).body("error", containsString("/q/openapi"));
        shaped(given().put("/api/v1/streams/a").then(), 405).body("error", containsString("PUT is not allowed"));
        shaped(given().accept("application/xml").get("/api/v1/streams").then(), 406)
                .body("error", containsString("application/json"));
        shaped(given().contentType("application/json").body("{}").post("/internal/rtmp/on-publish").then(), 415)
                .body("error", containsString("application/x-www-form-urlencoded"));
        shaped(given().formParam("name", "cam9").formParam("key", "wrong").formParam("clientid", "1")
                .post("/internal/rtmp/on-publish").then(), 403);
        shaped(given().header("Authorization", KEY).contentType("application/octet-stream")
                .body(new byte[11 * 1024 * 1024]).post("/api/v1/streams/big-one/test-source").then(), 413)
                .body("error", containsString("at most"));
    }

    @Test
    void refusedRequestsDoNotPutStreamNamesIntoMetricLabels() {
        given().header("Authorization", KEY).contentType("application/octet-stream").body(new byte[11 * 1024 * 1024])
                .post("/api/v1/streams/label-stream-x/test-source").then().statusCode(413);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain("label-stream-x");
    }
}
