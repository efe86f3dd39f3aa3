package io.nott.registry;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Requests with the test profile's tokens, fresh unit ids so tests never share a unit, and request counts. */
final class Api {

    static final String EDITOR = "test-editor-token";
    static final String VIEWER = "test-viewer-token";
    private static final AtomicInteger IDS = new AtomicInteger();

    private Api() {
    }

    static RequestSpecification editor() {
        return given().auth().oauth2(EDITOR).contentType(ContentType.JSON);
    }

    static RequestSpecification viewer() {
        return given().auth().oauth2(VIEWER).contentType(ContentType.JSON);
    }

    static String freshId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100000, 36);
    }

    static Map<String, Object> unit(String phase, String code) {
        return Map.of("phase", phase, "code", code);
    }

    /**
     * The requests answered with {@code status} so far (every route), from /q/metrics. Quarkus
     * records a request once its response is out, so a client can read its answer, and scrape,
     * before the count moves: tests await a count rather than read it once.
     */
    static double answered(int status) {
        Matcher m = Pattern.compile("(?m)^http_server_requests_seconds_count\\{(.*)\\} (\\S+)$")
                .matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains("status=\"" + status + "\"")) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    static String etagOf(long version) {
        return "\"" + version + "\"";
    }
}
