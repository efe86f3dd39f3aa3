package io.nott.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisClusterTransactions;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Proves the test cluster is a real cluster, through the same Vert.x client the services use. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterIT {

    private static RedisCluster cluster;
    private static Vertx vertx;
    private static Redis redis;
    private static RedisAPI api;
    private static final RedisBinaries BINARIES = RedisBinaries.locate();

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
        vertx = Vertx.vertx();
        RedisOptions options = new RedisOptions()
                .setType(RedisClientType.CLUSTER)
                .setClusterTransactions(RedisClusterTransactions.SINGLE_NODE)
                .setMaxPoolSize(8)
                .setMaxPoolWaiting(64);
        cluster.uris().forEach(options::addConnectionString);
        redis = Redis.createClient(vertx, options);
        api = RedisAPI.api(redis);
    }

    @AfterAll
    static void stopCluster() {
        if (vertx != null) {
            await(vertx.close());
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void hasThreeMastersAndThreeReplicas() {
        assertThat(cluster.nodes()).hasSize(6);
        assertThat(cluster.masters()).hasSize(3);
    }

    @Test
    @Order(2)
    void keysLandOnDifferentMasters() {
        Set<Integer> masterPorts = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String key = "spread:" + i;
            await(api.set(List.of(key, "v" + i)));
            assertThat(await(api.get(key)).toString()).isEqualTo("v" + i);
            masterPorts.add(cluster.masterOf(key).port());
        }
        assertThat(masterPorts).hasSize(3);
    }

    @Test
    @Order(3)
    void hashTaggedKeysCommitTogetherInOneTransaction() {
        RedisConnection connection = await(redis.connect());
        try {
            await(connection.send(Request.cmd(Command.MULTI)));
            await(connection.send(Request.cmd(Command.SET).arg("{cu}:unit:a").arg("1")));
            await(connection.send(Request.cmd(Command.SADD).arg("{cu}:units").arg("a")));
            await(connection.send(Request.cmd(Command.INCR).arg("{cu}:version")));
            Response exec = await(connection.send(Request.cmd(Command.EXEC)));
            assertThat(exec.size()).isEqualTo(3);
            assertThat(exec.get(2).toLong()).isEqualTo(1L);
        } finally {
            connection.close();
        }
        assertThat(await(api.get("{cu}:unit:a")).toString()).isEqualTo("1");
        assertThat(cluster.masterOf("{cu}:unit:a").port()).isEqualTo(cluster.masterOf("{cu}:version").port());
    }

    @Test
    @Order(4)
    void replicaTakesOverWhenItsMasterStops() {
        String key = "failover:key";
        await(api.set(List.of(key, "kept")));
        Node oldMaster = cluster.masterOf(key);
        // WAIT makes the write reach the replica before the master dies.
        cluster.cli(oldMaster, "WAIT", "1", "2000");

        cluster.stopNode(oldMaster);
        cluster.awaitHealthy();

        Node newMaster = cluster.masterOf(key);
        assertThat(newMaster.port()).isNotEqualTo(oldMaster.port());
        assertThat(cluster.cli(newMaster, "GET", key).trim()).isEqualTo("kept");

        cluster.restartNode(oldMaster);
        cluster.awaitHealthy();
        // Healthy means settled: the restarted node (empty, no persistence) no longer claims its
        // old slots as a master, so no client can be sent to it for them.
        assertThat(oldMaster.role(BINARIES)).isEqualTo("slave");
        assertThat(cluster.masterOf(key).port()).isEqualTo(newMaster.port());
        assertThat(cluster.masters()).hasSize(3);
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(Duration.ofSeconds(20).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("Redis call failed", e);
        }
    }
}
