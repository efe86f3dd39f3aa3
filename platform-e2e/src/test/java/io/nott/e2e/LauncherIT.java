package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
