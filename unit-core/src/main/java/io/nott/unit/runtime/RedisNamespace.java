package io.nott.unit.runtime;

import io.nott.unit.codec.RedisSchema;
import java.util.Set;

/**
 * Which Redis namespace each unit's {@code edge_computing.redis_client} reaches (issue #15). By
 * default every unit shares one namespace ({@link RedisSchema#UNIT_DATA_PREFIX}, as the seed's
 * units expect: counters one unit writes, another may read). An operator can isolate units: an
 * isolated unit's keys are prefixed with its id ({@link RedisSchema#isolatedUnitDataKey}), so it
 * can neither read nor write another unit's keys nor the shared ones, and no unit can reach its
 * keys (shared keys start with another prefix; unit ids cannot contain {@code :}).
 *
 * @param isolateAll every unit is isolated
 * @param isolated   the ids of the isolated units (when not all are)
 */
public record RedisNamespace(boolean isolateAll, Set<String> isolated) {

    /** Every unit in the shared namespace (the seed's behaviour). */
    public static final RedisNamespace SHARED = new RedisNamespace(false, Set.of());

    public RedisNamespace {
        isolated = isolated == null ? Set.of() : Set.copyOf(isolated);
    }

    /** From configuration: unit ids, or {@code *} for every unit. */
    public static RedisNamespace isolating(Set<String> ids) {
        return ids.contains("*") ? new RedisNamespace(true, Set.of()) : new RedisNamespace(false, ids);
    }

    public boolean isolates(String unitId) {
        return isolateAll || isolated.contains(unitId);
    }

    /** The Redis key a call of {@code unitId} on {@code key} really touches. */
    public String key(String unitId, String key) {
        return isolates(unitId) ? RedisSchema.isolatedUnitDataKey(unitId, key) : RedisSchema.unitDataKey(key);
    }
}
