package io.nott.unit.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A unit's recent call cost, cheap enough to update on every call of the hot path: a decaying
 * high-water estimate of the call duration that rises by a quarter of the gap on a slower call
 * and falls by a sixteenth on a faster one, so one slow call in a few dozen keeps it high (a
 * p99-like figure, without a histogram) and about 40-70 cheap calls in a row bring it back down.
 * Updates are racy plain writes on purpose: a lost update between two threads only delays the
 * estimate by a call, and no lock or CAS sits on the event loop. The estimate is written with
 * release semantics, not as a volatile store: on x86 a volatile store is followed by a full fence
 * (some 20 cycles on every unit call), which buys nothing here, where readers only need to see the
 * value soon.
 *
 * <p>{@link #slow(long)} adds hysteresis so a unit near the threshold does not flap: it becomes
 * slow above the threshold and cheap again only below half of it.
 *
 * <p>{@link #measured()} tells a unit never called yet: hosts move the request phases of such a
 * unit off their event loop, as nothing says its first call is cheap (UnitSnapshot#slow).
 *
 * <p>A call's cost is its wall time, but never more than its work allows ({@link #record(long, long)}):
 * wall time alone also counts what is not the unit's doing (its thread preempted, a GC pause, the
 * JIT), and a step moved off the loop runs on a virtual thread that competes with the event loops
 * for the cores, so under load a cheap unit's calls measured slow there and kept it off the loop:
 * measured on one core, the seed's four cheap units stayed off for 20 s of load after a snapshot
 * change, every step waiting for the one off-loop turn (838 req/s instead of 11,211).
 */
public final class UnitCost {

    private static final long UNMEASURED = -1;
    /**
     * The longest one instruction takes in LuaJ's interpreter, hook armed: about 15 times its warm
     * pace here (~6 ns; unit-core's {@code UnitBenchmark.loopWithHook}), as when the interpreter is
     * not compiled yet. Library calls charge their work as instructions of the same pace
     * ({@code Allocation.Work}), so instructions times this bounds a call's own time.
     */
    static final long SLOWEST_NANOS_PER_INSTRUCTION = 100;

    private static final VarHandle ESTIMATE;

    static {
        try {
            ESTIMATE = MethodHandles.lookup().findVarHandle(UnitCost.class, "estimateNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long estimateNanos = UNMEASURED;
    private volatile boolean slow;

    /**
     * Folds one call in: its wall time, capped at what its work can take ({@code instructions}, as
     * the budget hook counts them, library work included, at {@link #SLOWEST_NANOS_PER_INSTRUCTION}).
     * The first call sets the estimate.
     */
    public void record(long nanos, long instructions) {
        long work = instructions > Long.MAX_VALUE / SLOWEST_NANOS_PER_INSTRUCTION ? Long.MAX_VALUE
                : instructions * SLOWEST_NANOS_PER_INSTRUCTION;
        record(Math.min(nanos, work));
    }

    /** Folds one call's duration in; the first call sets the estimate. */
    void record(long nanos) {
        long e = estimateNanos;
        if (e == UNMEASURED) {
            ESTIMATE.setRelease(this, Math.max(0, nanos));
            return;
        }
        ESTIMATE.setRelease(this, nanos > e ? e + Math.max(1, (nanos - e) >> 2) : e - ((e - nanos) >> 4));
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
