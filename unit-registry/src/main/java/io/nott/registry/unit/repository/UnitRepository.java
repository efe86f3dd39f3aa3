package io.nott.registry.unit.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitSpec;
import io.nott.unit.codec.RedisSchema;
import io.nott.unit.codec.VersionCommit;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.transactions.OptimisticLockingTransactionResult;
import io.quarkus.redis.datasource.transactions.TransactionalRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Units in the Redis Cluster. Every change is one WATCH + MULTI/EXEC on {@code {cu}}-tagged
 * keys: the unit hash, its history entry, the index set, the global version and the audit
 * entry change together or not at all. Because every change bumps {@code {cu}:version} and
 * every change watches it, two writers can never both commit on the same state; the loser
 * re-reads and decides again (which is where a stale {@code If-Match} turns into 412).
 */
@ApplicationScoped
public class UnitRepository {

    /** The state a change is decided on. */
    public record Current(long globalVersion, Optional<StoredUnit> unit) {
    }

    /** What a change does: write {@code spec} (or delete the unit when {@code spec} is null). */
    public record Change(UnitSpec spec, String action, String summary) {
    }

    /** Decides a change on the current state, or throws a {@link RegistryException} (404, 409, 412...). */
    @FunctionalInterface
    public interface Decision {
        Change decide(Current current);
    }

    /** A committed change: the new global version and the unit as written (empty after a delete). */
    public record Committed(long version, Optional<StoredUnit> unit, String action) {
    }

    /** All registry units at one global version. */
    public record Listing(long version, List<StoredUnit> units) {
    }

    private record Attempt(Current current, Change change, RegistryException rejection, Instant at) {
    }

    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final RedisDataSource redis;
    private final RedisGuard guard;
    private final RegistryConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    // REST bodies fail on unknown fields; stored history must stay readable when a later version
    // of the registry adds one.
    private final ObjectReader historyReader;

    public UnitRepository(RedisDataSource redis, RedisGuard guard, RegistryConfig config, ObjectMapper json,
            Clock clock) {
        this.redis = redis;
        this.guard = guard;
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.historyReader = json.readerFor(HistoryEntry.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public long globalVersion() {
        return guard.call("reading " + RedisSchema.VERSION, () -> readVersion(redis));
    }

    public Optional<StoredUnit> find(String id) {
        return guard.call("reading unit " + id, () -> read(redis, id));
    }

    /**
     * Every unit, consistent with one global version: the version is read before and after,
     * and the read is repeated if a change slipped in between.
     */
    public Listing list() {
        return guard.call("listing units", () -> {
            for (int attempt = 0; ; attempt++) {
                long before = readVersion(redis);
                List<StoredUnit> units = new ArrayList<>();
                for (String id : redis.set(String.class).smembers(RedisSchema.UNITS)) {
                    read(redis, id).ifPresent(units::add);
                }
                units.sort(Comparator.comparing(u -> u.spec().id()));
                if (readVersion(redis) == before || attempt >= 5) {
                    return new Listing(before, units);
                }
            }
        });
    }

    /** The unit's history, newest first. */
    public List<HistoryEntry> history(String id) {
        List<String> raw = guard.call("reading history of " + id,
                () -> redis.list(String.class).lrange(RedisSchema.historyKey(id), 0, -1));
        List<HistoryEntry> entries = new ArrayList<>(raw.size());
        for (String entry : raw) {
            try {
                entries.add(historyReader.readValue(entry));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable history entry of " + id + ": " + e.getOriginalMessage(), e);
            }
        }
        return entries;
    }

    /**
     * Applies one change atomically, retrying while other writers win the race. Writers of this
     * instance queue on a fair lock first: they would only starve each other on WATCH (every
     * change touches {@code {cu}:version}); WATCH still guards against other registry replicas.
     */
    public Committed commit(String id, String actor, Decision decision) {
        writeLock.lock();
        try {
            return commitWatched(id, actor, decision);
        } finally {
            writeLock.unlock();
        }
    }

    private Committed commitWatched(String id, String actor, Decision decision) {
        String unitKey = RedisSchema.unitKey(id);
        for (int attempt = 1; attempt <= config.maxWriteAttempts(); attempt++) {
            OptimisticLockingTransactionResult<Attempt> result = guard.call("writing unit " + id,
                    () -> redis.withTransaction(ds -> decide(ds, id, decision),
                            (a, tx) -> queue(tx, id, actor, a), RedisSchema.VERSION, unitKey));
            Attempt attemptState = result.getPreTransactionResult();
            if (attemptState.rejection() != null) {
                throw attemptState.rejection();
            }
            if (!result.discarded()) {
                long version = attemptState.current().globalVersion() + 1;
                Change change = attemptState.change();
                Optional<StoredUnit> written = change.spec() == null ? Optional.empty()
                        : Optional.of(new StoredUnit(change.spec(), version, attemptState.at(), actor));
                return new Committed(version, written, change.action());
            }
            // Somebody else committed between our WATCH and EXEC: back off a little and decide again.
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000, 2_000_000L * attempt));
        }
        throw RegistryException.unavailable("Too many concurrent writers; the change to " + id
                + " was not applied, retry", guard.retryAfterSeconds(), null);
    }

    private Attempt decide(RedisDataSource ds, String id, Decision decision) {
        Current current = new Current(readVersion(ds), read(ds, id));
        try {
            return new Attempt(current, decision.decide(current), null, clock.instant());
        } catch (RegistryException rejection) {
            return new Attempt(current, null, rejection, null);
        }
    }

    private void queue(TransactionalRedisDataSource tx, String id, String actor, Attempt attempt) {
        if (attempt.rejection() != null) {
            tx.discard();
            return;
        }
        long version = attempt.current().globalVersion() + 1;
        Change change = attempt.change();
        String unitKey = RedisSchema.unitKey(id);
        tx.value(Long.class).incr(RedisSchema.VERSION);
        tx.value(String.class).set(RedisSchema.VERSION_COMMITTED_AT,
                new VersionCommit(version, attempt.at().toEpochMilli()).encode());
        tx.key().del(unitKey);
        if (change.spec() == null) {
            tx.set(String.class).srem(RedisSchema.UNITS, id);
        } else {
            StoredUnit unit = new StoredUnit(change.spec(), version, attempt.at(), actor);
            tx.hash(String.class).hset(unitKey, UnitHash.toHash(unit));
            tx.set(String.class).sadd(RedisSchema.UNITS, id);
        }
        tx.list(String.class).lpush(RedisSchema.historyKey(id),
                toJson(new HistoryEntry(version, change.action(), attempt.at(), actor, change.spec())));
        tx.list(String.class).ltrim(RedisSchema.historyKey(id), 0, config.historyLimit() - 1);
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put("at", attempt.at().toString());
        audit.put("actor", actor);
        audit.put("action", change.action());
        audit.put("unit", id);
        audit.put("version", String.valueOf(version));
        audit.put("summary", change.summary());
        tx.stream(String.class).xadd(RedisSchema.AUDIT,
                new XAddArgs().maxlen(config.auditLimit()).nearlyExactTrimming(), audit);
    }

    private static long readVersion(RedisDataSource ds) {
        Long version = ds.value(Long.class).get(RedisSchema.VERSION);
        return version == null ? 0 : version;
    }

    private static Optional<StoredUnit> read(RedisDataSource ds, String id) {
        Map<String, String> hash = ds.hash(String.class).hgetall(RedisSchema.unitKey(id));
        return hash == null || hash.isEmpty() ? Optional.empty() : Optional.of(UnitHash.fromHash(hash));
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
