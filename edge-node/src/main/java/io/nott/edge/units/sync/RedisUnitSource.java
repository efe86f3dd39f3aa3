package io.nott.edge.units.sync;

import io.nott.unit.codec.RedisSchema;
import io.nott.unit.codec.VersionCommit;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads units from the Redis Cluster with blocking calls; used only from the sync thread.
 * The registry's keys share the {@code {cu}} slot; legacy keys are wherever their ids hash.
 */
@ApplicationScoped
public class RedisUnitSource {

    private final RedisDataSource redis;

    public RedisUnitSource(RedisDataSource redis) {
        this.redis = redis;
    }

    /** The cheap check a poll makes: the version, plus the legacy values (usually none). */
    public String fingerprint() {
        return UnitDecoding.fingerprint(version(), legacy());
    }

    public FetchedUnits fetch() {
        long version = version();
        Map<String, Map<String, String>> hashes = new LinkedHashMap<>();
        for (String id : new TreeSet<>(redis.set(String.class).smembers(RedisSchema.UNITS))) {
            Map<String, String> hash = redis.hash(String.class).hgetall(RedisSchema.unitKey(id));
            if (hash != null && !hash.isEmpty()) {
                hashes.put(id, hash);
            }
        }
        Map<String, String> dicts = redis.hash(String.class).hgetall(RedisSchema.SHARED_DICTS);
        return new FetchedUnits(version, hashes, legacy(), dicts == null ? Map.of() : new TreeMap<>(dicts));
    }

    /** When the registry committed the current version ({@code {cu}:version-at}); empty before any commit that wrote it. */
    public Optional<VersionCommit> lastCommit() {
        return VersionCommit.parse(redis.value(String.class).get(RedisSchema.VERSION_COMMITTED_AT));
    }

    private long version() {
        String raw = redis.value(String.class).get(RedisSchema.VERSION);
        if (raw == null) {
            return 0;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(RedisSchema.VERSION + " holds '" + raw + "', not an integer");
        }
    }

    private Map<String, String> legacy() {
        Set<String> ids = redis.set(String.class).smembers(RedisSchema.LEGACY_SET);
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String id : new TreeSet<>(ids)) {
            values.put(id, redis.value(String.class).get(RedisSchema.legacyKey(id)));
        }
        return values;
    }
}
