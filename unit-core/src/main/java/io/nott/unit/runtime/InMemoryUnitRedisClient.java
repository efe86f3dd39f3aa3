package io.nott.unit.runtime;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A thread-safe in-memory {@link UnitRedisClient} with Redis semantics for the supported commands,
 * for tests and the registry's dry run (so a dry run never writes real unit data).
 */
public final class InMemoryUnitRedisClient implements UnitRedisClient {

    private final Clock clock;
    private final Map<String, Object> data = new HashMap<>();
    private final Map<String, Long> expiresAt = new HashMap<>();

    public InMemoryUnitRedisClient(Clock clock) {
        this.clock = clock;
    }

    public InMemoryUnitRedisClient() {
        this(Clock.systemUTC());
    }

    /** A copy of all live keys and values (strings, hashes as maps, sets as sets) for assertions. */
    public synchronized Map<String, Object> dump() {
        purgeExpired();
        return new HashMap<>(data);
    }

    private void purgeExpired() {
        long now = clock.millis();
        expiresAt.entrySet().removeIf(e -> {
            if (e.getValue() <= now) {
                data.remove(e.getKey());
                return true;
            }
            return false;
        });
    }

    private Object lookup(String key) {
        Long exp = expiresAt.get(key);
        if (exp != null && exp <= clock.millis()) {
            expiresAt.remove(key);
            data.remove(key);
        }
        return data.get(key);
    }

    private static UnitRedisException wrongType() {
        return new UnitRedisException("WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    @Override
    public synchronized String get(String key) {
        Object v = lookup(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw wrongType();
    }

    @Override
    public synchronized void set(String key, String value, long ttlSeconds) {
        data.put(key, value);
        expiresAt.remove(key);
        if (ttlSeconds > 0) {
            expiresAt.put(key, clock.millis() + ttlSeconds * 1000);
        }
    }

    @Override
    public synchronized long incrby(String key, long delta) {
        Object v = lookup(key);
        long n;
        if (v == null) {
            n = 0;
        } else if (v instanceof String s) {
            try {
                n = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new UnitRedisException("ERR value is not an integer or out of range");
            }
        } else {
            throw wrongType();
        }
        n += delta;
        data.put(key, Long.toString(n));
        return n;
    }

    @Override
    public synchronized boolean expire(String key, long seconds) {
        if (lookup(key) == null) {
            return false;
        }
        expiresAt.put(key, clock.millis() + seconds * 1000);
        return true;
    }

    @Override
    public synchronized long del(String key) {
        boolean had = lookup(key) != null;
        data.remove(key);
        expiresAt.remove(key);
        return had ? 1 : 0;
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> hash(String key, boolean create) {
        Object v = lookup(key);
        if (v == null) {
            if (!create) {
                return null;
            }
            Map<String, String> h = new HashMap<>();
            data.put(key, h);
            return h;
        }
        if (v instanceof Map<?, ?> m) {
            return (Map<String, String>) m;
        }
        throw wrongType();
    }

    @SuppressWarnings("unchecked")
    private Set<String> set(String key, boolean create) {
        Object v = lookup(key);
        if (v == null) {
            if (!create) {
                return null;
            }
            Set<String> s = new LinkedHashSet<>();
            data.put(key, s);
            return s;
        }
        if (v instanceof Set<?> s) {
            return (Set<String>) s;
        }
        throw wrongType();
    }

    @Override
    public synchronized String hget(String key, String field) {
        Map<String, String> h = hash(key, false);
        return h == null ? null : h.get(field);
    }

    @Override
    public synchronized boolean hset(String key, String field, String value) {
        return hash(key, true).put(field, value) == null;
    }

    @Override
    public synchronized long hincrby(String key, String field, long delta) {
        Map<String, String> h = hash(key, true);
        long n;
        try {
            n = Long.parseLong(h.getOrDefault(field, "0")) + delta;
        } catch (NumberFormatException e) {
            throw new UnitRedisException("ERR hash value is not an integer");
        }
        h.put(field, Long.toString(n));
        return n;
    }

    @Override
    public synchronized boolean sadd(String key, String member) {
        return set(key, true).add(member);
    }

    @Override
    public synchronized boolean srem(String key, String member) {
        Set<String> s = set(key, false);
        return s != null && s.remove(member);
    }

    @Override
    public synchronized boolean sismember(String key, String member) {
        Set<String> s = set(key, false);
        return s != null && s.contains(member);
    }

    @Override
    public synchronized List<String> smembers(String key) {
        Set<String> s = set(key, false);
        return s == null ? List.of() : new ArrayList<>(s);
    }

    @Override
    public synchronized long ttl(String key) {
        if (lookup(key) == null) {
            return -2;
        }
        Long exp = expiresAt.get(key);
        return exp == null ? -1 : Math.max(0, (exp - clock.millis() + 999) / 1000);
    }
}
