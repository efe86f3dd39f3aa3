package io.nott.registry.edge;

import java.time.Instant;
import java.util.List;

/**
 * One edge node as its last heartbeat described it: {@code stale} when that heartbeat is old,
 * {@code behind} when it runs an older version than the registry's or says itself that it cannot
 * follow ({@code sync} = {@code behind}); {@code source} is where its snapshot came from
 * ({@code redis} or {@code disk}) and {@code appliedAt} when it was swapped in. {@code sync} is
 * the node's own verdict ({@code in_sync}, {@code failing}: its last syncs failed,
 * {@code behind}: a newer version waits longer than it allows), {@code syncFailures} its failed
 * syncs in a row and {@code syncError} the last one's reason; all three are null for nodes that
 * do not report them.
 */
public record EdgeStatus(String nodeId, Long appliedVersion, Instant at, Integer unitsLoaded, List<String> errors,
        boolean stale, boolean behind, String source, Instant appliedAt, String sync, Integer syncFailures,
        String syncError) {
}
