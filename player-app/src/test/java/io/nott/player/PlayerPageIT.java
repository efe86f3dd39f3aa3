package io.nott.player;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The app serves the page, its own Clappr bundle and its settings, and says ready only with the bundle. */
@QuarkusTest
class PlayerPageIT {

    @ParameterizedTest
    @ValueSource(strings = {"/app", "/app/"})
    void servesThePageUnderApp(String path) {
        given().get(path).then()
                .statusCode(200)
                .header("Content-Type", startsWith("text/html"))
                .header("Cache-Control", equalTo("no-cache"))
                .header("Content-Security-Policy", containsString("script-src 'self' 'unsafe-eval'"))
                .body(containsString("<title>NOTT</title>"))
                .body(containsString("src=\"/app/vendor/clappr.min.js\""))
                .body(containsString("id=\"edge\""));
    }

    @Test
    void servesTheClapprBundleFromNpmItself() {
        byte[] bundle = given().get("/app/vendor/clappr.min.js").then()
                .statusCode(200)
                .header("Content-Type", containsString("javascript"))
                .extract().asByteArray();
        String text = new String(bundle, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(bundle.length).isGreaterThan(100_000);
        // @clappr/player 0.11.16 with hls.js bundled in: the HLS playback is what plays our streams.
        assertThat(text).contains("0.11.16").contains("hlsjsConfig");
    }

    @Test
    void pageAndScriptsReferenceNothingOutsideTheApp() {
        for (String path : new String[] {"/app/", "/app/player.js", "/app/player.css"}) {
            String body = given().get(path).then().statusCode(200).extract().asString();
            // No CDN, fonts or analytics: every reference is relative to the origin.
            assertThat(body).as(path).doesNotContainPattern("(?i)(src|href)\\s*=\\s*[\"']?(https?:)?//");
            assertThat(body).as(path).doesNotContainPattern("(?i)url\\(\\s*[\"']?(https?:)?//");
            assertThat(body).as(path).doesNotContainPattern("(?i)@import");
        }
    }

    @Test
    void servesItsSettingsToThePage() {
        given().get("/app/config.json").then()
                .statusCode(200)
                .header("Content-Type", startsWith("application/json"))
                .body("defaultStream", equalTo("colorbar"))
                .body("apiBaseUrl", equalTo(""))
                .body("tokenCookie", equalTo("superstition"))
                .body("stallTimeoutMs", equalTo(3000));
    }

    @Test
    void isReadyBecauseTheBundleIsPackaged() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'clappr-bundle' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'clappr-bundle' }.data.bytes", org.hamcrest.Matchers.greaterThan(100_000));
    }

    @Test
    void countsPageRequestsInMetrics() {
        given().get("/app").then().statusCode(200);
        given().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/app\"}"));
    }
}
