package io.nott.registry.unit;

import io.nott.unit.model.ComputingUnit;
import java.time.Instant;

/** A unit as the registry stores it: the spec plus the global version that wrote it, when and by whom. */
public record StoredUnit(UnitSpec spec, long version, Instant updatedAt, String updatedBy) {

    /** A canary written by this version carries it (it was 0 in the request): the rollout tells canaries apart by it. */
    public StoredUnit {
        if (spec != null && spec.canary() != null && spec.canary().version() == 0) {
            spec = spec.withCanary(spec.canary().withVersion(version));
        }
    }

    /** The unit as an edge runs it. */
    public ComputingUnit toCore() {
        return spec.toCore(version, updatedAt, updatedBy, false);
    }

    /** A unit-core unit (decoded from its Redis hash) with its bookkeeping. */
    public static StoredUnit of(ComputingUnit u) {
        return new StoredUnit(UnitSpec.of(u), u.version(), u.updatedAt(), u.updatedBy());
    }
}
