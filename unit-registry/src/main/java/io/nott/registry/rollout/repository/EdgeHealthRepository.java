package io.nott.registry.rollout.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.unit.repository.RedisGuard;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code health} part of the edges' current heartbeats ({@code {cu}:edge:<node>}, see the
 * edge's {@code Heartbeat}): only nodes that beat within {@code registry.edges.stale-after}, so a
 * node that stopped does not keep its old figures in the sum.
 */
@ApplicationScoped
public class EdgeHealthRepository {

    /** One node's figures for one unit version, as its heartbeat carries them. */
    public record Reported(String nodeId, String unitId, String role, long version, long calls, long errors,
            long timeouts, long breakerTrips, long[] exits, long[] histogram) {
    }

    /** What the fresh heartbeats say: how many nodes reported, their window, and their figures. */
    public record Fleet(int edges, long windowSeconds, List<Reported> figures) {
    }

    private final RedisDataSource redis;
    private final RedisGuard guard;
    private final RegistryConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public EdgeHealthRepository(RedisDataSource redis, RedisGuard guard, RegistryConfig config, ObjectMapper json,
            Clock clock) {
        this.redis = redis;
        this.guard = guard;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    public Fleet read() {
        long since = clock.instant().minus(config.edges().staleAfter()).toEpochMilli();
        return guard.call("reading edge health", () -> {
            List<Reported> figures = new ArrayList<>();
            int edges = 0;
            long window = 0;
            var index = redis.sortedSet(String.class).zrangebyscore(RedisSchema.EDGES,
                    ScoreRange.from((double) since, Double.POSITIVE_INFINITY));
            for (String nodeId : index) {
                JsonNode health = health(redis.value(String.class).get(RedisSchema.edgeKey(nodeId)));
                if (health == null) {
                    continue; // an edge without per-version figures (an older build) counts for nothing here
                }
                edges++;
                window = Math.max(window, health.path("windowSeconds").asLong(0));
                for (JsonNode u : health.path("units")) {
                    figures.add(new Reported(nodeId, u.path("unitId").asText(), u.path("role").asText("stable"),
                            u.path("version").asLong(), u.path("calls").asLong(), u.path("errors").asLong(),
                            u.path("timeouts").asLong(), u.path("breakerTrips").asLong(), longs(u.path("exits")),
                            longs(u.path("histogram"))));
                }
            }
            return new Fleet(edges, window, figures);
        });
    }

    private JsonNode health(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            JsonNode beat = json.readTree(raw);
            JsonNode health = beat == null ? null : beat.get("health");
            return health != null && health.isObject() ? health : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
