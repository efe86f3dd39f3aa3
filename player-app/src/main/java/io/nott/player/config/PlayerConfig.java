package io.nott.player.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the player app, under {@code player.*}. The page reads them from
 * {@code /app/config.json}; query parameters of the page ({@code ?api=}, {@code ?hls=},
 * {@code ?stream=}, {@code ?token=}) override them per viewer.
 */
@ConfigMapping(prefix = "player")
public interface PlayerConfig {

    /** The stream the page opens when the URL names none and it is live. Default {@code colorbar}. */
    @WithDefault("colorbar")
    String defaultStream();

    /**
     * Origin (scheme://host:port) of the streams API ({@code GET <base>/api/v1/streams}). Unset (the default): the
     * page's own origin, which is the edge when the page is reached through {@code /app} on the edge.
     */
    Optional<String> apiBaseUrl();

    /**
     * Origin (scheme://host:port) the player fetches HLS from. Unset (the default): the API base. A playlist URL the
     * API returns is always reduced to its path and resolved against this base, so viewers go
     * through the edge even when the ingest reports its own address.
     */
    Optional<String> hlsBaseUrl();

    /** How long the video may stand still while it should be playing before the page says the stream stalled. Default 10s. */
    @WithDefault("10s")
    Duration stallTimeout();

    /** How often the page re-reads the stream list (new streams appear, ended ones go). Default 10s. */
    @WithDefault("10s")
    Duration streamsRefresh();

    /** How long the page waits before retrying a stream that stalled or is not live. Default 5s. */
    @WithDefault("5s")
    Duration retryInterval();

    /** The cookie the seed's token unit reads ({@code ngx.var.cookie_superstition}). Default {@code superstition}. */
    @WithDefault("superstition")
    String tokenCookie();
}
