package io.nott.edge.units.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.testsupport.Node;
import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisCluster;
import io.nott.unit.runtime.UnitRedisCommand;
import io.nott.unit.runtime.UnitRedisCommand.Op;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The units' Redis connection against a real Redis Cluster whose master hangs (SIGSTOP: sockets
 * open, no answer), the failure that left commands in flight for good in the failover soak: every
 * command sent to it, on the units' pipelined sockets or through Vert.x' client, must end
 * (failed) once the connection is found stuck, so no permit and no in-flight count is kept, and
 * the connection works again once Redis does.
 */
class UnitRedisConnectionTest {

    private static final String KEY = "ud:hang-probe";

    private static RedisCluster cluster;
    private static Vertx vertx;

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

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private UnitRedisConnection connection() {
        return new UnitRedisConnection(vertx, () -> {
            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setMaxPoolSize(16)
                    .setMaxPoolWaiting(64);
            cluster.uris().forEach(options::addConnectionString);
            return options;
        }, Duration.ofSeconds(1), Duration.ofMillis(100), registry);
    }

    @Test
    void commandsToAHungMasterEndWhenTheConnectionIsFoundStuckAndNothingStaysInFlight() {
        Node master = cluster.masterOf(KEY);
        try (UnitRedisConnection redis = connection()) {
            // A loaded machine may take longer than stuck-after to open the first connection: retry.
            Poll.upTo(Duration.ofSeconds(60), "the cluster answers")
                    .until(() -> await(redis.send(Request.cmd(Command.SET).arg(KEY).arg("before"))).succeeded());

            cluster.freeze(master);
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sent.add(redis.send(new UnitRedisCommand(Op.INCRBY, KEY + ":n", List.of("1")))); // pipelined sockets
                sent.add(redis.send(Request.cmd(Command.INCR).arg(KEY + ":n"))); // Vert.x' client
            }
            for (Future<Response> reply : sent) {
                assertThat(await(reply).failed()).as("a command to a frozen master fails, it is not kept").isTrue();
            }
            Poll.upTo(Duration.ofSeconds(30), "nothing left in flight").until(() -> redis.inFlight() == 0);

            cluster.thaw(master);
            cluster.awaitHealthy();
            Poll.upTo(Duration.ofSeconds(60), "commands are answered again")
                    .until(() -> await(redis.send(Request.cmd(Command.GET).arg(KEY))).succeeded());
            assertThat(redis.inFlight()).isZero();
        } finally {
            cluster.thaw(master);
        }
        assertThat(registry.find("edge.units.redis.in.flight").gauge())
                .as("a closed connection's gauge is gone (a later node in this JVM registers its own)").isNull();
    }

    /** Waits for the command's end, however it ends; bounded so a regression fails instead of hanging. */
    private static Future<Response> await(Future<Response> reply) {
        Poll.upTo(Duration.ofSeconds(60), "the command ends").until(reply::isComplete);
        return reply;
    }
}
