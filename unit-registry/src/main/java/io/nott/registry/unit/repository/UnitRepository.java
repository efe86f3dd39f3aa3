package io.nott.registry.unit.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitSpec;
import io.nott.unit.codec.ChangeNotice;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Units in the Redis Cluster. Every change is one script on {@code {cu}}-tagged keys
 * ({@link SingleChangeScripts}): the unit hash, its history entry, the index set, the global
 * version, the audit entry and the change log change together or not at all. Because every
 * change bumps {@code {cu}:version} and every commit checks that it is still the version the
 * change was decided on, two writers can never both commit on the same state; the loser re-reads
 * and decides again (which is where a stale {@code If-Match} turns into 412). A whole set of units
 * is committed the same way by {@link BulkStaging} after staging it in bounded calls, because one
 * call the size of 10,000 units outran Redis' timeout.
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

    /**
     * A committed change: the new global version, the unit as written (empty after a delete) and
     * the notice the edges are told (the same one the change log holds).
     */
    public record Committed(long version, Optional<StoredUnit> unit, String action, ChangeNotice notice) {
    }

    /** All registry units at one global version. */
    public record Listing(long version, List<StoredUnit> units) {
    }

    private final ReentrantLock writeLock = new ReentrantLock(true);
    /** The last listing read at one version ({@link #list}); null before the first. */
    private volatile Listing lastListing;
    private final RedisDataSource redis;
    private final RedisGuard guard;
    private final RegistryConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final ChangeLog changeLog;
    private final BulkStaging staging;
    // REST bodies fail on unknown fields; stored history must stay readable when a later version
    // of the registry adds one.
    private final ObjectReader historyReader;

    public UnitRepository(RedisDataSource redis, RedisGuard guard, RegistryConfig config, ObjectMapper json,
            Clock clock, ChangeLog changeLog, BulkStaging staging) {
        this.changeLog = changeLog;
        this.staging = staging;
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
     * and the read is repeated if a change slipped in between. The last consistent listing is
     * kept and answered again while {@code {cu}:version} has not moved (every write bumps it):
     * paging through a filtered list of 10,000 units read every unit for every page (issue #17);
     * now a page costs one GET while nothing changed.
     */
    public Listing list() {
        return guard.call("listing units", () -> {
            for (int attempt = 0; ; attempt++) {
                long before = readVersion(redis);
                Listing kept = lastListing;
                if (kept != null && kept.version() == before) {
                    return kept;
                }
                // Batched: one HGETALL round trip per unit took seconds at 10,000 units.
                List<StoredUnit> units = new ArrayList<>(
                        BulkScripts.readAll(redis, redis.set(String.class).smembers(RedisSchema.UNITS)).values());
                units.sort(Comparator.comparing(u -> u.spec().id()));
                boolean consistent = readVersion(redis) == before;
                if (consistent || attempt >= 5) {
                    Listing listing = new Listing(before, List.copyOf(units));
                    if (consistent) {
                        lastListing = listing;
                    }
                    return listing;
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
     * instance queue on a fair lock first: they would only starve each other on the version
     * check (every change bumps {@code {cu}:version}); the check still guards against other
     * registry replicas. Two round trips when nobody else writes: read, then commit.
     */
    public Committed commit(String id, String actor, Decision decision) {
        return commit(id, actor, null, decision);
    }

    /**
     * A lease a write is fenced by: the write happens only while {@code key} (a {@code {cu}}-tagged
     * string) still holds {@code holder}.
     */
    public record Fence(String key, String holder) {
    }

    /**
     * As {@link #commit(String, String, Decision)}, fenced: {@code fence}'s key is read with the
     * unit and checked again by the commit script, so a writer whose lease passed to another one
     * between its read and its commit changes nothing (the change is read again: a 409 names the
     * lease). The rollout controller writes its steps this way: a replica that lost the lease
     * cannot apply a step the new holder applies too.
     */
    public Committed commit(String id, String actor, Fence fence, Decision decision) {
        writeLock.lock();
        try {
            return commitChecked(id, actor, fence, decision);
        } finally {
            writeLock.unlock();
        }
    }

    private Committed commitChecked(String id, String actor, Fence fence, Decision decision) {
        SingleChangeScripts.Limits limits = new SingleChangeScripts.Limits(config.historyLimit(), config.auditLimit(),
                changeLog.limit());
        for (int attempt = 1; attempt <= config.maxWriteAttempts(); attempt++) {
            SingleChangeScripts.Read read = guard.call("reading unit " + id,
                    () -> SingleChangeScripts.read(redis, id, fence == null ? null : fence.key()));
            Current current = new Current(read.version(), read.unit());
            if (fence != null && !fence.holder().equals(read.fenceHolder())) {
                throw RegistryException.conflict("the lease " + fence.key() + " is no longer " + fence.holder()
                        + " (now " + (read.fenceHolder() == null ? "nobody" : read.fenceHolder())
                        + "); the holder applies this change");
            }
            Change change = decision.decide(current);
            Instant at = clock.instant();
            long version = current.globalVersion() + 1;
            Optional<StoredUnit> written = change.spec() == null ? Optional.empty()
                    : Optional.of(new StoredUnit(change.spec(), version, at, actor));
            ChangeNotice notice = ChangeNotice.of(version, at.toEpochMilli(), List.of(id), false);
            SingleChangeScripts.Write write = new SingleChangeScripts.Write(id, written.map(UnitHash::toHash).orElse(null),
                    toJson(new HistoryEntry(version, change.action(), at, actor, change.spec())),
                    audit(at, actor, change.action(), id, version, change.summary()), changeLog.entry(notice));
            java.util.OptionalLong committed = guard.call("writing unit " + id,
                    () -> SingleChangeScripts.commit(redis, current.globalVersion(), write, fence, limits));
            if (committed.isPresent()) {
                return new Committed(version, written, change.action(), notice);
            }
            // Somebody else committed (or took the fence) since we read: back off a little and decide again.
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000, 2_000_000L * attempt));
        }
        throw RegistryException.unavailable("Too many concurrent writers; the change to " + id
                + " was not applied, retry", guard.retryAfterSeconds(), null);
    }

    /** A committed (or, when nothing differed, skipped) apply of a whole set of units. */
    public record Applied(long version, BulkApply changes, ChangeNotice notice) {
    }

    private record BulkAttempt(long version, BulkApply changes, RegistryException rejection, Instant at) {
    }

    /**
     * Makes the registry's units exactly {@code desired} at once: one new global version, one
     * history entry per changed unit, one audit entry and one change-log entry listing the ids.
     * {@code check} sees the current global version first (If-Match). When nothing differs,
     * nothing is written and the current version is answered. The set is diffed against the
     * units read after the version; {@link BulkStaging} stages the new hashes in bounded calls
     * and commits only if the version is still that one (every change bumps it), so it plays
     * the role the version check plays for one unit without one transaction growing with the set.
     *
     * <p>The first attempt decides and stages without the write lock and takes it for the commit
     * only: deciding and staging 10,000 units takes seconds, and single changes queued behind
     * them for all that time (issue #17). A single change committed meanwhile moves the version,
     * so the commit script refuses the staged set, which is decided again (If-Match included: a
     * set sent with the old version now gets 412, as if the single change had come first). From
     * the second attempt on, the set holds the lock from its decision to its commit, as before,
     * so a stream of single changes cannot starve it.
     */
    public Applied applyAll(Collection<UnitSpec> desired, String actor, java.util.function.LongConsumer check) {
        for (int attempt = 1; attempt <= config.maxWriteAttempts(); attempt++) {
            boolean lockedThroughout = attempt > 1;
            if (lockedThroughout) {
                writeLock.lock();
            }
            try {
                BulkAttempt state = guard.call("reading the units before applying " + desired.size() + " units",
                        () -> decideAll(desired, check));
                if (state.rejection() != null) {
                    throw state.rejection();
                }
                if (state.changes().empty()) {
                    return new Applied(state.version(), state.changes(), null);
                }
                ChangeNotice notice = bulkNotice(state);
                BulkStaging.Staged staged = guard.call("staging " + desired.size() + " units",
                        () -> staging.stage(bulkChanges(actor, state)));
                java.util.OptionalLong committed = java.util.OptionalLong.empty();
                try {
                    if (!lockedThroughout) {
                        writeLock.lock();
                    }
                    try {
                        committed = guard.call("applying " + desired.size() + " units",
                                () -> staging.commit(staged, state.version(), bulkAudit(actor, state), notice));
                    } finally {
                        if (!lockedThroughout) {
                            writeLock.unlock();
                        }
                    }
                } finally {
                    if (committed.isEmpty()) {
                        staging.discard(staged);
                    }
                }
                if (committed.isPresent()) {
                    return new Applied(committed.getAsLong(), state.changes(), notice);
                }
            } finally {
                if (lockedThroughout) {
                    writeLock.unlock();
                }
            }
            // Another change committed since we read: back off a little and decide again.
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000, 2_000_000L * attempt));
        }
        throw RegistryException.unavailable("Too many concurrent writers; the set of " + desired.size()
                + " units was not applied, retry", guard.retryAfterSeconds(), null);
    }

    private BulkAttempt decideAll(Collection<UnitSpec> desired, java.util.function.LongConsumer check) {
        long version = readVersion(redis);
        try {
            check.accept(version);
        } catch (RegistryException rejection) {
            return new BulkAttempt(version, null, rejection, null);
        }
        // A set is usually applied on what was just exported (If-Match: its version): the units
        // listed then are the ones to diff against, not read again (10,000 hashes, seconds of CPU).
        Listing kept = lastListing;
        Map<String, StoredUnit> current;
        if (kept != null && kept.version() == version) {
            current = new java.util.HashMap<>();
            kept.units().forEach(u -> current.put(u.spec().id(), u));
        } else {
            current = BulkScripts.readAll(staging::eval, redis.set(String.class).smembers(RedisSchema.UNITS));
        }
        return new BulkAttempt(version, BulkApply.diff(desired, current), null, clock.instant());
    }

    private List<BulkStaging.Change> bulkChanges(String actor, BulkAttempt attempt) {
        long version = attempt.version() + 1;
        BulkApply changes = attempt.changes();
        List<UnitSpec> written = new ArrayList<>(changes.created());
        written.addAll(changes.updated());
        // On every core: the history entries' JSON was a quarter of a 10,000-unit apply's time on
        // one thread (issue #17). ObjectMapper is thread-safe; the order is the list's.
        List<BulkStaging.Change> out = new ArrayList<>(written.parallelStream()
                .map(spec -> new BulkStaging.Change(spec.id(), UnitHash.toHash(new StoredUnit(spec, version, attempt.at(), actor)),
                        toJson(new HistoryEntry(version, "bulk-apply", attempt.at(), actor, spec))))
                .toList());
        for (String id : changes.deleted()) {
            out.add(new BulkStaging.Change(id, null, toJson(new HistoryEntry(version, "bulk-apply", attempt.at(), actor, null))));
        }
        return out;
    }

    private static Map<String, String> bulkAudit(String actor, BulkAttempt attempt) {
        BulkApply changes = attempt.changes();
        List<String> ids = changes.ids();
        return audit(attempt.at(), actor, "bulk-apply", "*", attempt.version() + 1, "applied a set of units: "
                + changes.created().size() + " created, " + changes.updated().size() + " replaced, "
                + changes.deleted().size() + " deleted, " + changes.unchanged() + " unchanged ("
                + String.join(", ", ids.subList(0, Math.min(20, ids.size()))) + (ids.size() > 20 ? ", ..." : "") + ")");
    }

    /** The fields of an {@code {cu}:audit} entry. */
    private static Map<String, String> audit(Instant at, String actor, String action, String unit, long version,
            String summary) {
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put("at", at.toString());
        audit.put("actor", actor);
        audit.put("action", action);
        audit.put("unit", unit);
        audit.put("version", String.valueOf(version));
        audit.put("summary", summary);
        return audit;
    }

    private static ChangeNotice bulkNotice(BulkAttempt attempt) {
        return ChangeNotice.of(attempt.version() + 1, attempt.at().toEpochMilli(), attempt.changes().ids(), false);
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
