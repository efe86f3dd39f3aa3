package io.nott.testsupport;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The one way the suite launches a browser: Debian's Chromium driven by Playwright for Java,
 * offline. Playwright never downloads a browser ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}), the
 * executable is {@code /usr/bin/chromium} (or {@code nott.chromium.path}), every page gets its own
 * browser context (own cookies, cache and a fresh profile), and the flags keep Chromium from
 * reaching the network on its own.
 *
 * <p>Not thread-safe (Playwright is not): use one instance from one test thread.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HeadlessChromium.class);

    /** No sandbox (root in a container), no GPU, nothing phoning home, video may autoplay. */
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
            throw new IllegalStateException("no Chromium at " + executable
                    + ": apt-get install -y chromium, or set -Dnott.chromium.path");
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

    /**
     * A page in its own browser context with the given viewport. Console errors and uncaught
     * exceptions go to {@code errors} (and the log); other console lines to the debug log.
     * Closing the page's context ({@code page.context().close()}) frees it.
     */
    public Page newPage(int width, int height, Consumer<String> errors) {
        return newPage(new Browser.NewContextOptions().setViewportSize(width, height), errors);
    }

    /** A phone's user agent (Chromium on Android), for {@link #newPhonePage}. */
    public static final String PHONE_USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

    /** A page as a 390x844 phone shows it: mobile user agent, touch, 3x pixels, mobile viewport rules. */
    public Page newPhonePage(Consumer<String> errors) {
        return newPage(new Browser.NewContextOptions().setViewportSize(390, 844).setUserAgent(PHONE_USER_AGENT)
                .setIsMobile(true).setHasTouch(true).setDeviceScaleFactor(3), errors);
    }

    private Page newPage(Browser.NewContextOptions options, Consumer<String> errors) {
        Page page = browser.newContext(options).newPage();
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type()) || "warning".equals(m.type())) {
                LOG.infof("[browser %s] %s", m.type(), m.text());
            } else {
                LOG.debugf("[browser %s] %s", m.type(), m.text());
            }
            if ("error".equals(m.type())) {
                errors.accept(m.text());
            }
        });
        page.onPageError(e -> {
            LOG.warnf("[browser page error] %s", e);
            errors.accept(e);
        });
        return page;
    }

    /** A 1280x800 page whose console errors are only logged. */
    public Page newPage() {
        return newPage(1280, 800, error -> { });
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
