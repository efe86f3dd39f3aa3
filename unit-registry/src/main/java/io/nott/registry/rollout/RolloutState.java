package io.nott.registry.rollout;

import io.nott.registry.unit.RolloutPlan;
import java.time.Instant;

/**
 * A unit's rollout as {@code {cu}:rollout:<id>} holds it: which canary version, at which step since
 * when, and what became of it. The controller changes it only by compare-and-set on {@code step}
 * and {@code status} (see {@code RolloutRepository}), so a step is applied once.
 *
 * @param step   index into the plan's steps; the canary's share is {@code plan.steps[step]}
 * @param status running, paused, promoted (became stable), rolled_back (a threshold tripped) or aborted (by an operator)
 */
public record RolloutState(String unitId, long canaryVersion, RolloutPlan plan, int step, Instant stepSince,
        String status, Instant startedAt) {

    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String PROMOTED = "promoted";
    public static final String ROLLED_BACK = "rolled_back";
    public static final String ABORTED = "aborted";

    /** The canary's share at this step. */
    public int percent() {
        return plan.steps().get(step);
    }

    public boolean finished() {
        return status.equals(PROMOTED) || status.equals(ROLLED_BACK) || status.equals(ABORTED);
    }

    public boolean lastStep() {
        return step == plan.steps().size() - 1;
    }

    public RolloutState at(int newStep, Instant since) {
        return new RolloutState(unitId, canaryVersion, plan, newStep, since, status, startedAt);
    }

    public RolloutState withStatus(String newStatus) {
        return new RolloutState(unitId, canaryVersion, plan, step, stepSince, newStatus, startedAt);
    }
}
