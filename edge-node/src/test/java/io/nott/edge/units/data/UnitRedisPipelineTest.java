package io.nott.edge.units.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.testsupport.Node;
import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisCluster;
import io.nott.unit.runtime.LoopStep;
import io.nott.unit.runtime.UnitRedisCommand;
import io.nott.unit.runtime.UnitRedisCommand.ErrorReply;
import io.nott.unit.runtime.UnitRedisCommand.Op;
import io.nott.unit.runtime.UnitRedisException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code commit_pipeline} through the units' client against a real Redis Cluster: commands whose
 * keys live on different masters come back in order, each answered as its own method answers (an
 * error reply as that command's entry), and each alone through its own method answers the same
 * (one mapping to Vert.x' commands serves both), off the event loop and on it (a {@link LoopStep}
 * suspended once); a pipeline that does not fit the node's in-flight limit is refused whole, and
 * one that Redis does not answer fails whole with the timeout.
 */
class UnitRedisPipelineTest {

    static RedisCluster cluster;
    static Vertx vertx;
    UnitRedisConnection connection;
    SimpleMeterRegistry registry;

    @BeforeAll
    static void startAll() {
        cluster = RedisCluster.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopAll() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    @BeforeEach
    void open() {
        registry = new SimpleMeterRegistry();
        connection = connection(Duration.ofSeconds(5));
    }

    private UnitRedisConnection connection(Duration stuckAfter) {
        return new UnitRedisConnection(vertx, () -> {
            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
            cluster.uris().forEach(options::addConnectionString);
            return options;
        }, stuckAfter, Duration.ofMillis(100), registry);
    }

    @AfterEach
    void close() {
        connection.close();
    }

    /** A timeout far above what a loaded machine takes: these tests are about answers, not speed. */
    private RedisUnitDataClient client(int maxInFlight) {
        return new RedisUnitDataClient(connection, Duration.ofSeconds(20), maxInFlight, registry);
    }

    /** {@code count} keys of the unit-data namespace, each on a master none of the others is on. */
    private static List<String> keysOnDifferentMasters(String prefix, int count) {
        Set<Integer> masters = new LinkedHashSet<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            String key = "ud:" + prefix + i;
            if (masters.add(cluster.masterOf(key).port())) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static UnitRedisCommand cmd(Op op, String key, String... args) {
        return new UnitRedisCommand(op, key, List.of(args));
    }

    private static <T> T offTheLoop(Supplier<T> work) throws Exception {
        return CompletableFuture.supplyAsync(work, Executors.newVirtualThreadPerTaskExecutor()).get(2, TimeUnit.MINUTES);
    }

    /** The cluster may still be settling on a loaded machine: the first command is retried until it is answered. */
    private void awaitAnswers(RedisUnitDataClient client) {
        Poll.upTo(Duration.ofSeconds(60), "the cluster answers units").until(() -> {
            try {
                return offTheLoop(() -> client.get("ud:pipeline-probe")) == null;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /**
     * Seventeen commands, every kind, on keys of three different masters: a value, a counter and
     * a hash (whose INCRBY Redis answers with WRONGTYPE, the sixth answer).
     */
    private static List<UnitRedisCommand> everyKindOnThreeMasters(String prefix) {
        List<String> k = keysOnDifferentMasters(prefix, 3);
        String value = k.get(0);
        String counter = k.get(1);
        String hash = k.get(2);
        return List.of(
                cmd(Op.SET, value, "v"), cmd(Op.INCRBY, counter, "5"), cmd(Op.GET, value), cmd(Op.GET, value + ":none"),
                cmd(Op.HSET, hash, "f", "x"), cmd(Op.INCRBY, hash, "1"), cmd(Op.HGET, hash, "f"),
                cmd(Op.HINCRBY, hash, "c", "2"), cmd(Op.SADD, counter + ":s", "m"), cmd(Op.SMEMBERS, counter + ":s"),
                cmd(Op.SISMEMBER, counter + ":s", "m"), cmd(Op.SREM, counter + ":s", "m"), cmd(Op.EXPIRE, counter, "60"),
                cmd(Op.TTL, counter), cmd(Op.DEL, value), cmd(Op.SET, value, "w", "EX", "30"), cmd(Op.TTL, value));
    }

    /** The answers to {@link #everyKindOnThreeMasters} but the sixth (the error, whose shape differs alone and in a pipeline). */
    private void assertAnswersOfEveryKind(RedisUnitDataClient client, List<UnitRedisCommand> commands, List<Object> answers)
            throws Exception {
        assertThat(answers).hasSize(commands.size());
        assertThat(answers.subList(0, 5)).containsExactly("OK", 5L, "v", null, true);
        assertThat(answers.subList(6, 13)).containsExactly("x", 2L, true, List.of("m"), true, true, true);
        assertThat((Long) answers.get(13)).isBetween(1L, 60L);
        assertThat(answers.subList(14, 16)).containsExactly(1L, "OK");
        assertThat((Long) answers.get(16)).isBetween(1L, 30L);
        assertThat(offTheLoop(() -> client.get(commands.get(0).key()))).as("the commands ran in order").isEqualTo("w");
        assertThat(connection.inFlight()).isZero();
    }

    @Test
    void commandsOnDifferentMastersComeBackInOrderEachAnsweredAsItsOwnMethodWould() throws Exception {
        RedisUnitDataClient client = client(512);
        awaitAnswers(client);
        List<UnitRedisCommand> commands = everyKindOnThreeMasters("pipe-a-");

        List<Object> answers = offTheLoop(() -> client.pipeline(commands));

        assertThat(answers.get(5)).isInstanceOfSatisfying(ErrorReply.class,
                e -> assertThat(e.message()).startsWith("WRONGTYPE"));
        assertAnswersOfEveryKind(client, commands, answers);
    }

    @Test
    void eachCommandAloneAnswersThroughItsOwnMethodAsInAPipeline() throws Exception {
        RedisUnitDataClient client = client(512);
        awaitAnswers(client);
        List<UnitRedisCommand> commands = everyKindOnThreeMasters("alone-a-");

        List<Object> answers = offTheLoop(() -> {
            List<Object> each = new ArrayList<>();
            for (UnitRedisCommand command : commands) {
                try {
                    each.add(command.runOn(client)); // the command's own method: get, set, incrby, ...
                } catch (UnitRedisException e) {
                    each.add(e);
                }
            }
            return each;
        });

        assertThat(answers.get(5)).isInstanceOfSatisfying(UnitRedisException.class, e -> {
            assertThat(e.reason()).isEqualTo(UnitRedisException.Reason.ERROR);
            assertThat(e.getMessage()).startsWith("redis incrby failed: WRONGTYPE");
        });
        assertAnswersOfEveryKind(client, commands, answers);
    }

    @Test
    void onTheEventLoopAPipelineSuspendsItsStepOnceAndTheLoopGoesOn() throws Exception {
        RedisUnitDataClient client = client(512);
        awaitAnswers(client);
        List<String> k = keysOnDifferentMasters("pipe-b-", 2);
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        List<String> threads = new ArrayList<>();
        loop.runOnContext(v -> LoopStep.start(() -> {
            List<Object> answers = client.pipeline(List.of(cmd(Op.INCRBY, k.get(0), "2"), cmd(Op.INCRBY, k.get(1), "3"),
                    cmd(Op.GET, k.get(0))));
            threads.add(Context.isOnEventLoopThread() ? "event-loop" : "other");
            return answers;
        }, task -> loop.runOnContext(x -> task.run()), (value, failure) -> outcome.complete(failure != null ? failure : value)));

        assertThat(outcome.get(2, TimeUnit.MINUTES)).isEqualTo(List.of(2L, 3L, "2"));
        assertThat(threads).containsExactly("event-loop");
    }

    @Test
    void aPipelineThatDoesNotFitTheInFlightLimitIsRefusedWholeAndNothingIsSent() throws Exception {
        RedisUnitDataClient client = client(4);
        awaitAnswers(client);
        String key = "ud:pipe-busy";
        List<UnitRedisCommand> five = List.of(cmd(Op.INCRBY, key, "1"), cmd(Op.INCRBY, key, "1"), cmd(Op.INCRBY, key, "1"),
                cmd(Op.INCRBY, key, "1"), cmd(Op.INCRBY, key, "1"));
        CompletableFuture<Throwable> refused = CompletableFuture.supplyAsync(() -> {
            try {
                client.pipeline(five);
                return null;
            } catch (UnitRedisException e) {
                return e;
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
        assertThat(refused.get(2, TimeUnit.MINUTES)).isInstanceOfSatisfying(UnitRedisException.class, e -> {
            assertThat(e.reason()).isEqualTo(UnitRedisException.Reason.BUSY);
            assertThat(e.getMessage()).contains("pipeline of 5 commands refused").contains("edge.units.redis-max-in-flight");
        });
        assertThat(offTheLoop(() -> client.get(key))).as("nothing of it was sent").isNull();
        assertThat(offTheLoop(() -> client.pipeline(five.subList(0, 4)))).as("every permit is back")
                .containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aPipelineRedisDoesNotAnswerFailsWholeWithTheTimeoutAndGivesItsPermitsBack() throws Exception {
        // Stuck-after far above the timeout, so the timeout is what ends the wait however slow
        // the machine (a connection found stuck first would fail the pipeline as unavailable).
        connection.close();
        connection = connection(Duration.ofSeconds(60));
        RedisUnitDataClient client = new RedisUnitDataClient(connection, Duration.ofMillis(300), 8, registry);
        awaitAnswers(client);
        String key = "ud:pipe-frozen";
        Node master = cluster.masterOf(key);
        cluster.freeze(master);
        try {
            assertThatThrownBy(() -> offTheLoop(() -> client.pipeline(List.of(cmd(Op.INCRBY, key, "1"),
                    cmd(Op.GET, key)))))
                    .cause().isInstanceOfSatisfying(UnitRedisException.class, e -> {
                        assertThat(e.reason()).isEqualTo(UnitRedisException.Reason.TIMEOUT);
                        assertThat(e.getMessage()).contains("redis pipeline timed out").contains("edge.units.redis-timeout");
                    });
        } finally {
            cluster.thaw(master);
            cluster.awaitHealthy();
        }
        // The thawed master answers (or, after a failover, redirects) the commands: their permits
        // come back, and all 8 serve a pipeline again.
        Poll.upTo(Duration.ofSeconds(120), "nothing in flight").until(() -> connection.inFlight() == 0);
        List<UnitRedisCommand> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(cmd(Op.GET, key));
        }
        Poll.upTo(Duration.ofSeconds(60), "a full pipeline is answered again").until(() -> {
            try {
                return offTheLoop(() -> client.pipeline(eight)).size() == 8;
            } catch (Exception e) {
                return false;
            }
        });
    }
}
