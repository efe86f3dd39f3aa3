package io.nott.edge.units.data;

import io.nott.unit.codec.RedisSchema;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitRedisClient;
import io.nott.unit.runtime.UnitRedisCommand;
import io.nott.unit.runtime.UnitRedisException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An opt-in, node-local read-through cache in front of {@code edge_computing.redis_client}, for
 * reads that tolerate being a little old (configuration, allow-lists, feature flags): {@code get},
 * {@code hget}, {@code sismember} and {@code smembers} of keys under one of the configured
 * prefixes (as units write them, before the namespace prefix) are answered from this node's memory
 * for up to {@code ttl} after Redis answered them, absent keys included; everything else goes to
 * Redis.
 *
 * <p>Semantics, stated: a cached answer may be up to {@code ttl} older than Redis (another node's
 * write is seen when the entry expires); a write through this node ({@code set}, {@code incrby},
 * {@code expire}, {@code del}, {@code hset}, {@code hincrby}, {@code sadd}, {@code srem}) drops the
 * key's entries first, so a unit reads its own node's writes; failures are never cached. At most
 * {@code maxKeys} keys are held: past it expired entries are dropped, and if that is not enough,
 * all (a full cache never grows). A pipeline ({@code commit_pipeline}) always goes to Redis. Off unless {@code edge.units.redis-read-cache-prefixes} is set.
 */
public final class ReadThroughCache implements UnitRedisClient {

    private record Cached(Object value, long expiresAt) {
    }

    private final UnitRedisClient redis;
    private final List<String> prefixes;
    private final long ttlMillis;
    private final int maxKeys;
    private final Clock clock;
    /** Redis key -> (read, e.g. "h:field") -> answer: a write drops one key's reads at once. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Cached>> byKey = new ConcurrentHashMap<>();
    /** Bumped by every write through this node: a read that overlapped one does not store its (maybe older) answer. */
    private final AtomicLong writes = new AtomicLong();

    /**
     * @param prefixes key prefixes as units write them (e.g. {@code config:}); keys reach this class
     *                 under the unit-data namespace ({@code ud:} or an isolated unit's {@code ui:<id>:})
     */
    public ReadThroughCache(UnitRedisClient redis, List<String> prefixes, Duration ttl, int maxKeys, Clock clock) {
        if (prefixes.isEmpty() || prefixes.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("edge.units.redis-read-cache-prefixes is " + prefixes
                    + "; give non-empty key prefixes (or leave it unset to turn the cache off)");
        }
        if (ttl.isNegative() || ttl.isZero() || maxKeys < 1) {
            throw new IllegalArgumentException("edge.units.redis-read-cache-ttl must be positive (is " + ttl
                    + ") and edge.units.redis-read-cache-max-keys at least 1 (is " + maxKeys + ")");
        }
        this.redis = redis;
        this.prefixes = List.copyOf(prefixes);
        this.ttlMillis = ttl.toMillis();
        this.maxKeys = maxKeys;
        this.clock = clock;
    }

    /** True when {@code key} (namespaced) is one the cache may answer. */
    boolean cacheable(String key) {
        int start = RedisSchema.unitKeyStart(key); // the key as the unit wrote it, without copying it
        for (String prefix : prefixes) {
            if (key.startsWith(prefix, start)) {
                return true;
            }
        }
        return false;
    }

    /** Keys with cached reads now (at most maxKeys). */
    int cachedKeys() {
        return byKey.size();
    }

    @SuppressWarnings("unchecked")
    private <T> T read(String key, String what, Supplier<T> fromRedis) {
        if (!cacheable(key)) {
            return fromRedis.get();
        }
        long now = clock.millis();
        Map<String, Cached> reads = byKey.get(key);
        Cached hit = reads == null ? null : reads.get(what);
        if (hit != null && hit.expiresAt() > now) {
            return (T) hit.value();
        }
        long writesBefore = writes.get();
        T value = fromRedis.get(); // a failure throws: nothing is cached
        if (writes.get() != writesBefore) {
            return value;
        }
        if (byKey.size() >= maxKeys && !byKey.containsKey(key)) {
            byKey.values().forEach(r -> r.values().removeIf(c -> c.expiresAt() <= now));
            byKey.values().removeIf(Map::isEmpty);
            if (byKey.size() >= maxKeys) {
                byKey.clear();
            }
        }
        byKey.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(what, new Cached(value, now + ttlMillis));
        return value;
    }

    /** A write through this node: the key's cached reads go first, so later reads see it. */
    private void written(String key) {
        writes.incrementAndGet();
        byKey.remove(key);
    }

    @Override
    public String get(String key) {
        return read(key, "g", () -> redis.get(key));
    }

    @Override
    public String hget(String key, String field) {
        return read(key, "h:" + field, () -> redis.hget(key, field));
    }

    @Override
    public boolean sismember(String key, String member) {
        return read(key, "s:" + member, () -> redis.sismember(key, member));
    }

    @Override
    public List<String> smembers(String key) {
        return read(key, "m", () -> List.copyOf(redis.smembers(key)));
    }

    @Override
    public void set(String key, String value, long ttlSeconds) {
        written(key);
        redis.set(key, value, ttlSeconds);
    }

    @Override
    public long incrby(String key, long delta) {
        written(key);
        return redis.incrby(key, delta);
    }

    @Override
    public boolean expire(String key, long seconds) {
        written(key);
        return redis.expire(key, seconds);
    }

    @Override
    public long del(String key) {
        written(key);
        return redis.del(key);
    }

    @Override
    public boolean hset(String key, String field, String value) {
        written(key);
        return redis.hset(key, field, value);
    }

    @Override
    public long hincrby(String key, String field, long delta) {
        written(key);
        return redis.hincrby(key, field, delta);
    }

    @Override
    public boolean sadd(String key, String member) {
        written(key);
        return redis.sadd(key, member);
    }

    @Override
    public boolean srem(String key, String member) {
        written(key);
        return redis.srem(key, member);
    }

    @Override
    public long ttl(String key) {
        return redis.ttl(key); // time-dependent: never cached
    }

    /**
     * A pipeline goes to Redis whole (its reads are neither answered from nor stored in the cache:
     * it is one round trip either way); its writes drop their keys' cached reads first, as a
     * direct write does.
     */
    @Override
    public List<Object> pipeline(List<UnitRedisCommand> commands) {
        for (UnitRedisCommand command : commands) {
            if (command.op().writes()) {
                written(command.key());
            }
        }
        return redis.pipeline(commands);
    }

    @Override
    public void failed(String unitId, Phase phase, String command, UnitRedisException failure) {
        redis.failed(unitId, phase, command, failure);
    }
}
