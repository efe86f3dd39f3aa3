package io.nott.edge.health;

import io.nott.unit.runtime.MemoryAdmission;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Overload is a readiness matter, never a liveness one (issue #15: {@code /q/health/live} stayed
 * green while the node failed 4 of 5 requests, which is right, but nothing told the balancer).
 * DOWN when unit calls were refused for lack of unit memory since the previous check (each probe
 * looks at the interval since the one before), so a node shedding unit calls leaves rotation
 * until a probe interval passes without refusals; restarting it would not help.
 */
@Readiness
@ApplicationScoped
public class UnitsLoadReadinessCheck implements HealthCheck {

    private final MemoryAdmission admission;
    private final AtomicLong seen = new AtomicLong();

    public UnitsLoadReadinessCheck(MemoryAdmission admission) {
        this.admission = admission;
    }

    @Override
    public HealthCheckResponse call() {
        long now = admission.rejections();
        long refused = now - seen.getAndSet(now);
        return HealthCheckResponse.named("Computing units load (node memory admission)")
                .status(refused == 0)
                .withData("refusedSinceLastCheck", refused)
                .withData("reservedBytes", admission.reserved())
                .withData("capacityBytes", admission.capacity())
                .build();
    }
}
