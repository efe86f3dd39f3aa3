package io.nott.registry.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.TimeoutException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisFailureTest {

    @Test
    void aTimeoutWithoutAMessageSaysWhatGotNoAnswerAndWithinWhat() {
        assertThat(new TimeoutException().getMessage()).as("what readiness used to write").isNull();
        assertThat(RedisFailure.describe("GET {cu}:version", new TimeoutException(), Duration.ofSeconds(3)))
                .contains("GET {cu}:version", "no answer within 3000 ms", "quarkus.redis.timeout")
                .doesNotContain("null");
    }

    @Test
    void anyOtherFailureNamesItsTypeAndEveryCauseThatSaysSomething() {
        RuntimeException failure = new IllegalStateException(null, new ConnectException("Connection refused"));
        assertThat(RedisFailure.describe("GET {cu}:version", failure, Duration.ofSeconds(3)))
                .isEqualTo("GET {cu}:version failed: IllegalStateException, caused by ConnectException (Connection refused)");
    }
}
