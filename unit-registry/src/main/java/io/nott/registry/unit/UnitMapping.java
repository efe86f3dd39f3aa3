package io.nott.registry.unit;

import io.nott.unit.model.ComputingUnit;
import java.time.Instant;

/** Registry units as unit-core runs them (kept for the dry run's call sites; the work is in {@link UnitSpec}). */
public final class UnitMapping {

    private UnitMapping() {
    }

    public static ComputingUnit toCore(UnitSpec spec, long version, Instant at, String by, boolean legacy) {
        return spec.toCore(version, at, by, legacy);
    }

    public static ComputingUnit toCore(StoredUnit unit) {
        return unit.toCore();
    }
}
