package io.nott.edge.units;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.edge.config.EdgeConfig;
import io.nott.edge.units.run.LuaPhasesInterceptor;
import io.nott.edge.units.run.UnitOutputLimits;
import io.nott.edge.units.run.OffLoop;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.edge.units.data.ReadThroughCache;
import io.nott.edge.units.data.RedisUnitDataClient;
import io.nott.edge.units.data.UnitRedisConnection;
import io.nott.edge.units.sync.ChangeSubscriber;
import io.nott.edge.units.sync.Heartbeat;
import io.nott.edge.units.sync.RedisUnitSource;
import io.nott.edge.units.sync.SnapshotFile;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.units.sync.SyncStatus;
import io.nott.edge.units.sync.UnitSync;
import io.nott.unit.runtime.MemoryAdmission;
import io.nott.unit.model.SharedDictSpec;
import io.nott.unit.runtime.RedisNamespace;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.shared.SharedDicts;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.TimerSettings;
import io.nott.unit.runtime.UnitRedisClient;
import io.nott.unit.sandbox.SandboxLimits;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;

/** Wires the unit runtime (unit-core's runner, the Redis client for units) and starts the snapshot sync and heartbeat. */
@ApplicationScoped
public class UnitsProducer {

    private UnitSync sync;
    private ChangeSubscriber subscriber;

    @Produces
    @Singleton
    OffLoop offLoop(EdgeConfig config, MeterRegistry registry) {
        OffLoop offLoop = new OffLoop(config.units().offloadMaxInFlight(),
                config.units().offloadConcurrency().orElse(OffLoop.defaultMaxRunning()), config.units().offloadMaxWait());
        Gauge.builder("edge.units.offload.in.flight", offLoop, OffLoop::slowInFlight)
                .description("Slow unit steps off the event loop now, running or waiting for a turn").register(registry);
        Gauge.builder("edge.units.offload.running", offLoop, OffLoop::slowRunning)
                .description("Slow unit steps running off the event loop now (at most edge.units.offload-concurrency)")
                .register(registry);
        Gauge.builder("edge.units.offload.waiting", offLoop, OffLoop::slowWaiting)
                .description("Slow unit steps waiting for a turn to run").register(registry);
        FunctionCounter.builder("edge.units.offload.steps", offLoop, OffLoop::slowOffloaded)
                .description("Slow unit steps moved off the event loop").register(registry);
        // One counter, the reason as a tag: the in-flight bound reached, or no turn within offload-max-wait.
        FunctionCounter.builder("edge.units.offload.refused", offLoop, OffLoop::slowRefused)
                .description("Slow unit steps run inline without their slow units (reason: max-in-flight, the "
                        + "in-flight bound was reached; max-wait, no turn to run within edge.units.offload-max-wait)")
                .tag("reason", "max-in-flight").register(registry);
        FunctionCounter.builder("edge.units.offload.refused", offLoop, OffLoop::slowTimedOut)
                .description("Slow unit steps run inline without their slow units (reason: max-in-flight, the "
                        + "in-flight bound was reached; max-wait, no turn to run within edge.units.offload-max-wait)")
                .tag("reason", "max-wait").register(registry);
        return offLoop;
    }

    void closeOffLoop(@Disposes OffLoop offLoop) {
        offLoop.close();
    }

    @Produces
    @Singleton
    PhaseRunner phaseRunner(RunnerSettings settings, UnitRedisClient redis, MeterRegistry registry, Clock clock,
            MemoryAdmission admission, EdgeConfig config) {
        // The node's ngx.shared dicts: declared in the registry, applied with each snapshot,
        // their total bounded here (a declaration past the bound is refused and logged).
        SharedDicts dicts = new SharedDicts(clock, registry, SharedDictSpec.parseSize(config.sharedDicts().maxTotal()));
        return new PhaseRunner(settings, registry, clock, redis, admission, dicts, TimerSettings.DEFAULT);
    }

    /**
     * The edge stops: pending {@code ngx.timer}s run now with {@code premature = true} (as nginx
     * runs them when a worker exits). On Quarkus' shutdown event, before any bean is destroyed, so
     * Redis is still there for them; up to 10 s. Then the runner's gauges leave the registry, which
     * may outlive this application (a restart in the same JVM).
     */
    void stopTimers(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event, PhaseRunner runner) {
        runner.shutdownTimers(java.time.Duration.ofSeconds(10));
        runner.removeGauges();
    }

    /** The node's bound on memory reserved by unit calls in flight ({@code edge.units.memory-*}). */
    @Produces
    @Singleton
    MemoryAdmission memoryAdmission(EdgeConfig config, MeterRegistry registry) {
        return MemoryAdmission.shareOfHeap(config.units().memoryShare(), config.units().memoryMaxWait(), registry);
    }

    /** unit-core's runner settings from {@code edge.units.*}. */
    @Produces
    @Singleton
    RunnerSettings runnerSettings(EdgeConfig config) {
        EdgeConfig.UnitsConfig units = config.units();
        EdgeConfig.SandboxConfig sandbox = units.sandbox();
        return new RunnerSettings(new SandboxLimits(sandbox.maxCallDepth(), intBytes(sandbox.maxString(), "edge.units.sandbox.max-string"),
                sandbox.maxAllocated().asLongValue(), sandbox.maxUnpack()), units.breakerFailureThreshold(),
                units.breakerCoolDown(), intBytes(units.maxBody(), "edge.units.max-body"), units.maxRedisWait(),
                units.clientMaxBodySize().asLongValue(), RedisNamespace.isolating(units.redisIsolated().orElse(Set.of())));
    }

    private static int intBytes(MemorySize size, String key) {
        long bytes = size.asLongValue();
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " is " + bytes + " bytes; set a size between 1 and 2G");
        }
        return (int) bytes;
    }

    /** The units' own Redis connection: unit traffic never shares a pool with the control plane. */
    @Produces
    @Singleton
    UnitRedisConnection unitRedisConnection(Vertx vertx, EdgeConfig config, MeterRegistry registry) {
        List<String> nodes = redisNodes();
        boolean cluster = "cluster".equalsIgnoreCase(ConfigProvider.getConfig()
                .getOptionalValue("quarkus.redis.client-type", String.class).orElse("standalone"));
        int inFlight = config.units().redisMaxInFlight();
        Duration connectTimeout = config.units().redisStuckAfter();
        return new UnitRedisConnection(vertx, () -> {
            RedisOptions options = new RedisOptions().setType(cluster ? RedisClientType.CLUSTER : RedisClientType.STANDALONE)
                    .setUseReplicas(RedisReplicas.NEVER)
                    // One connection per node is all this client opens (see UnitRedisConnection);
                    // the cluster client insists on a pool at least as large as the cluster.
                    .setMaxPoolSize(Math.max(8, nodes.size() * 2)).setMaxPoolWaiting(Math.max(32, nodes.size() * 8))
                    .setMaxWaitingHandlers(Math.max(inFlight * 2, 2048))
                    .setPoolName("edge-units-redis");
            nodes.forEach(options::addConnectionString);
            // "<prefix>|<client name>" as Quarkus' own clients: redis_* meters tagged clientName, not
            // the nameless m__current / m__queue_size series an empty metrics name gives (issue #20).
            options.getNetClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                    .setTcpNoDelay(true).setMetricsName("redis|edge-units-data");
            return options;
        }, config.units().redisStuckAfter(), Duration.ofMillis(500), registry);
    }

    void closeUnitRedis(@Disposes UnitRedisConnection connection) {
        connection.close();
    }

    @Produces
    @Singleton
    UnitRedisClient unitRedisClient(UnitRedisConnection connection, EdgeConfig config, MeterRegistry registry, Clock clock) {
        UnitRedisClient redis = new RedisUnitDataClient(connection, config.units().redisTimeout(),
                config.units().redisMaxInFlight(), registry);
        return config.units().redisReadCachePrefixes()
                .<UnitRedisClient>map(prefixes -> new ReadThroughCache(redis, prefixes, config.units().redisReadCacheTtl(),
                        config.units().redisReadCacheMaxKeys(), clock))
                .orElse(redis);
    }

    @Produces
    @Singleton
    LuaPhasesInterceptor luaPhases(SnapshotHolder holder, PhaseRunner runner, OffLoop offLoop, EdgeConfig config,
            MeterRegistry registry) {
        EdgeConfig.UnitsConfig units = config.units();
        long offloadAbove = units.offloadAbove().toNanos();
        if (offloadAbove <= 0) {
            throw new IllegalArgumentException("edge.units.offload-above is " + units.offloadAbove()
                    + "; set a positive duration such as 1ms");
        }
        Gauge.builder("edge.units.slow", holder, h -> h.snapshot().slowUnits(offloadAbove).size())
                .description("Units whose recent cost is above edge.units.offload-above (their steps run off the event loop)")
                .register(registry);
        return new LuaPhasesInterceptor(holder, new RequestPipeline(runner), offLoop, units.maxFilteredBody().asLongValue(),
                new UnitOutputLimits(units.maxHeaders(), units.maxHeaderBytes().asLongValue(), units.maxBody().asLongValue()),
                offloadAbove, units.clientMaxBodySize().asLongValue(),
                units.redisOnLoop()); // RedisUnitDataClient suspends a LoopStep: safe either way
    }

    @Produces
    @Singleton
    SnapshotFile snapshotFile(EdgeConfig config) {
        return new SnapshotFile(Path.of(config.sync().snapshotFile().orElseGet(() ->
                Path.of(System.getProperty("java.io.tmpdir"), "nott-edge", nodeId(config), "units-snapshot.json").toString())));
    }

    @Produces
    @Singleton
    SyncStatus syncStatus(Clock clock, EdgeConfig config, MeterRegistry registry) {
        return new SyncStatus(clock, config.sync().maxFailures(), config.sync().maxLag(), registry);
    }

    @Produces
    @Singleton
    UnitSync unitSync(SnapshotHolder holder, RedisUnitSource source, SnapshotFile file, Clock clock, EdgeConfig config,
            SyncStatus status, MeterRegistry registry) {
        return new UnitSync(holder, source, file, clock, config.sync().pollInterval(), status, registry);
    }

    /**
     * The control plane (sync, heartbeat: Quarkus' default Redis client, used by the one sync
     * thread only; the subscription: its own connection) never shares a connection with unit
     * traffic, which has its own ({@link #unitRedisConnection}).
     */
    void start(@Observes StartupEvent event, UnitSync unitSync, SnapshotHolder holder, SyncStatus status,
            RedisDataSource redis, EdgeConfig config, Clock clock, Vertx vertx, PhaseRunner runner) {
        this.sync = unitSync;
        unitSync.prepareWith(runner::prepare);
        subscriber = new ChangeSubscriber(vertx, redisNodes(), unitSync::pushed, unitSync::requestSync);
        unitSync.healWith(subscriber::restart);
        unitSync.start();
        unitSync.schedule(new Heartbeat(redis, holder, status, nodeId(config), config.sync().heartbeatTtl(), clock,
                runner.health()),
                config.sync().heartbeatInterval());
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
