package io.nott.player;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.player.browser.FakeEdgeServer;
import io.nott.player.browser.LiveHlsStream;
import io.nott.player.browser.PlayerPage.VideoState;
import io.nott.player.browser.PlayerPage;
import io.nott.testsupport.HeadlessChromium;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page in Debian's headless Chromium, playing a real live HLS stream FFmpeg makes during the
 * test, served by a fake edge on another origin ({@code ?api=} points the page at it).
 */
@QuarkusTest
class PlayerBrowserIT {

    private static final Logger LOG = Logger.getLogger(PlayerBrowserIT.class);

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SOON = Duration.ofSeconds(30);
    /**
     * The ingest's answer shape ({@code io.nott.ingest.stream.LiveStream}): its master URL names the
     * public edge address, which the page reduces to a path under its HLS base (here the fake edge).
     */
    private static final String COLORBAR = """
            [{"name":"colorbar","state":"live","bitrateKbps":1100,"testSource":true,
              "urls":{"master":"http://10.255.255.1:8080/hls/colorbar.m3u8","rtmp":"rtmp://localhost:1935/encoder/colorbar"},
              "renditions":[{"name":"high","resolution":"640x360","playlist":"colorbar_high.m3u8"},
                            {"name":"low","resolution":"426x240","playlist":"colorbar_low.m3u8"}]}]""";

    private static LiveHlsStream stream;
    private static FakeEdgeServer edge;
    private static HeadlessChromium chromium;

    @TestHTTPResource("/app")
    URL app;

    @BeforeAll
    static void startStreamEdgeAndBrowser() throws Exception {
        stream = LiveHlsStream.start("colorbar");
        edge = FakeEdgeServer.start(stream.directory());
        chromium = HeadlessChromium.launch();
        stream.awaitSegments(3, START);
    }

    @AfterAll
    static void stopAll() throws Exception {
        try (LiveHlsStream s = stream; FakeEdgeServer e = edge; HeadlessChromium c = chromium) {
            // closed in reverse order
        }
    }

    @BeforeEach
    void plainEdge() {
        edge.reset();
    }

    private String pageUrl(String extraQuery) {
        return app + "?api=" + URLEncoder.encode(edge.origin(), StandardCharsets.UTF_8) + extraQuery;
    }

    @Test
    void playsTheLiveStreamAndShowsWhatTheEdgeSaid() {
        edge.streams(COLORBAR);
        long opened = System.nanoTime();
        try (PlayerPage page = PlayerPage.open(chromium, pageUrl(""), 1280, 800)) {
            page.awaitStarted(START);
            // A figure, not an assertion: how long a viewer waits for the first picture.
            LOG.infof("measured: first frame %d ms after opening the page", (System.nanoTime() - opened) / 1_000_000);
            VideoState played = page.awaitAdvance(4.0, START);

            assertThat(played.videoWidth()).isIn(LiveHlsStream.HIGH_WIDTH, LiveHlsStream.LOW_WIDTH);
            assertThat(played.paused()).isFalse();
            assertThat(page.messageKind()).isNull();
            assertThat(page.listedStreams()).containsExactly("colorbar");
            assertThat(page.awaitEdgeHeader(FakeEdgeServer.CACHE_STATUS, SOON)).isEqualTo("HIT");
            assertThat(page.awaitEdgeHeader(FakeEdgeServer.METRICS_HEADER, SOON)).startsWith("segment=colorbar_");
            assertThat(page.screenshot("player-playing")).exists();
            // The page's Content-Security-Policy lets Clappr and hls.js do all they need.
            assertThat(page.errors()).noneMatch(e -> e.contains("Content Security Policy"));
            assertThat(page.errors()).isEmpty();
        }
    }

    @Test
    void qualitySelectorSwitchesTheRendition() {
        edge.streams(COLORBAR);
        try (PlayerPage page = PlayerPage.open(chromium, pageUrl(""), 1280, 800)) {
            VideoState started = page.awaitStarted(START);
            int other = started.videoWidth() == LiveHlsStream.HIGH_WIDTH ? LiveHlsStream.LOW_WIDTH : LiveHlsStream.HIGH_WIDTH;

            page.chooseQualityWidth(other, SOON);

            assertThat(page.awaitVideoWidth(other, START).videoWidth()).isEqualTo(other);
            page.awaitAdvance(2.0, SOON);
        }
    }

    @Test
    void showsAccessDeniedOn403AndPlaysOnceTheTokenIsGiven() {
        edge.streams(COLORBAR).requireToken("letmein");
        try (PlayerPage page = PlayerPage.open(chromium, pageUrl(""), 1280, 800)) {
            String message = page.awaitMessage("forbidden", START);
            assertThat(message).contains("403").contains("token");
            page.screenshot("player-forbidden");

            page.useToken("letmein");

            page.awaitAdvance(3.0, START);
            assertThat(page.messageKind()).isNull();
        }
    }

    @Test
    void takesTheTokenFromTheUrlAsTheSeedDoes() {
        edge.streams(COLORBAR).requireToken("letmein");
        try (PlayerPage page = PlayerPage.open(chromium, pageUrl("&token=letmein"), 1280, 800)) {
            page.awaitAdvance(3.0, START);
            assertThat(page.page().context().cookies()).anySatisfy(c -> {
                assertThat(c.name).isEqualTo("superstition");
                assertThat(c.value).isEqualTo("letmein");
            });
        }
    }

    @Test
    void saysSoWhenNoStreamIsLive() {
        edge.streams("[]");
        try (PlayerPage page = PlayerPage.open(chromium, pageUrl(""), 1280, 800)) {
            assertThat(page.awaitMessage("empty", SOON)).contains("No stream is live");
        }
    }

    @Test
    void saysSoWhenTheChosenStreamIsNotLiveAndSwitchesOnAClick() {
        edge.streams("[{\"name\":\"colorbar\"},{\"name\":\"gone\"}]");
        try (PlayerPage page = PlayerPage.open(chromium, pageUrl("&stream=gone"), 1280, 800)) {
            assertThat(page.awaitMessage("offline", SOON)).contains("\"gone\"").contains("404");

            page.chooseStream("colorbar");

            page.awaitNoMessage(START);
            page.awaitAdvance(4.0, START);
            assertThat(page.messageKind()).isNull();
        }
    }

    @Test
    void saysSoWhenTheStreamStallsAndRecovers() {
        edge.streams(COLORBAR);
        try (PlayerPage page = PlayerPage.open(chromium, pageUrl(""), 1280, 800)) {
            page.awaitAdvance(2.0, START);

            edge.freezePlaylists(true);
            assertThat(page.awaitMessage("stalled", START)).contains("stalled");
            page.screenshot("player-stalled");

            edge.freezePlaylists(false);
            page.awaitNoMessage(START);
            page.awaitAdvance(2.0, START);
        }
    }

    @Test
    void playsOnAPhoneFromAnyReasonableStreamListShape() {
        // An absolute URL with the ingest's own address is reduced to its path: viewers go through the edge.
        edge.streams("{\"streams\":[{\"name\":\"colorbar\",\"masterPlaylistUrl\":\"http://10.255.255.1:8083/hls/colorbar.m3u8\"},"
                + "\"plain\",{\"id\":\"ended\",\"live\":false},{\"name\":\"later\",\"state\":\"starting\"},{\"nameless\":true}]}");
        try (PlayerPage page = PlayerPage.open(chromium, pageUrl(""), 390, 844)) {
            page.awaitAdvance(2.0, START);

            assertThat(page.listedStreams()).containsExactly("colorbar", "plain", "later");
            assertThat(page.fitsViewportWidth()).isTrue();
            page.screenshot("player-phone");
        }
    }

    @Test
    void qualityLabelsAreDistinctAndAutoNamesTheLevelOnScreen() {
        edge.streams(COLORBAR);
        try (PlayerPage page = PlayerPage.open(chromium, pageUrl(""), 1280, 800)) {
            page.awaitStarted(START);
            page.awaitAdvance(1.0, START);

            // Auto names the level whose fragment is on screen, i.e. the picture's own height
            int height = page.video().videoHeight();
            assertThat(height).isIn(360, 240);
            assertThat(page.awaitAutoShowing(height, SOON)).isEqualTo("Auto (" + height + "p)");
            java.util.List<String> labels = page.qualityLabels();
            assertThat(labels).hasSize(3).doesNotHaveDuplicates();
            assertThat(labels.subList(1, 3)).containsExactly("360p", "240p");
        }
    }

    @Test
    void saysTheStreamHasEndedAndPlaysItAgainWhenItComesBack() throws Exception {
        // a second stream next to the first, so the fake edge serves both
        LiveHlsStream finale = LiveHlsStream.start("finale", stream.directory());
        try {
            finale.awaitSegments(3, START);
            edge.streams("[{\"name\":\"finale\",\"state\":\"live\"}]");
            try (PlayerPage page = PlayerPage.open(chromium, pageUrl("&stream=finale"), 1280, 800)) {
                page.awaitAdvance(2.0, START);

                finale.stop(); // SIGTERM: FFmpeg ends the playlists with #EXT-X-ENDLIST
                edge.streams("[]");
                assertThat(page.awaitMessage("ended", START)).contains("The stream has ended");
                page.screenshot("player-ended");

                page.markVideoAsOld();
                finale = LiveHlsStream.start("finale", stream.directory());
                finale.awaitSegments(2, START);
                edge.streams("[{\"name\":\"finale\",\"state\":\"live\"}]");
                page.awaitNewVideo(START);
                page.awaitNoMessage(START);
                page.awaitAdvance(2.0, START);
                assertThat(page.messageKind()).isNull();
            }
        } finally {
            finale.stop();
        }
    }

    @Test
    void aPhoneStartsPlayingMutedWithoutATapAndOffersUnmute() {
        edge.streams(COLORBAR);
        // Chromium's own policy, as on phones: only muted video may start without a tap
        try (HeadlessChromium phone = HeadlessChromium.launchWithPhoneAutoplayPolicy();
                PlayerPage page = PlayerPage.openOnPhone(phone, pageUrl(""))) {
            VideoState playing = page.awaitAdvance(2.0, START);

            assertThat(playing.paused()).isFalse();
            assertThat(page.muted()).isTrue();
            assertThat(page.unmuteOffered()).isTrue();
            assertThat(page.messageKind()).isNull();
            assertThat(page.fitsViewportWidth()).isTrue();
            page.screenshot("player-phone-muted");

            page.unmute(); // a tap: the browser allows sound now
            assertThat(page.muted()).isFalse();
            assertThat(page.unmuteOffered()).isFalse();
            page.awaitAdvance(1.0, START);
        }
    }
}
