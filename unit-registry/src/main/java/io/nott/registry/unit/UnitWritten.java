package io.nott.registry.unit;

/**
 * A CDI event: a PUT wrote {@code unit} (fired after the commit and its publication). The rollout
 * controller starts a canary's rollout on it with {@code rollout} (null: the default plan), so the
 * unit package need not know the rollout package.
 */
public record UnitWritten(StoredUnit unit, RolloutPlan rollout, String actor) {
}
