package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #17's acceptance with two edge nodes ({@code PLATFORM_EDGES=2 ./platform up} on free
 * ports): every change reaches both edges, and the skew between them (first to last edge serving
 * the version, from each edge's readiness data polled every 2 ms) is printed. The test asserts
 * that both reach each version; the 100 ms skew of the issue is a reported figure, not asserted.
 */
class TwoEdgesIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");
    /** The units check in the edge's readiness answer; the version read is the one in its data. */
    private static final String UNITS_CHECK = "\"Computing units";
    /** One poller per edge, so that neither edge's poll waits for the other's. */
    private static final ExecutorService POLLERS = Executors.newFixedThreadPool(2);
    private static LocalPlatform platform;
    private static RegistryClient registry;
    private static int secondEdge;

    @BeforeAll
    static void up() {
        secondEdge = FreePorts.one();
        platform = LocalPlatform.up("-twoedges", Map.of("PLATFORM_EDGES", "2",
                "PLATFORM_EDGE_PORTS", String.valueOf(secondEdge)));
        registry = new RegistryClient(platform.registry(), platform.registryToken());
    }

    @AfterAll
    static void down() {
        POLLERS.shutdownNow();
        if (platform != null) {
            platform.close();
        }
    }

    /** The version an edge serves, from its readiness data; -1 when it does not answer. */
    private static long served(String edge) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(edge + "/q/health/ready")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            int check = body.indexOf(UNITS_CHECK);
            Matcher m = VERSION.matcher(body);
            return check >= 0 && m.find(check) ? Long.parseLong(m.group(1)) : -1;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Nanos (System.nanoTime) when {@code edge} first served {@code version}; fails after 60 s. */
    private static CompletableFuture<Long> reached(String edge, long version) {
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (served(edge) >= version) {
                    return System.nanoTime();
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
            throw new AssertionError(edge + " did not serve version " + version + " within 60 s (its readiness answer: "
                    + "GET " + edge + "/q/health/ready; logs in " + platform.home() + ")");
        }, POLLERS);
    }

    @Test
    void bothEdgesServeEveryChangeAndTheSkewIsReported() {
        String second = "http://127.0.0.1:" + secondEdge;
        assertThat(platform.command("status")).contains("edge-node-2").contains(String.valueOf(secondEdge));
        List<Double> skews = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String body = "{\"phase\":\"header_filter\",\"hosts\":[\"two-edges.test\"],\"code\":"
                    + RegistryClient.json("ngx.header['X-Change'] = '" + i + "'") + "}";
            Matcher m = VERSION.matcher(registry.send("PUT", "/api/v1/units/two-edges", body, 200, 201));
            assertThat(m.find()).isTrue();
            long version = Long.parseLong(m.group(1));
            CompletableFuture<Long> first = reached(platform.edge(), version);
            CompletableFuture<Long> other = reached(second, version);
            long a = first.join();
            long b = other.join();
            skews.add(Math.abs(a - b) / 1e6);
        }
        skews.sort(null);
        System.out.printf("TwoEdgesIT: skew between the two edges over %d changes: median %.1f ms, max %.1f ms "
                + "(polled every 2 ms; loadavg %.1f)%n", skews.size(), skews.get(skews.size() / 2),
                skews.get(skews.size() - 1), java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
    }
}
