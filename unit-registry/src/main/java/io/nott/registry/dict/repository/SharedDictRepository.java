package io.nott.registry.dict.repository;

import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.repository.RedisGuard;
import io.nott.unit.codec.RedisSchema;
import io.nott.unit.codec.VersionCommit;
import io.nott.unit.model.SharedDictSpec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.transactions.OptimisticLockingTransactionResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The node-wide shared dict declarations in {@link RedisSchema#SHARED_DICTS}. A change is one
 * WATCH ({@code {cu}:version} and the hash) + MULTI/EXEC that writes the hash, bumps the global
 * version and appends the audit entry, as unit changes do, so edges apply dicts and units of
 * one version together.
 */
@ApplicationScoped
public class SharedDictRepository {

    /** The declarations at one version. */
    public record Listing(long version, List<SharedDictSpec> dicts) {
        public long totalBytes() {
            return dicts.stream().mapToLong(SharedDictSpec::sizeBytes).sum();
        }
    }

    /** What a change does, decided on the current listing: the dict to write, or null to delete {@code name}. */
    @FunctionalInterface
    public interface Decision {
        SharedDictSpec decide(Listing current);
    }

    private record Attempt(Listing current, SharedDictSpec spec, RegistryException rejection) {
    }

    private final RedisDataSource redis;
    private final RedisGuard guard;
    private final RegistryConfig config;
    private final Clock clock;

    public SharedDictRepository(RedisDataSource redis, RedisGuard guard, RegistryConfig config, Clock clock) {
        this.redis = redis;
        this.guard = guard;
        this.config = config;
        this.clock = clock;
    }

    public Listing list() {
        return guard.call("reading " + RedisSchema.SHARED_DICTS, () -> read(redis));
    }

    /** Writes (or with a null decision result deletes) dict {@code name}; returns the new version. */
    public long commit(String name, String actor, Decision decision) {
        for (int attempt = 1; attempt <= config.maxWriteAttempts(); attempt++) {
            OptimisticLockingTransactionResult<Attempt> result = guard.call("writing shared dict " + name,
                    () -> redis.withTransaction(ds -> {
                        Listing current = read(ds);
                        try {
                            return new Attempt(current, decision.decide(current), null);
                        } catch (RegistryException e) {
                            return new Attempt(current, null, e);
                        }
                    }, (a, tx) -> {
                        if (a.rejection() != null) {
                            tx.discard();
                            return;
                        }
                        tx.value(Long.class).incr(RedisSchema.VERSION);
                        tx.value(String.class).set(RedisSchema.VERSION_COMMITTED_AT,
                                new VersionCommit(a.current().version() + 1, clock.millis()).encode());
                        if (a.spec() == null) {
                            tx.hash(String.class).hdel(RedisSchema.SHARED_DICTS, name);
                        } else {
                            tx.hash(String.class).hset(RedisSchema.SHARED_DICTS, name, Long.toString(a.spec().sizeBytes()));
                        }
                        Map<String, String> audit = new LinkedHashMap<>();
                        audit.put("at", clock.instant().toString());
                        audit.put("actor", actor);
                        audit.put("action", a.spec() == null ? "delete-shared-dict" : "put-shared-dict");
                        audit.put("unit", "ngx.shared." + name);
                        audit.put("version", String.valueOf(a.current().version() + 1));
                        audit.put("summary", a.spec() == null ? "shared dict " + name + " removed"
                                : "shared dict " + name + " declared with " + a.spec().sizeText());
                        tx.stream(String.class).xadd(RedisSchema.AUDIT,
                                new XAddArgs().maxlen(config.auditLimit()).nearlyExactTrimming(), audit);
                    }, RedisSchema.VERSION, RedisSchema.SHARED_DICTS));
            Attempt a = result.getPreTransactionResult();
            if (a.rejection() != null) {
                throw a.rejection();
            }
            if (!result.discarded()) {
                return a.current().version() + 1;
            }
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000, 2_000_000L * attempt));
        }
        throw RegistryException.unavailable("Too many concurrent writers; the change to shared dict " + name
                + " was not applied, retry", guard.retryAfterSeconds(), null);
    }

    private static Listing read(RedisDataSource ds) {
        Long version = ds.value(Long.class).get(RedisSchema.VERSION);
        Map<String, String> hash = ds.hash(String.class).hgetall(RedisSchema.SHARED_DICTS);
        List<SharedDictSpec> dicts = new ArrayList<>();
        if (hash != null) {
            hash.forEach((name, bytes) -> dicts.add(new SharedDictSpec(name, Long.parseLong(bytes))));
        }
        dicts.sort(Comparator.comparing(SharedDictSpec::name));
        return new Listing(version == null ? 0 : version, dicts);
    }
}
