package io.nott.edge.units.sync;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.unit.runtime.UnitSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one current snapshot, swapped atomically: a request reads it once and runs every phase
 * with that same set of units.
 */
@ApplicationScoped
public class SnapshotHolder {

    private static final AppliedSnapshot NONE = new AppliedSnapshot(UnitSnapshot.EMPTY, "", 0, "none", List.of());

    private final AtomicReference<AppliedSnapshot> current = new AtomicReference<>(NONE);
    private final Clock clock;

    public SnapshotHolder(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        Gauge.builder("edge.units.snapshot.version", this, h -> h.current().snapshot().version())
                .description("Registry version of the units this node runs").register(registry);
        Gauge.builder("edge.units.snapshot.age", this, h -> h.loaded() ? (h.clock.millis() - h.current().appliedAtMillis()) / 1000.0 : -1)
                .baseUnit("seconds").description("Time since this node swapped in its current snapshot").register(registry);
        Gauge.builder("edge.units.loaded", this, h -> h.current().snapshot().units().size() - h.current().snapshot().errors().size())
                .description("Units loaded in the current snapshot").register(registry);
    }

    public AppliedSnapshot current() {
        return current.get();
    }

    /** The compiled units, for the request path (one volatile read). */
    public UnitSnapshot snapshot() {
        return current.get().snapshot();
    }

    /** True once a snapshot came from Redis or disk: readiness. */
    public boolean loaded() {
        return current.get() != NONE;
    }

    public void swap(AppliedSnapshot next) {
        current.set(next);
    }
}
