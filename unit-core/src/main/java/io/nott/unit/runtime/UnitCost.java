package io.nott.unit.runtime;

/**
 * A unit's recent call cost, cheap enough to update on every call of the hot path: a decaying
 * high-water estimate of the call duration that rises by a quarter of the gap on a slower call
 * and falls by a sixteenth on a faster one, so one slow call in a few dozen keeps it high (a
 * p99-like figure, without a histogram) and about 40-70 cheap calls in a row bring it back down.
 * Updates are racy plain writes on purpose: a lost update between two threads only delays the
 * estimate by a call, and no lock or CAS sits on the event loop.
 *
 * <p>{@link #slow(long)} adds hysteresis so a unit near the threshold does not flap: it becomes
 * slow above the threshold and cheap again only below half of it.
 *
 * <p>{@link #measured()} tells a unit never called yet: hosts move the request phases of such a
 * unit off their event loop, as nothing says its first call is cheap (UnitSnapshot#slow).
 */
public final class UnitCost {

    private static final long UNMEASURED = -1;

    private volatile long estimateNanos = UNMEASURED;
    private volatile boolean slow;

    /** Folds one call's duration in; the first call sets the estimate. */
    public void record(long nanos) {
        long e = estimateNanos;
        if (e == UNMEASURED) {
            estimateNanos = Math.max(0, nanos);
            return;
        }
        estimateNanos = nanos > e ? e + Math.max(1, (nanos - e) >> 2) : e - ((e - nanos) >> 4);
    }

    /** The current estimate, in nanoseconds; 0 before the first call. */
    public long estimateNanos() {
        return Math.max(0, estimateNanos);
    }

    /** True once a call has been recorded. */
    public boolean measured() {
        return estimateNanos != UNMEASURED;
    }

    /**
     * True while the recorded cost makes the unit slow for {@code thresholdNanos} (above it, until
     * below half of it); false before the first call.
     */
    public boolean slow(long thresholdNanos) {
        long e = Math.max(0, estimateNanos);
        boolean was = slow;
        boolean now = was ? e >= thresholdNanos / 2 : e > thresholdNanos;
        if (now != was) {
            slow = now;
        }
        return now;
    }
}
