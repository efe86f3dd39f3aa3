package io.nott.edge.units.sync;

import io.nott.unit.codec.Json;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Tells the registry what this node runs: {@code {cu}:edge:<node>} holds JSON
 * ({@code nodeId}, {@code version} applied, {@code at}, {@code units} loaded, {@code errors},
 * {@code sync}: {@code in_sync}/{@code failing}/{@code behind} as {@link SyncStatus} judges it,
 * {@code syncFailures} in a row, {@code syncError}) with a TTL, and {@code {cu}:edges} scores the node by the time of its last beat.
 */
public final class Heartbeat implements Runnable {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);

    private final RedisDataSource redis;
    private final SnapshotHolder holder;
    private final SyncStatus status;
    private final String nodeId;
    private final Duration ttl;
    private final Clock clock;
    private boolean failing;

    public Heartbeat(RedisDataSource redis, SnapshotHolder holder, SyncStatus status, String nodeId, Duration ttl,
            Clock clock) {
        this.redis = redis;
        this.holder = holder;
        this.status = status;
        this.nodeId = nodeId;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public void run() {
        AppliedSnapshot applied = holder.current();
        Instant now = clock.instant();
        Map<String, Object> beat = new LinkedHashMap<>();
        beat.put("nodeId", nodeId);
        beat.put("version", applied.snapshot().version());
        beat.put("at", now.toString());
        beat.put("units", (long) (applied.snapshot().units().size() - applied.snapshot().errors().size()));
        beat.put("errors", applied.errors());
        beat.put("source", applied.source());
        beat.put("appliedAt", Instant.ofEpochMilli(applied.appliedAtMillis()).toString());
        SyncStatus.Reading sync = status.reading();
        beat.put("sync", sync.state().wireName());
        beat.put("syncFailures", (long) sync.consecutiveFailures());
        if (sync.lastError() != null) {
            beat.put("syncError", sync.lastError());
        }
        try {
            redis.value(String.class).set(RedisSchema.edgeKey(nodeId), Json.write(beat), new SetArgs().px(ttl));
            redis.sortedSet(String.class).zadd(RedisSchema.EDGES, (double) now.toEpochMilli(), nodeId);
            if (failing) {
                failing = false;
                LOG.info("Heartbeats reach Redis again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warnf("Heartbeat failed: %s", e.getMessage());
            }
        }
    }
}
