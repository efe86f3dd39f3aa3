package io.nott.edge.units.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The one connection that carries every unit's Redis traffic of this node, apart from the
 * control plane (sync, heartbeat and change subscription never touch it).
 *
 * <p>Why one long-lived connection and not a pool: Vert.x' cluster client takes a connection
 * from <em>every</em> node's pool for each command sent through {@code Redis.send}. Under load,
 * concurrent commands each hold some nodes' connections while waiting for the others; once every
 * pool is full of such half-connected commands nobody can finish and the pools never drain (the
 * soak of issue #22: 36 active, 144 waiting, for good). A single cluster connection opened once
 * pipelines any number of commands on one socket per node, so there is nothing to wait for.
 *
 * <p>Self-healing: when the connection fails, closes, or leaves any command unanswered for
 * {@code stuckAfter}, the whole client is closed, every command still waiting on it is failed
 * here (so their callers and permits are released whatever the client does with them) and the
 * next call opens a new one, reading the
 * cluster's slots again (a failover moves them). A failed connect is kept for {@code retryAfter}
 * so a Redis outage costs one attempt per interval, not one per request.
 */
public final class UnitRedisConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(UnitRedisConnection.class);

    /**
     * One opened client, and the replies it still owes. A reset fails those itself, whatever the
     * closed client does with the commands it had taken: in a CI run of the failover soak, units'
     * commands stayed in flight for over 30 s after the load ended, and each such command keeps a
     * unit's permit and this node's in-flight count; enough of them and every Redis call of the
     * node is refused as busy, for good.
     */
    private record Session(Redis client, Future<RedisConnection> connection, Map<Promise<Response>, Long> pending) {
        Session(Redis client, Future<RedisConnection> connection) {
            this(client, connection, new ConcurrentHashMap<>());
        }

        /** True when a command sent before {@code sentBefore} (nanoTime) is still unanswered. */
        boolean owesSince(long sentBefore) {
            for (long sent : pending.values()) {
                if (sent - sentBefore < 0) {
                    return true;
                }
            }
            return false;
        }

        void failPending(String why) {
            for (Promise<Response> reply : pending.keySet()) {
                reply.tryFail("the units' Redis connection " + why + "; the command may or may not have run");
            }
        }
    }

    private final Vertx vertx;
    private final Supplier<RedisOptions> options;
    private final long stuckAfterNanos;
    private final long retryAfterMillis;
    private final AtomicReference<Session> current = new AtomicReference<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter resets;
    private final Gauge inFlightGauge;
    private final MeterRegistry registry;
    private final long watchdog;
    private volatile boolean closed;

    /**
     * @param options    a fresh {@link RedisOptions} for each (re)connect
     * @param stuckAfter commands in flight and no reply for this long: the connection is dropped and reopened
     * @param retryAfter how long a failed connect is kept before the next attempt
     */
    public UnitRedisConnection(Vertx vertx, Supplier<RedisOptions> options, Duration stuckAfter, Duration retryAfter,
            MeterRegistry registry) {
        this.vertx = vertx;
        this.options = options;
        this.stuckAfterNanos = stuckAfter.toNanos();
        this.retryAfterMillis = Math.max(1, retryAfter.toMillis());
        this.resets = Counter.builder("edge.units.redis.reconnects")
                .description("Times the units' Redis connection was dropped and reopened (failed, closed or stuck)")
                .register(registry);
        this.registry = registry;
        this.inFlightGauge = Gauge.builder("edge.units.redis.in.flight", inFlight, AtomicInteger::get)
                .description("edge_computing.redis_client commands sent and not yet answered").register(registry);
        long period = Math.max(100, Math.min(1000, stuckAfter.toMillis() / 4));
        this.watchdog = vertx.setPeriodic(period, id -> checkStuck());
    }

    /**
     * Sends one command; the future fails when there is no connection or the connection drops.
     * Its bookkeeping (pending, in-flight) is done before any listener the caller adds runs.
     *
     * <p>Every unit Redis command passes here, so it builds one promise and two listeners, not
     * a chain of futures: on an open connection the command goes straight to it ({@code compose}
     * only while the connection is still being opened), and the bookkeeping is a listener on the
     * reply itself rather than an {@code andThen} future.
     */
    public Future<Response> send(Request request) {
        Session session = session();
        inFlight.incrementAndGet();
        Promise<Response> reply = Promise.promise();
        Future<Response> answer = reply.future();
        // First listener: runs before any the caller adds (Vert.x calls them in order).
        answer.onComplete(done -> {
            session.pending().remove(reply);
            inFlight.decrementAndGet();
        });
        session.pending().put(reply, System.nanoTime());
        if (current.get() != session) {
            // reset between session() and add: its failPending may not have seen this reply
            reply.tryFail("the units' Redis connection was just dropped; try again");
        }
        Future<RedisConnection> connection = session.connection();
        Future<Response> sent = connection.succeeded() ? connection.result().send(request)
                : connection.compose(c -> c.send(request));
        sent.onComplete(done -> {
            if (done.succeeded()) {
                reply.tryComplete(done.result());
            } else {
                reply.tryFail(done.cause());
            }
        });
        return answer;
    }

    /** The Vert.x instance the connection runs on (for timers of callers that wait on a loop). */
    public Vertx vertx() {
        return vertx;
    }

    /** Commands sent and not yet answered (or failed). */
    public int inFlight() {
        return inFlight.get();
    }

    private Session session() {
        Session s = current.get();
        if (s != null) {
            return s;
        }
        synchronized (this) {
            s = current.get();
            if (s == null) {
                s = open();
                current.set(s);
            }
            return s;
        }
    }

    private Session open() {
        if (closed) {
            return new Session(null, Future.failedFuture("the edge is shutting down"));
        }
        Redis client = Redis.createClient(vertx, options.get());
        Future<RedisConnection> connection = client.connect();
        Session session = new Session(client, connection);
        connection.onSuccess(c -> {
            c.exceptionHandler(e -> reset(session, "failed: " + e.getMessage()));
            c.endHandler(v -> reset(session, "was closed by Redis"));
        }).onFailure(e -> vertx.setTimer(retryAfterMillis, id -> reset(session, "could not connect: " + e.getMessage())));
        return session;
    }

    /**
     * Any one command unanswered for stuck-after drops the connection, even while others are
     * answered: a command parked for good (a node's pool or socket that will never serve it)
     * must not wait for the whole connection to go quiet.
     */
    private void checkStuck() {
        Session s = current.get();
        if (s != null && s.owesSince(System.nanoTime() - stuckAfterNanos)) {
            reset(s, "left a command unanswered for " + stuckAfterNanos / 1_000_000 + " ms");
        }
    }

    private void reset(Session session, String why) {
        if (current.compareAndSet(session, null)) {
            resets.increment();
            LOG.warnf("The units' Redis connection %s; reopening it on the next call "
                    + "(commands still waiting on it fail now and return nil, err to their units)", why);
            if (session.client() != null) {
                session.client().close();
            }
            session.failPending(why);
        }
    }

    @Override
    public void close() {
        closed = true;
        vertx.cancelTimer(watchdog);
        Session s = current.getAndSet(null);
        if (s != null && s.client() != null) {
            s.client().close();
        }
        if (s != null) {
            s.failPending("was closed: the edge is shutting down");
        }
        // The registry can outlive this node in one JVM (tests): a later node's gauge must read its own count.
        registry.remove(inFlightGauge);
    }
}
