package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.options.Cookie;
import com.sun.net.httpserver.HttpServer;
import io.nott.player.browser.PlayerPage;
import io.nott.testsupport.FreePorts;
import io.nott.testsupport.HeadlessChromium;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #16's acceptance in Chromium on the whole platform: a unit switches a viewer between two
 * origins by cookie, live, without a reload, while playback goes on. The second origin is this
 * test's own HTTP server in front of the ingest's HLS server (the same demo stream, so playback
 * can go on across the switch), configured on the edge as upstream group {@code hlsb}; it marks
 * its answers {@code X-Origin: second-origin}, and a header_filter unit adds
 * {@code X-Upstream: <group>}: the player's edge panel shows both for every segment it loads.
 */
class SteerOriginsBrowserIT {

    private static final Duration PLAY = Duration.ofSeconds(90);
    private static final Duration SWITCH = Duration.ofSeconds(60);

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
    private static HttpServer second;
    private static final AtomicInteger secondRequests = new AtomicInteger();
    private static volatile int hlsPort;

    @BeforeAll
    static void start() throws IOException {
        int secondPort = FreePorts.one();
        second = secondOrigin(secondPort);
        platform = LocalPlatform.up("-steer", Map.of("JAVA_TOOL_OPTIONS",
                "-Dedge.upstreams.hlsb.servers=127.0.0.1:" + secondPort));
        hlsPort = platform.hlsPort();
        chromium = HeadlessChromium.launch();
        RegistryClient registry = new RegistryClient(platform.registry(), platform.registryToken());
        registry.put("origin-switch", "rewrite", SWITCH_UNIT, "open");
        registry.put("origin-shown", "header_filter", SHOW_UNIT, "open");
    }

    @AfterAll
    static void stop() {
        try (HeadlessChromium c = chromium; LocalPlatform p = platform) {
            // closed in reverse order
        } finally {
            if (second != null) {
                second.stop(0);
            }
        }
    }

    /** The second origin: relays GETs to the ingest's HLS server and marks the answers. */
    private static HttpServer secondOrigin(int port) throws IOException {
        HttpClient relay = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            secondRequests.incrementAndGet();
            try {
                HttpResponse<byte[]> answer = relay.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + hlsPort + exchange.getRequestURI()))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
                for (String name : List.of("Content-Type", "Cache-Control", "Last-Modified", "ETag")) {
                    answer.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().set(name, v));
                }
                exchange.getResponseHeaders().set("X-Origin", "second-origin");
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return server;
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
                new com.microsoft.playwright.Page.WaitForFunctionOptions().setTimeout(timeout.toMillis()));
    }

    @Test
    void aCookieSwitchesTheViewerBetweenTwoOriginsLiveWithoutAReload() {
        try (PlayerPage page = PlayerPage.open(chromium, platform.edge() + "/app", 1280, 800)) {
            List<String> failedLoads = new java.util.concurrent.CopyOnWriteArrayList<>();
            page.page().onResponse(r -> {
                if (r.status() >= 400) {
                    failedLoads.add(r.status() + " " + r.url());
                }
            });
            page.awaitAdvance(2.0, PLAY);
            awaitShown(page, "x-upstream", "hls", SWITCH);
            assertThat(shown(page, "x-origin")).isNull();
            Object navigations = page.page().evaluate("() => performance.getEntriesByType('navigation').length");

            // The switch: a cookie, set while the page plays; no reload, no new page.
            long switched = System.nanoTime();
            page.page().context().addCookies(List.of(new Cookie("origin", "b").setUrl(platform.edge())));
            awaitShown(page, "x-upstream", "hlsb", SWITCH);
            long toSecond = (System.nanoTime() - switched) / 1_000_000;
            awaitShown(page, "x-origin", "second-origin", SWITCH);
            assertThat(secondRequests.get()).isPositive();
            page.awaitAdvance(4.0, PLAY); // playback goes on from the second origin

            // And back, still without a reload.
            switched = System.nanoTime();
            page.page().context().clearCookies();
            awaitShown(page, "x-upstream", "hls", SWITCH);
            long toFirst = (System.nanoTime() - switched) / 1_000_000;
            awaitShown(page, "x-origin", null, SWITCH);
            page.awaitAdvance(4.0, PLAY);

            assertThat(page.page().evaluate("() => performance.getEntriesByType('navigation').length")).isEqualTo(navigations);
            // The cache kept the two origins' answers apart: the same URL answers per cookie.
            assertThat(edgeGet("/hls/colorbar.m3u8", null).headers().firstValue("X-Origin")).isEmpty();
            assertThat(edgeGet("/hls/colorbar.m3u8", "origin=b").headers().firstValue("X-Origin")).hasValue("second-origin");
            // Failed loads are listed with their URLs so a failure names what failed. A media
            // segment's 404 around a switch is tolerated (a playlist cached per origin may name a
            // segment the other has not yet written); any other failed load or page error fails.
            assertThat(failedLoads).as("failed loads other than a media segment's 404")
                    .allMatch(load -> load.startsWith("404 ") && load.contains(".ts"));
            assertThat(page.errors()).as("page errors other than those failed loads")
                    .allMatch(e -> e.startsWith("Failed to load resource: the server responded with a status of 404"));
            assertThat(page.errors().size()).isLessThanOrEqualTo(failedLoads.size());
            System.out.println("failed loads: " + failedLoads);
            System.out.printf("measured: cookie set -> first segment from the second origin on screen %d ms; cookie"
                    + " cleared -> back on the first %d ms; the second origin served %d requests%n", toSecond, toFirst,
                    secondRequests.get());
        }
    }
}
