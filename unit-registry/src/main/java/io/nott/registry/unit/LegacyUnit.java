package io.nott.registry.unit;

/**
 * A unit written by hand in the seed's format ({@code SET <id> "phase||code"} plus
 * {@code SADD coding_units <id>}). {@code spec} is null when the string could not be read;
 * {@code problem} then says why.
 */
public record LegacyUnit(String id, UnitSpec spec, String problem) {
}
