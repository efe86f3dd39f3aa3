package io.nott.registry.rollout.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/**
 * The rollout controller's settings and the default plan, under {@code rollout.*} (a prefix of its
 * own rather than {@code registry.rollout}, so the registry's mapping need not know it).
 */
@ConfigMapping(prefix = "rollout")
public interface RolloutConfig {

    /** Whether this replica runs a controller at all (it still needs the lease to act). Default true. */
    @WithDefault("true")
    boolean enabled();

    /** How often the controller looks at running rollouts. Default 1s. */
    @WithDefault("1s")
    Duration tick();

    /**
     * How long the controller lease lasts without renewal: another replica takes over this long
     * after the holder stopped. Renewed every tick. Default 10s.
     */
    @WithDefault("10s")
    Duration leaseTtl();

    /** The plan a canary gets when its PUT names none. */
    Plan plan();

    /** The default plan's fields; see {@code RolloutPlan}. */
    interface Plan {
        /** Default 1,10,50,100. */
        @WithDefault("1,10,50,100")
        List<Integer> steps();

        /** Default 100. */
        @WithDefault("100")
        long minRequests();

        /** Default 60. */
        @WithDefault("60")
        long minStepSeconds();

        /** Default 0.02 (2 points). */
        @WithDefault("0.02")
        double maxErrorRateIncrease();

        /** Default 2.0. */
        @WithDefault("2.0")
        double maxP99Factor();

        /** Default 5 (ms). */
        @WithDefault("5")
        double minP99Ms();

        /** Default 100: fewer canary calls give no real p99 (see {@code RolloutPlan.minP99Calls}). */
        @WithDefault("100")
        long minP99Calls();

        /** Default 0.05 (5 points). */
        @WithDefault("0.05")
        double maxStatusShareIncrease();
    }
}
