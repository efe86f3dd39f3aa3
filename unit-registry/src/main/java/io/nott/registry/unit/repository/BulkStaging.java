package io.nott.registry.unit.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.RegistryException;
import io.nott.unit.codec.ChangeNotice;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Writes a bulk apply of thousands of units in two steps, so that no single Redis call grows with
 * the set (issue #17: one 3 MB script for 10,000 units outran the 3 s command timeout and blocked
 * the {@code {cu}} node for seconds):
 * <ol>
 * <li><b>stage</b>: the new unit hashes go to {@code {cu}:staging:<apply>:unit:<id>} and the
 * history entries to two staging index hashes, in script calls of bounded size (at most
 * {@link #CHUNK_UNITS} units or about {@link #CHUNK_BYTES} bytes each); nothing a reader sees
 * changes, and every staging key expires after {@link #STAGING_TTL} should this registry die
 * midway;</li>
 * <li><b>commit</b>: one script, atomic like every Redis script, checks that the global version
 * is still the one the set was diffed against (as a single change's commit does; every change bumps it) and
 * that every staged hash is there, and only then renames the staged hashes into place, deletes
 * the removed units, pushes the history, bumps the version and appends the audit and change-log
 * entries. It carries no unit data, only ids already in Redis.</li>
 * </ol>
 * Whenever the commit does not happen (another writer won, Redis failed midway) the staging keys
 * are deleted: the registry's units and version are the old ones, never half of the new set.
 */
@ApplicationScoped
public class BulkStaging {

    /** Units per staging call; with {@link #CHUNK_BYTES} keeps each call to a few milliseconds of Redis time. */
    static final int CHUNK_UNITS = 500;
    /** Approximate JSON bytes per staging call (a unit's code may be up to registry.max-code-bytes). */
    static final int CHUNK_BYTES = 256 * 1024;
    /**
     * How long staged keys live if nobody commits or discards them (the registry died midway).
     * Far above what staging 50,000 units takes on a loaded machine; the commit refuses to run
     * when any staged key has expired, so a slow apply fails whole rather than half.
     */
    static final Duration STAGING_TTL = Duration.ofMinutes(10);

    private static final Logger LOG = Logger.getLogger(BulkStaging.class);
    private static final String STAGING_PREFIX = RedisSchema.TAG + ":staging:";

    /** KEYS: writes index, deletes index. ARGV: staged unit key prefix, TTL ms, the chunk as JSON. */
    private static final String STAGE = """
            local chunk = cjson.decode(ARGV[3])
            for _, c in ipairs(chunk) do
              if type(c.hash) == 'table' then
                -- HSET first, not DEL: only a script's first write is refused when the node is out
                -- of memory (later ones must run so as not to stop halfway), and an apply's staged
                -- keys are new anyway (the apply id is fresh and ids are unique in a set).
                local key = ARGV[1] .. c.id
                local args = {}
                for f, v in pairs(c.hash) do args[#args + 1] = f; args[#args + 1] = v end
                redis.call('HSET', key, unpack(args))
                redis.call('PEXPIRE', key, ARGV[2])
                redis.call('HSET', KEYS[1], c.id, c.history)
              else
                redis.call('HSET', KEYS[2], c.id, c.history)
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            return #chunk""";

    /**
     * KEYS: version, units index, writes index, deletes index, audit stream, change log.
     * ARGV: expected version, staged unit key prefix, unit key prefix, history key prefix, history
     * limit, writes expected, deletes expected, audit MAXLEN, change-log MAXLEN, number of audit
     * field/value args, then those, then the change-log entry's field/value args.
     * Answers {1, new version}, {0, current version} when another change came first, or
     * {-1, what is missing}. Everything that can refuse is checked before the first write: a
     * script that fails after writing would leave those writes.
     */
    private static final String COMMIT = """
            local current = tonumber(redis.call('GET', KEYS[1]) or '0')
            if current ~= tonumber(ARGV[1]) then return {0, current} end
            local writes = redis.call('HGETALL', KEYS[3])
            local deletes = redis.call('HGETALL', KEYS[4])
            if #writes ~= 2 * tonumber(ARGV[6]) or #deletes ~= 2 * tonumber(ARGV[7]) then
              return {-1, 'staging index has ' .. (#writes / 2) .. ' writes and ' .. (#deletes / 2) .. ' deletes'}
            end
            for i = 1, #writes, 2 do
              if redis.call('EXISTS', ARGV[2] .. writes[i]) == 0 then return {-1, 'staged unit ' .. writes[i]} end
            end
            local limit = tonumber(ARGV[5]) - 1
            for i = 1, #writes, 2 do
              local id = writes[i]
              local key = ARGV[3] .. id
              redis.call('RENAME', ARGV[2] .. id, key)
              redis.call('PERSIST', key)
              redis.call('SADD', KEYS[2], id)
              redis.call('LPUSH', ARGV[4] .. id, writes[i + 1])
              redis.call('LTRIM', ARGV[4] .. id, 0, limit)
            end
            for i = 1, #deletes, 2 do
              local id = deletes[i]
              redis.call('DEL', ARGV[3] .. id)
              redis.call('SREM', KEYS[2], id)
              redis.call('LPUSH', ARGV[4] .. id, deletes[i + 1])
              redis.call('LTRIM', ARGV[4] .. id, 0, limit)
            end
            redis.call('DEL', KEYS[3], KEYS[4])
            local version = redis.call('INCR', KEYS[1])
            local n = tonumber(ARGV[10])
            local audit, log = {}, {}
            for i = 11, 10 + n do audit[#audit + 1] = ARGV[i] end
            for i = 11 + n, #ARGV do log[#log + 1] = ARGV[i] end
            redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[8], '*', unpack(audit))
            redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*', unpack(log))
            return {1, version}""";

    /** One unit of the set that changes: its new hash ({@code null}: the unit is deleted) and its history entry as JSON. */
    public record Change(String id, Map<String, String> hash, String history) {
    }

    private record Keys(String writes, String deletes, String unitPrefix) {
        static Keys of(String apply) {
            String base = STAGING_PREFIX + apply;
            return new Keys(base + ":writes", base + ":deletes", base + ":unit:");
        }
    }

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final RegistryConfig config;
    private final ChangeLog changeLog;
    private final Duration callTimeout;

    public BulkStaging(ReactiveRedisDataSource redis, ObjectMapper json, RegistryConfig config, ChangeLog changeLog) {
        this.redis = redis;
        this.json = json;
        this.config = config;
        this.changeLog = changeLog;
        this.callTimeout = config.bulkCallTimeout();
    }

    /**
     * One {@code EVAL} of a bulk apply, allowed {@code registry.bulk-call-timeout} instead of
     * {@code quarkus.redis.timeout}: under a load average of ~28 on two cores even small calls
     * took over 3 s, and a set's calls are many and its commit grows with it.
     */
    Response eval(String... args) {
        return redis.execute("EVAL", args).await().atMost(callTimeout);
    }

    /**
     * A set staged under keys of its own, not yet committed: nothing a reader sees has changed.
     * Commit it with {@link #commit} or give it up with {@link #discard}.
     */
    public static final class Staged {
        private final Keys keys;
        private final List<Change> changes;
        private final int calls;
        private final long nanos;

        private Staged(Keys keys, List<Change> changes, int calls, long nanos) {
            this.keys = keys;
            this.changes = changes;
            this.calls = calls;
            this.nanos = nanos;
        }
    }

    /**
     * Writes {@code changes} under staging keys of a new apply, in bounded calls. Needs no lock:
     * the keys are this apply's own and no reader looks at them. When a call fails, what was
     * staged is removed before the failure is thrown.
     */
    public Staged stage(List<Change> changes) {
        Keys keys = Keys.of(UUID.randomUUID().toString());
        long started = System.nanoTime();
        boolean staged = false;
        try {
            int calls = stage(keys, changes);
            staged = true;
            return new Staged(keys, changes, calls, System.nanoTime() - started);
        } finally {
            if (!staged) {
                discard(keys, changes);
            }
        }
    }

    /**
     * Commits {@code staged} as version {@code expectedVersion + 1} when the global version is
     * still {@code expectedVersion} (one script, atomic); empty when another change came first.
     * The staging keys are gone after a commit; otherwise the caller {@link #discard}s them.
     */
    public OptionalLong commit(Staged staged, long expectedVersion, Map<String, String> audit, ChangeNotice notice) {
        long started = System.nanoTime();
        OptionalLong version = commit(staged.keys, expectedVersion, staged.changes, audit, notice);
        LOG.debugf("Bulk apply of %d changed units: staged in %d ms (%d calls), commit script %d ms (%s)",
                staged.changes.size(), staged.nanos / 1_000_000, staged.calls, (System.nanoTime() - started) / 1_000_000,
                version.isPresent() ? "committed" : "the version moved");
        return version;
    }

    /** Removes what {@code staged} wrote (best effort: it expires after {@link #STAGING_TTL} anyway). */
    public void discard(Staged staged) {
        discard(staged.keys, staged.changes);
    }

    private int stage(Keys keys, List<Change> changes) {
        List<List<Change>> chunks = new ArrayList<>();
        List<Change> chunk = new ArrayList<>();
        int bytes = 0;
        for (Change change : changes) {
            chunk.add(change);
            bytes += change.history().length();
            if (change.hash() != null) {
                for (String value : change.hash().values()) {
                    bytes += value.length();
                }
            }
            if (chunk.size() >= CHUNK_UNITS || bytes >= CHUNK_BYTES) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        // Every chunk's JSON on every core first (a few MB for 10,000 units), then the calls one
        // after the other: encoding them one by one between the calls left a core idle.
        List<String> encoded = chunks.parallelStream().map(this::toJson).toList();
        for (String json : encoded) {
            eval(STAGE, "2", keys.writes(), keys.deletes(), keys.unitPrefix(), Long.toString(STAGING_TTL.toMillis()), json);
        }
        return encoded.size();
    }

    private OptionalLong commit(Keys keys, long expectedVersion, List<Change> changes, Map<String, String> audit,
            ChangeNotice notice) {
        long writes = changes.stream().filter(c -> c.hash() != null).count();
        List<String> args = new ArrayList<>(List.of(COMMIT, "6", RedisSchema.VERSION, RedisSchema.UNITS,
                keys.writes(), keys.deletes(), RedisSchema.AUDIT, RedisSchema.CHANGE_LOG,
                Long.toString(expectedVersion), keys.unitPrefix(), RedisSchema.unitKey(""), RedisSchema.historyKey(""),
                Integer.toString(config.historyLimit()), Long.toString(writes), Long.toString(changes.size() - writes),
                Long.toString(config.auditLimit()), Long.toString(changeLog.limit()), Integer.toString(audit.size() * 2)));
        audit.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        changeLog.entry(notice).forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        Response answer;
        try {
            answer = eval(args.toArray(String[]::new));
        } catch (io.smallrye.mutiny.TimeoutException e) {
            // Redis may still run the script after we stop waiting: the set is then applied whole,
            // otherwise not at all (the discard that follows makes a late commit find its staging gone).
            throw RegistryException.unavailable("The commit of the set did not answer within " + callTimeout
                    + " (registry.bulk-call-timeout); it was applied whole or not at all: GET /api/v1/units and compare "
                    + "its version (ETag) with " + (expectedVersion + 1) + " before applying again", config.retryAfterSeconds(), e);
        }
        long outcome = answer.get(0).toLong();
        if (outcome == 1) {
            return OptionalLong.of(answer.get(1).toLong());
        }
        if (outcome == 0) {
            return OptionalLong.empty();
        }
        // Only when staged keys vanished between staging and commit (expired, or deleted by hand).
        throw new IllegalStateException("the staged set is incomplete (" + answer.get(1) + "); nothing was applied");
    }

    /** Best effort: what is left expires after {@link #STAGING_TTL} anyway. */
    private void discard(Keys keys, List<Change> changes) {
        try {
            List<String> batch = new ArrayList<>(List.of(keys.writes(), keys.deletes()));
            for (Change change : changes) {
                if (change.hash() != null) {
                    batch.add(keys.unitPrefix() + change.id());
                }
                if (batch.size() >= CHUNK_UNITS) {
                    redis.key().del(batch.toArray(String[]::new)).await().atMost(callTimeout);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                redis.key().del(batch.toArray(String[]::new)).await().atMost(callTimeout);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not remove the staging keys %s* of a bulk apply that did not commit (%s); they expire within %s",
                    keys.unitPrefix(), e.getMessage(), STAGING_TTL);
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
