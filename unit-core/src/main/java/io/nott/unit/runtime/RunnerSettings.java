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
 * @param maxRedisWait             how much time one unit call may spend waiting for
 *                                 {@code edge_computing.redis_client} answers without it counting
 *                                 against the unit's wall-clock budget. As in OpenResty, where a
 *                                 cosocket wait costs the worker nothing, waiting for Redis holds no
 *                                 event-loop thread (such phases run on virtual threads) and each
 *                                 command is bounded by its own timeout; charging that wait to a
 *                                 50 ms budget made a loaded node time units out (and open their
 *                                 breakers) although they did almost no work. Past this allowance
 *                                 the wait counts again, so a unit looping over a dead Redis still
 *                                 ends.
 * @param maxRequestBodyBytes      most bytes of a request body units may read or build
 *                                 ({@code ngx.req.set_body_data}, {@code append_body}): nginx's
 *                                 {@code client_max_body_size}, whose default (1 MiB) the shorter
 *                                 constructor uses; the host refuses larger client bodies with 413
 */
public record RunnerSettings(SandboxLimits limits, int breakerFailureThreshold, Duration breakerCoolDown,
                             int maxBodyBytes, Duration maxRedisWait, long maxRequestBodyBytes) {

    /** nginx's default {@code client_max_body_size}. */
    public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024;

    public RunnerSettings(SandboxLimits limits, int breakerFailureThreshold, Duration breakerCoolDown, int maxBodyBytes,
                          Duration maxRedisWait) {
        this(limits, breakerFailureThreshold, breakerCoolDown, maxBodyBytes, maxRedisWait, DEFAULT_MAX_REQUEST_BODY_BYTES);
    }

    /** Default limits, breaker opens after 5 failures in a row, 10 s cool-down, 16 MiB body, 1 s of Redis wait. */
    public static final RunnerSettings DEFAULT = new RunnerSettings(SandboxLimits.DEFAULT, 5, Duration.ofSeconds(10),
            16 * 1024 * 1024, Duration.ofSeconds(1));

    public RunnerSettings {
        if (maxRedisWait == null || maxRedisWait.isNegative()) {
            throw new IllegalArgumentException("maxRedisWait must be zero or positive, got " + maxRedisWait);
        }
        if (maxRequestBodyBytes < 0) {
            throw new IllegalArgumentException("maxRequestBodyBytes must be zero or positive, got " + maxRequestBodyBytes);
        }
    }
}
