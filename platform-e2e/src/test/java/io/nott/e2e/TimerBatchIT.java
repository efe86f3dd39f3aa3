package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #14's timer acceptance on the live edge of a real platform ({@code ./platform up} on free
 * ports, real registry, real Redis Cluster): a log-phase unit buffers one line per request in a
 * shared dict and an {@code ngx.timer.every(1, ...)} it starts once per node moves them to
 * {@code edge_computing.redis_client} in batches; stopping the edge (SIGTERM, as
 * {@code ./platform down} stops it) runs the pending timer with {@code premature = true}, whose
 * callback writes a marker to Redis that the test reads after the edge has exited.
 */
class TimerBatchIT {

    private static RegistryClient registry;

    private static final String HOST = "timer.test";
    private static final int REQUESTS = 20;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LocalPlatform platform;

    @BeforeAll
    static void up() {
        platform = LocalPlatform.up("-timer");
        registry = new RegistryClient(platform.registry(), platform.registryToken());
    }

    @AfterAll
    static void down() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void batchesArriveEverySecondAndStoppingTheEdgeRunsThePendingTimerPrematurely() throws Exception {
        registry.send("PUT", "/api/v1/shared-dicts/timer_batch", "{\"size\":\"1m\"}", 200, 201);
        String unit = "{\"phase\":\"log\",\"code\":" + RegistryClient.json(resource("/timer-batch-unit.lua"))
                + ",\"hosts\":[\"" + HOST + "\"],\"failure\":\"open\"}";
        registry.send("PUT", "/api/v1/units/timer-batch", unit, 200, 201);
        registry.awaitApplied(registry.version());

        // Two rounds with a pause longer than the timer's period between them: two batches at least.
        for (int i = 0; i < REQUESTS; i++) {
            request("/hls/colorbar.m3u8?n=" + i);
            if (i == REQUESTS / 2 - 1) {
                awaitRedis("{timer}:lines", v -> v != null && Long.parseLong(v) >= REQUESTS / 2);
            }
        }
        String lines = awaitRedis("{timer}:lines", v -> v != null && Long.parseLong(v) >= REQUESTS);
        long batches = Long.parseLong(redis("GET", "ud:{timer}:batches"));
        System.out.printf("%s lines arrived in %d batches%n", lines, batches);
        assertThat(Long.parseLong(lines)).as("lines in Redis").isEqualTo(REQUESTS);
        assertThat(batches).as("batches").isBetween(2L, (long) REQUESTS);
        // The log phase runs after each response is sent, so lines arrive in any order: each exactly once.
        java.util.List<String> arrived = new java.util.ArrayList<>();
        for (long b = 1; b <= batches; b++) {
            String batch = redis("GET", "ud:{timer}:batch:" + b);
            if (!batch.isEmpty()) { // a number taken while Redis failed to store its lines (retried later)
                arrived.addAll(java.util.List.of(batch.split("\n")));
            }
        }
        assertThat(arrived).as("the lines of every batch").containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, REQUESTS).mapToObj(i -> "/hls/colorbar.m3u8?n=" + i).toList());
        assertThat(redis("GET", "ud:{timer}:premature")).as("no premature run while the edge runs").isEmpty();

        stopEdge();
        assertThat(redis("GET", "ud:{timer}:premature")).as("marker of the premature run at shutdown").isEqualTo("true");
    }

    /** SIGTERM to the edge's pid (from ./platform's pid file, as ./platform down finds it), then wait for its exit. */
    private static void stopEdge() throws Exception {
        long pid = Long.parseLong(Files.readString(platform.home().resolve("pids/edge-node.pid")).strip());
        ProcessHandle edge = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("the edge (pid " + pid + ") is not running"));
        assertThat(edge.destroy()).as("SIGTERM sent to the edge").isTrue();
        edge.onExit().get(60, TimeUnit.SECONDS);
    }

    private static String awaitRedis(String key, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String value = null;
        while (System.nanoTime() < deadline) {
            String read = redis("GET", "ud:" + key);
            value = read.isEmpty() ? null : read;
            if (done.test(value)) {
                return value;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Redis key ud:" + key + " is " + value + " after 60 s; see ./platform logs edge-node in " + platform.home());
    }

    /** One command through redis-cli against the platform's cluster (following redirections). */
    private static String redis(String... command) throws Exception {
        java.util.List<String> line = new java.util.ArrayList<>(java.util.List.of("redis-cli", "-c", "-p",
                String.valueOf(platform.redisBasePort())));
        line.addAll(java.util.List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("redis-cli ended").isTrue();
        assertThat(p.exitValue()).as("redis-cli %s: %s", command, out).isZero();
        return out;
    }

    /** A request for the unit's host through curl (Java's HttpClient refuses to set {@code Host}). */
    private static void request(String path) throws Exception {
        Process p = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "--max-time", "10", "-H", "Host: " + HOST,
                platform.edge() + path).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("curl ended").isTrue();
    }




    private static String resource(String name) throws IOException {
        try (InputStream in = TimerBatchIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
