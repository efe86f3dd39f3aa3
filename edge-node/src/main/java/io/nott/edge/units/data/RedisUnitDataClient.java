package io.nott.edge.units.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.LoopStep;
import io.nott.unit.runtime.UnitRedisCommand;
import io.nott.unit.runtime.UnitRedisCommand.Op;
import io.nott.unit.runtime.UnitRedisClient;
import io.nott.unit.runtime.UnitRedisException;
import io.nott.unit.runtime.UnitRedisException.Reason;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vertx.redis.client.impl.types.ErrorType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code edge_computing.redis_client} over the Redis Cluster, bounded and honest:
 * <ul>
 *   <li>at most {@code maxInFlight} commands of this node are in flight; one more is refused at
 *   once ({@code nil, "... busy ..."}) rather than queued, so a slow Redis cannot pile up
 *   waiters;</li>
 *   <li>a caller waits at most {@code timeout}; its command's permit is held until Redis answers
 *   or the connection is dropped (see {@link UnitRedisConnection}), so the limit counts what Redis
 *   really has to do, and nothing is left behind when a unit gives up;</li>
 *   <li>every failure is counted for the node ({@code edge_units_redis_failures_total{reason}})
 *   and for the unit that made the call ({@code cu_unit_redis_failures_total{unit,phase,reason}}),
 *   because a unit that ignores {@code err} still ends {@code ok}.</li>
 * </ul>
 * A pipeline ({@code init_pipeline} … {@code commit_pipeline}) sends its commands together and
 * waits once ({@link #pipeline}).
 * Blocking by contract on a thread of its own (a virtual thread); on an event loop, inside a
 * {@link LoopStep}, a call suspends the step instead and the loop goes on. Keys arrive already
 * under the unit-data prefix (unit-core confines them).
 */
public final class RedisUnitDataClient implements UnitRedisClient {

    /** Per-unit failures, next to unit-core's {@code cu.unit.calls}. */
    public static final String UNIT_FAILURES = "cu.unit.redis.failures";

    private final UnitRedisConnection redis;
    private final Duration timeout;
    private final int maxInFlight;
    private final Semaphore permits;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    /** Every wait's timeout, one timer for all (not a timer, or a timed park, per command). */
    private final ReplyDeadlines deadlines;

    public RedisUnitDataClient(UnitRedisConnection redis, Duration timeout, int maxInFlight, MeterRegistry registry) {
        this.redis = redis;
        this.timeout = timeout;
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight);
        this.registry = registry;
        this.deadlines = new ReplyDeadlines(redis.vertx(), timeout);
    }

    private Response call(String command, UnitRedisCommand request) {
        LoopStep step = LoopStep.current();
        refuseOnBareLoop(step, command);
        if (!permits.tryAcquire()) {
            throw failure(Reason.BUSY, command, "refused: " + maxInFlight + " Redis calls of this edge node are already "
                    + "in flight (edge.units.redis-max-in-flight); Redis is slow or units call it too often", null);
        }
        Future<Response> reply;
        try {
            reply = redis.send(request);
        } catch (RuntimeException e) {
            permits.release();
            throw failure(Reason.UNAVAILABLE, command, "failed: " + e.getMessage(), e);
        }
        if (step != null) {
            suspendUntil(step, command, reply, true);
            return answer(command, reply);
        }
        // The permit follows the command, not the caller: a caller that times out leaves the
        // command in flight, and it still counts against the limit until Redis answers. One
        // listener releases it and hands the reply to the waiting thread (not a listener each
        // plus toCompletionStage's adapter: this runs for every unit Redis command).
        CompletableFuture<Response> answer = new CompletableFuture<>();
        reply.onComplete(done -> {
            permits.release();
            if (done.succeeded()) {
                answer.complete(done.result());
            } else {
                answer.completeExceptionally(done.cause());
            }
        });
        return waitFor(command, answer);
    }

    /**
     * A step runs inline when its unit's text does not show a Redis call (UnitTraits reads the
     * text: a name built at run time, or a call inside a required module, hides it). Waiting here
     * would hold the event loop, and every request on it, for up to the timeout.
     */
    private void refuseOnBareLoop(LoopStep step, String command) {
        if (step == null && io.vertx.core.Context.isOnEventLoopThread()) {
            throw failure(Reason.ERROR, command, "refused: called on an event loop that must not wait; the edge "
                    + "runs a unit's step where it may wait when the unit's own code names edge_computing.redis_client "
                    + "(not a name built at run time, nor only a module it requires)", null);
        }
    }

    /**
     * Off the loop: blocks this (virtual) thread for the answer, at most the timeout. The wait
     * itself is untimed: {@link ReplyDeadlines} ends it with {@link #TIMED_OUT} at the timeout.
     */
    private <T> T waitFor(String command, CompletableFuture<T> answer) {
        ReplyDeadlines.Wait wait = deadlines.start(() -> answer.completeExceptionally(TIMED_OUT));
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() == TIMED_OUT) {
                throw timedOut(command);
            }
            throw failed(command, e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(Reason.ERROR, command, "interrupted", e);
        } finally {
            wait.answered(); // over either way: the sweep drops it
        }
    }

    /** What a wait ends with at the timeout (one instance: no stack trace per timeout). */
    private static final TimeoutException TIMED_OUT = new TimeoutException("edge.units.redis-timeout passed");

    private UnitRedisException timedOut(String command) {
        return failure(Reason.TIMEOUT, command, "timed out after " + timeout.toMillis()
                + " ms (edge.units.redis-timeout)", null);
    }

    /** A reply that failed: Redis' own error, or no answer from Redis (the connection). */
    private UnitRedisException failed(String command, Throwable cause) {
        boolean connection = !(cause instanceof ErrorType);
        return failure(connection ? Reason.UNAVAILABLE : Reason.ERROR, command, "failed: " + cause.getMessage(), cause);
    }

    /**
     * For a unit whose step runs on its event loop ({@link LoopStep}): suspends the step until
     * {@code done} completes or the timeout, whichever comes first, and the loop serves other
     * requests meanwhile (OpenResty's cosocket wait). Exactly one of the two wakes the step.
     * Throws the timeout, or that the step cannot be suspended here.
     *
     * @param releasePermit {@code done} is one command's reply, whose permit its completion gives back
     */
    private void suspendUntil(LoopStep step, String command, Future<?> done, boolean releasePermit) {
        boolean[] timedOut = new boolean[1];
        // Woken once: by the reply or by the timeout, whichever ends the wait first.
        ReplyDeadlines.Wait wait = deadlines.start(() -> {
            timedOut[0] = true;
            step.wake();
        });
        done.onComplete(result -> {
            if (releasePermit) {
                permits.release();
            }
            if (wait.answered()) {
                step.wake();
            }
        });
        try {
            step.suspend();
        } catch (IllegalStateException e) {
            // Cannot suspend here (a monitor or native frame in between) and an event loop must not block.
            if (wait.answered()) {
                throw failure(Reason.ERROR, command, "cannot wait for the reply here (" + e.getMessage()
                        + "); call Redis outside of that construct", e);
            }
            throw failure(Reason.ERROR, command, "cannot wait for the reply here: " + e.getMessage(), e);
        }
        if (timedOut[0]) {
            throw timedOut(command);
        }
    }

    /** The completed reply's value, or its failure as the unit sees it. */
    private Response answer(String command, Future<Response> reply) {
        if (reply.succeeded()) {
            return reply.result();
        }
        throw failed(command, reply.cause());
    }

    /**
     * lua-resty-redis' {@code commit_pipeline}: every command is sent at once, without waiting
     * for the one before (the cluster connection sends each to its key's master, where the
     * node's one connection pipelines them), and the answers are awaited together: one round
     * trip per cluster node involved instead of one per command, on the event loop (a
     * {@link LoopStep} suspended once) or off it. Each command takes one of the node's permits
     * ({@code edge.units.redis-max-in-flight}), all or none: a pipeline that does not fit is
     * refused at once as busy. One timeout for the whole batch. A command Redis answers with an
     * error is that command's {@link UnitRedisCommand.ErrorReply} (lua-resty-redis'
     * {@code {false, err}}); a connection failure or the timeout fails the pipeline as a whole,
     * as a socket error does lua-resty-redis'.
     */
    @Override
    public List<Object> pipeline(List<UnitRedisCommand> commands) {
        int n = commands.size();
        if (n == 0) {
            return List.of();
        }
        LoopStep step = LoopStep.current();
        refuseOnBareLoop(step, PIPELINE);
        if (!permits.tryAcquire(n)) {
            throw failure(Reason.BUSY, PIPELINE, "of " + n + " commands refused: at most " + maxInFlight
                    + " Redis commands of this edge node may be in flight (edge.units.redis-max-in-flight) and"
                    + " they are taken; Redis is slow, units call it too often, or the pipeline is too long", null);
        }
        Response[] replies = new Response[n];
        Throwable[] failures = new Throwable[n];
        AtomicInteger left = new AtomicInteger(n);
        Promise<Void> all = Promise.promise();
        for (int i = 0; i < n; i++) {
            int index = i;
            Future<Response> reply;
            try {
                reply = redis.send(commands.get(i));
            } catch (RuntimeException e) {
                reply = Future.failedFuture(e);
            }
            reply.onComplete(done -> {
                permits.release();
                if (done.succeeded()) {
                    replies[index] = done.result();
                } else {
                    failures[index] = done.cause();
                }
                if (left.decrementAndGet() == 0) {
                    all.complete();
                }
            });
        }
        if (step != null) {
            suspendUntil(step, PIPELINE, all.future(), false);
        } else {
            waitFor(PIPELINE, all.future().toCompletionStage().toCompletableFuture());
        }
        List<Object> answers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Throwable failure = failures[i];
            if (failure instanceof ErrorType error) {
                answers.add(new UnitRedisCommand.ErrorReply(String.valueOf(error.getMessage())));
            } else if (failure != null) {
                throw failed(PIPELINE, failure);
            } else {
                answers.add(decode(commands.get(i).op(), replies[i]));
            }
        }
        return answers;
    }

    private static final String PIPELINE = "pipeline";

    /** A command's name in a failure's message ({@code redis incrby timed out ...}), as units call it. */
    private static final String[] NAMES = Arrays.stream(Op.values())
            .map(op -> op.redisName().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    /**
     * A reply as the command's own method returns it (and a pipeline lists it): the value or null
     * ({@code GET}, {@code HGET}), {@code "OK"}, a {@code Long}, a {@code Boolean} or the members.
     */
    private static Object decode(Op op, Response r) {
        return switch (op) {
            case GET, HGET -> text(r);
            case SET -> "OK";
            case INCRBY, DEL, HINCRBY, TTL -> number(r);
            case EXPIRE -> number(r) == 1;
            case HSET, SADD, SREM -> number(r) > 0;
            case SISMEMBER -> isMember(r);
            case SMEMBERS -> members(r);
        };
    }

    /** One command alone: sent, waited for, decoded as in a pipeline. */
    private Object run(Op op, String key, String... args) {
        return decode(op, call(NAMES[op.ordinal()], new UnitRedisCommand(op, key, List.of(args))));
    }

    private UnitRedisException failure(Reason reason, String command, String what, Throwable cause) {
        counter("edge.units.redis.failures", "", null, reason,
                "edge_computing.redis_client calls that failed, by reason (timeout, busy, unavailable, error)").increment();
        return new UnitRedisException(reason, "redis " + command + " " + what, cause);
    }

    @Override
    public void failed(String unitId, Phase phase, String command, UnitRedisException failure) {
        counter(UNIT_FAILURES, unitId, phase, failure.reason(),
                "edge_computing.redis_client calls of a unit that returned nil, err (the unit's own outcome may still be ok)")
                .increment();
    }

    private Counter counter(String name, String unit, Phase phase, Reason reason, String description) {
        String key = name + '\u0000' + unit + '\u0000' + (phase == null ? "" : phase.luaName()) + '\u0000' + reason;
        return counters.computeIfAbsent(key, k -> {
            Counter.Builder b = Counter.builder(name).description(description).tag("reason", reason.wireName());
            if (phase != null) {
                b.tag("unit", unit).tag("phase", phase.luaName());
            }
            return b.register(registry);
        });
    }

    private static String text(Response r) {
        return r == null ? null : r.toString(); // Vert.x gives null for a nil reply
    }

    private static long number(Response r) {
        return r == null ? 0 : r.toLong();
    }

    private static boolean isMember(Response r) {
        return r != null && (r.type() == ResponseType.BOOLEAN ? r.toBoolean() : r.toLong() == 1);
    }

    private static List<String> members(Response r) {
        List<String> members = new ArrayList<>();
        if (r != null) {
            for (Response m : r) {
                members.add(m.toString());
            }
        }
        return members;
    }

    @Override
    public String get(String key) {
        return (String) run(Op.GET, key);
    }

    @Override
    public void set(String key, String value, long ttlSeconds) {
        if (ttlSeconds > 0) {
            run(Op.SET, key, value, "EX", Long.toString(ttlSeconds));
        } else {
            run(Op.SET, key, value);
        }
    }

    @Override
    public long incrby(String key, long delta) {
        return (Long) run(Op.INCRBY, key, Long.toString(delta));
    }

    @Override
    public boolean expire(String key, long seconds) {
        return (Boolean) run(Op.EXPIRE, key, Long.toString(seconds));
    }

    @Override
    public long del(String key) {
        return (Long) run(Op.DEL, key);
    }

    @Override
    public String hget(String key, String field) {
        return (String) run(Op.HGET, key, field);
    }

    @Override
    public boolean hset(String key, String field, String value) {
        return (Boolean) run(Op.HSET, key, field, value);
    }

    @Override
    public long hincrby(String key, String field, long delta) {
        return (Long) run(Op.HINCRBY, key, field, Long.toString(delta));
    }

    @Override
    public boolean sadd(String key, String member) {
        return (Boolean) run(Op.SADD, key, member);
    }

    @Override
    public boolean srem(String key, String member) {
        return (Boolean) run(Op.SREM, key, member);
    }

    @Override
    public boolean sismember(String key, String member) {
        return (Boolean) run(Op.SISMEMBER, key, member);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> smembers(String key) {
        return (List<String>) run(Op.SMEMBERS, key);
    }

    @Override
    public long ttl(String key) {
        return (Long) run(Op.TTL, key);
    }
}
