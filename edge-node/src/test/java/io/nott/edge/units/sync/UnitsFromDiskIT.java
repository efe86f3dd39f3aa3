package io.nott.edge.units.sync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.nott.edge.support.OriginResource;
import io.nott.testsupport.FreePorts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A restart with Redis down: the edge starts against a Redis Cluster address nobody answers,
 * finds the last good snapshot on disk, becomes ready and enforces those units.
 */
@QuarkusTest
@QuarkusTestResource(value = UnitsFromDiskIT.RedisDownWithSnapshot.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OriginResource.class, restrictToAnnotatedClass = true)
class UnitsFromDiskIT {

    /** Points Redis at a closed port and leaves a snapshot (written by the edge's own code) where the edge looks. */
    public static class RedisDownWithSnapshot implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            try {
                int deadPort = FreePorts.one(); // nobody listens there: Redis is down
                Path file = Files.createTempDirectory("edge-disk-").resolve("units-snapshot.json");
                new SnapshotFile(file).save(new FetchedUnits(42,
                        Map.of("tagger", Map.of("id", "tagger", "phase", "header_filter",
                                "code", "ngx.header['X-From-Disk'] = 'yes'", "budget_wall_ms", "2000")),
                        Map.of("authentication", EdgeUnitsSyncIT.SEED_AUTHENTICATION)));
                return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + deadPort,
                        "edge.sync.snapshot-file", file.toString(),
                        "edge.sync.poll-interval", "200ms");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void servesTheUnitsOfTheLastSnapshotWhileRedisIsDown() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name.startsWith('Computing units') }.data.source", equalTo("disk"))
                .body("checks.find { it.name.startsWith('Computing units') }.data.version", equalTo(42));
        assertThat(given().get("/hls/a.m3u8").statusCode()).isEqualTo(403);
        var allowed = given().get("/hls/a.m3u8?token=token");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.header("X-From-Disk")).isEqualTo("yes");
        // Failing polls keep the units (the seed's version dropped them all).
        assertThat(given().get("/q/metrics").body().asString()).contains("edge_units_sync_failures_total");
        assertThat(given().get("/hls/b.m3u8").statusCode()).isEqualTo(403);
    }
}
