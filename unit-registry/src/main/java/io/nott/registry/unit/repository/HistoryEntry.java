package io.nott.registry.unit.repository;

import io.nott.registry.unit.UnitSpec;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * One element of {@code {cu}:history:<id>} (JSON): the unit as a change left it, or a
 * tombstone ({@code unit == null}) for a delete.
 */
@RegisterForReflection
public record HistoryEntry(long version, String action, Instant at, String actor, UnitSpec unit) {

    public boolean deleted() {
        return unit == null;
    }
}
