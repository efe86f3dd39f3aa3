package io.nott.registry.unit;

/** Instruction and wall-clock budget of one unit call. */
public record UnitBudget(long instructions, long wallMillis) {
}
