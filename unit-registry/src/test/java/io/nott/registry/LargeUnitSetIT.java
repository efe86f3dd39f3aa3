package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.etagOf;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.Node;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.nott.unit.codec.ChangeNotice;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A set of 10,000 units through {@code PUT /api/v1/units} (issue #17): applied in one version and
 * read back whole, removed again in one version, and a set that fails midway (the {@code {cu}}
 * node runs out of memory while the set is staged) leaves the old units, the old version and no
 * staging keys. Sets above {@code registry.max-set-units} are refused with 413.
 */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class LargeUnitSetIT {

    private static final int UNITS = 10_000;

    @InjectRedisCluster
    RedisCluster cluster;

    private Node cuMaster() {
        return cluster.masterOf("{cu}:version");
    }

    private String cli(String... args) {
        return cluster.cli(cuMaster(), args).trim();
    }

    private static long version() {
        return viewer().get("/api/v1/units").jsonPath().getLong("version");
    }

    /** {@code count} small units scoped to their own hosts, as the tenants of issue #17. */
    private static List<Map<String, Object>> tenants(String prefix, int count) {
        List<Map<String, Object>> units = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            units.add(Map.of("id", prefix + "-" + i, "phase", "access", "hosts", List.of("h" + i + "." + prefix + ".example"),
                    "code", "if ngx.var.arg_t" + i + " == 'x' then return ngx.exit(403) end"));
        }
        return units;
    }

    private void assertNoStagingKeys() {
        assertThat(cli("--scan", "--pattern", "{cu}:staging:*")).as("staging keys left in Redis").isEmpty();
    }

    @Test
    void tenThousandUnitsAreAppliedInOneVersionReadBackAndRemovedInOneVersion() {
        JsonPath before = viewer().get("/api/v1/units/export").then().statusCode(200).extract().jsonPath();
        long start = before.getLong("version");
        List<Object> original = before.getList("units");
        String prefix = freshId("bulk");
        List<Object> units = new ArrayList<>(original);
        units.addAll(tenants(prefix, UNITS));

        long t0 = System.nanoTime();
        editor().header("If-Match", etagOf(start)).body(Map.of("units", units)).put("/api/v1/units")
                .then().statusCode(200).header("ETag", etagOf(start + 1))
                .body("version", equalTo((int) start + 1)).body("created.size()", equalTo(UNITS))
                .body("unchanged", equalTo(original.size()));
        System.out.printf("LargeUnitSetIT: PUT /api/v1/units with %d new units answered in %d ms (loadavg %.1f)%n", UNITS,
                (System.nanoTime() - t0) / 1_000_000, java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());

        JsonPath after = viewer().get("/api/v1/units/export").then().statusCode(200)
                .header("ETag", etagOf(start + 1)).extract().jsonPath();
        Map<String, Map<String, Object>> byId = new HashMap<>();
        for (Map<String, Object> unit : after.<Map<String, Object>>getList("units")) {
            byId.put((String) unit.get("id"), unit);
        }
        assertThat(byId).hasSize(original.size() + UNITS);
        for (int i = 0; i < UNITS; i++) {
            Map<String, Object> unit = byId.get(prefix + "-" + i);
            assertThat(unit).as("unit %s-%d", prefix, i).isNotNull();
            assertThat(unit.get("code")).isEqualTo("if ngx.var.arg_t" + i + " == 'x' then return ngx.exit(403) end");
            assertThat(unit.get("hosts")).isEqualTo(List.of("h" + i + "." + prefix + ".example"));
        }
        viewer().get("/api/v1/units/" + prefix + "-" + (UNITS - 1)).then().statusCode(200)
                .header("ETag", etagOf(start + 1)).body("version", equalTo((int) start + 1));
        assertThat(cli("SCARD", "{cu}:units")).isEqualTo(String.valueOf(original.size() + UNITS));
        assertThat(cli("TTL", "{cu}:unit:" + prefix + "-0")).as("a committed unit keeps no staging TTL").isEqualTo("-1");
        String logged = cli("XREVRANGE", "{cu}:changelog", "+", "-", "COUNT", "1");
        assertThat(ChangeNotice.parse(logged.substring(logged.indexOf('{'), logged.lastIndexOf('}') + 1)).version())
                .isEqualTo(start + 1);
        assertNoStagingKeys();

        // Paged and filtered listing: the UI and scripts never need all 10,000 at once.
        viewer().queryParam("prefix", prefix + "-").queryParam("limit", 100).get("/api/v1/units").then().statusCode(200)
                .header("ETag", etagOf(start + 1)).body("units.size()", equalTo(100)).body("total", equalTo(UNITS))
                .body("next", equalTo(100)).body("units[0].id", equalTo(prefix + "-0"));
        viewer().queryParam("prefix", prefix + "-").queryParam("limit", 1000).queryParam("offset", UNITS - 10)
                .get("/api/v1/units").then().statusCode(200).body("units.size()", equalTo(10)).body("next", equalTo(null));
        viewer().queryParam("host", "H7." + prefix + ".example").queryParam("phase", "access").get("/api/v1/units")
                .then().statusCode(200).body("total", equalTo(1)).body("units[0].id", equalTo(prefix + "-7"));
        viewer().queryParam("prefix", prefix + "-").queryParam("phase", "log").get("/api/v1/units")
                .then().statusCode(200).body("total", equalTo(0));
        viewer().queryParam("limit", 0).get("/api/v1/units").then().statusCode(400)
                .body("problems[0].field", equalTo("limit")).body("error", containsString("1 to 1000"));

        editor().header("If-Match", etagOf(start + 1)).body(Map.of("units", original)).put("/api/v1/units")
                .then().statusCode(200).body("version", equalTo((int) start + 2)).body("deleted.size()", equalTo(UNITS));
        assertThat(cli("SCARD", "{cu}:units")).isEqualTo(String.valueOf(original.size()));
        viewer().get("/api/v1/units/" + prefix + "-7").then().statusCode(404);
        viewer().get("/api/v1/units/" + prefix + "-7/versions").then().statusCode(200)
                .body("size()", equalTo(2)).body("[0].version", equalTo((int) start + 2))
                .body("[1].version", equalTo((int) start + 1));
        assertNoStagingKeys();
    }

    @Test
    void aSetThatFailsMidwayLeavesTheOldUnitsTheOldVersionAndNoStagingKeys() {
        long start = version();
        String before = viewer().get("/api/v1/units/export").then().statusCode(200).extract().asString();
        List<Object> units = new ArrayList<>(JsonPath.from(before).getList("units"));
        units.addAll(tenants(freshId("oom"), 3_000));
        // Room for the first staging call (500 units, about 0.4 MB) but not for the ~2.5 MB the
        // set needs: Redis refuses a later call with OOM, as a node whose memory runs out during
        // a real apply would.
        long used = Long.parseLong(cli("INFO", "memory").lines().filter(l -> l.startsWith("used_memory:")).findFirst()
                .orElseThrow().substring("used_memory:".length()).trim());
        cli("CONFIG", "SET", "maxmemory-policy", "noeviction");
        cli("CONFIG", "SET", "maxmemory", String.valueOf(used + 200_000));
        try {
            editor().header("If-Match", etagOf(start)).body(Map.of("units", units)).put("/api/v1/units")
                    .then().statusCode(503).header("Retry-After", notNullValue())
                    .body("error", containsString("nothing was changed"));
        } finally {
            cli("CONFIG", "SET", "maxmemory", "0");
        }
        assertThat(cli("INFO", "errorstats")).as("Redis refused a staging call for memory").contains("errorstat_OOM");
        assertThat(version()).isEqualTo(start);
        assertThat(viewer().get("/api/v1/units/export").then().statusCode(200).extract().asString()).isEqualTo(before);
        assertNoStagingKeys();
    }

    @Test
    void aSetAboveTheLimitIsRefusedWith413BeforeAnythingIsChecked() {
        long start = version();
        List<Map<String, Object>> units = new ArrayList<>(50_001);
        for (int i = 0; i <= 50_000; i++) {
            units.add(Map.of("id", "u" + i));
        }
        editor().body(Map.of("units", units)).put("/api/v1/units").then().statusCode(413)
                .body("problems[0].field", equalTo("units"))
                .body("error", containsString("50001 units")).body("error", containsString("registry.max-set-units"));
        assertThat(version()).isEqualTo(start);
    }
}
