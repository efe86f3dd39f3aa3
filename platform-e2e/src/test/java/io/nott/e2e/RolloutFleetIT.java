package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.FreePorts;
import io.nott.testsupport.Poll;
import io.nott.unit.codec.Json;
import io.nott.unit.runtime.CanarySplit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue #18's fleet acceptance on the live platform: {@code PLATFORM_EDGES=2 ./platform up} (two
 * edge nodes on one Redis Cluster) plus a second registry replica this test starts from the same
 * jar against the same Redis, as a second instance of a deployment would run.
 * <ul>
 * <li>A client address lands on the same side of a canary split on both edges and on every
 * request (60 addresses 127.0.0.10-69, each request bound to its own loopback address: the split
 * key is the edge's {@code remote_addr}, which an X-Forwarded-For header does not change).</li>
 * <li>The registry process holding the rollout lease is SIGKILLed mid-rollout; the other replica
 * takes the lease (a new, higher fence) and carries the rollout on to 100 %, while
 * {@code ./platform up} restarts the killed one (its pid file is stale). Every step is in the
 * unit's versioned history (written in the same transaction as the step and its audit entry)
 * exactly once, and at most once among the rollout's decisions.</li>
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutFleetIT {

    private static final int ADDRESSES = 60;
    // Generous: the machine is shared by many builds (load 20-35); measured figures are printed.
    private static final Duration DEADLINE = Duration.ofMinutes(8);
    private static final Duration START = Duration.ofMinutes(3);
    private static final Pattern APPLIED = Pattern.compile("\"appliedVersion\"\\s*:\\s*(\\d+)");
    private static LocalPlatform platform;
    private static int secondEdgePort;
    private static final List<HttpClient> viewers = new ArrayList<>();
    private static Process secondRegistry;
    private static int secondRegistryPort;

    @BeforeAll
    static void up() throws Exception {
        secondEdgePort = FreePorts.one();
        platform = LocalPlatform.up("-rollout-fleet", Map.of("PLATFORM_EDGES", "2",
                "PLATFORM_EDGE_PORTS", String.valueOf(secondEdgePort)));
        for (int i = 0; i < ADDRESSES; i++) {
            viewers.add(HttpClient.newBuilder().localAddress(InetAddress.getByName(address(i)))
                    .connectTimeout(Duration.ofSeconds(5)).build());
        }
    }

    @AfterAll
    static void down() {
        if (secondRegistry != null) {
            secondRegistry.destroyForcibly();
        }
        if (platform != null) {
            platform.close();
        }
    }

    private static String address(int i) {
        return "127.0.0." + (10 + i);
    }

    private static String[] edges() {
        return new String[] {platform.edge(), "http://127.0.0.1:" + secondEdgePort};
    }

    private static RegistryClient registry() {
        return new RegistryClient(platform.registry(), platform.registryToken());
    }

    /** A content unit answering on {@code path} only, with a canary and a plan. */
    private static String unit(String path, String canary, String plan) {
        return "{\"phase\":\"content\",\"paths\":[\"= " + path + "\"],\"code\":\"ngx.say('stable')\",\"canary\":" + canary
                + ",\"rollout\":" + plan + "}";
    }

    /** What viewer {@code i} got from {@code edge}: the body's first line, or the status when it is not 200. */
    private static String ask(int i, String edge, String path) throws Exception {
        HttpResponse<String> r = viewers.get(i).send(HttpRequest.newBuilder(URI.create(edge + path))
                // a forged address must not move the viewer: the split key is the connection's address
                .header("X-Forwarded-For", "203.0.113." + (i % 250))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body().strip() : String.valueOf(r.statusCode());
    }

    /** Waits until both edges report {@code version} applied. */
    private static void awaitBothEdges(RegistryClient registry, long version) {
        Poll.upTo(Duration.ofSeconds(90), "both edges to apply version " + version).until(() -> {
            Matcher m = APPLIED.matcher(registry.send("GET", "/api/v1/edges", null, 200));
            int applied = 0;
            while (m.find()) {
                applied += Long.parseLong(m.group(1)) >= version ? 1 : 0;
            }
            return applied >= 2;
        });
    }

    @Test
    @Order(1)
    void anAddressLandsOnTheSameSideOnBothEdgesAndOnEveryRequest() throws Exception {
        String id = "fleet-split";
        String path = "/hls/fleet-split";
        RegistryClient registry = registry();
        // manual: the canary holds 30 % with no controller moving it while the test asks
        registry.send("PUT", "/api/v1/units/" + id, unit(path, "{\"code\":\"ngx.say('canary')\",\"percent\":30}",
                "{\"manual\":true}"), 201);
        awaitBothEdges(registry, registry.version());
        int onCanary = 0;
        for (int i = 0; i < ADDRESSES; i++) {
            String expected = CanarySplit.onCanary(id, address(i), 30) ? "canary" : "stable";
            onCanary += expected.equals("canary") ? 1 : 0;
            for (int round = 0; round < 3; round++) {
                for (String edge : edges()) {
                    assertThat(ask(i, edge, path)).as("%s on %s, request %d", address(i), edge, round + 1)
                            .isEqualTo(expected);
                }
            }
        }
        System.out.printf("split: %d of %d addresses on the canary side at 30 %%, each the same on 2 edges x 3 requests%n",
                onCanary, ADDRESSES);
        assertThat(onCanary).as("both sides are exercised").isBetween(5, 35);
        registry.send("DELETE", "/api/v1/units/" + id, null, 204);
    }

    @Test
    @Order(2)
    void killingTheRegistryThatHoldsTheLeaseMidRolloutLetsTheOtherReplicaFinishItApplyingEachStepOnce()
            throws Exception {
        long platformRegistry = platform.pid("unit-registry").orElseThrow().pid();
        // the platform's registry is the only one yet, so it takes the lease; the second joins after
        Poll.upTo(START, "the platform's registry to hold the rollout lease")
                .until(() -> leasePid() == platformRegistry);
        startSecondRegistry();
        RegistryClient first = registry();
        RegistryClient second = new RegistryClient("http://127.0.0.1:" + secondRegistryPort, platform.registryToken());

        String id = "fleet-roll";
        String path = "/hls/fleet-roll";
        // minP99Ms 1000: a healthy canary's first calls are cold (see RolloutIT); minStepSeconds
        // keeps each step long enough that the kill below lands mid-rollout
        first.send("PUT", "/api/v1/units/" + id, unit(path, "{\"code\":\"ngx.say('canary')\"}",
                "{\"steps\":[10,25,50,100],\"minRequests\":20,\"minStepSeconds\":8,\"minP99Ms\":1000}"), 201);
        awaitBothEdges(first, first.version());

        long started = System.nanoTime();
        RegistryClient reader = first;
        String lease = null;
        long killedPid = -1;
        long versionAtKill = -1;
        CompletableFuture<LocalPlatform.Outcome> restart = null;
        String status = "running";
        long requests = 0;
        while (status.equals("running") && System.nanoTime() - started < DEADLINE.toNanos()) {
            for (int i = 0; i < ADDRESSES; i++) {
                String answer = ask(i, edges()[i % 2], path);
                assertThat(answer).isIn("stable", "canary");
                requests++;
            }
            Map<String, Object> view = rollout(reader, id);
            status = (String) view.get("status");
            int percent = ((Number) view.get("percent")).intValue();
            String holding = killedPid < 0 && status.equals("running") && percent >= 25 ? lease() : "";
            if (pidOf(holding) > 0) {
                lease = holding;
                killedPid = pidOf(lease);
                versionAtKill = reader.version();
                boolean killingThePlatforms = killedPid == platformRegistry;
                ProcessHandle holder = ProcessHandle.of(killedPid).orElseThrow();
                holder.destroyForcibly(); // SIGKILL: no shutdown hook releases the lease
                Poll.upTo(Duration.ofSeconds(30), "the lease holder to die").until(() -> !running(holder.pid()));
                System.out.printf("killed %s registry (pid %d, lease %s) at %d %%, unit version %d, after %.1f s%n",
                        killingThePlatforms ? "the platform's" : "the second", killedPid, lease, percent, versionAtKill,
                        (System.nanoTime() - started) / 1e9);
                reader = killingThePlatforms ? second : first;
                if (killingThePlatforms) {
                    // ./platform up finds the stale pid file and starts the registry again, while the rollout runs on
                    restart = CompletableFuture.supplyAsync(() -> platform.attempt("up"));
                } else {
                    secondRegistry.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("rollout %s after %.1f s and %d requests; lease now %s%n", status, seconds, requests, lease());
        assertThat(killedPid).as("the kill happened mid-rollout").isPositive();
        assertThat(status).as("the surviving replica finished the rollout within %s", DEADLINE).isEqualTo("promoted");
        String after = lease();
        assertThat(pidOf(after)).as("lease now %s", after).isNotEqualTo(killedPid);
        assertThat(fenceOf(after)).as("a new holder takes a new, higher fence").isGreaterThan(fenceOf(lease));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> versions = (List<Map<String, Object>>) Json.parse(
                reader.send("GET", "/api/v1/units/" + id + "/versions", null, 200));
        List<Integer> steps = new ArrayList<>();
        int completes = 0;
        boolean appliedAfterKill = false;
        for (int i = versions.size() - 1; i >= 0; i--) { // oldest first
            Map<String, Object> v = versions.get(i);
            String action = (String) v.get("action");
            if (action.equals("rollout-step") || action.equals("rollout-complete")) {
                appliedAfterKill |= ((Number) v.get("version")).longValue() > versionAtKill;
            }
            if (action.equals("rollout-step")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> canary = (Map<String, Object>) ((Map<String, Object>) v.get("unit")).get("canary");
                steps.add(((Number) canary.get("percent")).intValue());
            }
            completes += action.equals("rollout-complete") ? 1 : 0;
        }
        System.out.println("steps in the unit's history: " + steps + ", complete " + completes);
        assertThat(steps).as("each step once, in order").containsExactly(10, 25, 50, 100);
        assertThat(completes).isEqualTo(1);
        assertThat(appliedAfterKill).as("the other replica applied steps after the kill").isTrue();
        Map<String, Integer> decided = new LinkedHashMap<>();
        for (Object d : (List<?>) rollout(reader, id).get("decisions")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> decision = (Map<String, Object>) d;
            if ("rollout-step".equals(decision.get("action"))) {
                decided.merge(String.valueOf(decision.get("percent")), 1, Integer::sum);
            }
        }
        // a decision is recorded after its step's write: a kill between the two loses one, never doubles one
        assertThat(decided.values()).as("decisions per step %s", decided).allMatch(n -> n == 1);
        Map<String, Object> unit = unitOf(reader, id);
        assertThat(unit.get("canary")).isNull();
        assertThat(unit.get("code")).isEqualTo("ngx.say('canary')");

        if (restart != null) {
            LocalPlatform.Outcome up = restart.get(11, TimeUnit.MINUTES);
            assertThat(up.exitCode()).as(up.output()).isZero();
            assertThat(up.output()).contains("Starting unit-registry on port", "edge-node is already running");
        }
        assertThat(platform.command("status").lines().filter(l -> l.startsWith("unit-registry ")))
                .singleElement().asString().contains("healthy");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rollout(RegistryClient registry, String id) {
        return (Map<String, Object>) Json.parse(registry.send("GET", "/api/v1/units/" + id + "/rollout", null, 200));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> unitOf(RegistryClient registry, String id) {
        return (Map<String, Object>) Json.parse(registry.send("GET", "/api/v1/units/" + id, null, 200));
    }

    /** A second registry replica: the platform's jar and settings, its own port, the same Redis and tokens. */
    private static void startSecondRegistry() throws Exception {
        Path root = Path.of(System.getProperty("platform.root", "..")).toAbsolutePath().normalize();
        secondRegistryPort = FreePorts.one();
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            hosts.append(i == 0 ? "" : ",").append("redis://127.0.0.1:").append(platform.redisBasePort() + i);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar",
                root.resolve("unit-registry/target/quarkus-app/quarkus-run.jar").toString())
                .directory(root.resolve("unit-registry").toFile())
                .redirectErrorStream(true)
                .redirectOutput(platform.home().resolve("logs/unit-registry-2.log").toFile());
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(secondRegistryPort));
        builder.environment().put("QUARKUS_REDIS_HOSTS", hosts.toString());
        builder.environment().put("REGISTRY_AUTH_EDITOR_TOKENS", "operator:" + platform.registryToken());
        builder.environment().put("REGISTRY_AUTH_VIEWER_TOKENS",
                "viewer:" + Files.readString(platform.home().resolve("registry-viewer-token")).strip());
        secondRegistry = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        Poll.upTo(START, "the second registry to be ready").ignoreExceptionsInstanceOf(IOException.class).until(() -> {
            if (!secondRegistry.isAlive()) {
                throw new AssertionError("the second registry exited with " + secondRegistry.exitValue() + "; see "
                        + platform.home().resolve("logs/unit-registry-2.log"));
            }
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + secondRegistryPort
                    + "/q/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
    }

    /** {@code {cu}:rollout-lease}: {@code registry-<pid>-<random>:<fence>}, or "" when nobody holds it. */
    private static String lease() throws Exception {
        Process cli = new ProcessBuilder("redis-cli", "-c", "-p", String.valueOf(platform.redisBasePort()),
                "--raw", "GET", "{cu}:rollout-lease").redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!cli.waitFor(30, TimeUnit.SECONDS) || cli.exitValue() != 0) {
            throw new AssertionError("redis-cli GET {cu}:rollout-lease failed: " + out);
        }
        return out;
    }

    private static long leasePid() throws Exception {
        return pidOf(lease());
    }

    private static long pidOf(String lease) {
        Matcher m = Pattern.compile("^registry-(\\d+)-").matcher(lease);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long fenceOf(String lease) {
        return Long.parseLong(lease.substring(lease.lastIndexOf(':') + 1));
    }

    /** Alive and not a zombie (a SIGKILLed process nobody reaps stays one). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
