package io.nott.edge.units;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.edge.support.EdgeStateResource;
import io.nott.edge.support.TwoOriginsResource;
import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The README's steering use cases (issue #16) on a running edge: units written to a real Redis
 * Cluster in the registry's format reach the edge by push, in front of two real origins.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TwoOriginsResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EdgeStateResource.class, restrictToAnnotatedClass = true)
class SteeringUseCasesIT {

    @InjectRedisCluster
    RedisCluster cluster;

    private String cli(String key, String... args) {
        return cluster.cli(cluster.masterOf(key), args).trim();
    }

    private long publish() {
        long version = Long.parseLong(cli("{cu}:version", "INCR", "{cu}:version"));
        cli("{cu}:version", "PUBLISH", "cu:changes", String.valueOf(version));
        return version;
    }

    private void putUnit(String id, String phase, String code) {
        cli("{cu}:units", "HSET", "{cu}:unit:" + id, "id", id, "phase", phase, "code", code, "budget_wall_ms", "2000");
        cli("{cu}:units", "SADD", "{cu}:units", id);
        publish();
    }

    /** Removes the unit and waits until the edge runs without it, so the next test does not meet it. */
    private void deleteUnit(String id) {
        cli("{cu}:units", "DEL", "{cu}:unit:" + id);
        cli("{cu}:units", "SREM", "{cu}:units", id);
        long version = publish();
        await("version " + version + " applied", () -> given().get("/q/health/ready").jsonPath()
                .getLong("checks.find { it.name.startsWith('Computing units') }.data.version") >= version);
    }

    private static void await(String what, BooleanSupplier condition) {
        Poll.upTo(Duration.ofSeconds(30), what).until(condition::getAsBoolean);
    }

    @Test
    void canaryByCookieToTwoUpstreams() {
        putUnit("canary", "rewrite", SteeringUnitsTest.CANARY);
        try {
            await("the canary unit runs", () -> given().cookie("canary", "1").get("/hls/canary/live.m3u8")
                    .body().asString().startsWith("backup"));
            assertThat(given().get("/hls/canary/live.m3u8").body().asString()).startsWith("primary");
            Response canaryAgain = given().cookie("canary", "1").get("/hls/canary/live.m3u8");
            assertThat(canaryAgain.body().asString()).startsWith("backup");
            assertThat(canaryAgain.header("X-Cache-Status")).isEqualTo("HIT");
            Response stableAgain = given().get("/hls/canary/live.m3u8");
            assertThat(stableAgain.body().asString()).startsWith("primary");
        } finally {
            deleteUnit("canary");
        }
    }

    @Test
    void failoverToTheBackupOriginWhenThePrimaryAnswers5xx() {
        assertThat(given().get("/hls/down/before.m3u8").statusCode()).isEqualTo(503);
        putUnit("failover", "balancer", SteeringUnitsTest.failover(TwoOriginsResource.primary().address(),
                TwoOriginsResource.backup().address()));
        try {
            await("the balancer unit fails over", () -> given().get("/hls/down/live.m3u8").statusCode() == 200);
            Response r = given().get("/hls/down/other.m3u8");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body().asString()).startsWith("backup /hls/down/other.m3u8");
            assertThat(given().get("/hls/up/live.m3u8").body().asString()).startsWith("primary");
        } finally {
            deleteUnit("failover");
        }
    }

    @Test
    void geoRedirectByClientAddress() {
        putUnit("geo", "rewrite", SteeringUnitsTest.geoRedirect("127.0.0.0/8", "https://eu.edge.example"));
        try {
            await("the geo unit redirects", () -> given().redirects().follow(false).get("/hls/geo/live.m3u8")
                    .statusCode() == 302);
            assertThat(given().redirects().follow(false).get("/hls/geo/live.m3u8?t=1").header("Location"))
                    .isEqualTo("https://eu.edge.example/hls/geo/live.m3u8?t=1");
        } finally {
            deleteUnit("geo");
        }
    }

    @Test
    void perDeviceCacheKey() {
        putUnit("device-key", "rewrite", SteeringUnitsTest.DEVICE_KEY);
        try {
            await("the device unit runs", () -> given().header("User-Agent", "Mozilla/5.0 (iPhone) Mobile")
                    .get("/hls/device/seg1.ts").body().asString().endsWith("mobile"));
            Response android = given().header("User-Agent", "Mozilla/5.0 (Linux; Android 14) Mobile")
                    .get("/hls/device/seg1.ts");
            assertThat(android.header("X-Cache-Status")).isEqualTo("HIT");
            assertThat(android.body().asString()).endsWith("mobile");
            Response desktop = given().header("User-Agent", "Mozilla/5.0 (X11) Firefox").get("/hls/device/seg1.ts");
            assertThat(desktop.body().asString()).endsWith("desktop");
        } finally {
            deleteUnit("device-key");
        }
    }

    @Test
    void playlistOneSecondSegmentsTenMinutes() {
        putUnit("hls-ttl", "header_filter", SteeringUnitsTest.HLS_TTL);
        try {
            await("the TTL unit makes the segment cacheable", () -> {
                given().get("/hls/ttl/seg9.ts");
                return "HIT".equals(given().get("/hls/ttl/seg9.ts").header("X-Cache-Status"));
            });
            given().get("/hls/ttl/live.m3u8");
            // The playlist is stored for one second only: it leaves the cache while the segment stays.
            await("the playlist expires", () -> "EXPIRED".equals(given().get("/hls/ttl/live.m3u8").header("X-Cache-Status")));
            assertThat(given().get("/hls/ttl/seg9.ts").header("X-Cache-Status")).isEqualTo("HIT");
        } finally {
            deleteUnit("hls-ttl");
        }
    }
}
