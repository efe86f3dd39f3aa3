package io.nott.registry.rollout.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.unit.RolloutPlan;
import io.nott.registry.rollout.RolloutState;
import io.nott.registry.unit.repository.RedisGuard;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Rollouts in Redis, all on {@code {cu}}-tagged keys (one slot, so WATCH/MULTI work in the cluster):
 * <ul>
 * <li>{@code {cu}:rollout:<id>} hash: the state ({@link RolloutState}; the plan as JSON);</li>
 * <li>{@code {cu}:rollouts} set: ids with a rollout that is not finished (what the controller looks at);</li>
 * <li>{@code {cu}:rollout:<id>:decisions} capped list, newest first: every decision with its figures
 * (the audit stream gets each one too);</li>
 * <li>{@code {cu}:rollout-lease} string with a TTL: {@code <replica>:<fence>}, the one controller that
 * may act; {@code {cu}:rollout-fence} the counter fences come from.</li>
 * </ul>
 * State changes are compare-and-set: WATCH the state and the lease, check the expected step and
 * status and that the caller still holds the lease with its fence, then MULTI/EXEC. A controller
 * that lost its lease, or a second one deciding on the same state, changes nothing.
 */
@ApplicationScoped
public class RolloutRepository {

    public static final String ACTIVE = RedisSchema.TAG + ":rollouts";
    public static final String LEASE = RedisSchema.TAG + ":rollout-lease";
    public static final String FENCE = RedisSchema.TAG + ":rollout-fence";
    private static final int DECISIONS_KEPT = 100;

    /** One decision as the UI shows it. */
    public record Decision(String at, String actor, String action, int percent, String reason) {
    }

    private final RedisDataSource redis;
    private final RedisGuard guard;
    private final RegistryConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public RolloutRepository(RedisDataSource redis, RedisGuard guard, RegistryConfig config, ObjectMapper json,
            Clock clock) {
        this.redis = redis;
        this.guard = guard;
        this.config = config;
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.clock = clock;
    }

    public static String stateKey(String id) {
        return RedisSchema.TAG + ":rollout:" + id;
    }

    public static String decisionsKey(String id) {
        return RedisSchema.TAG + ":rollout:" + id + ":decisions";
    }

    public Optional<RolloutState> find(String id) {
        return guard.call("reading the rollout of " + id, () -> read(redis, id));
    }

    /** Ids of unfinished rollouts. */
    public Set<String> active() {
        return guard.call("listing rollouts", () -> redis.set(String.class).smembers(ACTIVE));
    }

    /** Starts (or restarts, for a new canary) the rollout of a unit: its state replaces any earlier one. */
    public void start(RolloutState state, String actor, String reason) {
        guard.call("starting the rollout of " + state.unitId(), () -> {
            redis.withTransaction(tx -> {
                tx.key().del(stateKey(state.unitId()));
                tx.hash(String.class).hset(stateKey(state.unitId()), toHash(state));
                tx.set(String.class).sadd(ACTIVE, state.unitId());
            });
            return null;
        });
        decided(state.unitId(), actor, "rollout-start", state.percent(), reason, state.canaryVersion());
    }

    /**
     * Compare-and-set: applies {@code change} when the state still is at {@code expectedStep} with
     * {@code expectedStatus} and, when {@code fence} is given, the lease is still {@code fence}.
     *
     * @return the new state, or empty when the state moved on (somebody else applied it) or the lease was lost
     */
    public Optional<RolloutState> compareAndSet(String id, int expectedStep, String expectedStatus, String fence,
            UnaryOperator<RolloutState> change) {
        return guard.call("changing the rollout of " + id, () -> {
            var result = redis.withTransaction(ds -> {
                Optional<RolloutState> current = read(ds, id);
                if (current.isEmpty() || current.get().step() != expectedStep
                        || !current.get().status().equals(expectedStatus)) {
                    return null;
                }
                if (fence != null && !fence.equals(ds.value(String.class).get(LEASE))) {
                    return null;
                }
                return change.apply(current.get());
            }, (next, tx) -> {
                if (next == null) {
                    tx.discard();
                    return;
                }
                tx.hash(String.class).hset(stateKey(id), toHash(next));
                if (next.finished()) {
                    tx.set(String.class).srem(ACTIVE, id);
                } else {
                    tx.set(String.class).sadd(ACTIVE, id);
                }
            }, stateKey(id), LEASE);
            RolloutState next = result.getPreTransactionResult();
            return next == null || result.discarded() ? Optional.<RolloutState>empty() : Optional.of(next);
        });
    }

    /** Records a decision in the rollout's list and in {@code {cu}:audit}. */
    public void decided(String id, String actor, String action, int percent, String reason, long canaryVersion) {
        Instant at = clock.instant();
        guard.call("recording a rollout decision of " + id, () -> {
            redis.list(String.class).lpush(decisionsKey(id),
                    write(new Decision(at.toString(), actor, action, percent, reason)));
            redis.list(String.class).ltrim(decisionsKey(id), 0, DECISIONS_KEPT - 1);
            Map<String, String> audit = new LinkedHashMap<>();
            audit.put("at", at.toString());
            audit.put("actor", actor);
            audit.put("action", action);
            audit.put("unit", id);
            audit.put("version", String.valueOf(canaryVersion));
            audit.put("summary", "canary v" + canaryVersion + " at " + percent + " %: " + reason);
            redis.stream(String.class).xadd(RedisSchema.AUDIT, new XAddArgs().maxlen(config.auditLimit())
                    .nearlyExactTrimming(), audit);
            return null;
        });
    }

    public List<Decision> decisions(String id) {
        return guard.call("reading rollout decisions of " + id, () -> redis.list(String.class)
                .lrange(decisionsKey(id), 0, -1).stream().map(this::readDecision).toList());
    }

    /**
     * Takes or renews the controller lease for {@code replica}: the fence it holds, or null when
     * another replica holds it. A new holder gets a new fence from {@code {cu}:rollout-fence}, so a
     * controller that paused past its lease and wakes up holds a stale fence and its compare-and-set fails.
     */
    public String lease(String replica, String heldFence, Duration ttl) {
        return guard.call("taking the rollout lease", () -> {
            if (heldFence != null) {
                var renewed = redis.withTransaction(ds -> heldFence.equals(ds.value(String.class).get(LEASE)),
                        (mine, tx) -> {
                            if (!mine) {
                                tx.discard();
                                return;
                            }
                            tx.key().pexpire(LEASE, ttl.toMillis());
                        }, LEASE);
                if (Boolean.TRUE.equals(renewed.getPreTransactionResult()) && !renewed.discarded()) {
                    return heldFence;
                }
            }
            long fence = redis.value(Long.class).incr(FENCE);
            String candidate = replica + ":" + fence;
            // one command, so a lease never exists without its expiry
            var answer = redis.execute("SET", LEASE, candidate, "NX", "PX", Long.toString(ttl.toMillis()));
            return answer != null && "OK".equals(answer.toString()) ? candidate : null;
        });
    }

    /** Gives the lease up (a clean shutdown), so another replica need not wait for it to expire. */
    public void release(String fence) {
        guard.call("releasing the rollout lease", () -> {
            redis.withTransaction(ds -> fence.equals(ds.value(String.class).get(LEASE)), (mine, tx) -> {
                if (!mine) {
                    tx.discard();
                    return;
                }
                tx.key().del(LEASE);
            }, LEASE);
            return null;
        });
    }

    /** Who holds the lease now, or null. */
    public String leaseHolder() {
        return guard.call("reading the rollout lease", () -> redis.value(String.class).get(LEASE));
    }

    private Optional<RolloutState> read(RedisDataSource ds, String id) {
        Map<String, String> h = ds.hash(String.class).hgetall(stateKey(id));
        if (h == null || h.isEmpty()) {
            return Optional.empty();
        }
        try {
            RolloutPlan plan = json.readValue(h.get("plan"), RolloutPlan.class);
            return Optional.of(new RolloutState(id, Long.parseLong(h.get("canaryVersion")), plan,
                    Integer.parseInt(h.get("step")), Instant.parse(h.get("stepSince")), h.get("status"),
                    Instant.parse(h.get("startedAt"))));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("unreadable rollout state " + stateKey(id) + ": " + e.getMessage()
                    + "; delete the key to forget the rollout", e);
        }
    }

    private Map<String, String> toHash(RolloutState s) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("unit", s.unitId());
        h.put("canaryVersion", Long.toString(s.canaryVersion()));
        h.put("plan", write(s.plan()));
        h.put("step", Integer.toString(s.step()));
        h.put("percent", Integer.toString(s.percent()));
        h.put("stepSince", s.stepSince().toString());
        h.put("status", s.status());
        h.put("startedAt", s.startedAt().toString());
        return h;
    }

    private Decision readDecision(String raw) {
        try {
            return json.readValue(raw, Decision.class);
        } catch (JsonProcessingException e) {
            return new Decision(null, null, "unreadable", 0, raw);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
