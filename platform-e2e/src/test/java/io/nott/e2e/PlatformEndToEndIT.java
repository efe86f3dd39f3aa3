package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.player.browser.PlayerPage.VideoState;
import io.nott.player.browser.PlayerPage;
import io.nott.testsupport.FreePorts;
import io.nott.testsupport.HeadlessChromium;
import io.nott.testsupport.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The seed's whole experience, end to end: {@code ./platform up} (Redis Cluster, registry,
 * ingest with the colorbar test stream, player, edge), then a viewer in headless Chromium
 * watching through the edge while an operator ships units through the registry.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformEndToEndIT {

    private static final Duration PLAY = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(30);
    /** The ladder's widths: 640x360 (high), 426x240 (mid, low). */
    /** Widths of the ladder the 1280x720 test stream gets (720p, 480p, 360p, 240p). */
    private static final java.util.List<Integer> LADDER_WIDTHS = java.util.List.of(1280, 854, 640, 426);

    /**
     * The seed's token unit (its second post, made dynamic in the third). The seed placed it in
     * nginx's stream location; a unit runs for every path, so it guards the same scope itself and
     * leaves the page and the stream list open.
     */
    private static final String TOKEN_UNIT = """
            if string.sub(ngx.var.uri, 1, 5) ~= '/hls/' then return end
            local token = ngx.var.arg_token or ngx.var.cookie_superstition
            if token ~= 'token' then
              return ngx.exit(ngx.HTTP_FORBIDDEN)
            else
              ngx.header['Set-Cookie'] = {'superstition=token'}
            end""";
    private static final String METRICS_UNIT = """
            ngx.header['X-Metrics-request_time'] = ngx.var.request_time
            ngx.header['X-Metrics-upstream_cache_status'] = ngx.var.upstream_cache_status""";
    private static final String PLAYLIST_TAG_UNIT = """
            if string.find(ngx.var.uri, '.m3u8', 1, true) and ngx.arg[2] then
              ngx.arg[1] = ngx.arg[1] .. '#COPYRIGHT:NOTT\\n'
            end""";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalPlatform platform;
    private static RegistryClient registry;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void startThePlatform() {
        platform = LocalPlatform.up();
        registry = new RegistryClient(platform.registry(), platform.registryToken());
        chromium = HeadlessChromium.launch();
    }

    @AfterAll
    static void stopThePlatform() {
        try (HeadlessChromium c = chromium; LocalPlatform p = platform) {
            // closed in reverse order: the browser, then ./platform down
        }
        if (platform != null) {
            assertThat(platform.ports()).as("ports still listening after ./platform down")
                    .allMatch(FreePorts::isFree);
        }
    }

    @Test
    @Order(1)
    void playsTheTestStreamThroughTheEdge() {
        try (PlayerPage page = PlayerPage.open(chromium, platform.edge() + "/app", 1280, 800)) {
            VideoState played = page.awaitAdvance(5.0, PLAY);

            assertThat(played.videoWidth()).isIn(LADDER_WIDTHS);
            assertThat(page.messageKind()).isNull();
            assertThat(page.awaitEdgeHeader("X-Cache-Status", SOON)).isIn("HIT", "MISS", "EXPIRED", "UPDATING", "STALE");
            assertThat(page.screenshot("e2e-player-playing")).exists();
        }
    }

    @Test
    @Order(2)
    void aTokenUnitShippedThroughTheRegistryBlocksViewersUntilTheyHaveTheToken() {
        // An access check fails closed: a unit that errors or overruns its budget answers 500, never lets a viewer through.
        registry.put("authentication", "access", TOKEN_UNIT, "closed");
        try {
            awaitEdge("/hls/colorbar.m3u8", status -> status == 403);
            try (PlayerPage page = PlayerPage.open(chromium, platform.edge() + "/app", 1280, 800)) {
                assertThat(page.awaitMessage("forbidden", PLAY)).contains("403");
                page.screenshot("e2e-player-forbidden");

                page.useToken("token");

                page.awaitAdvance(3.0, PLAY);
                assertThat(page.messageKind()).isNull();
            }
        } finally {
            registry.delete("authentication");
            awaitEdge("/hls/colorbar.m3u8", status -> status == 200);
        }
    }

    @Test
    @Order(3)
    void aHeaderFilterUnitShowsInTheEdgePanel() {
        registry.put("metrics-headers", "header_filter", METRICS_UNIT, "open");
        try {
            // As in OpenResty, ngx.header turns '_' into '-' in header names.
            awaitEdgeHeader("/hls/colorbar.m3u8", "X-Metrics-request-time");
            try (PlayerPage page = PlayerPage.open(chromium, platform.edge() + "/app", 1280, 800)) {
                page.awaitAdvance(2.0, PLAY);
                assertThat(page.awaitEdgeHeader("X-Metrics-request-time", SOON)).matches("\\d+\\.\\d{3}");
            }
        } finally {
            registry.delete("metrics-headers");
        }
    }

    @Test
    @Order(4)
    void aBodyFilterUnitThatTagsThePlaylistDoesNotBreakPlayback() {
        registry.put("hls-copyright", "body_filter", PLAYLIST_TAG_UNIT, "open");
        try {
            awaitEdgeBody("/hls/colorbar_720p.m3u8", body -> body.contains("#COPYRIGHT:NOTT"));
            try (PlayerPage page = PlayerPage.open(chromium, platform.edge() + "/app", 1280, 800)) {
                page.awaitAdvance(5.0, PLAY);
                assertThat(page.messageKind()).isNull();
            }
        } finally {
            registry.delete("hls-copyright");
        }
    }

    private static void awaitEdge(String path, Predicate<Integer> status) {
        await(path, response -> status.test(response.statusCode()), "status");
    }

    private static void awaitEdgeHeader(String path, String header) {
        await(path, response -> response.headers().firstValue(header).isPresent(), "header " + header);
    }

    private static void awaitEdgeBody(String path, Predicate<String> body) {
        await(path, response -> response.statusCode() == 200 && body.test(response.body()), "body");
    }

    /** Polls the edge until a unit change shows: the registry pushes it in well under a second. */
    private static void await(String path, Predicate<HttpResponse<String>> done, String what) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        try {
            Poll.upTo(SOON, "the edge showing the expected " + what + " for " + path)
                    .ignoreException(IOException.class) // the next poll tells
                    .until(() -> {
                        last.set(HTTP.send(HttpRequest.newBuilder(URI.create(platform.edge() + path)).build(),
                                HttpResponse.BodyHandlers.ofString()));
                        return done.test(last.get());
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the edge never showed the expected " + what + " for " + path + "; last answer: "
                    + (last.get() == null ? "none" : last.get().statusCode() + " " + last.get().headers().map()), e);
        }
    }
}
