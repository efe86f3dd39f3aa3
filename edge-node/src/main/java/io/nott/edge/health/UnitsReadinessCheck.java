package io.nott.edge.health;

import io.nott.edge.units.sync.AppliedSnapshot;
import io.nott.edge.units.sync.SnapshotHolder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once a units snapshot is loaded, from the Redis Cluster or from disk. A Redis outage
 * after that does not make the node unready: it keeps serving with its current units.
 */
@Readiness
@ApplicationScoped
public class UnitsReadinessCheck implements HealthCheck {

    private final SnapshotHolder holder;

    public UnitsReadinessCheck(SnapshotHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        AppliedSnapshot applied = holder.current();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("Computing units snapshot (Redis Cluster sync)")
                .status(holder.loaded())
                .withData("version", applied.snapshot().version())
                .withData("source", applied.source())
                .withData("units", applied.snapshot().units().size())
                .withData("errors", applied.errors().size());
        return builder.build();
    }
}
