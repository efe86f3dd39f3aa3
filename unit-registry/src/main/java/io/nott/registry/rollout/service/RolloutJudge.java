package io.nott.registry.rollout.service;

import io.nott.registry.unit.RolloutPlan;
import io.nott.registry.rollout.RolloutState;
import io.nott.registry.rollout.UnitHealthView;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * What a running rollout should do now, from its plan, its step and the fleet's figures: wait,
 * go to the next step, make the canary stable, or roll back. Pure: the controller applies the
 * verdict, tests feed it figures. The error, timeout and status thresholds are checked as soon as
 * the canary has {@code minRequests} calls, whatever the step's age, so a bad canary goes back at
 * once; its p99 only from {@code minP99Calls} on (a p99 of a few calls is the slowest of them).
 * A paused rollout is held: no step and no rollback until an operator resumes it.
 */
public final class RolloutJudge {

    public enum Action { WAIT, NEXT_STEP, COMPLETE, ROLL_BACK }

    /** The verdict and the figures it rests on, worded for the audit log. */
    public record Verdict(Action action, String reason) {
    }

    private RolloutJudge() {
    }

    /**
     * The canary is the rollout's canary version; the stable side is every stable figure of the
     * unit in the window: an edge tags stable calls with the unit's version, which each share change
     * of the rollout moves, while the stable code stays the same.
     */
    public static Verdict judge(RolloutState state, UnitHealthView health, Instant now) {
        RolloutPlan plan = state.plan();
        if (!state.status().equals(RolloutState.RUNNING)) {
            // a pause means hold: the operator is looking at it, so neither a step nor a rollback happens behind them
            return new Verdict(Action.WAIT, state.status() + ": held at " + state.percent()
                    + " % until an operator resumes, promotes or aborts it");
        }
        UnitHealthView.Version canary = find(health, "canary", state.canaryVersion());
        UnitHealthView.Version stable = stable(health);
        long calls = canary == null ? 0 : canary.calls();
        String figures = figures(canary, stable, health);
        if (calls >= Math.max(1, plan.minRequests())) {
            double canaryErrors = failureRate(canary);
            double stableErrors = failureRate(stable);
            if (canaryErrors > stableErrors + plan.maxErrorRateIncrease()) {
                return new Verdict(Action.ROLL_BACK, String.format(Locale.ROOT,
                        "error+timeout rate %.3f > stable %.3f + %.3f; %s", canaryErrors, stableErrors,
                        plan.maxErrorRateIncrease(), figures));
            }
            double canaryBad = badShare(canary);
            double stableBad = badShare(stable);
            if (canaryBad > stableBad + plan.maxStatusShareIncrease()) {
                return new Verdict(Action.ROLL_BACK, String.format(Locale.ROOT,
                        "4xx+5xx exit share %.3f > stable %.3f + %.3f; %s", canaryBad, stableBad,
                        plan.maxStatusShareIncrease(), figures));
            }
            if (calls >= plan.p99Calls() && stable != null && stable.calls() > 0 && canary.p99Ms() > plan.minP99Ms()
                    && canary.p99Ms() > stable.p99Ms() * plan.maxP99Factor()) {
                return new Verdict(Action.ROLL_BACK, String.format(Locale.ROOT,
                        "p99 %.1f ms > stable %.1f ms x %.1f; %s", canary.p99Ms(), stable.p99Ms(),
                        plan.maxP99Factor(), figures));
            }
        }
        Duration age = Duration.between(state.stepSince(), now);
        if (age.toSeconds() < plan.minStepSeconds()) {
            return new Verdict(Action.WAIT, "step " + state.percent() + " % for " + age.toSeconds() + " of "
                    + plan.minStepSeconds() + " s; " + figures);
        }
        if (calls < plan.minRequests()) {
            return new Verdict(Action.WAIT, "step " + state.percent() + " % has " + calls + " of " + plan.minRequests()
                    + " canary calls; " + figures);
        }
        String latency = calls >= plan.p99Calls() ? "" : " (p99 not judged: " + calls + " of " + plan.p99Calls()
                + " canary calls)";
        String healthy = "healthy at " + state.percent() + " % for " + age.toSeconds() + " s" + latency + "; " + figures;
        return new Verdict(state.lastStep() ? Action.COMPLETE : Action.NEXT_STEP, healthy);
    }

    private static UnitHealthView.Version find(UnitHealthView health, String role, long version) {
        if (health == null) {
            return null;
        }
        return health.versions().stream().filter(v -> v.role().equals(role) && v.version() == version).findFirst()
                .orElse(null);
    }

    /** The stable figures of every version added up; p50/p99 the largest reported (no histogram is left to add). */
    private static UnitHealthView.Version stable(UnitHealthView health) {
        if (health == null) {
            return null;
        }
        UnitHealthView.Version sum = null;
        for (UnitHealthView.Version v : health.versions()) {
            if (!v.role().equals("stable")) {
                continue;
            }
            sum = sum == null ? v : new UnitHealthView.Version(Math.max(sum.version(), v.version()), "stable",
                    sum.calls() + v.calls(), sum.errors() + v.errors(), sum.timeouts() + v.timeouts(),
                    sum.breakerTrips() + v.breakerTrips(), new UnitHealthView.Exits(sum.exits().s2xx() + v.exits().s2xx(),
                    sum.exits().s3xx() + v.exits().s3xx(), sum.exits().s4xx() + v.exits().s4xx(),
                    sum.exits().s5xx() + v.exits().s5xx()), Math.max(sum.p50Ms(), v.p50Ms()),
                    Math.max(sum.p99Ms(), v.p99Ms()));
        }
        return sum;
    }

    private static double failureRate(UnitHealthView.Version v) {
        return v == null || v.calls() == 0 ? 0 : (double) (v.errors() + v.timeouts()) / v.calls();
    }

    private static double badShare(UnitHealthView.Version v) {
        return v == null || v.calls() == 0 ? 0 : (double) (v.exits().s4xx() + v.exits().s5xx()) / v.calls();
    }

    /** Both sides' figures in one line: what the audit entry names. */
    static String figures(UnitHealthView.Version canary, UnitHealthView.Version stable, UnitHealthView health) {
        return "canary " + describe(canary) + "; stable " + describe(stable) + "; edges "
                + (health == null ? 0 : health.edges()) + ", window " + (health == null ? 0 : health.windowSeconds()) + " s";
    }

    private static String describe(UnitHealthView.Version v) {
        if (v == null) {
            return "v? no calls";
        }
        return String.format(Locale.ROOT, "v%d calls %d errors %d timeouts %d breakerTrips %d exits 2xx %d 3xx %d 4xx %d"
                        + " 5xx %d p50 %.1f ms p99 %.1f ms", v.version(), v.calls(), v.errors(), v.timeouts(),
                v.breakerTrips(), v.exits().s2xx(), v.exits().s3xx(), v.exits().s4xx(), v.exits().s5xx(), v.p50Ms(),
                v.p99Ms());
    }
}
