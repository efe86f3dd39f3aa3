package io.nott.unit.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A Micrometer clock whose wall time is a field that one daemon thread refreshes every
 * {@value #TICK_MILLIS} ms, instead of a system call on every read; its monotonic time is
 * {@link System#nanoTime()} as Micrometer's own. Hosts give it to their meter registry (the edge
 * replaces Quarkus' default {@code Clock.SYSTEM} bean with it), and {@link UnitHealth} reads a
 * system clock's time from it.
 *
 * <p>Why: Micrometer reads the wall clock on every record of a {@code Timer} or
 * {@code DistributionSummary} with a histogram only to see whether a time window must turn
 * (micrometer-core 1.16.3: {@code TimeWindowMax.rotate} and {@code AbstractTimeWindowHistogram.rotate}
 * call {@code Clock.wallTime()} first, for windows that turn every {@code expiry / bufferLength},
 * 40 s by default). A unit call records one timer and one summary, so four of a token check's
 * seven clock reads were Micrometer's, each some 2-3 % of the call on this VM (kvm-clock). Being
 * {@value #TICK_MILLIS} ms late turning a 40 s window changes nothing that is reported; what
 * measures durations ({@code Timer.Sample}, long task timers) reads {@link #monotonicTime()}, which
 * stays exact.
 */
public final class CoarseClock implements io.micrometer.core.instrument.Clock {

    /**
     * How stale {@link #wallTime()} may be. Each tick wakes a thread on the serving core, which
     * takes the core from the event loop for a while: at 10 ms the ticks were the edge's busiest
     * thread besides the loop under a fixed load (100 wake-ups and 3.4 ms of CPU a second on this
     * VM, more than the JIT or the collector: {@code edge-latency.sh}'s thread report), where
     * nginx's single worker has none. The readers need far less: Micrometer turns its windows
     * every 40 s, {@link UnitHealth}'s slices are 10 s.
     */
    static final long TICK_MILLIS = 250;

    private static final CoarseClock INSTANCE = new CoarseClock();

    private volatile long wallMillis = System.currentTimeMillis();

    private CoarseClock() {
        Thread.ofPlatform().daemon().name("coarse-clock").start(this::tick);
    }

    /** The one instance (one refreshing thread per JVM). */
    public static CoarseClock get() {
        return INSTANCE;
    }

    /** Wall time in ms, at most {@value #TICK_MILLIS} ms old. */
    @Override
    public long wallTime() {
        return wallMillis;
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }

    private void tick() {
        while (true) {
            LockSupport.parkNanos(TICK_MILLIS * 1_000_000L);
            wallMillis = System.currentTimeMillis();
        }
    }
}
