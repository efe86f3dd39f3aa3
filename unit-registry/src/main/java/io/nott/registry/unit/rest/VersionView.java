package io.nott.registry.unit.rest;

import io.nott.registry.unit.UnitSpec;
import java.time.Instant;

/** One entry of a unit's history; {@code unit} is null for a delete. */
public record VersionView(long version, String action, Instant at, String actor, boolean deleted, UnitSpec unit) {
}
