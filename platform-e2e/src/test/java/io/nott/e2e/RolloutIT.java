package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.codec.Json;
import io.nott.unit.runtime.CanarySplit;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue #18's acceptance on the live platform ({@code ./platform up} on free ports): viewers are
 * 60 client addresses (127.0.0.10-69, each request bound to its own loopback address, so the edge's
 * {@code remote_addr} differs); a content unit answers {@code stable} or its canary's answer.
 * A canary answering 500 for a fifth of its requests is rolled back by the controller at its first
 * step; a healthy canary is promoted to 100 % and becomes stable; an address stays on one side.
 * (The registry-kill scenario is covered by RolloutControllerIT on a real cluster; its live version
 * is not here yet: ./platform up does not restart one killed service, see the branch report.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutIT {

    private static final int ADDRESSES = 60;
    // Generous: the machine is shared by many builds (load 20-35); measured figures are printed.
    private static final Duration DEADLINE = Duration.ofMinutes(6);
    /**
     * Healthy canaries here must not be judged on p99: measured at load ~40, a canary's first calls
     * (new code, cold runtimes) gave p99 25 ms against 0.3 ms stable over 56 calls and rolled a
     * healthy canary back. Below 1 s a p99 is not blamed in these plans.
     */
    private static final String COLD_P99 = "\"minP99Ms\":1000";
    private static LocalPlatform platform;
    private static RegistryClient registry;
    private static final List<HttpClient> viewers = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        platform = LocalPlatform.up("-rollout");
        registry = new RegistryClient(platform.registry(), platform.registryToken());
        // The registry's first write after start can outlast RegistryClient's 10 s timeout on this
        // shared machine (the first PUT timed out once at load 40 although it was applied): warm it.
        for (int attempt = 1; ; attempt++) {
            try {
                registry.send("PUT", "/api/v1/units/rollout-warmup", "{\"phase\":\"log\",\"code\":\"local _ = 1\","
                        + "\"paths\":[\"= /hls/rollout-warmup\"]}", 200, 201);
                break;
            } catch (AssertionError slow) {
                if (attempt == 3) {
                    throw slow;
                }
            }
        }
        for (int i = 0; i < ADDRESSES; i++) {
            viewers.add(HttpClient.newBuilder().localAddress(InetAddress.getByName(address(i)))
                    .connectTimeout(Duration.ofSeconds(5)).build());
        }
    }

    @AfterAll
    static void down() {
        if (platform != null) {
            platform.close();
        }
    }

    private static String address(int i) {
        return "127.0.0." + (10 + i);
    }

    /**
     * A content unit answering on {@code path} only (an exact location under {@code /hls/}, a prefix
     * the edge routes; the unit answers, the origin is never asked), with a canary and a plan.
     */
    private static String unit(String path, String stable, String canary, String plan) {
        return "{\"phase\":\"content\",\"paths\":[\"= " + path + "\"],\"code\":" + RegistryClient.json(stable)
                + ",\"canary\":{\"code\":" + RegistryClient.json(canary) + "},\"rollout\":" + plan + "}";
    }

    /** What viewer {@code i} got: the body's first line, or the status when it is not 200. */
    private static String ask(int i, String path) throws Exception {
        HttpResponse<String> r = viewers.get(i).send(HttpRequest.newBuilder(URI.create(platform.edge() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body().strip() : String.valueOf(r.statusCode());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rollout(String id) {
        return (Map<String, Object>) Json.parse(registry.send("GET", "/api/v1/units/" + id + "/rollout", null, 200));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> unitOf(String id) {
        return (Map<String, Object>) Json.parse(registry.send("GET", "/api/v1/units/" + id, null, 200));
    }

    @Test
    @Order(1)
    void aCanaryAnswering500ForAFifthIsRolledBackAtItsFirstStepAndStableViewersNeverSawIt() throws Exception {
        String id = "rollout-bad";
        String path = "/hls/rollout-bad";
        registry.send("PUT", "/api/v1/units/" + id, unit(path, "ngx.say('stable')",
                "if math.random() < 0.2 then return ngx.exit(500) end ngx.say('canary')",
                "{\"steps\":[20,50,100],\"minRequests\":30,\"minStepSeconds\":120,\"maxStatusShareIncrease\":0.05}"),
                201);
        registry.awaitApplied(registry.version());
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < ADDRESSES; i++) {
            if (CanarySplit.onCanary(id, address(i), 20)) {
                expected.add(address(i));
            }
        }
        Map<String, List<String>> seen = new LinkedHashMap<>();
        long started = System.nanoTime();
        long requests = 0;
        long canaryAnswers = 0;
        String status = "running";
        while (status.equals("running") && System.nanoTime() - started < DEADLINE.toNanos()) {
            for (int i = 0; i < ADDRESSES; i++) {
                String answer = ask(i, path);
                seen.computeIfAbsent(address(i), a -> new ArrayList<>()).add(answer);
                requests++;
                if (!answer.equals("stable")) {
                    canaryAnswers++;
                }
            }
            status = (String) rollout(id).get("status");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> view = rollout(id);
        System.out.printf("bad canary: %s after %.1f s, %d requests, %d canary answers (%.1f %%), %d of %d addresses on"
                + " the canary side by the hash%n", status, seconds, requests, canaryAnswers, 100.0 * canaryAnswers / requests,
                expected.size(), ADDRESSES);
        assertThat(status).as("rolled back within %s", DEADLINE).isEqualTo("rolled_back");
        assertThat(((Number) view.get("percent")).intValue()).as("at its first step, never promoted").isEqualTo(20);
        Set<String> sawCanary = new HashSet<>();
        seen.forEach((address, answers) -> {
            boolean canarySide = expected.contains(address);
            for (String a : answers) {
                if (!a.equals("stable")) {
                    sawCanary.add(address);
                    assertThat(canarySide).as("%s is on the stable side and got %s", address, a).isTrue();
                    assertThat(a).isIn("canary", "500");
                }
            }
        });
        assertThat(sawCanary).as("the canary side's addresses, no other").isSubsetOf(expected);
        assertThat(expected.size()).as("the hash puts about 20 %% of 60 addresses on the canary side").isBetween(5, 20);
        assertThat((double) canaryAnswers / requests).as("share of requests the canary answered")
                .isLessThanOrEqualTo(expected.size() / (double) ADDRESSES + 1e-9);
        // once the edge applied the rollback, every address is stable
        registry.awaitApplied(registry.version());
        for (int i = 0; i < ADDRESSES; i++) {
            assertThat(ask(i, path)).isEqualTo("stable");
        }
        String audit = registry.send("GET", "/api/v1/audit?unit=" + id, null, 200);
        assertThat(audit).contains("rollout-rollback").contains("4xx+5xx exit share").contains("5xx");
        System.out.println("rollback decision: " + ((List<?>) view.get("decisions")).get(0));
    }

    @Test
    @Order(2)
    void aHealthyCanaryIsPromotedThroughEveryStepAndBecomesStable() throws Exception {
        String id = "rollout-good";
        String path = "/hls/rollout-good";
        registry.send("PUT", "/api/v1/units/" + id, unit(path, "ngx.say('stable')", "ngx.say('canary')",
                "{\"steps\":[10,50,100],\"minRequests\":20,\"minStepSeconds\":5," + COLD_P99 + "}"), 201);
        registry.awaitApplied(registry.version());
        Map<String, String> sides = new LinkedHashMap<>();
        long started = System.nanoTime();
        String status = "running";
        int lastPercent = 10;
        while (status.equals("running") && System.nanoTime() - started < DEADLINE.toNanos()) {
            for (int i = 0; i < ADDRESSES; i++) {
                String answer = ask(i, path);
                assertThat(answer).isIn("stable", "canary");
                // within one step an address keeps its side; a higher share only moves stable ones to canary
                String before = sides.put(address(i), answer);
                if ("canary".equals(before)) {
                    assertThat(answer).as("%s went back from canary to stable", address(i)).isEqualTo("canary");
                }
            }
            Map<String, Object> view = rollout(id);
            status = (String) view.get("status");
            lastPercent = ((Number) view.get("percent")).intValue();
        }
        System.out.printf("healthy canary: %s after %.1f s (last share %d %%)%n", status,
                (System.nanoTime() - started) / 1e9, lastPercent);
        assertThat(status).isEqualTo("promoted");
        Map<String, Object> unit = unitOf(id);
        assertThat(unit.get("canary")).isNull();
        assertThat(unit.get("code")).isEqualTo("ngx.say('canary')");
        String versions = registry.send("GET", "/api/v1/units/" + id + "/versions", null, 200);
        assertThat(count(versions, "\"action\":\"rollout-step\"")).as("10, 50 and 100 %%, each once").isEqualTo(3);
        assertThat(count(versions, "\"action\":\"rollout-complete\"")).isEqualTo(1);
        registry.awaitApplied(registry.version());
        for (int i = 0; i < ADDRESSES; i++) {
            assertThat(ask(i, path)).isEqualTo("canary");
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }
}
