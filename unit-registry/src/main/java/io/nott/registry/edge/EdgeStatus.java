package io.nott.registry.edge;

import java.time.Instant;
import java.util.List;

/** One edge node as its last heartbeat described it; {@code stale} when that heartbeat is old. */
public record EdgeStatus(String nodeId, Long appliedVersion, Instant at, Integer unitsLoaded, List<String> errors,
        boolean stale, boolean behind) {
}
