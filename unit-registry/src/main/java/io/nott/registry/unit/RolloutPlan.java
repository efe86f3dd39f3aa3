package io.nott.registry.unit;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * How a canary goes live (issue #18): the shares it runs at, in order, how long and how many of
 * its calls each step needs before the next, and the thresholds that roll it back. A threshold
 * compares the canary with the stable version over the same window, so a fleet that is failing
 * anyway does not blame the canary.
 *
 * @param steps                 canary shares in percent, rising, the last one 100 (e.g. 1, 10, 50, 100)
 * @param minRequests           canary calls (all edges, in the health window) a step needs before it is judged healthy
 * @param minStepSeconds        seconds a step lasts at least
 * @param maxErrorRateIncrease  rollback when the canary's (errors + timeouts) / calls exceeds the stable one's by more (0.05 = 5 points)
 * @param maxP99Factor          rollback when the canary's p99 exceeds the stable one's times this (and {@code minP99Ms})
 * @param minP99Ms              a p99 below this is never blamed: the histogram's low buckets are too coarse to compare
 * @param minP99Calls           canary calls (all edges, in the window) before its p99 is compared at all: the p99 of
 *                              a handful of calls is their slowest one (a cold runtime's first call), not a latency
 *                              figure. Error, timeout and status thresholds judge from {@code minRequests} on
 * @param maxStatusShareIncrease rollback when the canary's share of 4xx + 5xx exits exceeds the stable one's by more
 *                              (a unit that 403s or 500s what the stable one lets through)
 * @param manual                true: no controller; the canary keeps the share it was written with until an
 *                              operator promotes or aborts it
 */
@RegisterForReflection
@Schema(description = "A rollout plan; omitted fields take the registry's defaults (rollout.* settings)")
public record RolloutPlan(List<Integer> steps, Long minRequests, Long minStepSeconds, Double maxErrorRateIncrease,
        Double maxP99Factor, Double minP99Ms, Long minP99Calls, Double maxStatusShareIncrease, Boolean manual) {

    /**
     * What a rollout stored before {@code minP99Calls} existed judges its p99 on: the shipped
     * default of {@code rollout.plan.min-p99-calls}.
     */
    public static final long FALLBACK_MIN_P99_CALLS = 100;

    /** This plan with every omitted field taken from {@code defaults}. */
    public RolloutPlan orElse(RolloutPlan defaults) {
        return new RolloutPlan(steps != null ? List.copyOf(steps) : defaults.steps,
                minRequests != null ? minRequests : defaults.minRequests,
                minStepSeconds != null ? minStepSeconds : defaults.minStepSeconds,
                maxErrorRateIncrease != null ? maxErrorRateIncrease : defaults.maxErrorRateIncrease,
                maxP99Factor != null ? maxP99Factor : defaults.maxP99Factor,
                minP99Ms != null ? minP99Ms : defaults.minP99Ms,
                minP99Calls != null ? minP99Calls : defaults.minP99Calls,
                maxStatusShareIncrease != null ? maxStatusShareIncrease : defaults.maxStatusShareIncrease,
                manual != null ? manual : defaults.manual != null && defaults.manual);
    }

    /** The canary calls a p99 judgement needs; a rollout stored without the field takes the shipped default. */
    public long p99Calls() {
        return minP99Calls != null ? minP99Calls : FALLBACK_MIN_P99_CALLS;
    }

    /** True when no controller drives this canary. */
    public boolean isManual() {
        return Boolean.TRUE.equals(manual);
    }

    /** Every problem of the fields given (omitted ones take defaults), as "field: what is wrong". */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (steps != null && steps.isEmpty()) {
            out.add("rollout.steps: give at least one step, e.g. [1, 10, 50, 100], or leave steps out");
        } else if (steps != null) {
            int last = 0;
            for (Integer s : steps) {
                if (s == null || s < 1 || s > 100 || s <= last) {
                    out.add("rollout.steps: must rise strictly within 1-100, got " + steps);
                    break;
                }
                last = s;
            }
            if (last != 100 && out.isEmpty()) {
                out.add("rollout.steps: the last step must be 100 (the canary then becomes stable), got " + steps);
            }
        }
        if (minRequests != null && minRequests < 0) {
            out.add("rollout.minRequests: must be at least 0, got " + minRequests);
        }
        if (minStepSeconds != null && minStepSeconds < 0) {
            out.add("rollout.minStepSeconds: must be at least 0, got " + minStepSeconds);
        }
        if (maxErrorRateIncrease != null && (maxErrorRateIncrease < 0 || maxErrorRateIncrease > 1)) {
            out.add("rollout.maxErrorRateIncrease: a fraction from 0 to 1, got " + maxErrorRateIncrease);
        }
        if (maxStatusShareIncrease != null && (maxStatusShareIncrease < 0 || maxStatusShareIncrease > 1)) {
            out.add("rollout.maxStatusShareIncrease: a fraction from 0 to 1, got " + maxStatusShareIncrease);
        }
        if (minP99Calls != null && minP99Calls < 1) {
            out.add("rollout.minP99Calls: at least 1 (a p99 needs calls to be judged; 100 or more gives a real"
                    + " percentile), got " + minP99Calls);
        }
        if (maxP99Factor != null && maxP99Factor < 1) {
            out.add("rollout.maxP99Factor: at least 1, got " + maxP99Factor);
        }
        return out;
    }
}
