package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.nott.player.browser.PlayerPage;
import io.nott.testsupport.HeadlessChromium;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #16's acceptance in Chromium on the whole platform: a unit switches a viewer between two
 * origins serving two different live test streams, by cookie, live, without a reload, while
 * playback goes on. The first origin is the ingest (colour bars with the burned clock, 440 Hz);
 * the second is {@link SecondOrigin} (SMPTE bars at 320x180, 880 Hz), configured on the edge as
 * upstream group {@code hlsb}, which serves its stream along the first one's timeline (same
 * playlists, sequence numbers and timestamps) as a redundant origin does (why: see
 * {@link SecondOrigin}). The page itself sets
 * and clears the cookie ({@code document.cookie}); the picture on screen tells the streams
 * apart (its width), the second origin marks its answers {@code X-Origin: second-origin}, and a
 * header_filter unit adds {@code X-Upstream: <group>}: the player's edge panel shows both for
 * every segment it loads.
 */
class SteerOriginsBrowserIT {

    private static final Duration PLAY = Duration.ofSeconds(90);
    private static final Duration SWITCH = Duration.ofSeconds(60);
    private static final String STREAM = "colorbar";

    /**
     * Only the stream moves: the second origin is an HLS server, so the page's own calls
     * (/api/v1/streams) stay on their route (switching them too answered 404 in CI).
     */
    static final String SWITCH_UNIT = """
            if ngx.var.cookie_origin == "b" and ngx.var.uri:sub(1, 5) == "/hls/" then
              ngx.var.upstream = "hlsb"
            end
            """;
    static final String SHOW_UNIT = "ngx.header['X-Upstream'] = ngx.var.upstream";

    private static LocalPlatform platform;
    private static HeadlessChromium chromium;
    private static SecondOrigin second;

    @BeforeAll
    static void start() throws IOException {
        int secondPort = SecondOrigin.freePort();
        platform = LocalPlatform.up("-steer", Map.of("JAVA_TOOL_OPTIONS",
                "-Dedge.upstreams.hlsb.servers=127.0.0.1:" + secondPort));
        second = SecondOrigin.start(platform.home().resolve("second-origin"),
                "http://127.0.0.1:" + platform.hlsPort() + "/hls/", STREAM, secondPort);
        chromium = HeadlessChromium.launch();
        RegistryClient registry = new RegistryClient(platform.registry(), platform.registryToken());
        registry.put("origin-switch", "rewrite", SWITCH_UNIT, "open");
        registry.put("origin-shown", "header_filter", SHOW_UNIT, "open");
    }

    @AfterAll
    static void stop() {
        try (HeadlessChromium c = chromium; LocalPlatform p = platform; SecondOrigin s = second) {
            // closed in reverse order
        }
    }

    private static HttpResponse<String> edgeGet(String path, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.edge() + path)).timeout(Duration.ofSeconds(10));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("the edge did not answer " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String shown(PlayerPage page, String header) {
        Object value = page.page().evaluate("h => { const d = document.querySelector('#edge-headers dd[data-header=\"' + h + '\"]');"
                + " return d ? d.textContent : null; }", header);
        return value == null ? null : value.toString();
    }

    /** Waits until the edge panel shows {@code header} with {@code value} for the last segment, or no such header when null. */
    private static void awaitShown(PlayerPage page, String header, String value, Duration timeout) {
        // One string argument: "name=value", or "name" alone for "not shown".
        page.page().waitForFunction("a => { const i = a.indexOf('='); const h = i < 0 ? a : a.substring(0, i);"
                        + " const d = document.querySelector('#edge-headers dd[data-header=\"' + h + '\"]');"
                        + " return i < 0 ? !d : (d !== null && d.textContent === a.substring(i + 1)); }",
                value == null ? header : header + "=" + value,
                new Page.WaitForFunctionOptions().setTimeout(timeout.toMillis()));
    }

    /** Waits until the picture on screen is not {@code width} wide (the first stream's picture again). */
    private static void awaitVideoWidthOtherThan(PlayerPage page, int width, Duration timeout) {
        page.page().waitForFunction("w => { const v = document.querySelector('#player video');"
                + " return v && v.videoWidth > 0 && v.videoWidth !== w; }", width,
                new Page.WaitForFunctionOptions().setTimeout(timeout.toMillis()));
    }

    /** From now on, the page keeps the kind of every message the player shows (see {@link #messages}). */
    private static void recordMessages(PlayerPage page) {
        page.page().evaluate("() => { window.shownMessages = []; const m = document.getElementById('message');"
                + " new MutationObserver(() => { if (!m.hidden) window.shownMessages.push(m.dataset.kind); })"
                + ".observe(m, { attributes: true, attributeFilter: ['hidden', 'data-kind'] }); }");
    }

    /** The kinds of message the player showed since {@link #recordMessages}. */
    @SuppressWarnings("unchecked")
    private static List<String> messages(PlayerPage page) {
        return (List<String>) page.page().evaluate("() => window.shownMessages");
    }

    /** The page's own cookie write: what a script of the page (a button, an A/B library) would do. */
    private static void setCookie(PlayerPage page, String cookie) {
        page.page().evaluate("c => { document.cookie = c; }", cookie);
    }

    /** Milliseconds the video took to play {@code seconds} more: printed, so a stall shows as a figure. */
    private static long play(PlayerPage page, double seconds) {
        long begin = System.nanoTime();
        page.awaitAdvance(seconds, PLAY);
        return (System.nanoTime() - begin) / 1_000_000;
    }

    @Test
    void aCookieSwitchesTheViewerBetweenTwoOriginsLiveWithoutAReload() {
        try (PlayerPage page = PlayerPage.open(chromium, platform.edge() + "/app", 1280, 800)) {
            List<String> failedLoads = new CopyOnWriteArrayList<>();
            page.page().onResponse(r -> {
                if (r.status() >= 400) {
                    failedLoads.add(r.status() + " " + r.url());
                }
            });
            page.awaitAdvance(2.0, PLAY);
            awaitShown(page, "x-upstream", "hls", SWITCH);
            assertThat(shown(page, "x-origin")).isNull();
            assertThat(page.video().videoWidth()).as("the first stream's picture").isNotEqualTo(SecondOrigin.WIDTH);
            Object navigations = page.page().evaluate("() => performance.getEntriesByType('navigation').length");
            recordMessages(page);
            long beforeSwitch = play(page, 4.0); // what this machine gives without a switch, to compare

            // The switch: the page sets the cookie while it plays; no reload, no new page.
            long switched = System.nanoTime();
            setCookie(page, "origin=b; path=/; SameSite=Lax");
            awaitShown(page, "x-upstream", "hlsb", SWITCH);
            awaitShown(page, "x-origin", "second-origin", SWITCH);
            page.awaitVideoWidth(SecondOrigin.WIDTH, SWITCH); // the second stream is on screen
            long toSecond = (System.nanoTime() - switched) / 1_000_000;
            assertThat(second.requests()).isPositive();
            long onSecond = play(page, 4.0); // playback goes on, from the second origin

            // And back, still without a reload.
            switched = System.nanoTime();
            setCookie(page, "origin=; path=/; max-age=0; SameSite=Lax");
            awaitShown(page, "x-upstream", "hls", SWITCH);
            awaitShown(page, "x-origin", null, SWITCH);
            awaitVideoWidthOtherThan(page, SecondOrigin.WIDTH, SWITCH);
            long toFirst = (System.nanoTime() - switched) / 1_000_000;
            long onFirst = play(page, 4.0);

            assertThat(page.page().evaluate("() => performance.getEntriesByType('navigation').length")).isEqualTo(navigations);
            // The cache kept the two origins' answers apart: the same URL answers per cookie.
            String media = "/hls/" + STREAM + "_240p.m3u8";
            assertThat(edgeGet(media, null).headers().firstValue("X-Origin")).isEmpty();
            assertThat(edgeGet(media, "origin=b").headers().firstValue("X-Origin")).hasValue("second-origin");
            // No error on the way: every load answered (both origins have every segment their
            // playlists name: the second one's playlists are the first one's), no console error,
            // and the player never said it failed (a fatal hls.js error shows "error" or
            // "offline" and restarts the player). "stalled" is this machine's load, not a failure.
            System.out.println("failed loads: " + failedLoads + "; player messages: " + messages(page));
            assertThat(failedLoads).as("failed loads").isEmpty();
            assertThat(page.errors()).as("page errors").isEmpty();
            assertThat(messages(page)).as("player messages other than stalled").allMatch("stalled"::equals);
            System.out.printf("measured: 4 s of playback before any switch in %d ms; cookie set -> the second stream on"
                    + " screen %d ms, then 4 s of its playback in %d ms;"
                    + " cookie cleared -> the first stream on screen %d ms, then 4 s of playback in %d ms; the second"
                    + " origin served %d requests, %d distinct segments%n", beforeSwitch, toSecond, onSecond, toFirst, onFirst,
                    second.requests(), second.segmentsServed());
        }
    }
}
