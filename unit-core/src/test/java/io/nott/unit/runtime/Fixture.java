package io.nott.unit.runtime;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.model.ValidationLimits;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A runner over an in-memory Redis, a fixed clock and a simple meter registry. */
final class Fixture {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00.250Z"), ZoneOffset.UTC);

    /**
     * The budget of the units these tests build: the default instruction budget (a count, the same
     * on every machine, so runaway code still ends) and the largest wall clock a unit may ask for
     * (so every unit built here is still a valid one), 20x the default. The default 50 ms is a
     * production limit; a test about what code does must not fail because a busy CI core, a GC
     * pause or a cold class made one call slow (HostileUnitTest's check unit after a poisoning
     * attempt timed out under load). A test about the wall clock sets its budget itself
     * (Budget.DEFAULT or its own), and asserts the outcome, never the time taken.
     */
    static final Budget SEMANTICS = new Budget(Budget.DEFAULT.instructions(), ValidationLimits.DEFAULT.maxWallMillis());

    static {
        warmUp();
    }

    final InMemoryUnitRedisClient redis = new InMemoryUnitRedisClient(CLOCK);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final PhaseRunner runner;

    Fixture() {
        this(RunnerSettings.DEFAULT, CLOCK);
    }

    Fixture(RunnerSettings settings, Clock clock) {
        runner = new PhaseRunner(settings, meters, clock, redis);
    }

    static ComputingUnit unit(String id, Phase phase, String code) {
        return ComputingUnit.of(id, phase, code).withBudget(SEMANTICS);
    }

    static UnitSnapshot snapshot(ComputingUnit... units) {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(units));
        if (!s.errors().isEmpty()) {
            throw new AssertionError("test units must compile: " + s.errors());
        }
        return s;
    }

    PhaseResult run(Phase phase, HttpExchange ex, RequestState state, ComputingUnit... units) {
        return runner.run(snapshot(units), phase, ex, state);
    }

    /** Runs one unit's code in {@code phase} and returns its single outcome. */
    UnitOutcome one(Phase phase, HttpExchange ex, RequestState state, String code) {
        if (phase == Phase.BODY_FILTER) {
            return runner.runBodyFilter(snapshot(unit("u", phase, code)), ex, state, new byte[0], true).outcomes().get(0);
        }
        PhaseResult r = run(phase, ex, state, unit("u", phase, code));
        return r.outcomes().get(0);
    }

    /**
     * Loads, once per test JVM, the classes a first call of a Redis-calling unit needs, with a
     * generous wall budget: on a loaded machine that first, cold call alone can take longer than a
     * unit's 50 ms, and tests that expect {@code ok} from such a unit are not about the wall clock.
     */
    private static void warmUp() {
        Fixture f = new Fixture(RunnerSettings.DEFAULT, CLOCK);
        ComputingUnit u = unit("warm-up", Phase.ACCESS, "local r = edge_computing.redis_client r:set('w', 'x') "
                + "ngx.log(ngx.ERR, r:get('w'), ngx.var.arg_a, ('abc'):upper(), tostring(1), math.floor(1.5))")
                .withBudget(SEMANTICS);
        f.run(Phase.ACCESS, get("/?a=1"), new RequestState(), u);
    }

    static SimulatedExchange get(String target) {
        return SimulatedExchange.get("example.com", target);
    }
}
