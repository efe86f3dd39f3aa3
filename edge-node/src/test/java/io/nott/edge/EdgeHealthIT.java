package io.nott.edge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = io.nott.edge.support.OriginResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = io.nott.edge.support.EdgeStateResource.class, restrictToAnnotatedClass = true)
class EdgeHealthIT {

    /**
     * The edge is ready once its first units sync applied, which may come a moment after Quarkus
     * reports started (it did on a loaded machine: readiness was DOWN for the first ~0.3 s).
     */
    @BeforeEach
    void awaitReady() {
        Poll.upTo(Duration.ofSeconds(60), "the edge is ready")
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void isLiveAndReadyWithItsRedisCluster() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Redis"));
    }

    @Test
    void readinessReportsTheSlowUnitStepsOffTheLoopAndMetricsTheirMeters() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Slow unit steps off the event loop (node load)' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Slow unit steps off the event loop (node load)' }.data.max", equalTo(256));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("edge_units_slow "), containsString("edge_units_offload_in_flight "),
                        // tagged by reason: the in-flight bound reached, or no turn within offload-max-wait
                        containsString("edge_units_offload_refused_total{reason=\"max-in-flight\"}"),
                        containsString("edge_units_offload_refused_total{reason=\"max-wait\"}"));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
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
