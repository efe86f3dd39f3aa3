package io.nott.registry.rollout;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import io.nott.registry.error.RegistryException;
import io.nott.registry.rollout.repository.RolloutRepository;
import io.nott.registry.rollout.service.HealthService;
import io.nott.registry.rollout.service.RolloutController;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.repository.HistoryEntry;
import io.nott.registry.unit.repository.UnitRepository;
import io.nott.registry.unit.service.ChangePublisher;
import io.nott.testsupport.MutableClock;
import io.nott.testsupport.RedisClusterResource;
import io.nott.unit.codec.Json;
import io.nott.unit.codec.RedisSchema;
import io.nott.unit.runtime.UnitHealth;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #18 step 3 on a real Redis Cluster: controllers built here with a clock the test moves
 * (the replica's own is off in the test profile), edges simulated by heartbeats written as an
 * edge writes them. Promotion through every step, automatic rollback with the figures in the audit
 * log, one controller acting under the lease, a crash between the unit write and the state write,
 * and a controller holding a stale fence.
 */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class RolloutControllerIT {

    private static final AtomicInteger IDS = new AtomicInteger();

    @Inject
    RolloutRepository rollouts;
    @Inject
    UnitRepository units;
    @Inject
    ChangePublisher publisher;
    @Inject
    HealthService health;
    @Inject
    RedisDataSource redis;

    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void noLease() {
        redis.key().del(RolloutRepository.LEASE);
    }

    private RolloutController controller(String replica, Duration leaseTtl) {
        return new RolloutController(rollouts, units, publisher, health, clock, replica, leaseTtl);
    }

    private static RequestSpecification editor() {
        return given().auth().oauth2("test-editor-token").contentType(ContentType.JSON);
    }

    private static RequestSpecification viewer() {
        return given().auth().oauth2("test-viewer-token").contentType(ContentType.JSON);
    }

    private static String freshId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100000, 36);
    }

    /** PUTs a unit with a canary and a plan of 10 → 50 → 100 %, 20 canary calls and 30 s per step. */
    private String putCanary(String canaryCode) {
        return putCanary(canaryCode, Map.of());
    }

    /** As {@link #putCanary(String)}, with further plan fields. */
    private String putCanary(String canaryCode, Map<String, Object> planExtras) {
        String id = freshId("ro");
        Map<String, Object> plan = new LinkedHashMap<>(Map.of("steps", List.of(10, 50, 100), "minRequests", 20,
                "minStepSeconds", 30, "maxStatusShareIncrease", 0.05, "maxErrorRateIncrease", 0.02));
        plan.putAll(planExtras);
        editor().body(Map.of("phase", "access", "code", "local stable = 1",
                        "canary", Map.of("code", canaryCode), "rollout", plan))
                .put("/api/v1/units/" + id).then().statusCode(201);
        return id;
    }

    /** An edge's heartbeat with figures for the unit's stable and canary versions (all fast calls). */
    private void beat(String node, String id, long[] stable, long[] canary) {
        StoredUnit u = units.find(id).orElseThrow();
        List<Object> figures = new ArrayList<>();
        figures.add(figure(id, "stable", u.version(), stable));
        if (canary != null && u.spec().canary() != null) {
            figures.add(figure(id, "canary", u.spec().canary().version(), canary));
        }
        Map<String, Object> beat = new LinkedHashMap<>();
        beat.put("nodeId", node);
        beat.put("version", u.version());
        beat.put("at", Instant.now().toString());
        beat.put("health", Map.of("windowSeconds", 60, "units", figures));
        redis.value(String.class).set(RedisSchema.edgeKey(node), Json.write(beat), new SetArgs().px(60_000));
        redis.sortedSet(String.class).zadd(RedisSchema.EDGES, (double) System.currentTimeMillis(), node);
    }

    /** {calls, errors, 5xx} as an edge reports them, all in histogram bucket 0, or {calls, errors, 5xx, bucket}. */
    private static Map<String, Object> figure(String id, String role, long version, long[] f) {
        List<Object> histogram = new ArrayList<>();
        for (int i = 0; i < UnitHealth.BUCKETS; i++) {
            histogram.add(i == (f.length > 3 ? f[3] : 0) ? f[0] : 0L);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unitId", id);
        m.put("role", role);
        m.put("version", version);
        m.put("calls", f[0]);
        m.put("errors", f[1]);
        m.put("timeouts", 0L);
        m.put("breakerTrips", 0L);
        m.put("exits", List.of(0L, 0L, 0L, f[2]));
        m.put("histogram", histogram);
        return m;
    }

    private int canaryPercent(String id) {
        var canary = units.find(id).orElseThrow().spec().canary();
        return canary == null ? -1 : canary.percent();
    }

    private long writes(String id, String action) {
        return units.history(id).stream().map(HistoryEntry::action).filter(action::equals).count();
    }

    @Test
    void aHealthyCanaryIsPromotedThroughEveryStepAndBecomesStable() {
        String id = putCanary("local canary = 2");
        assertThat(canaryPercent(id)).as("the rollout's first step is written at once").isEqualTo(10);
        RolloutController c = controller("a", Duration.ofSeconds(30));
        long[] ok = {100, 0, 0};
        beat("edge-1", id, ok, new long[] {25, 0, 0});
        c.tick();
        assertThat(canaryPercent(id)).as("a step lasts minStepSeconds").isEqualTo(10);
        clock.advance(Duration.ofSeconds(31));
        c.tick();
        assertThat(canaryPercent(id)).isEqualTo(50);
        c.tick();
        assertThat(canaryPercent(id)).as("the new step starts its own time").isEqualTo(50);
        clock.advance(Duration.ofSeconds(31));
        beat("edge-1", id, ok, new long[] {25, 0, 0});
        c.tick();
        assertThat(canaryPercent(id)).isEqualTo(100);
        clock.advance(Duration.ofSeconds(31));
        beat("edge-1", id, ok, new long[] {30, 0, 0});
        c.tick();
        StoredUnit done = units.find(id).orElseThrow();
        assertThat(done.spec().canary()).as("promoted: no canary left").isNull();
        assertThat(done.spec().code()).isEqualTo("local canary = 2");
        assertThat(rollouts.find(id).orElseThrow().status()).isEqualTo(RolloutState.PROMOTED);
        assertThat(writes(id, "rollout-step")).as("first step, then 50 and 100, each once").isEqualTo(3);
        assertThat(writes(id, "rollout-complete")).isEqualTo(1);
        c.tick();
        assertThat(units.history(id)).hasSize(5);
        viewer().get("/api/v1/units/" + id + "/rollout").then().statusCode(200).body("status", equalTo("promoted"))
                .body("decisions[0].action", equalTo("rollout-complete"));
    }

    @Test
    void aCanaryAnswering500ForAFifthIsRolledBackWithTheFiguresInTheAuditLog() {
        String id = putCanary("if math.random() < 0.2 then ngx.exit(500) end");
        RolloutController c = controller("a", Duration.ofSeconds(30));
        beat("edge-1", id, new long[] {400, 0, 0}, new long[] {30, 0, 6});
        beat("edge-2", id, new long[] {380, 0, 0}, new long[] {20, 0, 4});
        c.tick();
        StoredUnit after = units.find(id).orElseThrow();
        assertThat(after.spec().canary()).as("rolled back at once, before the step's time").isNull();
        assertThat(after.spec().code()).isEqualTo("local stable = 1");
        assertThat(rollouts.find(id).orElseThrow().status()).isEqualTo(RolloutState.ROLLED_BACK);
        String summary = viewer().queryParam("unit", id).get("/api/v1/audit").jsonPath()
                .getString("find { it.action == 'rollout-rollback' }.summary");
        assertThat(summary).contains("4xx+5xx exit share 0.200 > stable 0.000 + 0.050")
                .contains("calls 50").contains("5xx 10").contains("calls 780").contains("edges 2");
    }

    @Test
    void healthAddsTheEdgesUpPerVersion() {
        String id = putCanary("local canary = 3");
        beat("edge-1", id, new long[] {10, 1, 0}, new long[] {4, 0, 1});
        beat("edge-2", id, new long[] {30, 0, 2}, new long[] {6, 2, 0});
        long canaryVersion = units.find(id).orElseThrow().spec().canary().version();
        viewer().get("/api/v1/units/" + id + "/health").then().statusCode(200)
                .body("unitId", equalTo(id)).body("windowSeconds", equalTo(60))
                .body("versions.find { it.role == 'canary' }.version", equalTo((int) canaryVersion))
                .body("versions.find { it.role == 'canary' }.calls", equalTo(10))
                .body("versions.find { it.role == 'canary' }.errors", equalTo(2))
                .body("versions.find { it.role == 'canary' }.exits.5xx", equalTo(1))
                .body("versions.find { it.role == 'stable' }.calls", equalTo(40))
                .body("versions.find { it.role == 'stable' }.p99Ms", equalTo(0.1f));
        editor().post("/api/v1/units/" + id + "/rollout/abort").then().statusCode(200); // leaves nothing running
    }

    @Test
    void onlyTheLeaseHolderActsAndAStepIsAppliedOnce() {
        String id = putCanary("local canary = 4");
        RolloutController a = controller("a", Duration.ofSeconds(30));
        RolloutController b = controller("b", Duration.ofSeconds(30));
        a.tick();
        b.tick();
        assertThat(a.fence()).isNotNull();
        assertThat(b.fence()).as("b waits while a holds the lease").isNull();
        clock.advance(Duration.ofSeconds(31));
        beat("edge-1", id, new long[] {100, 0, 0}, new long[] {25, 0, 0});
        b.tick();
        assertThat(canaryPercent(id)).as("b does not act").isEqualTo(10);
        a.tick();
        a.tick();
        b.tick();
        assertThat(canaryPercent(id)).isEqualTo(50);
        assertThat(writes(id, "rollout-step")).isEqualTo(2);
        editor().post("/api/v1/units/" + id + "/rollout/abort").then().statusCode(200).body("status", equalTo("aborted"));
    }

    @Test
    void aControllerCrashingBetweenTheUnitWriteAndTheStateWriteIsCarriedOnWithoutApplyingTheStepTwice() {
        String id = putCanary("local canary = 5");
        RolloutController a = controller("a", Duration.ofSeconds(2));
        a.tick();
        String fenceOfA = a.fence();
        // a applies 10 -> 50 on the unit, then dies before it moves the rollout state
        units.commit(id, RolloutController.ACTOR, current -> new UnitRepository.Change(
                current.unit().orElseThrow().spec().withCanary(current.unit().orElseThrow().spec().canary().withPercent(50)),
                "rollout-step", "rollout step 10 % -> 50 % (then the controller dies)"));
        long version = units.find(id).orElseThrow().version();
        RolloutController b = controller("b", Duration.ofSeconds(2));
        // the dead controller's lease runs out (a loose bound: 2 s TTL, 20 s allowed)
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            b.tick();
            return b.fence() != null;
        });
        assertThat(b.fence()).isNotEqualTo(fenceOfA);
        assertThat(rollouts.find(id).orElseThrow().step()).as("b brought the state up to the unit").isEqualTo(1);
        assertThat(units.find(id).orElseThrow().version()).as("and wrote nothing to the unit").isEqualTo(version);
        assertThat(writes(id, "rollout-step")).isEqualTo(2);
        // a wakes up with its old fence: its compare-and-set on the state fails
        assertThat(rollouts.compareAndSet(id, 1, RolloutState.RUNNING, fenceOfA, s -> s.at(2, clock.instant())))
                .isEmpty();
        clock.advance(Duration.ofSeconds(31));
        beat("edge-1", id, new long[] {100, 0, 0}, new long[] {25, 0, 0});
        b.tick();
        assertThat(canaryPercent(id)).as("b carries on from 50 %").isEqualTo(100);
        editor().post("/api/v1/units/" + id + "/rollout/abort").then().statusCode(200);
        assertThat(units.find(id).orElseThrow().spec().canary()).isNull();
    }

    @Test
    void pauseHoldsTheStepAndPromoteAndAbortAreOperatorActions() {
        String id = putCanary("local canary = 6");
        RolloutController c = controller("a", Duration.ofSeconds(30));
        editor().post("/api/v1/units/" + id + "/rollout/pause").then().statusCode(200).body("status", equalTo("paused"));
        clock.advance(Duration.ofSeconds(31));
        beat("edge-1", id, new long[] {100, 0, 0}, new long[] {25, 0, 0});
        c.tick();
        assertThat(canaryPercent(id)).as("paused: no step").isEqualTo(10);
        editor().post("/api/v1/units/" + id + "/rollout/pause").then().statusCode(409);
        editor().post("/api/v1/units/" + id + "/rollout/resume").then().statusCode(200).body("status", equalTo("running"));
        editor().post("/api/v1/units/" + id + "/rollout/promote").then().statusCode(200).body("percent", equalTo(50));
        assertThat(canaryPercent(id)).isEqualTo(50);
        viewer().post("/api/v1/units/" + id + "/rollout/abort").then().statusCode(403);
        editor().post("/api/v1/units/" + id + "/rollout/sideways").then().statusCode(400);
        editor().post("/api/v1/units/" + id + "/rollout/abort").then().statusCode(200).body("status", equalTo("aborted"));
        assertThat(units.find(id).orElseThrow().spec().canary()).isNull();
        editor().post("/api/v1/units/" + id + "/rollout/resume").then().statusCode(409);
    }

    @Test
    void aPausedRolloutIsHeldEvenWhenAThresholdTrips() {
        String id = putCanary("if math.random() < 0.2 then ngx.exit(500) end");
        RolloutController c = controller("a", Duration.ofSeconds(30));
        editor().post("/api/v1/units/" + id + "/rollout/pause").then().statusCode(200).body("status", equalTo("paused"));
        beat("edge-1", id, new long[] {400, 0, 0}, new long[] {50, 0, 10});
        clock.advance(Duration.ofSeconds(31));
        c.tick();
        assertThat(canaryPercent(id)).as("paused: neither rolled back nor stepped").isEqualTo(10);
        assertThat(rollouts.find(id).orElseThrow().status()).isEqualTo(RolloutState.PAUSED);
        assertThat(writes(id, "rollout-rollback")).isZero();
        editor().post("/api/v1/units/" + id + "/rollout/resume").then().statusCode(200);
        c.tick();
        assertThat(units.find(id).orElseThrow().spec().canary()).as("resumed: the threshold applies").isNull();
        assertThat(rollouts.find(id).orElseThrow().status()).isEqualTo(RolloutState.ROLLED_BACK);
    }

    @Test
    void aSlowP99IsJudgedOnlyOnceTheCanaryHasMinP99CallsWhileErrorsJudgeEarlier() {
        String id = putCanary("local canary = 9", Map.of("minP99Calls", 100));
        assertThat(rollouts.find(id).orElseThrow().plan().minP99Calls()).isEqualTo(100L);
        RolloutController c = controller("a", Duration.ofSeconds(30));
        long slow = UnitHealth.BUCKETS - 2;
        // 30 calls: enough for the step (minRequests 20), too few for a p99: their slowest is no percentile
        beat("edge-1", id, new long[] {400, 0, 0}, new long[] {30, 0, 0, slow});
        clock.advance(Duration.ofSeconds(31));
        c.tick();
        assertThat(canaryPercent(id)).as("stepped on, not rolled back on 30 calls' p99").isEqualTo(50);
        assertThat(rollouts.find(id).orElseThrow().status()).isEqualTo(RolloutState.RUNNING);
        viewer().get("/api/v1/units/" + id + "/rollout").then().statusCode(200)
                .body("decisions[0].reason", org.hamcrest.Matchers.containsString("p99 not judged: 30 of 100"));
        beat("edge-1", id, new long[] {400, 0, 0}, new long[] {120, 0, 0, slow});
        c.tick();
        assertThat(units.find(id).orElseThrow().spec().canary()).as("120 slow calls: rolled back on p99").isNull();
        assertThat(rollouts.find(id).orElseThrow().status()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(viewer().get("/api/v1/units/" + id + "/rollout").jsonPath().getString("decisions[0].reason"))
                .contains("p99").contains("calls 120");

        // errors still judge from minRequests on: 25 calls, 5 of them errors
        String failing = putCanary("local canary = 10", Map.of("minP99Calls", 100));
        beat("edge-1", failing, new long[] {400, 0, 0}, new long[] {25, 5, 0});
        c.tick();
        assertThat(rollouts.find(failing).orElseThrow().status()).isEqualTo(RolloutState.ROLLED_BACK);
    }

    @Test
    void minP99CallsIsValidatedAndDefaultsTo100() {
        editor().body(Map.of("phase", "access", "code", "local stable = 1", "canary", Map.of("code", "local c = 1"),
                        "rollout", Map.of("minP99Calls", 0)))
                .put("/api/v1/units/" + freshId("ro")).then().statusCode(400)
                .body(org.hamcrest.Matchers.containsString("rollout.minP99Calls: at least 1"));
        String id = putCanary("local canary = 11");
        assertThat(rollouts.find(id).orElseThrow().plan().minP99Calls()).as("rollout.plan.min-p99-calls").isEqualTo(100L);
        editor().post("/api/v1/units/" + id + "/rollout/abort").then().statusCode(200);
    }

    @Test
    void aUnitWriteFencedByALeaseThatPassedToAnotherReplicaChangesNothing() {
        String id = putCanary("local canary = 12");
        RolloutController a = controller("a", Duration.ofSeconds(30));
        a.tick();
        String fenceOfA = a.fence();
        // a stalls past its lease (here: the lease is gone at once) and b takes it over
        redis.key().del(RolloutRepository.LEASE);
        RolloutController b = controller("b", Duration.ofSeconds(30));
        b.tick();
        assertThat(b.fence()).isNotNull().isNotEqualTo(fenceOfA);
        long version = units.find(id).orElseThrow().version();
        UnitRepository.Decision toFifty = current -> new UnitRepository.Change(current.unit().orElseThrow().spec()
                .withCanary(current.unit().orElseThrow().spec().canary().withPercent(50)), "rollout-step", "10 % -> 50 %");
        assertThatThrownBy(() -> units.commit(id, RolloutController.ACTOR,
                new UnitRepository.Fence(RolloutRepository.LEASE, fenceOfA), toFifty))
                .isInstanceOf(RegistryException.class).hasMessageContaining("is no longer " + fenceOfA);
        assertThat(units.find(id).orElseThrow().version()).as("a's write changed nothing").isEqualTo(version);
        units.commit(id, RolloutController.ACTOR, new UnitRepository.Fence(RolloutRepository.LEASE, b.fence()), toFifty);
        assertThat(canaryPercent(id)).as("the holder's write goes through").isEqualTo(50);
        b.tick(); // brings the state up to the unit (step 50 %), so the abort below finds both agreeing
        editor().post("/api/v1/units/" + id + "/rollout/abort").then().statusCode(200).body("status", equalTo("aborted"));
        assertThat(units.find(id).orElseThrow().spec().canary()).isNull();
    }
}
