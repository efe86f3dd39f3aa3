package io.nott.edge.units.sync;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * Whether this node keeps up with the registry, as readiness, the heartbeat (and so the
 * registry's fleet view) and the metrics report it:
 * <ul>
 *   <li>{@code in_sync}: no newer version known than the one running;</li>
 *   <li>{@code failing}: the last {@code maxFailures} syncs failed; the node serves its current
 *   units (possibly from disk, the designed behaviour with Redis down) and says so;</li>
 *   <li>{@code behind}: a newer version has been announced (push on {@code cu:changes} or a polled
 *   {@code {cu}:version}) and has not been applied for {@code maxLag}: the registry moved on and
 *   this node cannot follow. Readiness goes DOWN for that state only, so a fleet-wide Redis
 *   outage does not take every edge out of rotation while one wedged node does.</li>
 * </ul>
 * Written by the sync thread, read by anyone.
 */
public final class SyncStatus {

    /** The node's own verdict; the wire name goes into the heartbeat's {@code sync} field. */
    public enum State {
        IN_SYNC, FAILING, BEHIND;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One reading: the state, the failures in a row, since when a newer version waits (0: none), the last error. */
    public record Reading(State state, int consecutiveFailures, long behindMillis, String lastError) {
    }

    private final Clock clock;
    private final int maxFailures;
    private final long maxLagMillis;
    private volatile int consecutiveFailures;
    private volatile long newerSeenAtMillis;
    private volatile String lastError;

    public SyncStatus(Clock clock, int maxFailures, Duration maxLag, MeterRegistry registry) {
        this.clock = clock;
        this.maxFailures = Math.max(1, maxFailures);
        this.maxLagMillis = maxLag.toMillis();
        Gauge.builder("edge.units.sync.consecutive.failures", this, s -> s.consecutiveFailures)
                .description("Syncs that failed in a row (0 once one succeeds)").register(registry);
        Gauge.builder("edge.units.sync.behind", this, s -> s.reading().state() == State.BEHIND ? 1 : 0)
                .description("1 while a newer announced version has not been applied for edge.sync.max-lag").register(registry);
    }

    /** A newer version than the one running was announced; the clock starts at the first notice. */
    void newerAnnounced() {
        if (newerSeenAtMillis == 0) {
            newerSeenAtMillis = clock.millis();
        }
    }

    /** A sync reached Redis and the node runs the newest version it knows of. */
    void succeeded() {
        consecutiveFailures = 0;
        newerSeenAtMillis = 0;
        lastError = null;
    }

    /** @return true exactly when this failure reaches {@code maxFailures} in a row (time to heal). */
    boolean failed(String error) {
        lastError = error;
        return ++consecutiveFailures == maxFailures;
    }

    public Reading reading() {
        long newer = newerSeenAtMillis;
        long behind = newer == 0 ? 0 : Math.max(0, clock.millis() - newer);
        int failures = consecutiveFailures;
        State state = newer != 0 && behind >= maxLagMillis ? State.BEHIND
                : failures >= maxFailures ? State.FAILING : State.IN_SYNC;
        return new Reading(state, failures, behind, lastError);
    }
}
