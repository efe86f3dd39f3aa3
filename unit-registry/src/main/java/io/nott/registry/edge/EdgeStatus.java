package io.nott.registry.edge;

import java.time.Instant;
import java.util.List;

/**
 * One edge node as its last heartbeat described it: {@code stale} when that heartbeat is old,
 * {@code behind} when it runs an older version than the registry's; {@code source} is where its
 * snapshot came from ({@code redis} or {@code disk}) and {@code appliedAt} when it was swapped in.
 */
public record EdgeStatus(String nodeId, Long appliedVersion, Instant at, Integer unitsLoaded, List<String> errors,
        boolean stale, boolean behind, String source, Instant appliedAt) {
}
