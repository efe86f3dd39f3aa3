package io.nott.registry.unit;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Instruction and wall-clock budget of one unit call. */
@RegisterForReflection
public record UnitBudget(long instructions, long wallMillis) {
}
