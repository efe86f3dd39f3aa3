package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.unit;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.Node;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Kills the master that holds every {@code {cu}} key while writes go on: writes answer 503
 * with Retry-After (never 500, never a hang), readiness goes down, writes succeed again once
 * the replica took over, and no unit is half-written.
 */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class FailoverIT {

    @InjectRedisCluster
    RedisCluster cluster;

    @Test
    void writesFailCleanlyDuringAMasterFailoverAndNothingIsHalfWritten() {
        String prefix = Api.freshId("failover");
        List<String> attempted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            attempted.add(prefix + "-before-" + i);
            editor().body(unit("access", "x = " + i)).put("/api/v1/units/" + prefix + "-before-" + i).then().statusCode(201);
        }

        Node master = cluster.masterOf("{cu}:version");
        cluster.stopNode(master);
        try {
            String during = prefix + "-during";
            attempted.add(during);
            Response failed = editor().body(unit("access", "x = 'down'")).put("/api/v1/units/" + during);
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(failed.header("Retry-After")).isNotBlank();
            assertThat(failed.jsonPath().getString("error")).contains("Redis is unavailable");
            // The DOWN answer says what failed (it once read "error": "null" for a timeout).
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'Redis registry keys' }.data.error", containsString("{cu}:version"));

            // Keep writing through the failover: every answer is a clean 503 or a success.
            List<Integer> statuses = new ArrayList<>();
            int[] n = {0};
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                String id = prefix + "-retry-" + n[0]++;
                attempted.add(id);
                int status = editor().body(unit("access", "x = 1")).put("/api/v1/units/" + id).statusCode();
                statuses.add(status);
                return status == 201;
            });
            assertThat(statuses).allMatch(s -> s == 503 || s == 201);
            given().get("/q/health/ready").then().statusCode(200);
        } finally {
            cluster.restartNode(master);
            cluster.awaitHealthy();
        }

        // Every attempted unit is either wholly there or wholly absent.
        Node now = cluster.masterOf("{cu}:version");
        String audit = cluster.cli(now, "XRANGE", "{cu}:audit", "-", "+");
        for (String id : attempted) {
            boolean hash = cluster.cli(now, "EXISTS", "{cu}:unit:" + id).trim().equals("1");
            boolean indexed = cluster.cli(now, "SISMEMBER", "{cu}:units", id).trim().equals("1");
            boolean history = !cluster.cli(now, "LLEN", "{cu}:history:" + id).trim().equals("0");
            boolean audited = audit.contains(id + "\n");
            assertThat(List.of(indexed, history, audited)).as("unit %s: hash=%s", id, hash).containsOnly(hash);
        }
        for (int i = 0; i < 5; i++) {
            Api.viewer().get("/api/v1/units/" + prefix + "-before-" + i).then().statusCode(200);
        }
        editor().body(unit("access", "x = 'after'")).put("/api/v1/units/" + prefix + "-after").then().statusCode(201);
    }
}
