package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.etagOf;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.nott.unit.codec.ChangeNotice;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The whole set of units as one document (issue #17): export, apply atomically with If-Match on
 * the global version, every problem reported by unit id, one version, one change-log entry and
 * one change message listing exactly the changed ids.
 */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class UnitSetIT {

    @InjectRedisCluster
    RedisCluster cluster;

    @Inject
    ReactiveRedisDataSource reactive;

    private String cli(String... args) {
        return cluster.cli(cluster.masterOf("{cu}:version"), args).trim();
    }

    private static Map<String, Object> unit(String id, String code) {
        return Map.of("id", id, "phase", "access", "code", code, "hosts", List.of(id + ".example"));
    }

    private static long version() {
        return viewer().get("/api/v1/units").jsonPath().getLong("version");
    }

    /** The newest change-log entry's notice. */
    private ChangeNotice lastLogged() {
        String raw = cli("XREVRANGE", "{cu}:changelog", "+", "-", "COUNT", "1");
        String json = raw.substring(raw.indexOf('{'), raw.lastIndexOf('}') + 1);
        return ChangeNotice.parse(json);
    }

    @Test
    void appliesASetAtomicallyWithOneVersionAndOneMessageListingTheChangedIds() {
        List<String> published = new CopyOnWriteArrayList<>();
        reactive.pubsub(String.class).subscribe("cu:changes").subscribe().with(published::add);
        String a = freshId("set-a");
        String b = freshId("set-b");
        String c = freshId("set-c");
        JsonPath exported = viewer().get("/api/v1/units/export").then().statusCode(200)
                .header("ETag", etagOf(version())).extract().jsonPath();
        long start = exported.getLong("version");
        List<Object> units = new ArrayList<>(exported.getList("units"));
        units.add(unit(a, "local a = 1"));
        units.add(unit(b, "local b = 1"));
        units.add(unit(c, "local c = 1"));

        editor().header("If-Match", etagOf(start)).body(Map.of("units", units)).put("/api/v1/units")
                .then().statusCode(200).header("ETag", etagOf(start + 1)).body("version", equalTo((int) start + 1))
                .body("created", hasItems(a, b, c)).body("created.size()", equalTo(3))
                .body("updated.size()", equalTo(0)).body("deleted.size()", equalTo(0));
        assertThat(version()).isEqualTo(start + 1);
        ChangeNotice logged = lastLogged();
        assertThat(logged.version()).isEqualTo(start + 1);
        assertThat(logged.units()).isEqualTo(Set.of(a, b, c));
        assertThat(logged.committedAtMillis()).isPositive();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> published.stream().map(ChangeNotice::parse).anyMatch(logged::equals));

        // Change one, drop one, keep one: one more version whose notice lists exactly the two.
        units.removeIf(u -> ((Map<?, ?>) u).get("id").equals(c));
        units.removeIf(u -> ((Map<?, ?>) u).get("id").equals(b));
        units.add(unit(b, "local b = 2"));
        editor().header("If-Match", etagOf(start + 1)).body(Map.of("units", units)).put("/api/v1/units")
                .then().statusCode(200).body("updated", equalTo(List.of(b))).body("deleted", equalTo(List.of(c)))
                .body("created.size()", equalTo(0));
        assertThat(lastLogged().units()).isEqualTo(Set.of(b, c));
        assertThat(viewer().get("/api/v1/units/" + c).statusCode()).isEqualTo(404);
        viewer().get("/api/v1/units/" + c + "/versions").then().statusCode(200).body("[0].deleted", equalTo(true))
                .body("[0].action", equalTo("bulk-apply"));
        viewer().get("/api/v1/units/" + b).then().body("code", equalTo("local b = 2")).body("version", equalTo((int) start + 2));
        viewer().get("/api/v1/units/" + a).then().body("version", equalTo((int) start + 1));
        viewer().queryParam("limit", 1).get("/api/v1/audit").then().body("[0].action", equalTo("bulk-apply"))
                .body("[0].actor", equalTo("alice")).body("[0].summary", containsString("1 replaced, 1 deleted"));

        // The same document again changes nothing: no version, no log entry.
        editor().body(Map.of("units", units)).put("/api/v1/units").then().statusCode(200)
                .body("version", equalTo((int) start + 2)).body("unchanged", equalTo(units.size()));
        assertThat(version()).isEqualTo(start + 2);
        assertThat(lastLogged().version()).isEqualTo(start + 2);
    }

    @Test
    void aStaleIfMatchOrAnyInvalidUnitAppliesNothing() {
        long start = version();
        List<Object> units = new ArrayList<>(viewer().get("/api/v1/units/export").jsonPath().getList("units"));
        String good = freshId("set-good");
        units.add(unit(good, "local fine = 1"));
        editor().header("If-Match", etagOf(start - 1)).body(Map.of("units", units)).put("/api/v1/units")
                .then().statusCode(412).body("error", containsString("export again"));
        String badCode = freshId("set-badcode");
        String badPhase = freshId("set-badphase");
        units.add(unit(badCode, "local = ="));
        units.add(Map.of("id", badPhase, "phase", "nowhere", "code", "x = 1"));
        units.add(Map.of("phase", "access", "code", "x = 1"));
        editor().body(Map.of("units", units)).put("/api/v1/units").then().statusCode(400)
                .body("problems.field", hasItems("units[" + badCode + "].code", "units[" + badPhase + "].phase",
                        "units[" + (units.size() - 1) + "].id"))
                .body("error", containsString("nothing was applied"));
        assertThat(version()).isEqualTo(start);
        assertThat(viewer().get("/api/v1/units/" + good).statusCode()).isEqualTo(404);
        viewer().body(Map.of("units", List.of())).put("/api/v1/units").then().statusCode(403);
    }

    @Test
    void problemsComeInTheSetsOrderThoughUnitsAreCheckedInParallel() {
        long start = version();
        List<Object> units = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        String first = null;
        for (int i = 0; i < 300; i++) {
            String id = freshId("set-order" + i);
            first = first == null ? id : first;
            boolean bad = i % 37 == 5;
            units.add(unit(id, bad ? "local = =" : "local fine = " + i));
            if (bad) {
                expected.add("units[" + id + "].code");
            }
        }
        units.add(unit(first, "local again = 1"));
        expected.add("units[" + first + "].id");
        List<String> fields = editor().body(Map.of("units", units)).put("/api/v1/units").then().statusCode(400)
                .extract().jsonPath().getList("problems.field", String.class);
        assertThat(fields).containsExactlyElementsOf(expected);
        assertThat(version()).isEqualTo(start);
    }
}
