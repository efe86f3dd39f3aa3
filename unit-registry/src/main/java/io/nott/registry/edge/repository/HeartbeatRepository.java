package io.nott.registry.edge.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.edge.EdgeStatus;
import io.nott.registry.unit.repository.RedisGuard;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Edge heartbeats as every edge node writes them (unit-core's {@code RedisSchema}):
 * <ul>
 * <li>{@code {cu}:edges} sorted set: node id scored by the epoch millis of its last heartbeat
 * (the index, so nobody scans keys on a cluster);</li>
 * <li>{@code {cu}:edge:<nodeId>} string with a TTL: the latest heartbeat as JSON with
 * {@code nodeId}, {@code version} (applied), {@code at} (ISO-8601 or epoch millis),
 * {@code units} (loaded), {@code errors} (array of strings), {@code source}, {@code appliedAt} and
 * {@code sync}/{@code syncFailures}/{@code syncError} (the node's own view of its sync).</li>
 * </ul>
 * A node whose key expired but is still in the index is shown from its index score alone.
 */
@ApplicationScoped
public class HeartbeatRepository {

    private final RedisDataSource redis;
    private final RedisGuard guard;
    private final RegistryConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public HeartbeatRepository(RedisDataSource redis, RedisGuard guard, RegistryConfig config, ObjectMapper json,
            Clock clock) {
        this.redis = redis;
        this.guard = guard;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    /**
     * A node's heartbeat as stored: its index score (epoch ms of its last beat), the raw value
     * (null once its key expired) and that value as a JSON object (null when expired or not JSON).
     */
    public record Beat(String nodeId, double score, String raw, JsonNode body) {
    }

    /** The heartbeats of the nodes that beat within {@code maxAge}, in the index's order. */
    public List<Beat> beatsWithin(java.time.Duration maxAge) {
        long since = clock.instant().minus(maxAge).toEpochMilli();
        return guard.call("reading edge heartbeats", () -> {
            List<Beat> beats = new ArrayList<>();
            var index = redis.sortedSet(String.class).zrangebyscoreWithScores(RedisSchema.EDGES,
                    ScoreRange.from((double) since, Double.POSITIVE_INFINITY));
            for (var entry : index) {
                String raw = redis.value(String.class).get(RedisSchema.edgeKey(entry.value()));
                beats.add(new Beat(entry.value(), entry.score(), raw, parse(raw)));
            }
            return beats;
        });
    }

    /** Every node seen within {@code registry.edges.forget-after}, compared with the current global version. */
    public List<EdgeStatus> fleet(long currentVersion) {
        Instant now = clock.instant();
        List<EdgeStatus> fleet = new ArrayList<>();
        for (Beat b : beatsWithin(config.edges().forgetAfter())) {
            String nodeId = b.nodeId();
            String raw = b.raw();
            JsonNode beat = b.body();
            Instant at = instant(beat == null ? null : beat.get("at"));
            if (at == null) {
                at = Instant.ofEpochMilli((long) b.score());
            }
            Long version = beat == null ? null : number(beat, "version", "appliedVersion");
            Long units = beat == null ? null : number(beat, "units", "unitsLoaded");
            List<String> errors = new ArrayList<>();
            if (beat == null) {
                errors.add(raw == null ? "heartbeat expired" : "heartbeat is not JSON");
            } else if (beat.path("errors").isArray()) {
                beat.path("errors").forEach(e -> errors.add(e.isTextual() ? e.asText() : e.toString()));
            }
            boolean stale = at.isBefore(now.minus(config.edges().staleAfter()));
            String source = text(beat, "source");
            Instant appliedAt = beat == null ? null : instant(beat.get("appliedAt"));
            String sync = text(beat, "sync");
            Long syncFailures = beat == null ? null : number(beat, "syncFailures");
            boolean behind = version == null || version < currentVersion || "behind".equals(sync);
            fleet.add(new EdgeStatus(nodeId, version, at, units == null ? null : units.intValue(), errors, stale,
                    behind, source, appliedAt, sync, syncFailures == null ? null : syncFailures.intValue(),
                    text(beat, "syncError")));
        }
        return fleet;
    }

    private JsonNode parse(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            JsonNode node = json.readTree(raw);
            return node != null && node.isObject() ? node : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    private static String text(JsonNode beat, String name) {
        return beat == null || !beat.path(name).isTextual() ? null : beat.get(name).asText();
    }

    private static Long number(JsonNode beat, String... names) {
        for (String name : names) {
            JsonNode n = beat.get(name);
            if (n != null && n.canConvertToLong()) {
                return n.asLong();
            }
            if (n != null && n.isTextual() && n.asText().matches("\\d+")) {
                return Long.valueOf(n.asText());
            }
        }
        return null;
    }

    private static Instant instant(JsonNode at) {
        if (at == null || at.isNull()) {
            return null;
        }
        if (at.canConvertToLong()) {
            return Instant.ofEpochMilli(at.asLong());
        }
        try {
            return Instant.parse(at.asText());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
