package io.nott.edge.health;

import io.nott.edge.units.sync.AppliedSnapshot;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.units.sync.SyncStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once a units snapshot is loaded, from the Redis Cluster or from disk, unless the node is
 * {@code behind}: a newer version was announced and could not be applied for
 * {@code edge.sync.max-lag} (the registry moved on, this node cannot follow). A Redis outage on
 * its own does not make the node unready: it keeps serving its current units and reports
 * {@code sync: failing} here and in its heartbeat, so a fleet-wide outage does not take every
 * edge out of rotation.
 */
@Readiness
@ApplicationScoped
public class UnitsReadinessCheck implements HealthCheck {

    private final SnapshotHolder holder;
    private final SyncStatus status;

    public UnitsReadinessCheck(SnapshotHolder holder, SyncStatus status) {
        this.holder = holder;
        this.status = status;
    }

    @Override
    public HealthCheckResponse call() {
        AppliedSnapshot applied = holder.current();
        SyncStatus.Reading sync = status.reading();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("Computing units snapshot (Redis Cluster sync)")
                .status(holder.loaded() && sync.state() != SyncStatus.State.BEHIND)
                .withData("version", applied.snapshot().version())
                .withData("source", applied.source())
                .withData("units", applied.snapshot().units().size())
                .withData("errors", applied.errors().size())
                .withData("sync", sync.state().wireName())
                .withData("syncFailures", sync.consecutiveFailures())
                .withData("behindMillis", sync.behindMillis());
        if (sync.lastError() != null) {
            builder.withData("syncError", sync.lastError());
        }
        return builder.build();
    }
}
