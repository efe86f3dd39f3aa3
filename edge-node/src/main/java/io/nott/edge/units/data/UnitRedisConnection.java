package io.nott.edge.units.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.unit.runtime.UnitRedisCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.net.URI;
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
 * <p>Two ways to Redis, one session: unit commands ({@link #send(UnitRedisCommand)}) go on
 * pipelined sockets of this node's own ({@link PipelinedCluster}: one per event loop and master,
 * a loop turn's commands written together, no thread hop), routed by the slots read with {@code CLUSTER SLOTS};
 * Vert.x' cluster client opens the session, reads those slots, and carries what the sockets do
 * not: a {@code MOVED}/{@code ASK} redirect and every command of a standalone Redis (no slots). Per command, Vert.x' client builds request and response
 * objects and a chain of promises and flushes one write each; the pipelined sockets write a loop
 * turn's commands with one flush per {@link LoopSocket#FLUSH_AT} (figures: edge-node/README.md,
 * "Rows 4 and 5, eighth pass" and "Redis commands flushed early").
 *
 * <p>Why one long-lived connection and not a pool: Vert.x' cluster client takes a connection
 * from <em>every</em> node's pool for each command sent through {@code Redis.send}. Under load,
 * concurrent commands each hold some nodes' connections while waiting for the others; once every
 * pool is full of such half-connected commands nobody can finish and the pools never drain (the
 * soak of issue #22: 36 active, 144 waiting, for good). A single cluster connection opened once
 * pipelines any number of commands on one socket per node, so there is nothing to wait for.
 *
 * <p>Self-healing: when the connection or any of its pipelined sockets fails, closes, or leaves
 * any command unanswered for {@code stuckAfter}, the whole session is closed, every command still
 * waiting on it is failed here (so their callers and permits are released whatever the client
 * does with them) and the next call opens a new one, reading the cluster's slots again (a
 * failover moves them). A failed connect, of the session or of one socket, is kept for
 * {@code retryAfter} so a Redis outage costs one attempt per interval, not one per request.
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
    private record Session(Redis client, Future<RedisConnection> connection, Future<PipelinedCluster> pipelined,
            Map<Promise<Response>, Long> pending) {
        Session(Redis client, Future<RedisConnection> connection, Future<PipelinedCluster> pipelined) {
            this(client, connection, pipelined, new ConcurrentHashMap<>());
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

        void close(String why) {
            if (client != null) {
                client.close();
            }
            pipelined.onSuccess(p -> p.close(why));
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
    private final Counter redirects;
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
        this.redirects = Counter.builder("edge.units.redis.redirects")
                .description("Unit commands a master answered MOVED or ASK (a slot moved): sent again through Vert.x' client")
                .register(registry);
        this.registry = registry;
        this.inFlightGauge = Gauge.builder("edge.units.redis.in.flight", inFlight, AtomicInteger::get)
                .description("edge_computing.redis_client commands sent and not yet answered").register(registry);
        long period = Math.max(100, Math.min(1000, stuckAfter.toMillis() / 4));
        this.watchdog = vertx.setPeriodic(period, id -> checkStuck());
    }

    /**
     * Sends one unit command on this node's pipelined sockets ({@link PipelinedCluster}): the
     * master of its key's slot, on the calling event loop's socket to it (a command sent while the
     * slots are being read waits for them). Through Vert.x' cluster client instead when there are
     * no slots (a standalone Redis) and for a {@code MOVED}/{@code ASK}. The future fails when
     * there is no connection or it drops.
     * Its bookkeeping (pending, in-flight) is done before any listener the caller adds runs.
     */
    public Future<Response> send(UnitRedisCommand command) {
        Session session = session();
        Promise<Response> reply = track(session);
        Future<PipelinedCluster> pipelined = session.pipelined();
        if (pipelined.succeeded()) {
            pipelined.result().send(command, reply);
        } else if (pipelined.failed()) {
            sendThroughVertx(session, request(command), reply);
        } else {
            pipelined.onComplete(ready -> {
                if (ready.succeeded()) {
                    ready.result().send(command, reply);
                } else {
                    sendThroughVertx(session, request(command), reply);
                }
            });
        }
        return reply.future();
    }

    /**
     * Sends one command through Vert.x' cluster client (which routes it and follows redirects);
     * the future fails when there is no connection or the connection drops.
     */
    public Future<Response> send(Request request) {
        Session session = session();
        Promise<Response> reply = track(session);
        sendThroughVertx(session, request, reply);
        return reply.future();
    }

    /**
     * A reply promise counted in flight and pending on {@code session} until it completes. Every
     * unit Redis command passes here, so it builds one promise and one listener, not a chain of
     * futures; the bookkeeping is the reply's first listener (Vert.x calls them in order), so it is
     * done before any listener the caller adds runs.
     */
    private Promise<Response> track(Session session) {
        inFlight.incrementAndGet();
        Promise<Response> reply = Promise.promise();
        reply.future().onComplete(done -> {
            session.pending().remove(reply);
            inFlight.decrementAndGet();
        });
        session.pending().put(reply, System.nanoTime());
        if (current.get() != session) {
            // reset between session() and add: its close may not have seen this reply
            reply.tryFail("the units' Redis connection was just dropped; try again");
        }
        return reply;
    }

    /** On an open connection the command goes straight to it ({@code compose} only while it is being opened). */
    private static void sendThroughVertx(Session session, Request request, Promise<Response> reply) {
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
    }

    /** The one mapping of a unit's command to what Vert.x' client sends. */
    static Request request(UnitRedisCommand command) {
        Request r = Request.cmd(switch (command.op()) {
            case GET -> Command.GET;
            case SET -> Command.SET;
            case INCRBY -> Command.INCRBY;
            case EXPIRE -> Command.EXPIRE;
            case DEL -> Command.DEL;
            case HGET -> Command.HGET;
            case HSET -> Command.HSET;
            case HINCRBY -> Command.HINCRBY;
            case SADD -> Command.SADD;
            case SREM -> Command.SREM;
            case SISMEMBER -> Command.SISMEMBER;
            case SMEMBERS -> Command.SMEMBERS;
            case TTL -> Command.TTL;
        }).arg(command.key());
        for (String a : command.args()) {
            r.arg(a);
        }
        return r;
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
            String why = "the edge is shutting down";
            return new Session(null, Future.failedFuture(why), Future.failedFuture(why));
        }
        RedisOptions opened = options.get();
        Redis client = Redis.createClient(vertx, opened);
        Future<RedisConnection> connection = client.connect();
        Promise<PipelinedCluster> pipelined = Promise.promise();
        Session session = new Session(client, connection, pipelined.future());
        connection.onSuccess(c -> {
            c.exceptionHandler(e -> reset(session, "failed: " + e.getMessage()));
            c.endHandler(v -> reset(session, "was closed by Redis"));
        }).onFailure(e -> vertx.setTimer(retryAfterMillis, id -> reset(session, "could not connect: " + e.getMessage())));
        // The slots, read once per connection, and the pipelined sockets; a standalone Redis has
        // no slots, and its commands all go through Vert.x' client.
        connection.compose(c -> c.send(Request.cmd(Command.CLUSTER).arg("SLOTS")))
                .map(slots -> new PipelinedCluster(vertx, opened.getNetClientOptions(),
                        new ClusterSlots(slots, firstHost(opened)), sockets(session)))
                .onComplete(pipelined);
        return session;
    }

    private static String firstHost(RedisOptions options) {
        return URI.create(options.getEndpoint()).getHost();
    }

    /** What the pipelined sockets of {@code session} hand back: redirects, and losses that drop the session. */
    private LoopSocket.Owner sockets(Session session) {
        return new LoopSocket.Owner() {
            @Override
            public void redirected(UnitRedisCommand command, Promise<Response> reply, ErrorType redirect) {
                if (redirect != null) {
                    redirects.increment();
                    if (redirect.getMessage().startsWith("MOVED ")) {
                        session.pipelined().onSuccess(p -> p.slots().moved(redirect.getMessage()));
                    }
                }
                sendThroughVertx(session, request(command), reply);
            }

            @Override
            public void lost(String why) {
                reset(session, why);
            }

            @Override
            public void unreachable(String why) {
                // As a failed connect: kept for retry-after, so a dead master costs one attempt per interval.
                vertx.setTimer(retryAfterMillis, id -> reset(session, why));
            }
        };
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
            session.close(why);
        }
    }

    @Override
    public void close() {
        closed = true;
        vertx.cancelTimer(watchdog);
        Session s = current.getAndSet(null);
        if (s != null) {
            s.close("was closed: the edge is shutting down");
        }
        // The registry can outlive this node in one JVM (tests): a later node's gauge must read its own count.
        registry.remove(inFlightGauge);
    }
}
