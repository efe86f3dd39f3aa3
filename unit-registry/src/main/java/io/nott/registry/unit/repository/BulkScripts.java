package io.nott.registry.unit.repository;

import io.nott.registry.unit.StoredUnit;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Lua script that lets a whole set of units (thousands) be read in a few round trips instead
 * of one per unit (the writes are {@link BulkStaging}'s): all keys are {@code {cu}}-tagged, so one node runs them.
 */
final class BulkScripts {

    /** Unit hashes read per script call. */
    private static final int READ_BATCH = 256;

    private static final String HGETALL_ALL =
            "local out = {} for i, k in ipairs(KEYS) do out[i] = redis.call('HGETALL', k) end return out";

    private BulkScripts() {
    }

    /** The registry units of {@code ids}. */
    static Map<String, StoredUnit> readAll(RedisDataSource ds, Collection<String> ids) {
        return readAll(args -> ds.execute("EVAL", args), ids);
    }

    /** The registry units of {@code ids}, each batch read by {@code eval} (EVAL's arguments). */
    static Map<String, StoredUnit> readAll(java.util.function.Function<String[], Response> eval, Collection<String> ids) {
        Map<String, StoredUnit> units = new HashMap<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += READ_BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + READ_BATCH));
            String[] args = new String[batch.size() + 2];
            args[0] = HGETALL_ALL;
            args[1] = Integer.toString(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                args[i + 2] = RedisSchema.unitKey(batch.get(i));
            }
            Response replies = eval.apply(args);
            for (int i = 0; i < batch.size(); i++) {
                Response fields = replies.get(i);
                Map<String, String> hash = new LinkedHashMap<>();
                for (int f = 0; f + 1 < fields.size(); f += 2) {
                    hash.put(fields.get(f).toString(), fields.get(f + 1).toString());
                }
                if (!hash.isEmpty()) {
                    units.put(batch.get(i), UnitHash.fromHash(hash));
                }
            }
        }
        return units;
    }
}
