package io.nott.edge.units.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
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
 * <p>Self-healing: when the connection fails, closes, or leaves commands unanswered for
 * {@code stuckAfter}, the whole client is closed (which fails every command still waiting on it,
 * so their callers and permits are released) and the next call opens a new one, reading the
 * cluster's slots again (a failover moves them). A failed connect is kept for {@code retryAfter}
 * so a Redis outage costs one attempt per interval, not one per request.
 */
public final class UnitRedisConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(UnitRedisConnection.class);

    private record Session(Redis client, Future<RedisConnection> connection) {
    }

    private final Vertx vertx;
    private final Supplier<RedisOptions> options;
    private final long stuckAfterNanos;
    private final long retryAfterMillis;
    private final AtomicReference<Session> current = new AtomicReference<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter resets;
    private final long watchdog;
    private volatile long lastProgressNanos = System.nanoTime();
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
        Gauge.builder("edge.units.redis.in.flight", inFlight, AtomicInteger::get)
                .description("edge_computing.redis_client commands sent and not yet answered").register(registry);
        long period = Math.max(100, Math.min(1000, stuckAfter.toMillis() / 4));
        this.watchdog = vertx.setPeriodic(period, id -> checkStuck());
    }

    /** Sends one command; the future fails when there is no connection or the connection drops. */
    public Future<Response> send(Request request) {
        Session session = session();
        if (inFlight.getAndIncrement() == 0) {
            lastProgressNanos = System.nanoTime();
        }
        return session.connection().compose(c -> c.send(request)).andThen(done -> {
            lastProgressNanos = System.nanoTime();
            inFlight.decrementAndGet();
        });
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

    private void checkStuck() {
        Session s = current.get();
        if (s != null && inFlight.get() > 0 && System.nanoTime() - lastProgressNanos > stuckAfterNanos) {
            reset(s, "left " + inFlight.get() + " commands unanswered for " + stuckAfterNanos / 1_000_000 + " ms");
        }
    }

    private void reset(Session session, String why) {
        if (current.compareAndSet(session, null)) {
            resets.increment();
            LOG.warnf("The units' Redis connection %s; reopening it on the next call "
                    + "(commands still waiting on it fail now and return nil, err to their units)", why);
            lastProgressNanos = System.nanoTime();
            if (session.client() != null) {
                session.client().close();
            }
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
    }
}
