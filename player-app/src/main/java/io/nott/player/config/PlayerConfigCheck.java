package io.nott.player.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Refuses to start with settings the page cannot use, naming each bad key and what to write
 * instead, rather than serving a page that fails in every viewer's browser.
 */
@ApplicationScoped
public class PlayerConfigCheck {

    /** The ingest's stream names ({@code io.nott.ingest.stream.StreamName}): letters, digits, dashes; 64 at most. */
    static final Pattern STREAM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    /** RFC 6265 cookie-name token characters. */
    static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,64}");

    void onStart(@Observes StartupEvent event, PlayerConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("player-app settings are invalid: " + String.join("; ", problems));
        }
    }

    /** Every problem of these settings, each naming its key; empty when they are usable. */
    public static List<String> problems(PlayerConfig config) {
        List<String> problems = new ArrayList<>();
        if (!STREAM_NAME.matcher(config.defaultStream()).matches()) {
            problems.add("player.default-stream='" + config.defaultStream()
                    + "' is not a stream name (letters, digits and '-', at most 64)");
        }
        origin("player.api-base-url", config.apiBaseUrl(), problems);
        origin("player.hls-base-url", config.hlsBaseUrl(), problems);
        atLeast("player.stall-timeout", config.stallTimeout(), Duration.ofSeconds(1), problems);
        atLeast("player.streams-refresh", config.streamsRefresh(), Duration.ofSeconds(1), problems);
        atLeast("player.retry-interval", config.retryInterval(), Duration.ofMillis(500), problems);
        if (!COOKIE_NAME.matcher(config.tokenCookie()).matches()) {
            problems.add("player.token-cookie='" + config.tokenCookie() + "' is not a cookie name");
        }
        return problems;
    }

    private static void origin(String key, Optional<String> value, List<String> problems) {
        if (value.isEmpty() || value.get().isBlank()) {
            return;
        }
        String text = value.get().trim();
        try {
            URI uri = new URI(text);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            boolean bare = (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
                    && uri.getQuery() == null && uri.getFragment() == null;
            if (!http || uri.getHost() == null || !bare) {
                problems.add(key + "='" + text + "' must be an origin like http://localhost:8080 (scheme, host, port; no path)");
            }
        } catch (URISyntaxException e) {
            problems.add(key + "='" + text + "' is not a URL: " + e.getMessage());
        }
    }

    private static void atLeast(String key, Duration value, Duration minimum, List<String> problems) {
        if (value.compareTo(minimum) < 0) {
            problems.add(key + "=" + value + " is too short: at least " + minimum);
        }
    }
}
