package io.nott.player.rest;

import io.nott.player.config.PlayerConfig;
import io.nott.player.service.PageAssets;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The page under {@code /app}, the path the edge routes here unchanged. {@code /app} and
 * {@code /app/} both answer the page itself (no redirect, so it works whatever the proxy does with
 * {@code Location}); the page refers to its assets by absolute {@code /app/...} paths, which the
 * static handler serves from {@code META-INF/resources/app}.
 */
@ApplicationScoped
public class PageRoutes {

    /**
     * Only this origin's scripts run. Clappr compiles its templates with {@code new Function}
     * ('unsafe-eval') and injects its styles ('unsafe-inline' styles); hls.js runs a worker from a
     * blob and plays through a blob media URL; Clappr probes autoplay with a data: video (blocking
     * it leaves the player paused). Playlists and the stream list may come from another origin
     * ({@code ?api=}, {@code ?hls=}), hence any connect-src.
     */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob: data:",
            "worker-src 'self' blob:",
            "connect-src *",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'self'");

    private final PlayerConfig config;
    private final PageAssets assets;

    public PageRoutes(PlayerConfig config, PageAssets assets) {
        this.config = config;
        this.assets = assets;
    }

    void register(@Observes Router router) {
        router.get("/app").handler(this::page);
        router.get("/app/").handler(this::page);
        router.get("/app/config.json").handler(this::pageConfig);
    }

    private void page(RoutingContext ctx) {
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                // The page is tiny and names the assets: revalidate it so a new build shows at once.
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .end(assets.indexPage());
    }

    private void pageConfig(RoutingContext ctx) {
        JsonObject body = new JsonObject()
                .put("defaultStream", config.defaultStream())
                .put("apiBaseUrl", config.apiBaseUrl().orElse(""))
                .put("hlsBaseUrl", config.hlsBaseUrl().orElse(""))
                .put("stallTimeoutMs", config.stallTimeout().toMillis())
                .put("streamsRefreshMs", config.streamsRefresh().toMillis())
                .put("retryIntervalMs", config.retryInterval().toMillis())
                .put("tokenCookie", config.tokenCookie());
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .end(body.encode());
    }
}
