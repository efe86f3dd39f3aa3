package io.nott.registry.unit.repository;

import io.nott.registry.unit.StoredUnit;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.transactions.TransactionalRedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Lua scripts that let a whole set of units (thousands) be read and written in a few round
 * trips instead of one per command: all keys are {@code {cu}}-tagged, so one node runs them.
 */
final class BulkScripts {

    /** Unit hashes read per script call. */
    private static final int READ_BATCH = 256;

    private static final String HGETALL_ALL =
            "local out = {} for i, k in ipairs(KEYS) do out[i] = redis.call('HGETALL', k) end return out";

    /**
     * Writes (hash replaced, index, capped history) and deletes from one JSON payload. Runs inside
     * the bulk apply's MULTI, so it commits with the version bump, the audit and the change log or
     * not at all. KEYS[1] is {@code {cu}:units}, which routes the call to the {@code {cu}} node.
     */
    private static final String APPLY = """
            local doc = cjson.decode(ARGV[1])
            local limit = doc.historyLimit - 1
            for _, w in ipairs(doc.writes) do
              local key = '{cu}:unit:' .. w.id
              redis.call('DEL', key)
              local args = {}
              for f, v in pairs(w.hash) do args[#args + 1] = f; args[#args + 1] = v end
              redis.call('HSET', key, unpack(args))
              redis.call('SADD', KEYS[1], w.id)
              redis.call('LPUSH', '{cu}:history:' .. w.id, w.history)
              redis.call('LTRIM', '{cu}:history:' .. w.id, 0, limit)
            end
            for _, d in ipairs(doc.deletes) do
              redis.call('DEL', '{cu}:unit:' .. d.id)
              redis.call('SREM', KEYS[1], d.id)
              redis.call('LPUSH', '{cu}:history:' .. d.id, d.history)
              redis.call('LTRIM', '{cu}:history:' .. d.id, 0, limit)
            end
            return #doc.writes + #doc.deletes""";

    /** One unit to write ({@code hash} set) or delete ({@code hash} null), with its history entry as JSON. */
    record Write(String id, Map<String, String> hash, String history) {
    }

    /** The APPLY script's argument. */
    record Payload(List<Write> writes, List<Write> deletes, int historyLimit) {
    }

    private BulkScripts() {
    }

    /** The registry units of {@code ids} (on the connection {@code ds} holds, e.g. under WATCH). */
    static Map<String, StoredUnit> readAll(RedisDataSource ds, Collection<String> ids) {
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
            Response replies = ds.execute("EVAL", args);
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

    static void queueWrites(TransactionalRedisDataSource tx, String payloadJson) {
        tx.execute("EVAL", APPLY, "1", RedisSchema.UNITS, payloadJson);
    }
}
