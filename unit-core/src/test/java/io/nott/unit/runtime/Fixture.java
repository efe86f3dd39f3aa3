package io.nott.unit.runtime;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A runner over an in-memory Redis, a fixed clock and a simple meter registry. */
final class Fixture {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00.250Z"), ZoneOffset.UTC);

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
        return ComputingUnit.of(id, phase, code);
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

    static SimulatedExchange get(String target) {
        return SimulatedExchange.get("example.com", target);
    }
}
