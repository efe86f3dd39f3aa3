package io.nott.unit.runtime;

import java.util.List;

/** A {@link UnitRedisClient} that passes every command to another: tests override what they watch or change. */
class ForwardingRedis implements UnitRedisClient {

    private final UnitRedisClient to;

    ForwardingRedis(UnitRedisClient to) {
        this.to = to;
    }

    @Override public String get(String key) { return to.get(key); }
    @Override public void set(String key, String value, long ttlSeconds) { to.set(key, value, ttlSeconds); }
    @Override public long incrby(String key, long delta) { return to.incrby(key, delta); }
    @Override public boolean expire(String key, long seconds) { return to.expire(key, seconds); }
    @Override public long del(String key) { return to.del(key); }
    @Override public String hget(String key, String field) { return to.hget(key, field); }
    @Override public boolean hset(String key, String field, String value) { return to.hset(key, field, value); }
    @Override public long hincrby(String key, String field, long delta) { return to.hincrby(key, field, delta); }
    @Override public boolean sadd(String key, String member) { return to.sadd(key, member); }
    @Override public boolean srem(String key, String member) { return to.srem(key, member); }
    @Override public boolean sismember(String key, String member) { return to.sismember(key, member); }
    @Override public List<String> smembers(String key) { return to.smembers(key); }
    @Override public long ttl(String key) { return to.ttl(key); }
}
