package io.nott.edge.units.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.unit.runtime.UnitRedisClient;
import io.nott.unit.runtime.UnitRedisException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code edge_computing.redis_client} over the Redis Cluster. Blocking by contract, so it is
 * only called on virtual threads; each call waits at most the configured timeout, and every
 * failure is counted and surfaces in Lua as {@code nil, message}. Keys arrive already under
 * the unit-data prefix (unit-core confines them).
 */
public final class RedisUnitDataClient implements UnitRedisClient {

    private final ReactiveRedisDataSource redis;
    private final Duration timeout;
    private final Counter failures;

    public RedisUnitDataClient(ReactiveRedisDataSource redis, Duration timeout, MeterRegistry registry) {
        this.redis = redis;
        this.timeout = timeout;
        this.failures = Counter.builder("edge.units.redis.failures")
                .description("edge_computing.redis_client calls that failed or timed out").register(registry);
    }

    private <T> T await(String command, Uni<T> call) {
        try {
            return call.await().atMost(timeout);
        } catch (RuntimeException e) {
            failures.increment();
            String reason = e instanceof io.smallrye.mutiny.TimeoutException ? "timed out after " + timeout.toMillis() + " ms"
                    : e.getMessage();
            throw new UnitRedisException("redis " + command + " failed: " + reason, e);
        }
    }

    @Override
    public String get(String key) {
        return await("get", redis.value(String.class).get(key));
    }

    @Override
    public void set(String key, String value, long ttlSeconds) {
        await("set", ttlSeconds > 0 ? redis.value(String.class).set(key, value, new SetArgs().ex(ttlSeconds))
                : redis.value(String.class).set(key, value));
    }

    @Override
    public long incrby(String key, long delta) {
        return await("incrby", redis.value(Long.class).incrby(key, delta));
    }

    @Override
    public boolean expire(String key, long seconds) {
        return await("expire", redis.key().expire(key, seconds));
    }

    @Override
    public long del(String key) {
        return await("del", redis.key().del(key));
    }

    @Override
    public String hget(String key, String field) {
        return await("hget", redis.hash(String.class).hget(key, field));
    }

    @Override
    public boolean hset(String key, String field, String value) {
        return await("hset", redis.hash(String.class).hset(key, field, value));
    }

    @Override
    public long hincrby(String key, String field, long delta) {
        return await("hincrby", redis.hash(String.class).hincrby(key, field, delta));
    }

    @Override
    public boolean sadd(String key, String member) {
        return await("sadd", redis.set(String.class).sadd(key, member)) > 0;
    }

    @Override
    public boolean srem(String key, String member) {
        return await("srem", redis.set(String.class).srem(key, member)) > 0;
    }

    @Override
    public boolean sismember(String key, String member) {
        return await("sismember", redis.set(String.class).sismember(key, member));
    }

    @Override
    public List<String> smembers(String key) {
        return new ArrayList<>(await("smembers", redis.set(String.class).smembers(key)));
    }

    @Override
    public long ttl(String key) {
        try {
            return await("ttl", redis.key().ttl(key));
        } catch (UnitRedisException e) {
            if (e.getCause() instanceof io.quarkus.redis.datasource.keys.RedisKeyNotFoundException) {
                return -2;
            }
            throw e;
        }
    }
}
