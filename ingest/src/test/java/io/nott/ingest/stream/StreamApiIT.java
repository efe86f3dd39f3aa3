package io.nott.ingest.stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.nott.ingest.support.IngestTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The REST API and nginx's HTTP side, without video (IngestServiceIT pushes real streams). */
@QuarkusTest
@WithTestResource(IngestTestResource.class)
class StreamApiIT {

    private static final String KEY = "Bearer " + IngestTestResource.STREAM_KEY;

    @ConfigProperty(name = "ingest.hls.http-port")
    int hlsPort;

    @Test
    void listsNoStreamsBeforeAnyPublish() {
        given().get("/api/v1/streams").then().statusCode(200).body("$", hasSize(0));
        given().get("/api/v1/streams/colorbar").then().statusCode(404)
                .body("error", containsString("not being published"));
    }

    @Test
    void testSourceNeedsTheStreamKeyAndAValidName() {
        given().post("/api/v1/streams/colorbar/test-source").then().statusCode(401)
                .body("error", containsString("Authorization: Bearer"));
        given().header("Authorization", "Bearer nope").post("/api/v1/streams/colorbar/test-source")
                .then().statusCode(403);
        given().header("Authorization", KEY).post("/api/v1/streams/bad_name/test-source").then().statusCode(400)
                .body("error", containsString("no '_'"));
        given().header("Authorization", KEY).delete("/api/v1/streams/colorbar/test-source").then().statusCode(404)
                .body("error", containsString("No test source"));
        given().header("Authorization", KEY).get("/api/v1/streams/colorbar/transcoder-log").then().statusCode(404);
    }

    @Test
    void publishCallbackChecksTheKey() {
        given().formParam("call", "publish").formParam("app", "encoder").formParam("name", "cam1")
                .formParam("addr", "10.0.0.7").formParam("clientid", "41").formParam("key", "wrong")
                .post("/internal/rtmp/on-publish").then().statusCode(403);
        given().formParam("call", "publish").formParam("app", "encoder").formParam("name", "cam1")
                .formParam("addr", "10.0.0.7").formParam("clientid", "42")
                .formParam("key", IngestTestResource.STREAM_KEY)
                .post("/internal/rtmp/on-publish").then().statusCode(200);
        given().formParam("name", "cam1").formParam("clientid", "42")
                .post("/internal/rtmp/on-publish-done").then().statusCode(200);
    }

    @Test
    void nginxServesHlsWithCorsAndRefusesEverythingElse() {
        given().port(hlsPort).get("/hls/nothing.m3u8").then().statusCode(404);
        given().port(hlsPort).get("/hls/../nginx.conf").then().statusCode(404);
        given().port(hlsPort).get("/nginx.conf").then().statusCode(404);
        given().port(hlsPort).header("Origin", "http://example.org").options("/hls/x.m3u8").then().statusCode(204)
                .header("Access-Control-Allow-Origin", equalTo("*"))
                .header("Access-Control-Allow-Methods", containsString("GET"));
    }
}
