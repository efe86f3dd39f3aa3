package io.nott.edge.units.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.unit.codec.ChangeNotice;
import io.nott.unit.codec.RedisSchema;
import io.nott.unit.codec.UnitHashBatch;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads units from the Redis Cluster with blocking calls; used only from the sync thread.
 * The registry's keys share the {@code {cu}} slot; legacy keys are wherever their ids hash.
 * Counts every unit hash it reads ({@code edge_units_sync_fetched_units_total}), so a change of
 * one unit can be seen to read one.
 */
@ApplicationScoped
public class RedisUnitSource {

    /** The most change-log entries one catch-up reads; further behind, a full fetch is cheaper. */
    static final int MAX_CATCH_UP = 1000;

    /** What a poll reads: the version and the legacy values (usually none). */
    public record Probe(long version, Map<String, String> legacy) {
        public String fingerprint() {
            return UnitDecoding.fingerprint(version, legacy);
        }
    }

    private final RedisDataSource redis;
    private final Counter fetchedUnits;

    public RedisUnitSource(RedisDataSource redis, MeterRegistry registry) {
        this.redis = redis;
        this.fetchedUnits = Counter.builder("edge.units.sync.fetched.units")
                .description("Unit hashes read from Redis by the sync (a change of one unit reads one)").register(registry);
    }

    /** The cheap check a poll makes: the version, plus the legacy values (usually none). */
    public Probe probe() {
        return new Probe(version(), legacy());
    }

    /** The cheap check a poll makes, as one string. */
    public String fingerprint() {
        return probe().fingerprint();
    }

    /** What a reader does with each batch of hashes as soon as it is read (a gone unit maps to null). */
    @FunctionalInterface
    public interface BatchListener {
        void read(Map<String, Map<String, String>> batch);
    }

    /** Everything: every unit hash, the legacy values and the shared dicts. */
    public FetchedUnits fetch() {
        return fetch(batch -> { });
    }

    /** As {@link #fetch()}, handing each batch of hashes to {@code listener} as soon as it is read. */
    public FetchedUnits fetch(BatchListener listener) {
        long version = version();
        Set<String> ids = new TreeSet<>(redis.set(String.class).smembers(RedisSchema.UNITS));
        Map<String, Map<String, String>> hashes = new LinkedHashMap<>();
        hashes(ids, listener).forEach((id, hash) -> {
            if (hash != null) {
                hashes.put(id, hash);
            }
        });
        return new FetchedUnits(version, hashes, legacy(), sharedDicts());
    }

    /**
     * The hashes of {@code ids}; a unit that is gone maps to null. Read {@link #BATCH} at a time
     * by one script (unit-core's {@link UnitHashBatch}; all keys are in the {@code {cu}} slot):
     * 10,000 units cost 40 round trips, not 10,000, and the script holds the {@code {cu}} master
     * for about a millisecond each.
     */
    public Map<String, Map<String, String>> hashes(Collection<String> ids) {
        return hashes(ids, batch -> { });
    }

    /** As {@link #hashes(Collection)}, handing each batch to {@code listener} before the next one is read. */
    public Map<String, Map<String, String>> hashes(Collection<String> ids, BatchListener listener) {
        Map<String, Map<String, String>> hashes = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            List<Map<String, String>> replies = UnitHashBatch.decode(
                    redis.execute("EVAL", UnitHashBatch.evalArgs(batch)).toBytes());
            Map<String, Map<String, String>> read = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                Map<String, String> hash = replies.get(i);
                read.put(batch.get(i), hash.isEmpty() ? null : hash);
            }
            hashes.putAll(read);
            listener.read(read);
        }
        fetchedUnits.increment(all.size());
        return hashes;
    }

    /** Unit hashes read per round trip. */
    static final int BATCH = UnitHashBatch.SIZE;

    public Map<String, String> sharedDicts() {
        Map<String, String> dicts = redis.hash(String.class).hgetall(RedisSchema.SHARED_DICTS);
        return dicts == null ? Map.of() : new TreeMap<>(dicts);
    }

    /**
     * The change log's notices of versions {@code from+1 .. to}, oldest first (one may say
     * "everything": {@link ChangeNotice#all()}), or null when the log cannot say what changed: an
     * entry is missing (trimmed away, or the version was bumped without the registry, e.g. with
     * redis-cli), or the gap is too long.
     */
    public List<ChangeNotice> changesSince(long from, long to) {
        if (to <= from || to - from > MAX_CATCH_UP) {
            return null;
        }
        // Newest first; entries newer than `to` (committed meanwhile) are skipped, so ask for a few more.
        Response entries = redis.execute("XREVRANGE", RedisSchema.CHANGE_LOG, "+", "-", "COUNT",
                Long.toString(to - from + 16));
        Map<Long, ChangeNotice> found = new TreeMap<>();
        for (Response entry : entries) {
            Response fields = entry.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("notice".equals(fields.get(i).toString())) {
                    ChangeNotice notice = ChangeNotice.parse(fields.get(i + 1).toString());
                    if (notice.version() > from && notice.version() <= to) {
                        found.put(notice.version(), notice);
                    }
                }
            }
        }
        if (found.size() != to - from) {
            return null;
        }
        return new ArrayList<>(found.values());
    }

    private long version() {
        String raw = redis.value(String.class).get(RedisSchema.VERSION);
        if (raw == null) {
            return 0;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(RedisSchema.VERSION + " holds '" + raw + "', not an integer");
        }
    }

    private Map<String, String> legacy() {
        Set<String> ids = redis.set(String.class).smembers(RedisSchema.LEGACY_SET);
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String id : new TreeSet<>(ids)) {
            values.put(id, redis.value(String.class).get(RedisSchema.legacyKey(id)));
        }
        return values;
    }
}
