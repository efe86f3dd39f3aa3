package io.nott.registry.unit.repository;

import io.nott.unit.codec.RedisSchema;

/**
 * The registry's Redis key names, taken from unit-core's {@link RedisSchema} so that registry and
 * edges can never disagree. Every key written in a transaction carries the {@code {cu}} hash tag.
 */
public final class RedisKeys {

    public static final String VERSION = RedisSchema.VERSION;
    public static final String UNITS = RedisSchema.UNITS;
    public static final String AUDIT = RedisSchema.AUDIT;
    public static final String CHANGES = RedisSchema.CHANGES_CHANNEL;
    /** The seed's index of hand-written units; each id is a plain string key {@code <id>} = {@code phase||code[||sampling]}. */
    public static final String LEGACY_INDEX = RedisSchema.LEGACY_SET;
    /** Edge node ids scored by the epoch millis of their last heartbeat. */
    public static final String EDGES = RedisSchema.EDGES;

    private RedisKeys() {
    }

    public static String unit(String id) {
        return RedisSchema.unitKey(id);
    }

    public static String history(String id) {
        return RedisSchema.historyKey(id);
    }

    /** One edge node's latest heartbeat (JSON string with a TTL). */
    public static String edge(String nodeId) {
        return RedisSchema.edgeKey(nodeId);
    }

    public static String legacy(String id) {
        return RedisSchema.legacyKey(id);
    }
}
