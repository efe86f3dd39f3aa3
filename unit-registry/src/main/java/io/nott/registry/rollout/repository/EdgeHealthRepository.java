package io.nott.registry.rollout.repository;

import com.fasterxml.jackson.databind.JsonNode;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.edge.repository.HeartbeatRepository;
import jakarta.enterprise.context.ApplicationScoped;
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

    private final HeartbeatRepository heartbeats;
    private final RegistryConfig config;

    public EdgeHealthRepository(HeartbeatRepository heartbeats, RegistryConfig config) {
        this.heartbeats = heartbeats;
        this.config = config;
    }

    public Fleet read() {
        List<Reported> figures = new ArrayList<>();
        int edges = 0;
        long window = 0;
        for (HeartbeatRepository.Beat beat : heartbeats.beatsWithin(config.edges().staleAfter())) {
            JsonNode health = beat.body() == null ? null : beat.body().get("health");
            if (health == null || !health.isObject()) {
                continue; // an edge without per-version figures (an older build) counts for nothing here
            }
            edges++;
            window = Math.max(window, health.path("windowSeconds").asLong(0));
            for (JsonNode u : health.path("units")) {
                figures.add(new Reported(beat.nodeId(), u.path("unitId").asText(), u.path("role").asText("stable"),
                        u.path("version").asLong(), u.path("calls").asLong(), u.path("errors").asLong(),
                        u.path("timeouts").asLong(), u.path("breakerTrips").asLong(), longs(u.path("exits")),
                        longs(u.path("histogram"))));
            }
        }
        return new Fleet(edges, window, figures);
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
