package io.nott.edge.units.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nott.unit.codec.ChangeNotice;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Keeps the node's snapshot in step with Redis: a push on {@code cu:changes} or a jittered poll
 * of {@code {cu}:version} (plus the legacy values) triggers a sync; when the fingerprint moved
 * the sync fetches only the units the versions in between changed (the pushed notices, else the
 * change log {@code {cu}:changelog}; everything on start or when neither can say), decodes and
 * compiles only those, off the event loop on its own thread, builds the new snapshot sharing
 * every unchanged unit with the current one, swaps it atomically and hands it to the disk writer. Any failure keeps the current units; Redis failures
 * and snapshots that cannot be built are counted apart ({@code edge_units_sync_failures_total}
 * with {@code cause=redis|build}), and {@link SyncStatus} says whether the node keeps up. After
 * {@code edge.sync.max-failures} failures in a row the sync heals what it can (the change
 * subscription reconnects, which asks for a sync again) and keeps trying.
 */
public final class UnitSync implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(UnitSync.class);

    /** A push arrives in milliseconds, a poll within edge.sync.poll-interval (1 s), max-lag is 30 s. */
    static final Duration[] PROPAGATION_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    /**
     * The disk snapshot (the newest one) is written once syncs pause this long, and at most
     * {@link #SNAPSHOT_WRITE_MAX_DELAY} after it was applied: it matters only for a restart with
     * Redis down, and rewriting 10,000 units while changes arrive took CPU from their syncs.
     */
    static final Duration SNAPSHOT_WRITE_QUIET = Duration.ofSeconds(1);
    static final Duration SNAPSHOT_WRITE_MAX_DELAY = Duration.ofSeconds(30);

    private final SnapshotHolder holder;
    private final RedisUnitSource source;
    private final SnapshotFile file;
    private final Clock clock;
    private final Duration pollInterval;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("edge-unit-sync").factory());
    /** Decodes and compiles each batch of a full read while the sync thread reads the next ({@link ReadAhead}). */
    private final ExecutorService aheadWorker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("edge-unit-read-ahead").factory());
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Timer syncLatency;
    private final Timer propagation;
    private final Counter redisFailures;
    private final Counter buildFailures;
    private final MeterRegistry registry;
    private final SyncStatus status;
    private volatile Runnable heal = () -> { };
    private volatile java.util.function.Function<UnitSnapshot, List<UnitOutcome>> prepare = snapshot -> List.of();
    private final SnapshotSaver saver;
    /** Notices pushed on cu:changes that list what changed, by version, until a sync applies them. */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, ChangeNotice> notices =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    /** When each pushed notice arrived (clock millis), by version, for the sync's log line. */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, Long> receivedAt =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    /** What the current snapshot was built from (sync thread only): the base of the next incremental sync. */
    private FetchedUnits last;
    private boolean lastFromRedis;
    /** The previous sync's decoded registry units (sync thread only). */
    private final Map<String, UnitDecoding.Decoded> decoded = new HashMap<>();
    /** The registry hashes of the current snapshot that could not be decoded, by id, as messages (sync thread only). */
    private final Map<String, String> rejectedHashes = new java.util.TreeMap<>();
    private volatile long noticedAtNanos;
    /** The version the last sync from Redis applied, when, and whether its propagation was measured (sync thread only). */
    private long appliedVersion = -1;
    private long appliedAtMillis;
    private boolean appliedMeasured;
    private volatile boolean redisHealthy = true;

    public UnitSync(SnapshotHolder holder, RedisUnitSource source, SnapshotFile file, Clock clock, Duration pollInterval,
            SyncStatus status, MeterRegistry registry) {
        this.status = status;
        this.holder = holder;
        this.source = source;
        this.file = file;
        this.saver = new SnapshotSaver(file, SNAPSHOT_WRITE_QUIET, SNAPSHOT_WRITE_MAX_DELAY);
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.registry = registry;
        // Buckets rather than client-side percentiles, which read 0.0 two minutes after the last
        // change while the max still showed one (issue #20) and cannot be summed over the fleet.
        this.syncLatency = Timer.builder("edge.units.sync.latency")
                .description("From noticing a change (push received or poll saw the version move) to the new snapshot serving")
                .serviceLevelObjectives(PROPAGATION_BUCKETS).register(registry);
        this.propagation = Timer.builder("edge.units.propagation")
                .description("From the registry's commit (committed_at_ms of the change notice) to this node serving "
                        + "it; includes the clock difference between registry and node")
                .serviceLevelObjectives(PROPAGATION_BUCKETS).register(registry);
        this.redisFailures = Counter.builder("edge.units.sync.failures").tag("cause", "redis")
                .description("Syncs that failed; the current units stay (cause: redis = Redis did not answer, "
                        + "build = the fetched units could not be turned into a snapshot)").register(registry);
        this.buildFailures = Counter.builder("edge.units.sync.failures").tag("cause", "build")
                .description("Syncs that failed; the current units stay (cause: redis = Redis did not answer, "
                        + "build = the fetched units could not be turned into a snapshot)").register(registry);
    }

    /** What to do after {@code edge.sync.max-failures} failed syncs in a row (reconnect the change subscription). */
    public void healWith(Runnable heal) {
        this.heal = heal;
    }

    /**
     * What runs a new snapshot's init units before it is swapped in ({@code PhaseRunner::prepare});
     * failures keep the current snapshot, as nginx refuses to start when init_by_lua fails.
     */
    public void prepareWith(java.util.function.Function<UnitSnapshot, List<UnitOutcome>> prepare) {
        this.prepare = prepare;
    }

    /** Loads the disk snapshot (so a start with Redis down still serves units), then syncs and starts polling. */
    public void start() {
        // Synchronous on purpose: after a restart the units (an auth check, say) hold from the first request.
        loadFromDisk();
        thread.execute(this::syncIfMoved);
        schedulePoll();
    }

    /** Asks for a sync soon (the subscription came back, a message may have been missed); coalesces bursts. */
    public void requestSync() {
        if (noticedAtNanos == 0) {
            noticedAtNanos = System.nanoTime();
        }
        if (queued.compareAndSet(false, true)) {
            thread.execute(() -> {
                queued.set(false);
                syncIfMoved();
            });
        }
    }

    /**
     * A push on {@code cu:changes}: a {@link ChangeNotice} (or a bare version from redis-cli or an
     * older registry). When it is newer than what runs, the sync starts at once; a notice listing
     * the changed ids is kept so the sync fetches only those.
     */
    public void pushed(String message) {
        long pushed;
        ChangeNotice notice = null;
        try {
            notice = ChangeNotice.parse(message);
            pushed = notice.version();
            receivedAt.put(pushed, clock.millis());
            while (receivedAt.size() > RedisUnitSource.MAX_CATCH_UP) {
                receivedAt.pollFirstEntry();
            }
            if (notice.known()) {
                notices.put(pushed, notice);
                while (notices.size() > RedisUnitSource.MAX_CATCH_UP) {
                    notices.pollFirstEntry(); // a node that far behind fetches everything anyway
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.debugf("Unreadable message on cu:changes (%s); syncing", e.getMessage());
            pushed = Long.MAX_VALUE; // treat as "something changed"
        }
        boolean newer = pushed > holder.current().snapshot().version();
        if (!newer && notice != null) {
            ChangeNotice late = notice; // a poll applied it between the registry's commit and its publish
            thread.execute(() -> measurePropagation(late));
        }
        if (newer) {
            status.newerAnnounced();
        }
        requestSync();
    }

    /** Runs a task on the sync thread (the heartbeat shares it, so Redis calls stay off the event loop). */
    public void schedule(Runnable task, Duration every) {
        thread.scheduleWithFixedDelay(task, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void schedulePoll() {
        long base = pollInterval.toMillis();
        long jittered = base + ThreadLocalRandom.current().nextLong(-base / 4, base / 4 + 1);
        thread.schedule(() -> {
            try {
                syncIfMoved();
            } finally {
                schedulePoll();
            }
        }, Math.max(10, jittered), TimeUnit.MILLISECONDS);
    }

    private void loadFromDisk() {
        try {
            file.load().ifPresent(units -> {
                if (!holder.loaded()) {
                    apply(new Fetched(units, null, null), "disk", SyncTrace.from(System.nanoTime()));
                    LOG.infof("Loaded %d units at version %d from %s", holder.current().snapshot().units().size(),
                            units.version(), file.path());
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.errorf("Could not read the last snapshot: %s", e.getMessage());
        }
    }

    void syncIfMoved() {
        Fetched fetched;
        SyncTrace trace = SyncTrace.from(noticedAtNanos == 0 ? System.nanoTime() : noticedAtNanos);
        trace.done(SyncTrace.Stage.QUEUED);
        try {
            RedisUnitSource.Probe probe = pushedProbe();
            if (probe == null) {
                probe = source.probe();
            }
            trace.done(SyncTrace.Stage.PROBE);
            if (holder.loaded() && probe.fingerprint().equals(holder.current().fingerprint())) {
                noticedAtNanos = 0;
                status.succeeded();
                healthy();
                return;
            }
            if (holder.loaded()) {
                status.newerAnnounced(); // the registry moved on: from now on the node is late
            }
            if (noticedAtNanos == 0) {
                noticedAtNanos = System.nanoTime();
            }
            fetched = next(probe);
            trace.done(SyncTrace.Stage.FETCH);
        } catch (RuntimeException e) {
            failed(redisFailures, "Redis did not answer", e);
            return;
        }
        FetchedUnits units = fetched.units();
        try {
            apply(fetched, "redis", trace);
        } catch (RuntimeException e) {
            failed(buildFailures, "the units of version " + units.version() + " could not be built into a snapshot", e);
            return;
        }
        long noticed = noticedAtNanos;
        noticedAtNanos = 0;
        if (noticed != 0) {
            syncLatency.record(System.nanoTime() - noticed, TimeUnit.NANOSECONDS);
        }
        appliedVersion = units.version();
        appliedAtMillis = clock.millis();
        appliedMeasured = false;
        measurePropagation(notices.get(appliedVersion));
        notices.headMap(units.version(), true).clear();
        receivedAt.headMap(units.version(), true).clear();
        status.succeeded();
        healthy();
        saver.save(units);
        if (!notices.isEmpty()) {
            requestSync(); // a newer version was pushed past a gap: the probe and the change log fill it
        }
    }

    /**
     * What a probe would find, known without asking Redis: when the pushed notices cover every
     * version after the units this node runs (read from Redis, with no legacy values), the newest
     * version they reach. A push then costs one round trip (the changed hashes) instead of three;
     * a version after a gap in the notices is left to the probe and the change log, and legacy
     * values (redis-cli edits, which bump no version) to the probe, on the next poll or at once
     * when some are held. Null when the probe is needed.
     */
    private RedisUnitSource.Probe pushedProbe() {
        FetchedUnits base = last;
        if (base == null || !lastFromRedis || !base.legacy().isEmpty()) {
            return null;
        }
        long covered = base.version();
        while (covered - base.version() < RedisUnitSource.MAX_CATCH_UP && notices.containsKey(covered + 1)) {
            covered++;
        }
        return covered == base.version() ? null : new RedisUnitSource.Probe(covered, Map.of());
    }

    /**
     * One propagation sample for the applied version, from its notice's commit time, once per
     * version. The notice may come after the version was applied (a poll got there between the
     * registry's commit and its publish): the version still propagated at the time it was applied,
     * and dropping the sample would undercount exactly the fast changes.
     */
    private void measurePropagation(ChangeNotice notice) {
        if (notice != null && notice.version() == appliedVersion && notice.committedAtMillis() > 0 && !appliedMeasured) {
            appliedMeasured = true;
            propagation.record(Math.max(0, appliedAtMillis - notice.committedAtMillis()), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * What the snapshot of {@code probe}'s version is made of. Incremental when this node knows what
     * changed since the units it runs (pushed notices, else the change log): only those units are
     * read, every other hash is shared with the current set. Everything is read on start, when a
     * version is missing from the log (trimmed, or bumped with redis-cli: the legacy path), or
     * when the version went back (a new Redis).
     */
    private Fetched next(RedisUnitSource.Probe probe) {
        FetchedUnits base = last;
        if (base == null || !lastFromRedis) {
            return full("start"); // a disk snapshot may come from another cluster: read everything once
        }
        if (probe.version() < base.version()) {
            return full("version went back");
        }
        if (probe.version() == base.version()) {
            // only legacy (coding_units) values moved: redis-cli edits bump no version
            return new Fetched(base.with(base.version(), Map.of(), probe.legacy(), base.sharedDicts()), null, null);
        }
        List<ChangeNotice> changes = pushedBetween(base.version(), probe.version());
        if (changes == null) {
            changes = source.changesSince(base.version(), probe.version());
        }
        if (changes == null) {
            return full("gap");
        }
        if (changes.stream().anyMatch(ChangeNotice::all)) {
            // A bulk change too large to list its ids: not a gap; only the units that differ are compiled.
            return full("bulk");
        }
        java.util.Set<String> ids = new java.util.TreeSet<>();
        boolean dicts = false;
        for (ChangeNotice change : changes) {
            ids.addAll(change.units());
            dicts |= change.dicts();
        }
        Map<String, Map<String, String>> changed = source.hashes(ids);
        return new Fetched(base.with(probe.version(), changed, probe.legacy(), dicts ? source.sharedDicts() : base.sharedDicts()),
                changed, null);
    }

    /**
     * What a sync read: the whole set, and the hashes that changed since the current snapshot's
     * (by id, null for a unit gone) when the sync read only those; null when it read everything.
     * A full read from Redis comes with what was decoded and compiled while it was read ({@code ahead}, else null).
     */
    private record Fetched(FetchedUnits units, Map<String, Map<String, String>> changed, ReadAhead ahead) {
    }

    /** The pushed notices of versions {@code from+1 .. to} when every one of them was pushed, else null. */
    private List<ChangeNotice> pushedBetween(long from, long to) {
        if (to - from > RedisUnitSource.MAX_CATCH_UP) {
            return null;
        }
        List<ChangeNotice> found = new ArrayList<>();
        for (long v = from + 1; v <= to; v++) {
            ChangeNotice notice = notices.get(v);
            if (notice == null) {
                return null;
            }
            found.add(notice);
        }
        return found;
    }

    private Fetched full(String reason) {
        Counter.builder("edge.units.sync.full").tag("reason", reason)
                .description("Syncs that read every unit (reason: start, gap = the change log cannot fill it, bulk = a "
                        + "change too large to list its ids, version went back)")
                .register(registry).increment();
        ReadAhead ahead = new ReadAhead(holder.current().snapshot(), decoded, aheadWorker);
        try {
            return new Fetched(source.fetch(ahead), null, ahead);
        } catch (RuntimeException e) {
            ahead.cancel();
            throw e;
        }
    }

    private void failed(Counter counter, String what, RuntimeException e) {
        counter.increment();
        String message = what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        if (counter == buildFailures) {
            LOG.errorf(e, "Unit sync failed (%s); keeping the units of version %d", message,
                    holder.current().snapshot().version());
        } else if (redisHealthy) {
            redisHealthy = false;
            LOG.warnf("Unit sync failed (%s); keeping the %d units of version %d until Redis answers again", message,
                    holder.current().snapshot().units().size(), holder.current().snapshot().version());
        }
        if (status.failed(message)) {
            LOG.warnf("%d unit syncs failed in a row (last: %s); reconnecting the change subscription and going on",
                    status.reading().consecutiveFailures(), message);
            heal.run();
        }
    }

    private void healthy() {
        if (!redisHealthy) {
            redisHealthy = true;
            LOG.info("Unit sync reaches Redis again");
        }
    }

    private void apply(Fetched fetched, String from, SyncTrace trace) {
        FetchedUnits units = fetched.units();
        List<String> rejected = new ArrayList<>();
        UnitSnapshot current = holder.current().snapshot();
        // Legacy values (redis-cli edits) are read whole every time and may shadow registry units: decoded whole.
        boolean incremental = fetched.changed() != null && last != null && units.legacy().isEmpty()
                && last.legacy().isEmpty();
        // A full read decoded and compiled its batches while it read (ReadAhead): waited for here, the rest is done below.
        Map<String, UnitDecoding.Decoded> decodedAhead = fetched.ahead() == null ? Map.of() : fetched.ahead().finish();
        Decoding decoding = incremental ? decodeChanged(fetched.changed()) : decodeAll(units, decodedAhead);
        trace.done(SyncTrace.Stage.DECODE);
        // Built on the current snapshot: unchanged units keep their entries (compiled code, index nodes).
        UnitSnapshot built = incremental ? current.update(units.version(), decoding.put(), decoding.removed())
                : UnitSnapshot.build(units.version(), decoding.put(), current,
                        fetched.ahead() == null ? null : fetched.ahead().compiled());
        Map<String, String> rejections = new java.util.TreeMap<>(incremental ? rejectedHashes : Map.of());
        decoding.rejections().forEach((id, message) -> {
            if (message == null) {
                rejections.remove(id);
            } else {
                rejections.put(id, message);
            }
        });
        rejected.addAll(decoding.legacyRejected());
        rejected.addAll(rejections.values());
        UnitSnapshot snapshot = built.withSharedDicts(units.sharedDictSpecs(rejected));
        trace.done(SyncTrace.Stage.BUILD);
        List<UnitOutcome> initFailures = prepare.apply(snapshot);
        trace.done(SyncTrace.Stage.PREPARE);
        if (!initFailures.isEmpty()) {
            // Counted and reported as a failed sync (heartbeat, /q/health) by the caller; the node keeps serving.
            throw new IllegalStateException("init unit(s) failed, so version " + units.version() + " is not served: "
                    + initFailures.stream().map(o -> o.unitId() + " (" + o.kind().wireName() + ": " + o.message() + ")")
                            .collect(java.util.stream.Collectors.joining("; "))
                    + "; fix or disable the init unit and publish again");
        }
        // Recorded before the swap, so whoever sees the new version also sees its sync's figures.
        trace.record(registry);
        countNewCompileErrors(snapshot, holder.snapshot());
        holder.swap(new AppliedSnapshot(snapshot, units.fingerprint(), clock.millis(), from, List.copyOf(rejected)));
        last = units;
        lastFromRedis = "redis".equals(from);
        if (!incremental) {
            this.decoded.clear();
        }
        decoding.decoded().forEach((id, d) -> {
            if (d == null) {
                this.decoded.remove(id);
            } else {
                this.decoded.put(id, d);
            }
        });
        rejectedHashes.clear();
        rejectedHashes.putAll(rejections);
        rejected.forEach(r -> LOG.errorf("Unit skipped: %s", r));
        LOG.infof("Applied units version %d from %s%s: %d loaded (%d compiled, the rest shared), %d skipped; %s; "
                + "stages: %s", units.version(), from, incremental ? " (" + fetched.changed().size() + " changed)" : "",
                snapshot.units().size() - snapshot.errors().size(), snapshot.compiledUnits(),
                snapshot.errors().size() + rejected.size(), pushTiming(units.version()), trace.describe());
    }

    /**
     * What a sync decoded: the units to put into the snapshot and the ids to take out, the decoded
     * hashes to remember (by id; null forgets one) and the hash rejections (by id; null clears one).
     * For a full read, {@code decoded} and {@code rejections} are the whole new state.
     */
    private record Decoding(List<ComputingUnit> put, List<String> removed, Map<String, UnitDecoding.Decoded> decoded,
                            Map<String, String> rejections, List<String> legacyRejected) {
    }

    /** Decodes the changed hashes only: O(changed), whatever the number of units. */
    private Decoding decodeChanged(Map<String, Map<String, String>> changed) {
        List<ComputingUnit> put = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        Map<String, UnitDecoding.Decoded> decodedNow = new HashMap<>();
        Map<String, String> rejections = new HashMap<>();
        changed.forEach((id, hash) -> {
            rejections.put(id, null);
            UnitDecoding.Decoded known = decoded.get(id);
            if (hash != null && known != null && known.hash().equals(hash)) {
                return; // listed as changed, but the same as what runs (a change undone in between)
            }
            if (hash == null) {
                removed.add(id);
                decodedNow.put(id, null);
                return;
            }
            try {
                ComputingUnit unit = io.nott.unit.codec.UnitHashCodec.decode(hash);
                put.add(unit);
                decodedNow.put(id, new UnitDecoding.Decoded(hash, unit));
            } catch (RuntimeException e) {
                removed.add(id); // an undecodable unit is not loaded, as when everything is read
                decodedNow.put(id, null);
                rejections.put(id, id + ": " + e.getMessage());
            }
        });
        return new Decoding(put, removed, decodedNow, rejections, List.of());
    }

    private Decoding decodeAll(FetchedUnits units, Map<String, UnitDecoding.Decoded> decodedAhead) {
        List<String> rejected = new ArrayList<>();
        Map<String, UnitDecoding.Decoded> cache = new HashMap<>(this.decoded);
        cache.putAll(decodedAhead); // the very hashes of this read: not decoded again
        Map<String, String> rejections = new HashMap<>();
        List<ComputingUnit> all = UnitDecoding.decode(units, rejected, cache, rejections);
        rejected.removeAll(rejections.values());
        return new Decoding(all, List.of(), cache, rejections, rejected);
    }

    /** Commit → push received → swapped, for the log line: where a change's time went before the sync started. */
    private String pushTiming(long version) {
        Long received = receivedAt.get(version);
        if (received == null) {
            return "no push received for it yet";
        }
        ChangeNotice notice = notices.get(version);
        String committed = notice == null || notice.committedAtMillis() == 0 ? "?"
                : Long.toString(received - notice.committedAtMillis());
        return "commit -> push received " + committed + " ms, received -> swapped " + (clock.millis() - received) + " ms";
    }

    @Override
    public void close() {
        thread.shutdownNow();
        aheadWorker.shutdownNow();
        saver.close();
    }

    /**
     * Counts and logs each compile error once, when a compile fails: an entry this sync shared with
     * the previous snapshot (a unit still in error, not compiled again) keeps the very same error,
     * already counted. Before, every sync counted every unit still in error again.
     */
    private void countNewCompileErrors(UnitSnapshot next, UnitSnapshot previous) {
        Map<String, ?> before = previous == null ? Map.of() : previous.errors();
        next.errors().forEach((id, e) -> {
            if (before.get(id) != e) {
                Counter.builder("edge.units.compile.errors").description("Units skipped because they do not compile")
                        .tag("unit", id).register(registry).increment();
                LOG.errorf("Unit %s skipped: %s", id, e.getMessage());
            }
        });
    }
}
