package io.nott.edge.units.sync;

import io.nott.unit.codec.Json;
import io.nott.unit.codec.RedisSchema;
import io.nott.unit.runtime.UnitHealth;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Tells the registry what this node runs: {@code {cu}:edge:<node>} holds JSON
 * ({@code nodeId}, {@code version} applied, {@code at}, {@code units} loaded, {@code errors},
 * {@code sync}: {@code in_sync}/{@code failing}/{@code behind} as {@link SyncStatus} judges it,
 * {@code syncFailures} in a row, {@code syncError}) with a TTL, and {@code {cu}:edges} scores the node by the time of its last beat.
 * {@code health} (issue #18) carries what each unit version did over unit-core's sliding window
 * ({@link UnitHealth}): {@code windowSeconds} and {@code units}, one entry per unit, role and version
 * with calls in the window ({@code unitId, role, version, calls, errors, timeouts, breakerTrips,
 * exits} as [2xx, 3xx, 4xx, 5xx] and {@code histogram}, counts per {@link UnitHealth#BOUNDS_MICROS}
 * bucket, so the registry can add nodes up before it takes percentiles). Quiet units are left out
 * to keep the beat small.
 */
public final class Heartbeat implements Runnable {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);

    private final RedisDataSource redis;
    private final SnapshotHolder holder;
    private final SyncStatus status;
    private final String nodeId;
    private final Duration ttl;
    private final Clock clock;
    private final UnitHealth health;
    private boolean failing;

    public Heartbeat(RedisDataSource redis, SnapshotHolder holder, SyncStatus status, String nodeId, Duration ttl,
            Clock clock) {
        this(redis, holder, status, nodeId, ttl, clock, null);
    }

    /** @param health the runner's per-version figures, reported in each beat; null for none */
    public Heartbeat(RedisDataSource redis, SnapshotHolder holder, SyncStatus status, String nodeId, Duration ttl,
            Clock clock, UnitHealth health) {
        this.health = health;
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
        if (health != null) {
            beat.put("health", health());
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

    private Map<String, Object> health() {
        List<Object> units = new ArrayList<>();
        for (UnitHealth.Figures f : health.snapshot()) {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("unitId", f.unitId());
            u.put("role", f.role());
            u.put("version", f.version());
            u.put("calls", f.calls());
            u.put("errors", f.errors());
            u.put("timeouts", f.timeouts());
            u.put("breakerTrips", f.breakerTrips());
            u.put("exits", longs(f.exits()));
            u.put("histogram", longs(f.histogram()));
            units.add(u);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("windowSeconds", health.window().toSeconds());
        out.put("units", units);
        return out;
    }

    private static List<Object> longs(long[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return out;
    }
}
