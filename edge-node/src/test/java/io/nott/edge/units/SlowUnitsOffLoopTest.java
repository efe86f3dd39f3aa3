package io.nott.edge.units;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.edge.cache.CachePolicy;
import io.nott.edge.cache.CacheSettings;
import io.nott.edge.health.OffLoopReadinessCheck;
import io.nott.edge.support.Origin;
import io.nott.edge.support.ProxyBed;
import io.nott.edge.units.run.LuaPhasesInterceptor;
import io.nott.edge.units.run.OffLoop;
import io.nott.edge.units.run.UnitOutputLimits;
import io.nott.edge.units.sync.AppliedSnapshot;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.upstream.UpstreamSettings;
import io.nott.testsupport.Poll;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitSnapshot;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #15, "the event loop stays responsive": through the real proxy chain (interceptor, cache,
 * a real origin), a unit whose recent cost is above the threshold has its step moved off the event
 * loop, and back inline once it is cheap again; past the bound of slow steps in flight its failure
 * policy applies and readiness is DOWN. Asserted on the decision and the meters, not on timings.
 */
class SlowUnitsOffLoopTest {

    /**
     * 50 ms, not the edge's 1 ms: a cheap call raises the estimate by a quarter of its duration, so
     * only a stall of over 200 ms (GC, a starved machine) makes a cheap unit look slow, while a
     * busy call (below) always does, on a machine of any speed.
     */
    private static final long THRESHOLD = 50_000_000;
    /**
     * Busy for 0.4 s of wall time when asked (header X-Busy), whatever the machine's speed, with
     * little allocation (plain finds over 64 KiB); else a few instructions.
     */
    private static final String BUSY = """
            if ngx.var.http_x_busy then
              local s = string.rep("a", 65536)
              local t0 = ngx.now()
              repeat
                s:find("b", 1, true)
                ngx.update_time()
              until ngx.now() - t0 >= 0.4
            end
            """;
    /**
     * Room for the busy loop on a machine of any speed (finds are charged per byte read): this
     * test is about cost, not budgets.
     */
    private static final Budget ROOMY = new Budget(1_000_000_000_000L, 10_000);

    static Vertx vertx;
    Origin origin;
    ProxyBed bed;
    SnapshotHolder holder;
    OffLoop offLoop;
    PhaseRunner runner;
    SimpleMeterRegistry registry;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    @BeforeEach
    void start() {
        origin = new Origin(vertx).respond(r -> r.response().putHeader("Content-Type", "text/plain").end("origin\n"));
        registry = new SimpleMeterRegistry();
        holder = new SnapshotHolder(registry, Clock.systemUTC());
        offLoop = new OffLoop(1);
        runner = new PhaseRunner(RunnerSettings.DEFAULT, registry, Clock.systemUTC(), new InMemoryUnitRedisClient());
        bed = bed(offLoop);
    }

    /** The proxy chain (interceptor, cache, the origin) with units run through {@code loop}. */
    private ProxyBed bed(OffLoop loop) {
        LuaPhasesInterceptor lua = new LuaPhasesInterceptor(holder, new RequestPipeline(runner), loop, 1 << 20,
                UnitOutputLimits.DEFAULT, THRESHOLD);
        return new ProxyBed(vertx, CacheSettings.defaults(), List.of(new ProxyBed.RouteSpec("vod", "/vod",
                UpstreamSettings.of("vod", List.of(origin.address())), CachePolicy.parse(true, List.of("200=60s"), false))),
                List.of(lua));
    }

    @AfterEach
    void stop() {
        bed.close();
        origin.close();
        offLoop.close();
    }

    private void units(ComputingUnit... units) {
        UnitSnapshot snapshot = UnitSnapshot.build(1, Arrays.stream(units).map(u -> u.withBudget(ROOMY)).toList());
        holder.swap(new AppliedSnapshot(snapshot, "v1", System.currentTimeMillis(), "test", List.of()));
    }

    private double offloaded(String unit) {
        Counter c = registry.find("cu.unit.offloaded").tag("unit", unit).counter();
        return c == null ? 0 : c.count();
    }

    private double calls(String unit, String outcome) {
        Counter c = registry.find("cu.unit.calls").tag("unit", unit).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private boolean slow(String unit) {
        return holder.snapshot().slowUnits(THRESHOLD).contains(unit);
    }

    @Test
    void aSlowUnitLeavesTheLoopAndComesBackInlineOnceCheap() {
        units(ComputingUnit.of("busy", Phase.ACCESS, BUSY),
                ComputingUnit.of("stamp", Phase.HEADER_FILTER, "ngx.header['X-Stamp'] = 'yes'"));

        // The first calls of a fresh unit are cold (Lua closures built, code not yet compiled by
        // the JIT) and may well be slow: they leave the loop until the unit is warm.
        int warm = 0;
        do {
            assertThat(bed.get("/vod/a").statusCode()).isEqualTo(200);
            assertThat(++warm).as("a few instructions become cheap once warm").isLessThan(500);
        } while (slow("busy") || slow("stamp")); // the header_filter unit's cold calls may have been slow too
        double atStart = offloaded("busy");
        long stepsAtStart = offLoop.slowOffloaded();
        assertThat(bed.get("/vod/a").statusCode()).isEqualTo(200);
        assertThat(offloaded("busy")).as("cheap: inline").isEqualTo(atStart);

        // The first busy call runs inline (it was cheap until then) and marks the unit slow.
        assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode()).isEqualTo(200);
        assertThat(slow("busy")).as("recent cost %d ns", holder.snapshot().cost("busy").estimateNanos()).isTrue();
        assertThat(offloaded("busy")).isEqualTo(atStart);

        // While slow, its step runs on a virtual thread; the cheap header_filter unit stays inline.
        assertThat(bed.get("/vod/a", "X-Busy", "1").headers().firstValue("X-Stamp")).hasValue("yes");
        assertThat(offloaded("busy")).isEqualTo(atStart + 1);
        assertThat(offLoop.slowOffloaded()).isEqualTo(stepsAtStart + 1);

        // Cheap calls (still off the loop while it is slow) bring the estimate down, with hysteresis.
        int cheap = 0;
        while (slow("busy")) {
            assertThat(bed.get("/vod/a").statusCode()).isEqualTo(200);
            cheap++;
            assertThat(cheap).as("cheap calls bring a slow unit back").isLessThan(500);
        }
        assertThat(cheap).as("not after one cheap call: hysteresis").isGreaterThan(1);
        assertThat(offloaded("busy")).isEqualTo(atStart + 1 + cheap);

        double before = offloaded("busy");
        assertThat(bed.get("/vod/a").statusCode()).isEqualTo(200);
        assertThat(offloaded("busy")).as("cheap again: inline").isEqualTo(before);
        assertThat(calls("busy", "ok")).isEqualTo(warm + 3 + cheap + 1);
    }

    @Test
    void aNewUnitsFirstCallRunsOffTheLoopBecauseNothingSaysItIsCheap() {
        units(ComputingUnit.of("fresh", Phase.ACCESS, BUSY));
        assertThat(slow("fresh")).as("not measured yet: not listed as slow").isFalse();

        assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode()).isEqualTo(200);
        assertThat(offloaded("fresh")).as("its first call left the event loop").isEqualTo(1);
        assertThat(slow("fresh")).as("recent cost %d ns", holder.snapshot().cost("fresh").estimateNanos()).isTrue();
        assertThat(calls("fresh", "ok")).isEqualTo(1);
    }

    @Test
    void pastTheBoundSlowUnitsFollowTheirFailurePolicyAndReadinessIsDown() throws Exception {
        OffLoopReadinessCheck readiness = new OffLoopReadinessCheck(offLoop);
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        // Take the one slot (bound 1) with a step that waits until released.
        CountDownLatch release = new CountDownLatch(1);
        assertThat(offLoop.tryCall(vertx.getOrCreateContext(), () -> release.await(1, java.util.concurrent.TimeUnit.MINUTES))).isNotNull();
        try {
            assertThat(offLoop.saturated()).isTrue();
            assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);

            units(ComputingUnit.of("busy-open", Phase.ACCESS, BUSY));
            assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode()).as("first call: inline, measured").isEqualTo(200);
            assertThat(slow("busy-open")).isTrue();
            assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode())
                    .as("open: the slow unit is not run, the request goes on").isEqualTo(200);
            assertThat(calls("busy-open", "overloaded")).isEqualTo(1);

            units(ComputingUnit.of("busy-closed", Phase.ACCESS, BUSY).withFailure(FailurePolicy.CLOSED));
            assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode()).as("first call: inline, measured").isEqualTo(200);
            assertThat(slow("busy-closed")).isTrue();
            assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode()).as("closed: 500").isEqualTo(500);
            assertThat(calls("busy-closed", "overloaded")).isEqualTo(1);

            // Four steps could not leave the loop: each unit's first call (not measured yet, so it
            // asked to leave; it ran inline, as an unmeasured unit is never refused for being slow)
            // and each refused slow call after it.
            assertThat(offLoop.slowRefused()).isEqualTo(4);
            assertThat(offloaded("busy-open") + offloaded("busy-closed")).isZero();
            assertThat(readiness.call().getData().orElseThrow()).containsEntry("refusedSinceLastCheck", 4L);
        } finally {
            release.countDown();
        }
        // Released: the slot drains and readiness comes back (on the next probe).
        Poll.upTo(Duration.ofSeconds(30), "the off-loop slot drained").until(() -> !offLoop.saturated());
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    /**
     * Slow steps hold at most {@code offload-concurrency} cores: with one turn, a second slow step
     * waits (counted as waiting, in flight) until the first ends, then runs; past the in-flight
     * bound a step is refused. Decided by the turns, whatever the timing of the threads.
     */
    @Test
    void slowStepsRunAtMostTheConcurrencyAtOnceAndTheOthersWaitTheirTurn() throws Exception {
        OffLoop turns = new OffLoop(2, 1);
        try {
            io.vertx.core.Context loop = vertx.getOrCreateContext();
            CountDownLatch firstRuns = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean secondRan = new java.util.concurrent.atomic.AtomicBoolean();
            io.vertx.core.Future<Boolean> first = turns.tryCall(loop, () -> {
                firstRuns.countDown();
                return release.await(1, java.util.concurrent.TimeUnit.MINUTES);
            });
            assertThat(firstRuns.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            io.vertx.core.Future<Boolean> second = turns.tryCall(loop, () -> {
                secondRan.set(true);
                return true;
            });
            assertThat(second).isNotNull();
            for (int i = 0; i < 6000 && turns.slowWaiting() == 0; i++) {
                Thread.sleep(10);
            }
            assertThat(turns.slowWaiting()).as("the second step waits for the turn the first holds").isEqualTo(1);
            assertThat(turns.slowRunning()).isEqualTo(1);
            assertThat(turns.slowInFlight()).isEqualTo(2);
            assertThat(secondRan).as("not run while the first holds the only turn").isFalse();
            assertThat(turns.tryCall(loop, () -> true)).as("in-flight bound (2) reached: refused").isNull();
            assertThat(turns.slowRefused()).isEqualTo(1);

            release.countDown();
            assertThat(second.toCompletionStage().toCompletableFuture().get(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            assertThat(first.toCompletionStage().toCompletableFuture().get(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            assertThat(secondRan).isTrue();
            for (int i = 0; i < 6000 && turns.slowInFlight() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(turns.slowInFlight()).isZero();
            assertThat(turns.slowRunning()).isZero();
        } finally {
            turns.close();
        }
    }

    /**
     * A slow step waits for a turn at most {@code offload-max-wait}; then it is refused as past the
     * in-flight bound: run inline without its slow units ({@code overloaded}: open goes on, closed
     * answers 500), counted apart from that bound. The only turn is held by a step that waits
     * until released after the requests, so their wait runs out however fast or slow the machine;
     * once it is free a slow step runs off the loop again. Nothing here asserts a duration.
     */
    @Test
    void aSlowStepThatWaitsLongerThanTheMaxWaitForATurnFollowsItsFailurePolicy() throws Exception {
        bed.close();
        OffLoop turns = new OffLoop(8, 1, Duration.ofMillis(20));
        offLoop.close();
        offLoop = turns; // closed after the test with the bed
        bed = bed(turns);
        OffLoopReadinessCheck readiness = new OffLoopReadinessCheck(turns);
        io.vertx.core.Future<Boolean> held;
        CountDownLatch holds = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            held = turns.tryCall(vertx.getOrCreateContext(), () -> {
                holds.countDown();
                return release.await(1, java.util.concurrent.TimeUnit.MINUTES);
            });
            assertThat(holds.await(1, java.util.concurrent.TimeUnit.MINUTES)).as("the holder has the only turn").isTrue();

            units(ComputingUnit.of("wait-open", Phase.ACCESS, BUSY));
            // Not measured yet: it asks to leave the loop, gets no turn in time and runs inline
            // (an unmeasured unit is never refused for being slow), which measures it as slow.
            assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode()).isEqualTo(200);
            assertThat(slow("wait-open")).isTrue();
            assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode())
                    .as("open: the slow unit is not run, the request goes on").isEqualTo(200);
            assertThat(calls("wait-open", "overloaded")).isEqualTo(1);

            units(ComputingUnit.of("wait-closed", Phase.ACCESS, BUSY).withFailure(FailurePolicy.CLOSED));
            assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode()).as("first call: inline, measured").isEqualTo(200);
            assertThat(slow("wait-closed")).isTrue();
            assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode()).as("closed: 500").isEqualTo(500);
            assertThat(calls("wait-closed", "overloaded")).isEqualTo(1);

            assertThat(turns.slowTimedOut()).as("four steps found no turn in time").isEqualTo(4);
            assertThat(turns.slowRefused()).as("the in-flight bound (8) was never reached").isZero();
            assertThat(offloaded("wait-open") + offloaded("wait-closed")).as("none ran off the loop").isZero();
            assertThat(readiness.call().getData().orElseThrow()).containsEntry("refusedSinceLastCheck", 4L);
        } finally {
            release.countDown();
        }
        assertThat(held.toCompletionStage().toCompletableFuture().get(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        Poll.upTo(Duration.ofSeconds(30), "the holder's turn freed").until(() -> turns.slowInFlight() == 0);

        // A free turn: the slow unit's step leaves the loop and runs.
        double ok = calls("wait-closed", "ok");
        assertThat(bed.get("/vod/a", "X-Busy", "1").statusCode()).isEqualTo(200);
        assertThat(offloaded("wait-closed")).isEqualTo(1);
        assertThat(calls("wait-closed", "ok")).isEqualTo(ok + 1);
        assertThat(turns.slowTimedOut()).isEqualTo(4);
    }

    @Test
    void aNegativeMaxWaitIsRefusedNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OffLoop(4, 1, Duration.ofMillis(-1)))
                .hasMessageContaining("edge.units.offload-max-wait is");
    }

    @Test
    void theConcurrencyIsHalfTheCoresAndAtLeastOne() {
        assertThat(OffLoop.defaultMaxRunning()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        assertThat(new OffLoop(4).maxRunning()).isEqualTo(OffLoop.defaultMaxRunning());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OffLoop(4, 0))
                .hasMessageContaining("edge.units.offload-concurrency is 0");
    }
}
