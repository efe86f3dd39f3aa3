package io.nott.registry;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests with the test profile's tokens, and fresh unit ids so tests never share a unit. */
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

    static String etagOf(long version) {
        return "\"" + version + "\"";
    }
}
