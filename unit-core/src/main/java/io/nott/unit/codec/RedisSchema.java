package io.nott.unit.codec;

/**
 * Every Redis key and channel name of the platform, in one place. All registry keys share the
 * {@code {cu}} hash tag, so they live in one cluster slot and MULTI/EXEC works on them.
 */
public final class RedisSchema {

    /** The hash tag every registry key carries. */
    public static final String TAG = "{cu}";
    /** Set of unit ids. */
    public static final String UNITS = TAG + ":units";
    /** Integer bumped on every change; edges poll it. */
    public static final String VERSION = TAG + ":version";
    /** Stream of audit entries (who changed what, when). */
    public static final String AUDIT = TAG + ":audit";
    /**
     * Pub/sub channel: a {@link ChangeNotice} (the new version, which units and whether the shared
     * dicts changed, the commit time), published after each change. Older publishers (and
     * redis-cli) send the bare version number; edges accept both.
     */
    public static final String CHANGES_CHANNEL = "cu:changes";
    /**
     * Stream of {@link ChangeNotice}s, one per committed version, written in the same transaction
     * as the change and trimmed to about {@code registry.change-log-limit} entries: an edge that
     * missed messages catches up from it; a version it does not find there (trimmed, or bumped
     * with redis-cli) makes the edge fetch everything.
     */
    public static final String CHANGE_LOG = TAG + ":changelog";
    /** The seed's set of legacy unit ids; each id is a string key holding {@code phase||code[||sampling]}. */
    public static final String LEGACY_SET = "coding_units";
    /** Sorted set of edge node ids scored by their last heartbeat (epoch millis). */
    /**
     * Hash of the node-wide shared dicts ({@code lua_shared_dict}): field = dict name, value = size
     * in bytes. Changed in the same transactions style as units (bumps {@link #VERSION}); edges
     * apply it with the units of that version.
     */
    public static final String SHARED_DICTS = "{cu}:shared-dicts";
    public static final String EDGES = TAG + ":edges";
    /**
     * Prefix of everything a unit reaches through {@code edge_computing.redis_client}. It does not
     * start with {@code {cu}}, so unit data can never name a registry key.
     */
    public static final String UNIT_DATA_PREFIX = "ud:";

    private static final String UNIT_PREFIX = TAG + ":unit:";
    private static final String HISTORY_PREFIX = TAG + ":history:";
    private static final String EDGE_PREFIX = TAG + ":edge:";

    private RedisSchema() {
    }

    /** Hash with the unit's fields (see {@link UnitHashCodec}). */
    public static String unitKey(String id) {
        return UNIT_PREFIX + id;
    }

    /** The id in a {@link #unitKey(String)}, or null if the key is not a unit key. */
    public static String idOfUnitKey(String key) {
        return key.startsWith(UNIT_PREFIX) ? key.substring(UNIT_PREFIX.length()) : null;
    }

    /** List of previous versions of a unit (newest first, capped by the registry). */
    public static String historyKey(String id) {
        return HISTORY_PREFIX + id;
    }

    /** String key with a TTL holding one edge node's latest heartbeat as JSON. */
    public static String edgeKey(String nodeId) {
        return EDGE_PREFIX + nodeId;
    }

    /** The seed's legacy format: the unit's id is the key. */
    public static String legacyKey(String id) {
        return id;
    }

    /** The Redis key a unit's {@code redis_client} call on {@code key} really touches (shared namespace). */
    public static String unitDataKey(String key) {
        return UNIT_DATA_PREFIX + key;
    }

    /**
     * Prefix of an isolated unit's own namespace: {@code ui:<unit id>:}. Not {@code ud:}, so no
     * key of the shared namespace can name it, and unit ids hold no {@code :}, so no two units' overlap.
     */
    public static final String ISOLATED_UNIT_DATA_PREFIX = "ui:";

    /** The Redis key an isolated unit's {@code redis_client} call on {@code key} really touches. */
    public static String isolatedUnitDataKey(String unitId, String key) {
        return ISOLATED_UNIT_DATA_PREFIX + unitId + ":" + key;
    }

    /**
     * Where the key a unit wrote starts inside {@code dataKey}, the inverse of {@link #unitDataKey}
     * and {@link #isolatedUnitDataKey}: after {@code ud:}, or after an isolated unit's
     * {@code ui:<id>:}; 0 for any other key.
     */
    public static int unitKeyStart(String dataKey) {
        if (dataKey.startsWith(UNIT_DATA_PREFIX)) {
            return UNIT_DATA_PREFIX.length();
        }
        if (dataKey.startsWith(ISOLATED_UNIT_DATA_PREFIX)) {
            int end = dataKey.indexOf(':', ISOLATED_UNIT_DATA_PREFIX.length());
            return end < 0 ? 0 : end + 1;
        }
        return 0;
    }
}
