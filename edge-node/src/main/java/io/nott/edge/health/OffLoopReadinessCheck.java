package io.nott.edge.health;

import io.nott.edge.units.run.OffLoop;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while every slot for slow unit steps off the event loop is taken
 * ({@code edge.units.offload-max-in-flight}): the node is refusing its slow units or would on the
 * next request, so the balancer should send traffic elsewhere until the steps drain. Readiness,
 * never liveness: restarting a node that is merely busy would not help (issue #15).
 */
@Readiness
@ApplicationScoped
public class OffLoopReadinessCheck implements HealthCheck {

    private final OffLoop offLoop;
    private final AtomicLong seen = new AtomicLong();

    public OffLoopReadinessCheck(OffLoop offLoop) {
        this.offLoop = offLoop;
    }

    @Override
    public HealthCheckResponse call() {
        long now = offLoop.slowRefused() + offLoop.slowTimedOut(); // either reason: max-in-flight or max-wait
        return HealthCheckResponse.named("Slow unit steps off the event loop (node load)")
                .status(!offLoop.saturated())
                .withData("inFlight", offLoop.slowInFlight())
                .withData("max", offLoop.maxSlow())
                .withData("running", offLoop.slowRunning())
                .withData("waiting", offLoop.slowWaiting())
                .withData("refusedSinceLastCheck", now - seen.getAndSet(now))
                .build();
    }
}
