package io.nott.unit.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nott.unit.model.Phase;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for unit outcomes, tagged by unit id and phase:
 * {@code cu.unit.calls} (counter, also tagged {@code outcome}) and {@code cu.unit.duration}
 * (timer, calls that ran), {@code cu.unit.offloaded} (counter, calls that ran on a virtual
 * thread, i.e. off the host's event loop: Redis-calling or slow steps), {@code cu.unit.coroutines}
 * (counter, tag {@code unit}: coroutines and light threads created). Meters are looked up once per unit/phase/outcome and cached.
 * Calls and durations also carry {@code version}: {@code stable}, or {@code canary} for a unit's canary
 * version (issue #18); two values, so the series stay bounded however many versions a unit goes
 * through (the tag sorts after {@code unit}, so existing label prefixes still read the same).
 */
final class UnitMeters {

    static final String CALLS = "cu.unit.calls";
    static final String DURATION = "cu.unit.duration";
    static final String OFFLOADED = "cu.unit.offloaded";
    static final String COROUTINES = "cu.unit.coroutines";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Set> byUnit = new ConcurrentHashMap<>();

    UnitMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    private final class Set {
        final String unit;
        final String role;
        final Counter[][] counters = new Counter[Phase.values().length][UnitOutcome.Kind.values().length];
        final Timer[] timers = new Timer[Phase.values().length];
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
                t = Timer.builder(DURATION).description("Computing unit call duration")
                        .tag("unit", unit).tag("phase", p.luaName()).tag("version", role).register(registry);
                timers[p.ordinal()] = t;
            }
            return t;
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

    void record(UnitOutcome o) {
        if (registry == null) {
            return;
        }
        // canaries are short-lived; their set is keyed apart so the stable meters stay as they were
        Set s = o.canary() ? byUnit.computeIfAbsent(o.unitId() + UnitSnapshot.CANARY_SUFFIX, k -> new Set(o.unitId(), "canary"))
                : set(o.unitId());
        s.counter(o.phase(), o.kind()).increment();
        if (o.durationNanos() > 0) {
            s.timer(o.phase()).record(o.durationNanos(), TimeUnit.NANOSECONDS);
        }
    }
}
