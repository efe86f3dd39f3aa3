package io.nott.player.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlayerConfigCheckTest {

    private record Settings(String defaultStream, Optional<String> apiBaseUrl, Optional<String> hlsBaseUrl,
            Duration stallTimeout, Duration streamsRefresh, Duration retryInterval, String tokenCookie)
            implements PlayerConfig {
    }

    private static Settings defaults() {
        return new Settings("colorbar", Optional.empty(), Optional.empty(), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(5), "superstition");
    }

    @Test
    void acceptsTheDefaultsAndPlainOrigins() {
        assertThat(PlayerConfigCheck.problems(defaults())).isEmpty();
        Settings origins = new Settings("colorbar", Optional.of("http://localhost:8080"), Optional.of("https://edge.example/"),
                Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(2), "superstition");
        assertThat(PlayerConfigCheck.problems(origins)).isEmpty();
    }

    @Test
    void namesEveryBadKeyAndWhatToWrite() {
        Settings bad = new Settings("no spaces", Optional.of("localhost:8080/api"), Optional.of("ftp://x"),
                Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(-1), "bad cookie");

        assertThat(PlayerConfigCheck.problems(bad))
                .hasSize(7)
                .anySatisfy(p -> assertThat(p).startsWith("player.default-stream='no spaces'"))
                .anySatisfy(p -> assertThat(p).startsWith("player.api-base-url=").contains("http://localhost:8080"))
                .anySatisfy(p -> assertThat(p).startsWith("player.hls-base-url='ftp://x'"))
                .anySatisfy(p -> assertThat(p).startsWith("player.stall-timeout=").contains("at least PT1S"))
                .anySatisfy(p -> assertThat(p).startsWith("player.streams-refresh="))
                .anySatisfy(p -> assertThat(p).startsWith("player.retry-interval="))
                .anySatisfy(p -> assertThat(p).startsWith("player.token-cookie='bad cookie'"));
    }

    @Test
    void refusesAnOriginWithAPath() {
        Settings withPath = new Settings("colorbar", Optional.of("http://localhost:8080/api/v1"), Optional.empty(),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5), "superstition");
        assertThat(PlayerConfigCheck.problems(withPath)).singleElement().asString().contains("no path");
    }
}
