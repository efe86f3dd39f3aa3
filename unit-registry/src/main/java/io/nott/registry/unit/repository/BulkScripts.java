package io.nott.registry.unit.repository;

import io.nott.registry.unit.StoredUnit;
import io.nott.unit.codec.UnitHashBatch;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole set of units (thousands) in a few round trips instead of one per unit, with
 * unit-core's {@link UnitHashBatch} script (the writes are {@link BulkStaging}'s): all keys are
 * {@code {cu}}-tagged, so one node runs them.
 */
final class BulkScripts {

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
        for (int from = 0; from < all.size(); from += UnitHashBatch.SIZE) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + UnitHashBatch.SIZE));
            List<Map<String, String>> hashes = UnitHashBatch.decode(eval.apply(UnitHashBatch.evalArgs(batch)).toBytes());
            for (int i = 0; i < batch.size(); i++) {
                if (!hashes.get(i).isEmpty()) {
                    units.put(batch.get(i), UnitHash.fromHash(hashes.get(i)));
                }
            }
        }
        return units;
    }
}
