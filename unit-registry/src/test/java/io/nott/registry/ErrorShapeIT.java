package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.unit;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every refusal, including Quarkus' own, answers {"status", "error", "problems"} with a message that says what to fix. */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class ErrorShapeIT {

    private static ValidatableResponse shaped(ValidatableResponse response, int status) {
        return response.statusCode(status).contentType("application/json").body("status", equalTo(status));
    }

    @Test
    void aValueOfTheWrongTypeNamesTheFieldAndTheAllowedForm() {
        String id = freshId("typed");
        shaped(editor().body("{\"phase\":\"access\",\"code\":\"x = 1\",\"sampling\":\"half\"}").put("/api/v1/units/" + id)
                .then(), 400)
                .body("problems[0].field", equalTo("sampling"))
                .body("error", allOf(containsString("'sampling'"), containsString("0 to 100"), containsString("\"half\"")));
        shaped(editor().body("{\"enabled\":\"yes\"}").patch("/api/v1/units/" + id).then(), 400)
                .body("problems[0].field", equalTo("enabled")).body("error", containsString("true or false"));
        shaped(editor().body("{\"phase\":\"access\",\"code\":\"x = 1\",\"budget\":{\"instructions\":\"many\"}}")
                .put("/api/v1/units/" + id).then(), 400)
                .body("problems[0].field", equalTo("budget.instructions")).body("error", containsString("whole number"));
        shaped(editor().body("{not json").put("/api/v1/units/" + id).then(), 400)
                .body("error", containsString("not valid JSON"));
        shaped(editor().body("[1, 2]").put("/api/v1/units/" + id).then(), 400)
                .body("error", containsString("JSON object"));
    }

    @Test
    void unknownFieldsAreRejectedByName() {
        String id = freshId("colour");
        shaped(editor().body(Map.of("phase", "access", "code", "x = 1", "colour", "red")).put("/api/v1/units/" + id)
                .then(), 400)
                .body("problems[0].field", equalTo("colour"))
                .body("error", allOf(containsString("unknown field 'colour'"), containsString("sampling")));
        Api.viewer().get("/api/v1/units/" + id).then().statusCode(404);
        shaped(editor().body(Map.of("unit", unit("access", "x = 1"), "requests", Map.of())).post("/api/v1/units/test")
                .then(), 400).body("error", containsString("unknown field 'requests'"));
    }

    @Test
    void oversizedBodiesWrongTypesMethodsAndPathsAnswerInTheShape() {
        String id = freshId("huge");
        String huge = "{\"phase\":\"access\",\"code\":\"-- " + "x".repeat(5 * 1024 * 1024) + "\"}";
        shaped(editor().body(huge).put("/api/v1/units/" + id).then(), 413)
                .body("error", allOf(containsString("at most"), containsString("smaller")));
        shaped(editor().contentType("text/plain").body("x = 1").put("/api/v1/units/" + id).then(), 415)
                .body("error", containsString("Content-Type: application/json"));
        shaped(editor().post("/api/v1/units/" + id + "/versions").then(), 405).body("error", containsString("use GET"))
                .header("Allow", equalTo("GET"));
        shaped(editor().accept("application/xml").get("/api/v1/units").then(), 406)
                .body("error", containsString("Accept: application/json"));
        shaped(editor().get("/api/v1/nothing-here").then(), 404).body("error", containsString("/q/openapi"));
        shaped(given().get("/api/v1/units").then(), 401).body("error", containsString("Bearer"));
    }

    @Test
    void refusedRequestsDoNotPutUnitIdsIntoMetricLabels() {
        String id = freshId("label");
        double tooLarge = Api.answered(413);
        double unsupported = Api.answered(415);
        editor().body("{\"phase\":\"access\",\"code\":\"-- " + "x".repeat(3 * 1024 * 1024) + "\"}")
                .put("/api/v1/units/" + id).then().statusCode(413);
        editor().contentType("text/plain").body("x").put("/api/v1/units/" + id).then().statusCode(415);
        editor().contentType("text/plain").body("x").post("/api/v1/units/" + id + "/rollback").then().statusCode(415);
        // Counted once each response is out: a scrape read at once could miss them and prove nothing.
        Poll.upTo(Duration.ofSeconds(30), "the refused requests counted")
                .until(() -> Api.answered(413) > tooLarge && Api.answered(415) >= unsupported + 2);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain(id)
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"415\"[^}]*uri=\"/api/v1/units/\\{id}\"");
    }
}
