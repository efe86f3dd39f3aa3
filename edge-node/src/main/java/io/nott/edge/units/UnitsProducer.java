package io.nott.edge.units;

import io.micrometer.core.instrument.MeterRegistry;
import io.nott.edge.config.EdgeConfig;
import io.nott.edge.units.data.RedisUnitDataClient;
import io.nott.edge.units.sync.ChangeSubscriber;
import io.nott.edge.units.sync.Heartbeat;
import io.nott.edge.units.sync.RedisUnitSource;
import io.nott.edge.units.sync.SnapshotFile;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.units.sync.UnitSync;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/** Wires the unit runtime (unit-core's runner, the Redis client for units) and starts the snapshot sync and heartbeat. */
@ApplicationScoped
public class UnitsProducer {

    private UnitSync sync;
    private ChangeSubscriber subscriber;

    @Produces
    @Singleton
    OffLoop offLoop() {
        return new OffLoop();
    }

    void closeOffLoop(@Disposes OffLoop offLoop) {
        offLoop.close();
    }

    @Produces
    @Singleton
    PhaseRunner phaseRunner(ReactiveRedisDataSource redis, EdgeConfig config, MeterRegistry registry, Clock clock) {
        return new PhaseRunner(RunnerSettings.DEFAULT, registry, clock,
                new RedisUnitDataClient(redis, config.units().redisTimeout(), registry));
    }

    @Produces
    @Singleton
    LuaPhasesInterceptor luaPhases(SnapshotHolder holder, PhaseRunner runner, OffLoop offLoop, EdgeConfig config) {
        return new LuaPhasesInterceptor(holder, runner, offLoop, config.units().maxFilteredBody().asLongValue());
    }

    @Produces
    @Singleton
    SnapshotFile snapshotFile(EdgeConfig config) {
        return new SnapshotFile(Path.of(config.sync().snapshotFile().orElseGet(() ->
                Path.of(System.getProperty("java.io.tmpdir"), "nott-edge", nodeId(config), "units-snapshot.json").toString())));
    }

    @Produces
    @Singleton
    UnitSync unitSync(SnapshotHolder holder, RedisUnitSource source, SnapshotFile file, Clock clock, EdgeConfig config,
            MeterRegistry registry) {
        return new UnitSync(holder, source, file, clock, config.sync().pollInterval(), registry);
    }

    void start(@Observes StartupEvent event, UnitSync unitSync, SnapshotHolder holder, RedisDataSource redis,
            EdgeConfig config, Clock clock, Vertx vertx) {
        this.sync = unitSync;
        unitSync.start();
        unitSync.schedule(new Heartbeat(redis, holder, nodeId(config), config.sync().heartbeatTtl(), clock),
                config.sync().heartbeatInterval());
        subscriber = new ChangeSubscriber(vertx, redisNodes(), unitSync::pushed, unitSync::requestSync);
        subscriber.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.stop();
        }
        if (sync != null) {
            sync.close();
        }
    }

    /** {@code edge.node-id}, else the host name and HTTP port (two edges on one machine stay apart). */
    static String nodeId(EdgeConfig config) {
        return config.nodeId().orElseGet(() -> {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "edge";
            }
            String port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", String.class).orElse("8080");
            return (host + "-" + port).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        });
    }

    private static List<String> redisNodes() {
        String hosts = ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).orElse("");
        return Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
    }
}
