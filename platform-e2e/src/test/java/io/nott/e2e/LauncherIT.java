package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./platform} itself, as an operator meets it: a failed start cleans up after itself and
 * says why in one paragraph, a second {@code up} is a no-op, {@code status} shows versions and
 * URLs, {@code token --viewer} gives a read-only token, and a unit that refuses the demo stream
 * at the edge is named instead of failing {@code up}. Each platform runs on its own free ports.
 */
class LauncherIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final String BLOCKER = "launcher-blocks-hls";

    @Test
    void aFailedRedisStartStopsTheNodesItStartedAndSaysWhyInOneParagraph() throws IOException {
        LocalPlatform platform = LocalPlatform.prepared("-launcher-fail");
        int busy = platform.redisBasePort() + 3;
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), busy));
            LocalPlatform.Outcome up = platform.attempt("up");

            assertThat(up.exitCode()).as(up.output()).isEqualTo(1);
            assertThat(up.output().lines().filter(l -> l.startsWith("platform:")))
                    .as(up.output()).singleElement().asString()
                    .contains("redis-" + busy, "already in use", "stopped again");
            assertThat(up.output()).doesNotContain("Stopping what was started");
            for (int port = platform.redisBasePort(); port < busy; port++) {
                assertThat(listening(port)).as("redis on %d after the failed up", port).isFalse();
            }
            try (Stream<java.nio.file.Path> pids = Files.list(platform.home().resolve("pids"))) {
                assertThat(pids.filter(p -> p.getFileName().toString().startsWith("redis-"))).isEmpty();
            }
        }
    }

    @Test
    void upTwiceStatusViewerTokenAndABlockingUnitNamedByUp() throws Exception {
        try (LocalPlatform platform = LocalPlatform.up("-launcher")) {
            LocalPlatform.Outcome again = platform.attempt("up");
            assertThat(again.exitCode()).as(again.output()).isZero();
            assertThat(again.output()).contains("already running").doesNotContain("Starting", "curl:");

            String status = platform.command("status");
            for (String service : new String[] {"unit-registry", "ingest", "player-app", "edge-node"}) {
                assertThat(status.lines().filter(l -> l.startsWith(service + " ")))
                        .as(status).singleElement().asString().contains("healthy", "1.0.0-SNAPSHOT", "http://localhost:");
            }
            assertThat(status).contains(platform.edge().replace("127.0.0.1", "localhost"));

            String viewer = platform.command("token", "--viewer").strip();
            assertThat(viewer).isNotEqualTo(platform.registryToken());
            assertThat(call("GET", platform.registry() + "/api/v1/units", viewer, null).statusCode()).isEqualTo(200);
            assertThat(call("PUT", platform.registry() + "/api/v1/units/viewer-try", viewer,
                    "{\"phase\":\"access\",\"code\":\"x = 1\"}").statusCode()).isEqualTo(403);
            assertThat(call("POST", platform.registry() + "/api/v1/units/test", viewer,
                    "{\"unit\":{\"phase\":\"access\",\"code\":\"ngx.exit(403)\"}}").statusCode()).isEqualTo(200);

            RegistryClient registry = new RegistryClient(platform.registry(), platform.registryToken());
            registry.put(BLOCKER, "access", "if ngx.var.uri:find('^/hls/') then return ngx.exit(403) end", "closed");
            try {
                Poll.upTo(SOON, "the edge refusing /hls").ignoreException(IOException.class).until(() ->
                        call("GET", platform.edge() + "/hls/colorbar.m3u8", null, null).statusCode() == 403);
                platform.command("down");
                LocalPlatform.Outcome restart = platform.attempt("up");
                assertThat(restart.exitCode()).as(restart.output()).isZero();
                assertThat(restart.output()).contains("unit " + BLOCKER + " (access)", "The platform is up.")
                        .doesNotContain("failed");
            } finally {
                registry.delete(BLOCKER);
            }
        }
    }

    /**
     * A service killed after the {@code up} that started it has ended leaves its pid file behind,
     * naming a zombie (nobody reaps it) or, once the pid is reused, another process. {@code up}
     * must see both as dead, start exactly those services again and leave the rest (and the
     * stranger) alone; a further {@code up} is the usual no-op.
     */
    @Test
    void upRestartsKilledServicesWhatEverTheirPidFilesStillName() throws Exception {
        // a zombie: "sleep 2" outlives the shell, which became "sleep 600" by then and never reaps it
        Process stranger = new ProcessBuilder("bash", "-c", "sleep 2 & echo $!; exec sleep 600").start();
        try (LocalPlatform platform = LocalPlatform.up("-launcher-dead")) {
            long zombie = Long.parseLong(new BufferedReader(new InputStreamReader(stranger.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine().strip());
            Poll.upTo(SOON, "pid " + zombie + " to be a zombie").until(() -> "Z".equals(procState(zombie)));
            ProcessHandle registry = platform.pid("unit-registry").orElseThrow();
            ProcessHandle edge = platform.pid("edge-node").orElseThrow();
            long ingest = platform.pid("ingest").orElseThrow().pid();
            for (ProcessHandle killed : new ProcessHandle[] {registry, edge}) {
                killed.destroyForcibly(); // SIGKILL: no shutdown hook, the pid file stays
                Poll.upTo(SOON, "pid " + killed.pid() + " to die").until(() -> dead(killed.pid()));
            }
            Path pids = platform.home().resolve("pids");
            Files.writeString(pids.resolve("unit-registry.pid"), zombie + "\n");
            Files.writeString(pids.resolve("edge-node.pid"), stranger.pid() + "\n");

            String status = platform.command("status");
            assertThat(status.lines().filter(l -> l.startsWith("unit-registry ") || l.startsWith("edge-node ")))
                    .as(status).hasSize(2).allMatch(l -> l.contains(" stopped "));

            LocalPlatform.Outcome up = platform.attempt("up");
            assertThat(up.exitCode()).as(up.output()).isZero();
            assertThat(up.output()).as(up.output()).contains("Starting unit-registry on port", "Starting edge-node on port",
                    "ingest is already running", "player-app is already running", "The platform is up.")
                    .doesNotContain("already running (./platform status");
            assertThat(platform.pid("unit-registry").orElseThrow().pid()).isNotIn(registry.pid(), zombie);
            assertThat(platform.pid("edge-node").orElseThrow().pid()).isNotIn(edge.pid(), stranger.pid());
            assertThat(platform.pid("ingest").orElseThrow().pid()).as("ingest was not restarted").isEqualTo(ingest);
            assertThat(stranger.isAlive()).as("the stranger the stale pid file named is left alone").isTrue();
            String after = platform.command("status");
            for (String service : new String[] {"unit-registry", "ingest", "player-app", "edge-node"}) {
                assertThat(after.lines().filter(l -> l.startsWith(service + " "))).as(after).singleElement()
                        .asString().contains("healthy");
            }

            LocalPlatform.Outcome again = platform.attempt("up");
            assertThat(again.exitCode()).as(again.output()).isZero();
            assertThat(again.output()).contains("already running").doesNotContain("Starting");
        } finally {
            stranger.destroyForcibly();
        }
    }

    /** The state letter of /proc/<pid>/stat (R, S, Z...), or null when there is no such process. */
    private static String procState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return null;
        }
    }

    /** Gone, or a zombie nobody reaps: either way no longer running. */
    private static boolean dead(long pid) {
        String state = procState(pid);
        return state == null || state.equals("Z") || state.equals("X");
    }

    private static HttpResponse<String> call(String method, String url, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
