package io.nott.edge.units;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.edge.cache.CachePolicy;
import io.nott.edge.cache.CacheSettings;
import io.nott.edge.support.Origin;
import io.nott.edge.support.ProxyBed;
import io.nott.edge.units.data.RedisUnitDataClient;
import io.nott.edge.units.data.UnitRedisConnection;
import io.nott.edge.units.run.LuaPhasesInterceptor;
import io.nott.edge.units.run.OffLoop;
import io.nott.edge.units.sync.AppliedSnapshot;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.upstream.UpstreamSettings;
import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisCluster;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitRedisClient;
import io.nott.unit.runtime.UnitSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Units that call the real Redis Cluster from a request phase run on the event loop: each Redis
 * call suspends the request's step ({@code LoopStep}) and the reply resumes it there, while the
 * loop serves other requests; each request still sees its own replies and its own variables.
 */
class LoopRedisUnitsTest {

    static RedisCluster cluster;
    static Vertx vertx;
    Origin origin;
    ProxyBed bed;
    SnapshotHolder holder;
    OffLoop offLoop;
    UnitRedisConnection connection;
    final Set<String> redisThreads = ConcurrentHashMap.newKeySet();
    final Set<String> redisMethods = ConcurrentHashMap.newKeySet();

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
    void start() {
        origin = new Origin(vertx).respond(r -> r.response().putHeader("Content-Type", "application/vnd.apple.mpegurl")
                .end("#EXTM3U\n#EXTINF:2.0,\nseg1.ts\n"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        holder = new SnapshotHolder(registry, Clock.systemUTC());
        offLoop = new OffLoop();
        connection = new UnitRedisConnection(vertx, () -> {
            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
            cluster.uris().forEach(options::addConnectionString);
            return options;
        }, Duration.ofSeconds(5), Duration.ofMillis(100), registry);
        // A timeout far above what a loaded machine takes: the test is about where calls run, not how fast.
        UnitRedisClient client = recording(new RedisUnitDataClient(connection, Duration.ofSeconds(20), 512, registry));
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, registry, Clock.systemUTC(), client);
        LuaPhasesInterceptor lua = new LuaPhasesInterceptor(holder, new RequestPipeline(runner), offLoop, 1 << 20,
                io.nott.edge.units.run.UnitOutputLimits.DEFAULT, LuaPhasesInterceptor.DEFAULT_OFFLOAD_ABOVE_NANOS,
                io.nott.unit.runtime.RunnerSettings.DEFAULT_MAX_REQUEST_BODY_BYTES, true);
        bed = new ProxyBed(vertx, CacheSettings.defaults(), List.of(new ProxyBed.RouteSpec("hls", "/hls",
                UpstreamSettings.of("hls", List.of(origin.address())), CachePolicy.parse(true, List.of("200=60s"), false))),
                List.of(lua));
    }

    @AfterEach
    void stop() {
        bed.close();
        origin.close();
        offLoop.close();
        connection.close();
    }

    /** Records on which kind of thread each Redis call ran (a proxy: the client's own answers pass through). */
    private UnitRedisClient recording(UnitRedisClient delegate) {
        return (UnitRedisClient) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {UnitRedisClient.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("failed")) {
                        redisMethods.add(method.getName());
                        redisThreads.add((Context.isOnEventLoopThread() ? "event-loop" : "other")
                                + (Thread.currentThread().isVirtual() ? "/virtual" : "/platform"));
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void units(ComputingUnit... units) {
        // A generous wall budget: a first call on a loaded machine builds a runtime; max Redis wait is excused anyway.
        UnitSnapshot snapshot = UnitSnapshot.build(1, java.util.Arrays.stream(units)
                .map(u -> u.withBudget(new Budget(1_000_000, 20_000))).toList());
        holder.swap(new AppliedSnapshot(snapshot, "v1", System.currentTimeMillis(), "test", List.of()));
    }

    @Test
    void concurrentRequestsWaitForRedisOnTheLoopAndEachGetsItsOwnReplies() throws Exception {
        units(ComputingUnit.of("counter", Phase.ACCESS, """
                local r = edge_computing.redis_client
                local key = 'loop:' .. ngx.var.arg_who
                local n = r:incr(key)
                local again = coroutine.wrap(function() return r:get(key) end)()
                ngx.header['X-Count'] = ngx.var.arg_who .. '=' .. n .. '/' .. again
                """));
        Poll.upTo(Duration.ofSeconds(60), "the cluster answers units")
                .until(() -> bed.get("/hls/a?who=probe").headers().firstValue("X-Count").isPresent());

        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(8); // requests in flight together, whatever the core count
        try {
            for (int i = 0; i < 40; i++) {
                String who = "w" + (i % 4);
                sent.add(CompletableFuture.supplyAsync(() -> bed.get("/hls/a?who=" + who), clients));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
        } finally {
            clients.shutdown();
        }
        List<String> counts = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            String header = r.headers().firstValue("X-Count").orElseThrow();
            // n is this request's own increment; the get in the coroutine reads the key after it
            String[] parts = header.split("[=/]");
            assertThat(Long.parseLong(parts[2])).isGreaterThanOrEqualTo(Long.parseLong(parts[1]));
            counts.add(parts[0] + "=" + parts[1]);
        }
        for (int w = 0; w < 4; w++) {
            List<String> mine = new ArrayList<>();
            for (int n = 1; n <= 10; n++) {
                mine.add("w" + w + "=" + n);
            }
            assertThat(counts).as("every increment of w%d was seen by exactly one request", w).containsAll(mine);
        }
        assertThat(counts).hasSize(40);
        assertThat(redisThreads).containsOnly("event-loop/platform");
    }

    @Test
    void aUnitsPipelineWaitsOnTheLoopOnceForAllItsCommandsAndEachRequestGetsItsOwnAnswers() throws Exception {
        units(ComputingUnit.of("batch", Phase.ACCESS, """
                local r = edge_computing.redis_client
                local who = ngx.var.arg_who
                r:init_pipeline()
                r:incr('pipe:' .. who)
                r:incrby('pipe:other:' .. who, 5)
                r:hset('pipe:h:' .. who, 'f', who)
                r:hget('pipe:h:' .. who, 'f')
                local res, err = r:commit_pipeline()
                ngx.header['X-Pipe'] = res[1] .. '/' .. res[2] .. '/' .. res[3] .. '/' .. res[4]
                """));
        Poll.upTo(Duration.ofSeconds(60), "the cluster answers units")
                .until(() -> bed.get("/hls/a?who=probe").headers().firstValue("X-Pipe").isPresent());
        redisMethods.clear();
        redisThreads.clear();

        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 20; i++) {
                String who = "p" + i;
                sent.add(CompletableFuture.supplyAsync(() -> bed.get("/hls/a?who=" + who), clients));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
        } finally {
            clients.shutdown();
        }
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = sent.get(i).get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Pipe")).hasValue("1/5/1/p" + i);
        }
        assertThat(redisMethods).as("one batch per request, no command sent alone").containsOnly("pipeline");
        assertThat(redisThreads).containsOnly("event-loop/platform");
    }

    @Test
    void aRedisCallOnAnEventLoopOutsideALoopStepIsRefusedAtOnceNotWaitedFor() throws Exception {
        // What a step run inline does when the unit's text hid its Redis call (a name built at run time).
        RedisUnitDataClient client = new RedisUnitDataClient(connection, Duration.ofSeconds(20), 512, new SimpleMeterRegistry());
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            try {
                client.incrby("loop:hidden", 1);
                outcome.complete(null);
            } catch (RuntimeException e) {
                outcome.complete(e);
            }
        });
        Throwable refused = outcome.get(1, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(refused).as("refused, not waited for").isNotNull()
                .hasMessageContaining("event loop").hasMessageContaining("edge_computing.redis_client");
        // Off the loop the same client waits for the reply as before.
        assertThat(CompletableFuture.supplyAsync(() -> client.incrby("loop:hidden", 1), Executors.newVirtualThreadPerTaskExecutor())
                .get(1, java.util.concurrent.TimeUnit.MINUTES)).isPositive();
    }

    @Test
    void aUnitThatSleepsKeepsItsStepOnAVirtualThread() {
        units(ComputingUnit.of("slow-counter", Phase.ACCESS, """
                ngx.sleep(0.001)
                ngx.header['X-Count'] = edge_computing.redis_client:incr('loop:sleeper')
                """));
        Poll.upTo(Duration.ofSeconds(60), "the cluster answers units")
                .until(() -> bed.get("/hls/a").headers().firstValue("X-Count").isPresent());
        assertThat(redisThreads).containsOnly("other/virtual");
    }
}
