package io.nott.player.service;

import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;

/**
 * The static files the app is made of, looked up on the class path where the build put them
 * ({@code META-INF/resources/app}). The Clappr bundle comes from npm at build time; a jar built
 * without it (npm skipped or failed) must report not ready rather than serve a page that cannot play.
 */
@ApplicationScoped
public class PageAssets {

    /** Where the build copies {@code @clappr/player/dist/clappr.min.js}. */
    public static final String CLAPPR_BUNDLE = "META-INF/resources/app/vendor/clappr.min.js";
    static final String INDEX_PAGE = "META-INF/resources/app/index.html";
    /** A real Clappr + hls.js bundle is hundreds of kilobytes; anything tiny is a broken copy. */
    static final long MIN_BUNDLE_BYTES = 100_000;

    private final Buffer indexPage;

    public PageAssets() {
        this.indexPage = Buffer.buffer(read(INDEX_PAGE));
    }

    /** The page, read once at start-up. */
    public Buffer indexPage() {
        return indexPage;
    }

    /** Size in bytes of the Clappr bundle on the class path, or -1 when it is missing. */
    public long clapprBundleSize() {
        URL url = classLoader().getResource(CLAPPR_BUNDLE);
        if (url == null) {
            return -1;
        }
        try {
            return url.openConnection().getContentLengthLong();
        } catch (IOException e) {
            return -1;
        }
    }

    /** True when the Clappr bundle is present and plausibly whole. */
    public boolean clapprBundlePresent() {
        return clapprBundleSize() >= MIN_BUNDLE_BYTES;
    }

    private static byte[] read(String resource) {
        try (InputStream in = classLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing class-path resource " + resource + ": the build did not package the page");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static ClassLoader classLoader() {
        return Thread.currentThread().getContextClassLoader();
    }
}
