package io.nott.edge.units.sync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.edge.support.EdgeStateResource;
import io.nott.edge.support.OriginResource;
import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.nott.unit.runtime.CanarySplit;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue #18 at a running edge: a unit hash with {@code canary_*} fields (as the registry writes it)
 * runs its canary for the share the hash of the unit id and the named header picks, the same
 * viewer on the same side on every request; the meters carry {@code version="canary"}, and the
 * heartbeat reports each version's figures.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OriginResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EdgeStateResource.class, restrictToAnnotatedClass = true)
class CanaryEdgeIT {

    @InjectRedisCluster
    RedisCluster cluster;

    private String cli(String key, String... args) {
        return cluster.cli(cluster.masterOf(key), args).trim();
    }

    @Test
    void theCanaryServesItsShareByViewerAndTheHeartbeatReportsBothVersions() {
        String id = "canary-tag";
        cli("{cu}:units", "HSET", "{cu}:unit:" + id, "id", id, "phase", "header_filter", "version", "41",
                "code", "ngx.header['X-Side'] = 'stable'",
                "canary_code", "ngx.header['X-Side'] = 'canary'", "canary_percent", "30",
                "canary_key", "http_x_viewer", "canary_version", "42");
        cli("{cu}:units", "SADD", "{cu}:units", id);
        long version = Long.parseLong(cli("{cu}:version", "INCR", "{cu}:version"));
        cli("{cu}:version", "PUBLISH", "cu:changes", String.valueOf(version));
        Poll.upTo(Duration.ofSeconds(30), "the unit runs").until(
                () -> given().header("X-Viewer", "v0").get("/hls/a.m3u8").header("X-Side") != null);
        int canary = 0;
        for (int i = 0; i < 100; i++) {
            String viewer = "viewer-" + i;
            String expected = CanarySplit.onCanary(id, viewer, 30) ? "canary" : "stable";
            for (int round = 0; round < 2; round++) {
                assertThat(given().header("X-Viewer", viewer).get("/hls/v.m3u8").header("X-Side")).as(viewer)
                        .isEqualTo(expected);
            }
            canary += expected.equals("canary") ? 1 : 0;
        }
        assertThat(canary).as("about 30 of 100 viewers").isBetween(15, 45);
        String metrics = given().get("/q/metrics").body().asString();
        assertThat(metrics).contains("unit=\"canary-tag\",version=\"canary\"").contains("unit=\"canary-tag\",version=\"stable\"");
        int canaryCalls = canary * 2;
        Poll.upTo(Duration.ofSeconds(30), "the heartbeat reports both versions").until(() -> {
            String beat = cli("{cu}:edges", "GET", "{cu}:edge:" + EdgeStateResource.nodeId());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "\"unitId\":\"canary-tag\",\"role\":\"canary\",\"version\":42,\"calls\":(\\d+)").matcher(beat);
            // the poll above may have added calls of its own viewer: at least ours
            return m.find() && Long.parseLong(m.group(1)) >= canaryCalls
                    && beat.contains("\"unitId\":\"canary-tag\",\"role\":\"stable\",\"version\":41");
        });
        cli("{cu}:units", "DEL", "{cu}:unit:" + id);
        cli("{cu}:units", "SREM", "{cu}:units", id);
        cli("{cu}:version", "PUBLISH", "cu:changes", cli("{cu}:version", "INCR", "{cu}:version"));
    }
}
