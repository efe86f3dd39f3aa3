package io.nott.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class RegistryHealthIT {

    @Test
    void isLiveAndReadyWithItsRedisCluster() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Redis"));
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
