package io.nott.unit.runtime;

import io.nott.unit.sandbox.SandboxLimits;
import java.time.Duration;

/**
 * How the {@link PhaseRunner} runs units.
 *
 * @param limits                   sandbox resource limits (call depth, string size, memory per call)
 * @param breakerFailureThreshold  consecutive errors/timeouts that open a unit's circuit breaker
 * @param breakerCoolDown          how long an open breaker refuses calls before one trial call
 * @param maxBodyBytes             most bytes {@code ngx.say}/{@code ngx.print} may write per request
 */
public record RunnerSettings(SandboxLimits limits, int breakerFailureThreshold, Duration breakerCoolDown,
                             int maxBodyBytes) {

    /** Default limits, breaker opens after 5 failures in a row, 10 s cool-down, 16 MiB body. */
    public static final RunnerSettings DEFAULT =
            new RunnerSettings(SandboxLimits.DEFAULT, 5, Duration.ofSeconds(10), 16 * 1024 * 1024);
}
