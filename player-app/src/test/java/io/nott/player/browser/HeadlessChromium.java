package io.nott.player.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Debian's Chromium driven by Playwright for Java, offline: Playwright never downloads a browser
 * ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}), the executable is {@code /usr/bin/chromium} (or
 * {@code nott.chromium.path}), every launch gets a fresh temporary profile (Playwright's
 * non-persistent launch), and the flags keep Chromium from reaching the network on its own.
 *
 * <p>Not thread-safe (Playwright is not): use one instance from one test thread. Reusable outside
 * this module (the e2e tests): it depends only on Playwright and {@link PlayerPage}.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HeadlessChromium.class);

    /** The launch flags of the issue: no sandbox (root in a container), no GPU, nothing phoning home. */
    public static final List<String> ARGS = List.of(
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--autoplay-policy=no-user-gesture-required");

    private final Playwright playwright;
    private final Browser browser;
    private final Path artifacts;

    private HeadlessChromium(Playwright playwright, Browser browser, Path artifacts) {
        this.playwright = playwright;
        this.browser = browser;
        this.artifacts = artifacts;
    }

    /** Launches headless Chromium. Screenshots go to {@code nott.artifacts.dir} (default {@code target/browser-artifacts}). */
    public static HeadlessChromium launch() {
        return launch(ARGS);
    }

    /**
     * Launches headless Chromium with its own autoplay policy, as on a phone: video plays by
     * itself only while muted, sound needs a tap.
     */
    public static HeadlessChromium launchWithPhoneAutoplayPolicy() {
        return launch(ARGS.stream().filter(a -> !a.startsWith("--autoplay-policy")).toList());
    }

    private static HeadlessChromium launch(List<String> args) {
        Path executable = Paths.get(System.getProperty("nott.chromium.path", "/usr/bin/chromium"));
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("no Chromium at " + executable + ": install Debian's chromium or set -Dnott.chromium.path");
        }
        Path artifacts = Paths.get(System.getProperty("nott.artifacts.dir", "target/browser-artifacts"));
        Playwright playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(executable)
                    .setHeadless(true)
                    .setArgs(args));
            LOG.infof("Chromium %s launched from %s", browser.version(), executable);
            return new HeadlessChromium(playwright, browser, artifacts);
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    /** A phone's user agent (Chromium on Android), for {@link #openOnPhone}. */
    public static final String PHONE_USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

    /** A page in its own browser context (own cookies, own cache) with the given viewport, its console logged. */
    public PlayerPage open(String url, int width, int height) {
        return open(url, new Browser.NewContextOptions().setViewportSize(width, height));
    }

    /** A page as a 390x844 phone shows it: mobile user agent, touch, 3x pixels, mobile viewport rules. */
    public PlayerPage openOnPhone(String url) {
        return open(url, new Browser.NewContextOptions().setViewportSize(390, 844).setUserAgent(PHONE_USER_AGENT)
                .setIsMobile(true).setHasTouch(true).setDeviceScaleFactor(3));
    }

    private PlayerPage open(String url, Browser.NewContextOptions options) {
        BrowserContext context = browser.newContext(options);
        Page page = context.newPage();
        PlayerPage playerPage = new PlayerPage(page, this);
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type()) || "warning".equals(m.type())) {
                LOG.infof("[browser %s] %s", m.type(), m.text());
            } else {
                LOG.debugf("[browser %s] %s", m.type(), m.text());
            }
            if ("error".equals(m.type())) {
                playerPage.recordError(m.text());
            }
        });
        page.onPageError(e -> {
            LOG.warnf("[browser page error] %s", e);
            playerPage.recordError(e);
        });
        page.navigate(url);
        return playerPage;
    }

    /** Saves a full-page screenshot as {@code <artifacts>/<name>.png} and returns its path. */
    public Path screenshot(Page page, String name) {
        try {
            Files.createDirectories(artifacts);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + artifacts, e);
        }
        Path file = artifacts.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        LOG.infof("screenshot saved: %s", file.toAbsolutePath());
        return file;
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
