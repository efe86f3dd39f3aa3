package io.nott.player.browser;

import com.microsoft.playwright.Page;
import io.nott.testsupport.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The NOTT page in a browser, seen the way a viewer sees it: the video element's state, the
 * message on the player, the edge panel, the quality selector and the token field. Every wait is
 * a poll until a condition holds (Playwright's {@code waitForFunction}), bounded by a timeout.
 */
public final class PlayerPage implements AutoCloseable {

    /** What the {@code <video>} element says at one moment. */
    public record VideoState(double currentTime, int videoWidth, int videoHeight, boolean paused, int readyState) {
    }

    private static final String VIDEO_STATE = """
            () => { const v = document.querySelector('#player video');
                    return v ? { currentTime: v.currentTime, videoWidth: v.videoWidth, videoHeight: v.videoHeight,
                                 paused: v.paused, readyState: v.readyState } : null; }""";

    private final Page page;
    private final HeadlessChromium browser;
    private final java.util.List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

    private PlayerPage(HeadlessChromium browser, int width, int height) {
        this.browser = browser;
        this.page = browser.newPage(width, height, errors::add);
    }

    private PlayerPage(HeadlessChromium browser) {
        this.browser = browser;
        this.page = browser.newPhonePage(errors::add);
    }

    /** Opens {@code url} in a page of its own (own cookies, own cache) with the given viewport, its console logged. */
    public static PlayerPage open(HeadlessChromium browser, String url, int width, int height) {
        PlayerPage playerPage = new PlayerPage(browser, width, height);
        playerPage.page.navigate(url);
        return playerPage;
    }

    /** Opens {@code url} as a 390x844 phone shows it (mobile user agent, touch), in a page of its own. */
    public static PlayerPage openOnPhone(HeadlessChromium browser, String url) {
        PlayerPage playerPage = new PlayerPage(browser);
        playerPage.page.navigate(url);
        return playerPage;
    }

    /** Console errors and uncaught exceptions of the page so far (failed loads show here too). */
    public java.util.List<String> errors() {
        return java.util.List.copyOf(errors);
    }

    /** The Playwright page, for anything this class does not cover. */
    public Page page() {
        return page;
    }

    /** The video element's state now, or null when the player has no video element. */
    @SuppressWarnings("unchecked")
    public VideoState video() {
        Map<String, Object> v = (Map<String, Object>) page.evaluate(VIDEO_STATE);
        if (v == null) {
            return null;
        }
        return new VideoState(((Number) v.get("currentTime")).doubleValue(), ((Number) v.get("videoWidth")).intValue(),
                ((Number) v.get("videoHeight")).intValue(), (Boolean) v.get("paused"), ((Number) v.get("readyState")).intValue());
    }

    /** Waits until the video has started (currentTime > 0 and a picture size known); returns its state then. */
    public VideoState awaitStarted(Duration timeout) {
        page.waitForFunction("() => { const v = document.querySelector('#player video');"
                + " return v && v.currentTime > 0 && v.videoWidth > 0; }", null, waitOptions(timeout));
        return video();
    }

    /**
     * Waits until the video's currentTime is at least {@code seconds} past where it is now: playback
     * really advances (not one decoded frame). Returns the state reached.
     */
    public VideoState awaitAdvance(double seconds, Duration timeout) {
        VideoState start = awaitStarted(timeout);
        page.waitForFunction("t => { const v = document.querySelector('#player video'); return v && v.currentTime >= t; }",
                start.currentTime() + seconds, waitOptions(timeout));
        return video();
    }

    /**
     * Marks the video element on the page now, so that {@link #awaitNewVideo} can tell the element
     * of a player started later from it: a stopped one keeps its currentTime and picture size.
     */
    public void markVideoAsOld() {
        page.evaluate("() => { const v = document.querySelector('#player video'); if (v) v.dataset.old = 'true'; }");
    }

    /** Waits until the player shows a video element other than the one marked by {@link #markVideoAsOld}. */
    public void awaitNewVideo(Duration timeout) {
        page.waitForFunction("() => { const v = document.querySelector('#player video'); return v && !v.dataset.old; }",
                null, waitOptions(timeout));
    }

    /** Waits until the video element reports this picture width (e.g. after a quality switch). */
    public VideoState awaitVideoWidth(int width, Duration timeout) {
        page.waitForFunction("w => { const v = document.querySelector('#player video'); return v && v.videoWidth === w; }",
                width, waitOptions(timeout));
        return video();
    }

    /** Waits until the player shows a message of this kind (forbidden, offline, stalled, empty, error); returns its text. */
    public String awaitMessage(String kind, Duration timeout) {
        page.waitForFunction("k => { const m = document.getElementById('message'); return m && !m.hidden && m.dataset.kind === k; }",
                kind, waitOptions(timeout));
        return page.textContent("#message-text");
    }

    /** Waits until no message covers the player. */
    public void awaitNoMessage(Duration timeout) {
        page.waitForFunction("() => document.getElementById('message').hidden", null, waitOptions(timeout));
    }

    /** The kind of message on the player, or null. */
    public String messageKind() {
        return (String) page.evaluate("() => { const m = document.getElementById('message'); return m.hidden ? null : m.dataset.kind; }");
    }

    /** Waits until the edge panel shows this header (lower-case name) and returns its value. */
    public String awaitEdgeHeader(String name, Duration timeout) {
        String selector = "#edge-headers dd[data-header=\"" + name.toLowerCase() + "\"]";
        page.waitForSelector(selector, new Page.WaitForSelectorOptions().setTimeout(timeout.toMillis()));
        return page.textContent(selector);
    }

    /** Waits until the stream list shows a button for this stream. */
    public void awaitStreamListed(String name, Duration timeout) {
        page.waitForSelector("#streams button[data-stream=\"" + name + "\"]",
                new Page.WaitForSelectorOptions().setTimeout(timeout.toMillis()));
    }

    /** The names on the stream list, in order. */
    @SuppressWarnings("unchecked")
    public java.util.List<String> listedStreams() {
        return (java.util.List<String>) page.evaluate(
                "() => Array.from(document.querySelectorAll('#streams button')).map(b => b.dataset.stream)");
    }

    /** Clicks the stream's button in the list, as a viewer would. */
    public void chooseStream(String name) {
        page.click("#streams button[data-stream=\"" + name + "\"]");
    }

    /** Enters a token in the token field and submits it, as a viewer would. */
    public void useToken(String token) {
        page.fill("#token", token);
        page.click("#token-form button[type=submit]");
    }

    /** Picks the quality option whose rendition has this width; waits for the selector to offer it. */
    public void chooseQualityWidth(int width, Duration timeout) {
        String option = "#quality option[data-width=\"" + width + "\"]";
        page.waitForSelector(option, new Page.WaitForSelectorOptions()
                .setState(com.microsoft.playwright.options.WaitForSelectorState.ATTACHED).setTimeout(timeout.toMillis()));
        String value = page.getAttribute(option, "value");
        page.selectOption("#quality", value);
    }

    /** True when the video element is muted. */
    public boolean muted() {
        return (Boolean) page.evaluate("() => { const v = document.querySelector('#player video'); return !!v && v.muted; }");
    }

    /** True when the Unmute button is shown. */
    public boolean unmuteOffered() {
        return page.isVisible("#unmute");
    }

    /** Taps the Unmute button, as a viewer would. */
    public void unmute() {
        page.click("#unmute");
    }

    /** The texts of the quality options, Auto first. */
    @SuppressWarnings("unchecked")
    public java.util.List<String> qualityLabels() {
        return (java.util.List<String>) page.evaluate("() => Array.from(document.querySelectorAll('#quality option')).map(o => o.textContent)");
    }

    /** Waits until the Auto option names the level whose picture is this many lines high. */
    public String awaitAutoShowing(int height, Duration timeout) {
        page.waitForFunction("h => document.querySelector('#quality option').textContent === 'Auto (' + h + 'p)'",
                height, waitOptions(timeout));
        return qualityLabels().get(0);
    }

    /** True when nothing on the page is wider than the viewport (no sideways scrolling on a phone). */
    public boolean fitsViewportWidth() {
        return (Boolean) page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth");
    }

    /** Saves a screenshot as a test artifact. */
    public Path screenshot(String name) {
        return browser.screenshot(page, name);
    }

    private static Page.WaitForFunctionOptions waitOptions(Duration timeout) {
        return new Page.WaitForFunctionOptions().setTimeout(timeout.toMillis()).setPollingInterval(200);
    }

    @Override
    public void close() {
        page.context().close();
    }
}
