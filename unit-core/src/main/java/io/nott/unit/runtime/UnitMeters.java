package io.nott.unit.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.nott.unit.model.Phase;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for unit outcomes, tagged by unit id and phase:
 * {@code cu.unit.calls} (counter, also tagged {@code outcome}), {@code cu.unit.duration}
 * (timer, calls that ran) and {@code cu.unit.instructions} (Lua VM instructions per call that
 * ran), both histograms with fixed buckets so Prometheus computes any unit's p99 across the
 * fleet ({@code histogram_quantile}); {@code cu.unit.offloaded} (counter, calls that ran on a virtual
 * thread, i.e. off the host's event loop: Redis-calling or slow steps), {@code cu.unit.coroutines}
 * (counter, tag {@code unit}: coroutines and light threads created). Meters are looked up once per unit/phase/outcome and cached.
 * Calls and durations also carry {@code version}: {@code stable}, or {@code canary} for a unit's canary
 * version (issue #18); two values, so the series stay bounded however many versions a unit goes
 * through (the tag sorts after {@code unit}, so existing label prefixes still read the same).
 */
final class UnitMeters {

    private static final PauseDetector NO_PAUSE_DETECTOR = new NoPauseDetector();

    static final String CALLS = "cu.unit.calls";
    static final String DURATION = "cu.unit.duration";
    static final String OFFLOADED = "cu.unit.offloaded";
    static final String COROUTINES = "cu.unit.coroutines";
    static final String INSTRUCTIONS = "cu.unit.instructions";

    /**
     * Bucket bounds for a call's wall time: a token check takes tens of µs, the default budget
     * is 50 ms and the registry allows at most 1 s. Fixed (not Micrometer's ~70 default
     * buckets) because each one is a series per unit and phase.
     */
    static final Duration[] DURATION_BUCKETS = {Duration.ofNanos(25_000), Duration.ofNanos(50_000),
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1)};

    /** Bucket bounds for instructions per call: a token check needs about 20, the default budget is one million. */
    static final double[] INSTRUCTION_BUCKETS = {50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000,
        100_000, 250_000, 500_000, 1_000_000, 10_000_000};

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Set> byUnit = new ConcurrentHashMap<>();
    /** Canary versions' meters (tag {@code version="canary"}), by unit id, apart so the stable ones stay as they were. */
    private final ConcurrentHashMap<String, Set> canaryByUnit = new ConcurrentHashMap<>();

    UnitMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One unit's meters (stable or canary); a caller may keep it ({@link #meters}) to record without a lookup by id. */
    final class Set {
        final String unit;
        final String role;
        final Counter[][] counters = new Counter[Phase.values().length][UnitOutcome.Kind.values().length];
        final Timer[] timers = new Timer[Phase.values().length];
        final DistributionSummary[] instructions = new DistributionSummary[Phase.values().length];
        final Counter[] offloaded = new Counter[Phase.values().length];
        Counter coroutines;

        Set(String unit) {
            this(unit, "stable");
        }

        Set(String unit, String role) {
            this.unit = unit;
            this.role = role;
        }

        Counter counter(Phase p, UnitOutcome.Kind k) {
            Counter c = counters[p.ordinal()][k.ordinal()];
            if (c == null) {
                c = Counter.builder(CALLS).description("Computing unit calls by outcome")
                        .tag("unit", unit).tag("phase", p.luaName()).tag("outcome", k.wireName()).tag("version", role)
                        .register(registry);
                counters[p.ordinal()][k.ordinal()] = c;
            }
            return c;
        }

        Timer timer(Phase p) {
            Timer t = timers[p.ordinal()];
            if (t == null) {
                t = Timer.builder(DURATION).description("Wall time of computing unit calls that ran")
                        .tag("unit", unit).tag("phase", p.luaName()).tag("version", role)
                        .serviceLevelObjectives(DURATION_BUCKETS)
                        // Each call is timed by itself (a pause inside it is in its duration): the
                        // default pause detector would add made-up calls after a GC pause and reads
                        // the clock once more on every call.
                        .pauseDetector(NO_PAUSE_DETECTOR).register(registry);
                timers[p.ordinal()] = t;
            }
            return t;
        }

        DistributionSummary instructions(Phase p) {
            DistributionSummary d = instructions[p.ordinal()];
            if (d == null) {
                d = DistributionSummary.builder(INSTRUCTIONS)
                        .description("Lua VM instructions executed by computing unit calls that ran")
                        .tag("unit", unit).tag("phase", p.luaName()).tag("version", role)
                        .serviceLevelObjectives(INSTRUCTION_BUCKETS).register(registry);
                instructions[p.ordinal()] = d;
            }
            return d;
        }
    }

    void offloaded(String unitId, Phase p) {
        if (registry == null) {
            return;
        }
        Set s = set(unitId);
        Counter c = s.offloaded[p.ordinal()];
        if (c == null) {
            c = Counter.builder(OFFLOADED).description("Computing unit calls run off the event loop")
                    .tag("unit", unitId).tag("phase", p.luaName()).register(registry);
            s.offloaded[p.ordinal()] = c;
        }
        c.increment();
    }

    void coroutines(String unitId, long created) {
        if (registry == null || created <= 0) {
            return;
        }
        Set s = set(unitId);
        Counter c = s.coroutines;
        if (c == null) {
            c = Counter.builder(COROUTINES).description("Coroutines and light threads created by computing unit calls")
                    .tag("unit", unitId).register(registry);
            s.coroutines = c;
        }
        c.increment(created);
    }

    /** A plain get first: {@code Set::new} captures {@code this}, so computeIfAbsent alone allocates per call. */
    private Set set(String unitId) {
        Set s = byUnit.get(unitId);
        return s != null ? s : byUnit.computeIfAbsent(unitId, Set::new);
    }

    private Set canarySet(String unitId) {
        Set s = canaryByUnit.get(unitId);
        return s != null ? s : canaryByUnit.computeIfAbsent(unitId, id -> new Set(id, "canary"));
    }

    /**
     * The meters {@code o}s of a unit's stable or canary version go to, to keep and pass to
     * {@link #record(Set, UnitOutcome)}; null without a registry.
     */
    Set meters(String unitId, boolean canary) {
        if (registry == null) {
            return null;
        }
        return canary ? canarySet(unitId) : set(unitId);
    }

    void record(UnitOutcome o) {
        if (registry == null) {
            return;
        }
        record(o.canary() ? canarySet(o.unitId()) : set(o.unitId()), o);
    }

    /** Records {@code o} in {@code s}, which {@link #meters} gave for its unit and version; null: no registry. */
    void record(Set s, UnitOutcome o) {
        if (s == null) {
            return;
        }
        s.counter(o.phase(), o.kind()).increment();
        if (o.durationNanos() > 0) {
            s.timer(o.phase()).record(o.durationNanos(), TimeUnit.NANOSECONDS);
            s.instructions(o.phase()).record(o.instructions());
        }
    }
}
