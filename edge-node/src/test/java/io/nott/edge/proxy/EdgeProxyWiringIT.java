package io.nott.edge.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.nott.edge.support.OriginResource;
import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proxy inside Quarkus: configured routes reach the origin, the cache answers, /q/* stays Quarkus'. */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OriginResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = io.nott.edge.support.EdgeStateResource.class, restrictToAnnotatedClass = true)
class EdgeProxyWiringIT {

    @Test
    void configuredRoutesReachTheOriginThroughTheCache() {
        given().get("/hls/wiring.m3u8").then().statusCode(200)
                .body(equalTo("origin /hls/wiring.m3u8"))
                .header("X-Cache-Status", "MISS");
        given().get("/hls/wiring.m3u8").then().statusCode(200)
                .header("X-Cache-Status", "HIT");
        given().get("/api/v1/streams").then().statusCode(200)
                .body(equalTo("origin /api/v1/streams"))
                .header("X-Cache-Status", (String) null);
        given().get("/app/").then().statusCode(200).body(equalTo("origin /app/"));
    }

    @Test
    void quarkusKeepsItsOwnPathsAndCountsProxiedRequests() {
        given().get("/hls/counted.m3u8").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        // The edge counts a request once its response is out (EdgeProxy.completed): the client can
        // hold the answer, and scrape, a moment before the counter moves.
        Poll.upTo(Duration.ofSeconds(30), "the proxied request counted").until(() -> given().get("/q/metrics").asString()
                .contains("edge_requests_total{cache=\"MISS\",route=\"hls\",status=\"200\"}"));
        // A gauge left by an earlier application of this JVM reads a collected object: NaN, or no
        // line at all (MetersEndWithTheApplication). Collecting now makes that visible every time.
        System.gc();
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("edge_requests_total{cache=\"MISS\",route=\"hls\",status=\"200\"}"))
                .body(containsString("edge_cache_size_bytes"))
                .body(matchesPattern("(?s).*\\nedge_cache_entries [1-9][0-9]*\\.0\\n.*"));
        given().get("/nowhere").then().statusCode(404);
    }
}
