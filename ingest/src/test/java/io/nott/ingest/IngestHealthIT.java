package io.nott.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.nott.ingest.support.IngestTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Health and metrics with a real nginx-rtmp started by the service. */
@QuarkusTest
@WithTestResource(IngestTestResource.class)
class IngestHealthIT {

    @Test
    void isLiveAndReadyWhenNginxAcceptsConnections() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("nginx-rtmp"));
    }

    @Test
    void noStalledStreamsWithoutPublishers() {
        given().get("/q/health/group/streams").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("ingest_publishes_refused_total{reason=\"key\"}"))
                .body(containsString("ingest_nginx_restarts_total"));
    }

    @Test
    void quarkusOwnMetersHaveHelp() {
        // Issue #20: service-http's MeterHelpProducer (found through that library's beans.xml) gives
        // the meters of Quarkus' Netty binder their help; without it their # HELP lines are empty.
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("(?m)^# HELP netty_allocator_memory_used\\S* Memory Netty's")
                .doesNotContainPattern("(?m)^# HELP \\S+[ \\t]*$");
    }
}
