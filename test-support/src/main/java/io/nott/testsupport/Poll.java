package io.nott.testsupport;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Every wait for a condition in the suite: Awaitility, polling often from the start, bounded by a
 * deadline that is only a safety net (set it loose, at least 4x what the condition takes on two
 * busy cores), never a measurement.
 *
 * <pre>{@code Poll.upTo(Duration.ofSeconds(30)).until(() -> edge.version() == 7);}</pre>
 */
public final class Poll {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Poll() {
    }

    /** Polls every 50 ms, the first time at once, for at most {@code deadline}. */
    public static ConditionFactory upTo(Duration deadline) {
        return Awaitility.await().atMost(deadline).pollDelay(Duration.ZERO).pollInterval(INTERVAL);
    }

    /** As {@link #upTo}, with a description that an expired deadline names in its message. */
    public static ConditionFactory upTo(Duration deadline, String waitingFor) {
        return upTo(deadline).alias(waitingFor);
    }
}
