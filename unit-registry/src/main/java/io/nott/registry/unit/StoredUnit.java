package io.nott.registry.unit;

import java.time.Instant;

/** A unit as the registry stores it: the spec plus the global version that wrote it, when and by whom. */
public record StoredUnit(UnitSpec spec, long version, Instant updatedAt, String updatedBy) {
}
