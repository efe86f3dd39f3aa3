package io.nott.registry.unit.repository;

import io.nott.registry.unit.StoredUnit;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One unit's change in two Redis round trips: a script that reads what the change is decided on
 * (the global version, the unit, a fence's holder) and a script that writes everything the change
 * writes only if the version (and the fence) still hold. Every change bumps {@code {cu}:version},
 * so the version check plays WATCH's part, as {@link BulkStaging}'s commit does for a set.
 * WATCH + MULTI + eight queued commands + EXEC cost thirteen round trips, each a wake-up of the
 * registry and of Redis on a loaded node; a change's way to the edges was mostly those (issue #17).
 */
final class SingleChangeScripts {

    /** KEYS: version, unit, [fence]. Answers {version or false, the unit's HGETALL, [fence holder or false]}. */
    private static final String READ = """
            local out = {redis.call('GET', KEYS[1]), redis.call('HGETALL', KEYS[2])}
            if KEYS[3] then out[3] = redis.call('GET', KEYS[3]) end
            return out""";

    /**
     * KEYS: version, unit, units index, history, audit stream, change log, [fence].
     * ARGV: expected version, id, history entry, history limit, audit MAXLEN, change-log MAXLEN,
     * fence holder, number of audit field/value args, number of change-log field/value args, then
     * those, then the unit's hash as field/value args (none: the unit is deleted).
     * Answers {1, new version}, or {0, current version} when another change (or the fence's new
     * holder) came first. INCR is the first write: a node out of memory refuses it and nothing else runs.
     */
    private static final String COMMIT = """
            local current = tonumber(redis.call('GET', KEYS[1]) or '0')
            if current ~= tonumber(ARGV[1]) then return {0, current} end
            if KEYS[7] and redis.call('GET', KEYS[7]) ~= ARGV[7] then return {0, current} end
            local version = redis.call('INCR', KEYS[1])
            redis.call('DEL', KEYS[2])
            local audit, log = tonumber(ARGV[8]), tonumber(ARGV[9])
            local hash = 10 + audit + log
            if #ARGV >= hash then
              redis.call('HSET', KEYS[2], unpack(ARGV, hash, #ARGV))
              redis.call('SADD', KEYS[3], ARGV[2])
            else
              redis.call('SREM', KEYS[3], ARGV[2])
            end
            redis.call('LPUSH', KEYS[4], ARGV[3])
            redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[4]) - 1)
            redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[5], '*', unpack(ARGV, 10, 9 + audit))
            redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[6], '*', unpack(ARGV, 10 + audit, 9 + audit + log))
            return {1, version}""";

    /** What a change is decided on; {@code fenceHolder} is null without a fence or when nobody holds it. */
    record Read(long version, Optional<StoredUnit> unit, String fenceHolder) {
    }

    /** The writes of one change: {@code hash} null deletes the unit. */
    record Write(String id, Map<String, String> hash, String history, Map<String, String> audit,
                 Map<String, String> changeLogEntry) {
    }

    /** Limits the commit trims to. */
    record Limits(int history, long audit, long changeLog) {
    }

    private SingleChangeScripts() {
    }

    static Read read(RedisDataSource redis, String id, String fenceKey) {
        List<String> args = new ArrayList<>(List.of(READ, fenceKey == null ? "2" : "3", RedisSchema.VERSION,
                RedisSchema.unitKey(id)));
        if (fenceKey != null) {
            args.add(fenceKey);
        }
        Response answer = redis.execute("EVAL", args.toArray(String[]::new));
        Response version = answer.get(0);
        Response fields = answer.get(1);
        Map<String, String> hash = new LinkedHashMap<>();
        for (int f = 0; fields != null && f + 1 < fields.size(); f += 2) {
            hash.put(fields.get(f).toString(), fields.get(f + 1).toString());
        }
        Response holder = answer.size() > 2 ? answer.get(2) : null;
        return new Read(version == null ? 0 : version.toLong(),
                hash.isEmpty() ? Optional.empty() : Optional.of(UnitHash.fromHash(hash)),
                holder == null ? null : holder.toString());
    }

    /** Commits {@code write} as version {@code expected + 1}; empty when the version or the fence moved. */
    static OptionalLong commit(RedisDataSource redis, long expected, Write write, UnitRepository.Fence fence, Limits limits) {
        List<String> args = new ArrayList<>(List.of(COMMIT, fence == null ? "6" : "7", RedisSchema.VERSION,
                RedisSchema.unitKey(write.id()), RedisSchema.UNITS, RedisSchema.historyKey(write.id()), RedisSchema.AUDIT,
                RedisSchema.CHANGE_LOG));
        if (fence != null) {
            args.add(fence.key());
        }
        args.addAll(List.of(Long.toString(expected), write.id(), write.history(), Integer.toString(limits.history()),
                Long.toString(limits.audit()), Long.toString(limits.changeLog()), fence == null ? "" : fence.holder(),
                Integer.toString(write.audit().size() * 2), Integer.toString(write.changeLogEntry().size() * 2)));
        addPairs(args, write.audit());
        addPairs(args, write.changeLogEntry());
        if (write.hash() != null) {
            addPairs(args, write.hash());
        }
        Response answer = redis.execute("EVAL", args.toArray(String[]::new));
        return answer.get(0).toLong() == 1 ? OptionalLong.of(answer.get(1).toLong()) : OptionalLong.empty();
    }

    private static void addPairs(List<String> args, Map<String, String> pairs) {
        pairs.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
    }
}
