package io.nott.edge.units.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.testsupport.Node;
import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisCluster;
import io.nott.unit.runtime.UnitRedisCommand;
import io.nott.unit.runtime.UnitRedisCommand.Op;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The units' Redis connection and its pipelined sockets ({@link PipelinedCluster}, one
 * {@link LoopSocket} per event loop and master) against a real Redis Cluster: replies matched to
 * their commands in order when a loop sends many at once, each loop on its own sockets (a reply
 * completes on the loop that sent the command), a slot that migrated answered through the
 * redirect, a killed master's commands failed and the cluster's new master used once it fails
 * over; and a master that hangs (SIGSTOP: sockets open, no answer), the failure that left
 * commands in flight for good in the failover soak: every command sent to it, on the pipelined
 * sockets or through Vert.x' client, must end (failed) once the connection is found stuck, so no
 * permit and no in-flight count is kept, and the connection works again once Redis does.
 */
class UnitRedisConnectionTest {

    private static RedisCluster cluster;
    private static Vertx vertx;
    private SimpleMeterRegistry registry;
    private UnitRedisConnection redis;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    @BeforeEach
    void open() {
        registry = new SimpleMeterRegistry();
        redis = connection(Duration.ofSeconds(5), registry);
        // A loaded machine may take a while to open the first connection and read the slots: retry.
        Poll.upTo(Duration.ofSeconds(60), "the cluster answers")
                .until(() -> await(redis.send(cmd(Op.GET, "ud:probe"))).succeeded());
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private static UnitRedisConnection connection(Duration stuckAfter, SimpleMeterRegistry registry) {
        return new UnitRedisConnection(vertx, () -> {
            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
            cluster.uris().forEach(options::addConnectionString);
            return options;
        }, stuckAfter, Duration.ofMillis(100), registry);
    }

    @Test
    void manyCommandsSentAtOnceOnOneLoopEachGetTheirOwnReply() throws Exception {
        Context loop = vertx.getOrCreateContext();
        int n = 500;
        List<Future<Response>> counts = new ArrayList<>();
        List<Future<Response>> values = new ArrayList<>();
        onLoop(loop, () -> {
            for (int i = 0; i < n; i++) {
                counts.add(redis.send(cmd(Op.INCRBY, "ud:order-counter", "1")));
                redis.send(cmd(Op.SET, "ud:order-" + i, "v" + i)); // keys on every master
                values.add(redis.send(cmd(Op.GET, "ud:order-" + i)));
            }
            return null;
        });
        for (int i = 0; i < n; i++) {
            assertThat(await(counts.get(i)).result().toLong()).as("INCRBY number %d", i).isEqualTo(i + 1L);
            assertThat(await(values.get(i)).result().toString()).isEqualTo("v" + i);
        }
        Poll.upTo(Duration.ofSeconds(30), "nothing left in flight").until(() -> redis.inFlight() == 0);
    }

    /**
     * A loop turn that sends many commands does not hold them all until it ends: while Redis has
     * none of the socket's commands, the first {@link LoopSocket#FLUSH_AT} go out at once, so Redis
     * works on them while the loop goes on with the turn. Checked from inside the turn: the loop is
     * held (as by the rest of a turn's requests) until Redis has run the first batch, which it never
     * would if the batch waited for the end of the turn.
     */
    @Test
    void aTurnsCommandsReachRedisInBatchesBeforeTheTurnEnds() throws Exception {
        Context loop = vertx.getOrCreateContext();
        String key = "ud:early-flush";
        Node master = answeredOnce(loop, key);

        boolean seenInTurn = onLoop(loop, () -> {
            incrementBatch(key);
            return redisReaches(master, key, LoopSocket.FLUSH_AT, Duration.ofSeconds(30));
        });
        assertThat(seenInTurn).as("Redis ran the turn's first %d commands while the turn was still running",
                LoopSocket.FLUSH_AT).isTrue();
    }

    /**
     * While a batch is unanswered, the turn's later commands wait for the end of the turn: an
     * early write would start nothing sooner (Redis is busy with the batch) and costs a write. The
     * loop is held inside the turn, so the first batch's replies stay unread; the second batch must
     * not reach Redis until the turn ends, and then it must.
     */
    @Test
    void aTurnsLaterCommandsWaitForItsEndWhileABatchIsUnanswered() throws Exception {
        Context loop = vertx.getOrCreateContext();
        String key = "ud:held-flush";
        Node master = answeredOnce(loop, key);

        List<Future<Response>> second = new ArrayList<>();
        String inTurn = onLoop(loop, () -> {
            incrementBatch(key);
            if (!redisReaches(master, key, LoopSocket.FLUSH_AT, Duration.ofSeconds(30))) {
                return "the first batch did not reach Redis within the turn";
            }
            second.addAll(incrementBatch(key));
            // Longer than Redis takes to run a batch it has (the first one: well under this here).
            return redisReaches(master, key, 2 * LoopSocket.FLUSH_AT, Duration.ofSeconds(1))
                    ? "the second batch reached Redis while the first was unanswered and the turn ran" : "held";
        });
        assertThat(inTurn).isEqualTo("held");
        for (int i = 0; i < second.size(); i++) {
            assertThat(await(second.get(i)).result().toLong()).as("the second batch's command %d, after the turn", i)
                    .isEqualTo(LoopSocket.FLUSH_AT + i + 1L);
        }
    }

    /** {@link LoopSocket#FLUSH_AT} increments of {@code key} sent in the calling turn; their replies. */
    private List<Future<Response>> incrementBatch(String key) {
        List<Future<Response>> replies = new ArrayList<>();
        for (int i = 0; i < LoopSocket.FLUSH_AT; i++) {
            replies.add(redis.send(cmd(Op.INCRBY, key, "1")));
        }
        return replies;
    }

    /**
     * One command on {@code key} answered on {@code loop} first, so the turn under test finds its
     * socket open and idle; the key's master.
     */
    private Node answeredOnce(Context loop, String key) throws Exception {
        Future<Response> first = onLoop(loop, () -> redis.send(cmd(Op.INCRBY, key, "0")));
        assertThat(await(first).succeeded()).as("the first command on the loop's socket").isTrue();
        return cluster.masterOf(key);
    }

    /** Polls Redis itself (redis-cli) until {@code key} holds {@code value}, for at most {@code within}. */
    private static boolean redisReaches(Node master, String key, int value, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (String.valueOf(value).equals(cluster.cli(master, "GET", key).trim())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void eachEventLoopHasItsOwnSocketsAndItsRepliesCompleteOnIt() throws Exception {
        Context first = ((VertxInternal) vertx).createEventLoopContext();
        Context second = ((VertxInternal) vertx).createEventLoopContext();
        Thread firstThread = onLoop(first, Thread::currentThread);
        Thread secondThread = onLoop(second, Thread::currentThread);
        assertThat(firstThread).as("Vert.x gives two new event-loop contexts in a row different loops").isNotEqualTo(secondThread);

        for (Context loop : List.of(first, second)) {
            Thread sender = onLoop(loop, Thread::currentThread);
            CompletableFuture<Thread> completedOn = new CompletableFuture<>();
            onLoop(loop, () -> redis.send(cmd(Op.INCRBY, "ud:loops", "1"))
                    .onComplete(done -> completedOn.complete(Thread.currentThread())));
            assertThat(completedOn.get(1, TimeUnit.MINUTES)).as("no thread hop: the reply comes on the sender's loop")
                    .isSameAs(sender);
        }
    }

    @Test
    void aCommandOffTheLoopIsAnsweredToo() throws Exception {
        Response reply = CompletableFuture.supplyAsync(() -> await(redis.send(cmd(Op.INCRBY, "ud:off-loop", "7"))).result())
                .get(1, TimeUnit.MINUTES);
        assertThat(reply.toLong()).isEqualTo(7L);
    }

    @Test
    void anErrorReplyFailsItsCommandAloneAsRedisSaidIt() {
        await(redis.send(cmd(Op.SET, "ud:not-a-number", "x")));
        Future<Response> wrong = await(redis.send(cmd(Op.INCRBY, "ud:not-a-number", "1")));
        Future<Response> right = await(redis.send(cmd(Op.GET, "ud:not-a-number")));
        assertThat(wrong.cause()).isInstanceOf(ErrorType.class).hasMessageStartingWith("ERR");
        assertThat(right.result().toString()).isEqualTo("x");
    }

    @Test
    void aSlotMigratedToAnotherMasterIsFollowedThroughTheRedirect() {
        String key = "ud:migrating";
        assertThat(await(redis.send(cmd(Op.INCRBY, key, "1"))).result().toLong()).isEqualTo(1L);
        Node from = cluster.masterOf(key);
        Node to = cluster.masters().stream().filter(m -> m.port() != from.port()).findFirst().orElseThrow();
        migrateSlotOf(key, from, to);
        try {
            assertThat(await(redis.send(cmd(Op.INCRBY, key, "1"))).result().toLong()).as("MOVED, sent again").isEqualTo(2L);
            assertThat(await(redis.send(cmd(Op.INCRBY, key, "1"))).result().toLong()).isEqualTo(3L);
            assertThat(registry.counter("edge.units.redis.redirects").count())
                    .as("the slot table learnt the move from the first MOVED").isEqualTo(1.0);
        } finally {
            migrateSlotOf(key, to, from);
        }
    }

    @Test
    void aMasterKilledUnderLoadFailsItsCommandsAndItsSlotsAreServedAgainAfterTheFailover() throws Exception {
        String key = "ud:killed";
        Node master = cluster.masterOf(key);
        Context loop = vertx.getOrCreateContext();
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger failed = new AtomicInteger();
        // A steady stream of commands on every master, from one loop, while the key's master dies.
        vertx.setPeriodic(5, id -> {
            if (!loading.get()) {
                vertx.cancelTimer(id);
                return;
            }
            for (int i = 0; i < 20; i++) {
                redis.send(cmd(Op.INCRBY, "ud:load-" + i, "1")).onFailure(e -> failed.incrementAndGet());
            }
        });
        try {
            cluster.stopNode(master);
            Poll.upTo(Duration.ofSeconds(60), "commands to the key's slot are answered again").until(() -> {
                Future<Response> reply = await(onLoop(loop, () -> redis.send(cmd(Op.INCRBY, key, "1"))));
                return reply.succeeded();
            });
        } finally {
            loading.set(false);
            cluster.restartNode(master);
            cluster.awaitHealthy();
        }
        assertThat(failed.get()).as("commands to the dead master failed, none waits for ever").isPositive();
        Poll.upTo(Duration.ofSeconds(30), "nothing left in flight").until(() -> redis.inFlight() == 0);
    }

    @Test
    void commandsToAHungMasterEndWhenTheConnectionIsFoundStuckAndNothingStaysInFlight() {
        String key = "ud:hang-probe";
        Node master = cluster.masterOf(key);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (UnitRedisConnection hung = connection(Duration.ofSeconds(1), meters)) {
            // A loaded machine may take longer than stuck-after to open the first connection: retry.
            Poll.upTo(Duration.ofSeconds(60), "the cluster answers")
                    .until(() -> await(hung.send(cmd(Op.SET, key, "before"))).succeeded()
                            && await(hung.send(Request.cmd(Command.GET).arg(key))).succeeded());

            cluster.freeze(master);
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sent.add(hung.send(cmd(Op.INCRBY, key + ":n", "1"))); // pipelined sockets
                sent.add(hung.send(Request.cmd(Command.INCR).arg(key + ":n"))); // Vert.x' client
            }
            for (Future<Response> reply : sent) {
                assertThat(await(reply).failed()).as("a command to a frozen master fails, it is not kept").isTrue();
            }
            Poll.upTo(Duration.ofSeconds(30), "nothing left in flight").until(() -> hung.inFlight() == 0);

            cluster.thaw(master);
            cluster.awaitHealthy();
            Poll.upTo(Duration.ofSeconds(60), "commands are answered again")
                    .until(() -> await(hung.send(cmd(Op.GET, key))).succeeded());
            assertThat(hung.inFlight()).isZero();
        } finally {
            cluster.thaw(master);
        }
        assertThat(meters.find("edge.units.redis.in.flight").gauge())
                .as("a closed connection's gauge is gone (a later node in this JVM registers its own)").isNull();
    }

    /** Moves the slot of {@code key} with its keys from one master to another, as redis-cli's reshard does. */
    private static void migrateSlotOf(String key, Node from, Node to) {
        String slot = cluster.cli(from, "CLUSTER", "KEYSLOT", key).trim();
        String fromId = cluster.cli(from, "CLUSTER", "MYID").trim();
        String toId = cluster.cli(to, "CLUSTER", "MYID").trim();
        cluster.cli(to, "CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
        cluster.cli(from, "CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
        cluster.cli(from, "MIGRATE", "127.0.0.1", String.valueOf(to.port()), "", "0", "5000", "KEYS", key);
        cluster.cli(to, "CLUSTER", "SETSLOT", slot, "NODE", toId);
        cluster.cli(from, "CLUSTER", "SETSLOT", slot, "NODE", toId);
        cluster.awaitHealthy();
    }

    private static UnitRedisCommand cmd(Op op, String key, String... args) {
        return new UnitRedisCommand(op, key, List.of(args));
    }

    private static <T> T onLoop(Context loop, Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.runOnContext(v -> result.complete(work.get()));
        return result.get(1, TimeUnit.MINUTES);
    }

    /** Waits for the command's end, however it ends; bounded so a regression fails instead of hanging. */
    private static Future<Response> await(Future<Response> reply) {
        Poll.upTo(Duration.ofSeconds(60), "the command ends").until(reply::isComplete);
        return reply;
    }
}
