package io.nott.registry.edge.repository;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.edge.EdgeStatus;
import io.nott.registry.unit.repository.RedisGuard;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Edge heartbeats, written by every edge node:
 * <ul>
 * <li>{@code {cu}:edges} sorted set: node id, score = epoch millis of its last heartbeat
 * (the index, so nobody has to scan keys on a cluster);</li>
 * <li>{@code {cu}:edge:<nodeId>} hash: {@code nodeId}, {@code version} (applied),
 * {@code at} (ISO-8601), {@code units} (loaded), {@code errors} (JSON array of strings).</li>
 * </ul>
 */
@ApplicationScoped
public class HeartbeatRepository {

    public static final String INDEX = "{cu}:edges";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    public static String node(String nodeId) {
        return "{cu}:edge:" + nodeId;
    }

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

    /** Every node seen within {@code registry.edges.forget-after}, compared with the current global version. */
    public List<EdgeStatus> fleet(long currentVersion) {
        Instant now = clock.instant();
        long since = now.minus(config.edges().forgetAfter()).toEpochMilli();
        return guard.call("reading edge heartbeats", () -> {
            List<EdgeStatus> fleet = new ArrayList<>();
            for (String nodeId : redis.sortedSet(String.class).zrangebyscore(INDEX, ScoreRange.from(since, Double.POSITIVE_INFINITY))) {
                Map<String, String> hash = redis.hash(String.class).hgetall(node(nodeId));
                if (hash == null || hash.isEmpty()) {
                    continue;
                }
                Instant at = parseInstant(hash.get("at"));
                Long version = parseLong(hash.get("version"));
                boolean stale = at == null || at.isBefore(now.minus(config.edges().staleAfter()));
                fleet.add(new EdgeStatus(nodeId, version, at, parseLong(hash.get("units")) == null ? null
                        : parseLong(hash.get("units")).intValue(), errors(hash.get("errors")), stale,
                        version == null || version < currentVersion));
            }
            return fleet;
        });
    }

    private List<String> errors(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        try {
            return json.readValue(raw, STRINGS);
        } catch (Exception notJson) {
            return List.of(raw);
        }
    }

    private static Instant parseInstant(String raw) {
        try {
            return raw == null ? null : Instant.parse(raw);
        } catch (RuntimeException e) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(raw));
            } catch (NumberFormatException nope) {
                return null;
            }
        }
    }

    private static Long parseLong(String raw) {
        try {
            return raw == null ? null : Long.valueOf(raw.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
