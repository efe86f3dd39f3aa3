package io.nott.registry.unit.repository;

/**
 * The registry's Redis key names (BRIEF.md's schema). Every key the registry writes in a
 * transaction carries the {@code {cu}} hash tag so that all of them live in one slot.
 */
public final class RedisKeys {

    public static final String VERSION = "{cu}:version";
    public static final String UNITS = "{cu}:units";
    public static final String AUDIT = "{cu}:audit";
    public static final String CHANGES = "cu:changes";
    /** The seed's index of hand-written units; each id is a plain string key {@code <id>} = {@code phase||code[||sampling]}. */
    public static final String LEGACY_INDEX = "coding_units";

    /** Edge node ids scored by the epoch millis of their last heartbeat. */
    public static final String EDGES = "{cu}:edges";

    private RedisKeys() {
    }

    public static String unit(String id) {
        return "{cu}:unit:" + id;
    }

    /** One edge node's latest heartbeat (JSON string with a TTL). */
    public static String edge(String nodeId) {
        return "{cu}:edge:" + nodeId;
    }

    public static String history(String id) {
        return "{cu}:history:" + id;
    }
}
