package io.nott.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: starts a {@link RedisCluster} before the application and points the
 * Quarkus Redis client at it in cluster mode. Fields of type {@link RedisCluster} annotated with
 * {@link InjectRedisCluster} receive the running cluster, e.g. to stop a master.
 */
public class RedisClusterResource implements QuarkusTestResourceLifecycleManager {

    private RedisCluster cluster;

    @Override
    public Map<String, String> start() {
        cluster = RedisCluster.start();
        return Map.of(
                "quarkus.redis.hosts", cluster.hosts(),
                "quarkus.redis.client-type", "cluster",
                "quarkus.redis.cluster-transactions", "single-node",
                "quarkus.redis.devservices.enabled", "false");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(cluster,
                new TestInjector.AnnotatedAndMatchesType(InjectRedisCluster.class, RedisCluster.class));
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
