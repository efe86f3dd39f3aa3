package io.nott.edge.health;

import io.nott.unit.runtime.MemoryAdmission;
import io.nott.unit.runtime.RunnerSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Overload is a readiness matter, never a liveness one (issue #15: {@code /q/health/live} stayed
 * green while the node failed 4 of 5 requests, which is right, but nothing told the balancer).
 * DOWN while the node's unit memory is saturated (one more call's budget does not fit), so a node
 * that would refuse unit calls leaves rotation until calls drain; restarting it would not help.
 * The refusals since the previous probe are in the data. (Not DOWN for refusals alone: a burst
 * already over, e.g. during a Redis failover, must not keep a serving node out.)
 */
@Readiness
@ApplicationScoped
public class UnitsLoadReadinessCheck implements HealthCheck {

    private final MemoryAdmission admission;
    private final long perCall;
    private final AtomicLong seen = new AtomicLong();

    public UnitsLoadReadinessCheck(MemoryAdmission admission, RunnerSettings settings) {
        this.admission = admission;
        this.perCall = settings.limits().maxAllocatedBytes();
    }

    @Override
    public HealthCheckResponse call() {
        long now = admission.rejections();
        long refused = now - seen.getAndSet(now);
        return HealthCheckResponse.named("Unit memory admission (node load)")
                .status(!admission.saturated(perCall))
                .withData("refusedSinceLastCheck", refused)
                .withData("reservedBytes", admission.reserved())
                .withData("capacityBytes", admission.capacity())
                .build();
    }
}
