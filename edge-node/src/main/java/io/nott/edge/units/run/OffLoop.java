package io.nott.edge.units.run;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs unit chains that make blocking Redis calls, or whose units are slow, on virtual threads
 * and brings the result back to the request's event loop, so no event loop ever waits on Redis
 * or on a costly unit. Slow steps are bounded twice ({@link #tryCall}): at most
 * {@link #maxRunning()} run at once ({@code edge.units.offload-concurrency}, half the cores by
 * default), so slow units never hold more than that many cores and the event loops keep the rest
 * for other traffic (virtual threads share the cores with the loops: without this a flood of slow
 * units took both cores of a 2-core node); the others wait their turn in arrival order, for at most
 * {@link #maxWait()} ({@code edge.units.offload-max-wait}: a step that would wait longer is refused,
 * its future failing with {@link NoTurn}), and at most {@link #maxSlow()} are in flight (running or
 * waiting), since each holds its request's state; past that the step is refused at once. Either way
 * the caller runs the step inline without its slow units (their failure policy applies). Redis steps are
 * bounded by the units' Redis client ({@code edge.units.redis-max-in-flight}) instead: they mostly
 * wait for Redis, holding no core.
 */
public final class OffLoop implements AutoCloseable {

    /** Default bound of slow steps in flight per node ({@code edge.units.offload-max-in-flight}). */
    public static final int DEFAULT_MAX_SLOW = 256;

    /**
     * Default longest wait for a turn ({@code edge.units.offload-max-wait}): as long as
     * {@code edge.units.max-redis-wait}, the other wait a unit call may spend outside its own
     * budget, so nothing the node makes a request wait for adds more than a second to it.
     */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(1);

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("edge-unit-", 0).factory());
    private final int maxSlow;
    /** Turns to run a slow step: fair, so waiting steps run in arrival order. */
    private final Semaphore running;
    private final int maxRunning;
    private final Duration maxWait;
    private final long maxWaitNanos;
    private final AtomicInteger slowInFlight = new AtomicInteger();
    private final AtomicLong slowRefused = new AtomicLong();
    private final AtomicLong slowTimedOut = new AtomicLong();
    private final AtomicLong slowOffloaded = new AtomicLong();

    public OffLoop() {
        this(DEFAULT_MAX_SLOW);
    }

    /** @param maxSlow most slow steps in flight at once on this node ({@link #tryCall}) */
    public OffLoop(int maxSlow) {
        this(maxSlow, defaultMaxRunning());
    }

    /**
     * @param maxSlow    most slow steps in flight (running or waiting to run) on this node
     * @param maxRunning most slow steps running at once: the cores slow units may hold
     */
    public OffLoop(int maxSlow, int maxRunning) {
        this(maxSlow, maxRunning, DEFAULT_MAX_WAIT);
    }

    /**
     * @param maxSlow    most slow steps in flight (running or waiting to run) on this node
     * @param maxRunning most slow steps running at once: the cores slow units may hold
     * @param maxWait    longest a slow step waits for its turn before it is refused (zero: never waits)
     */
    public OffLoop(int maxSlow, int maxRunning, Duration maxWait) {
        if (maxSlow < 1) {
            throw new IllegalArgumentException("edge.units.offload-max-in-flight is " + maxSlow + "; set it to 1 or more");
        }
        if (maxRunning < 1) {
            throw new IllegalArgumentException("edge.units.offload-concurrency is " + maxRunning
                    + "; set it to 1 or more (or leave it unset: half the cores)");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("edge.units.offload-max-wait is " + maxWait
                    + "; set a duration of 0 or more (0: a slow step that finds every turn taken is refused at once)");
        }
        this.maxSlow = maxSlow;
        this.maxRunning = maxRunning;
        this.maxWait = maxWait;
        this.maxWaitNanos = maxWait.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : maxWait.toNanos();
        this.running = new Semaphore(maxRunning, true);
    }

    /** Default of {@code edge.units.offload-concurrency}: half the cores, at least one. */
    public static int defaultMaxRunning() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /**
     * Calls a slow step's {@code work} on a virtual thread if fewer than the bound are in flight;
     * null when the bound is reached (the caller runs the step inline, refusing its slow units).
     * The step waits there for one of the {@link #maxRunning()} turns before it runs, its unit's
     * wall-clock budget starting when it runs; when no turn frees up within {@link #maxWait()}
     * the future fails with {@link NoTurn} and {@code work} never runs (the caller then does as
     * for null).
     */
    public <T> Future<T> tryCall(Context loop, Callable<T> work) {
        if (slowInFlight.incrementAndGet() > maxSlow) {
            slowInFlight.decrementAndGet();
            slowRefused.incrementAndGet();
            return null;
        }
        slowOffloaded.incrementAndGet();
        return call(loop, () -> {
            try {
                if (!running.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
                    slowTimedOut.incrementAndGet();
                    throw NoTurn.INSTANCE;
                }
                try {
                    return work.call();
                } finally {
                    running.release();
                }
            } finally {
                slowInFlight.decrementAndGet();
            }
        });
    }

    /** Slow steps off the loop now, running or waiting for a turn. */
    public int slowInFlight() {
        return slowInFlight.get();
    }

    /** Slow steps running now (at most {@link #maxRunning()}). */
    public int slowRunning() {
        return maxRunning - running.availablePermits();
    }

    /** Slow steps waiting for a turn to run. */
    public int slowWaiting() {
        return running.getQueueLength();
    }

    public int maxRunning() {
        return maxRunning;
    }

    /** True while no slow step can be moved off the loop: readiness reports it. */
    public boolean saturated() {
        return slowInFlight.get() >= maxSlow;
    }

    public int maxSlow() {
        return maxSlow;
    }

    /** Slow steps moved off the loop since start. */
    public long slowOffloaded() {
        return slowOffloaded.get();
    }

    /** Slow steps that found the bound reached since start. */
    public long slowRefused() {
        return slowRefused.get();
    }

    /** Slow steps refused since start because no turn freed up within {@link #maxWait()}. */
    public long slowTimedOut() {
        return slowTimedOut.get();
    }

    public Duration maxWait() {
        return maxWait;
    }

    /**
     * A slow step waited {@link #maxWait()} for a turn and got none: it was not run. The caller
     * runs it inline without its slow units, as when the in-flight bound is reached.
     */
    public static final class NoTurn extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final NoTurn INSTANCE = new NoTurn();

        private NoTurn() {
            super("no turn to run a slow unit step within edge.units.offload-max-wait", null, false, false);
        }
    }

    /** Calls {@code work} on a virtual thread; the future completes on {@code loop}. */
    public <T> Future<T> call(Context loop, Callable<T> work) {
        Promise<T> promise = Promise.promise();
        executor.execute(() -> {
            try {
                T value = work.call();
                loop.runOnContext(v -> promise.complete(value));
            } catch (Throwable failure) {
                loop.runOnContext(v -> promise.fail(failure));
            }
        });
        return promise.future();
    }

    /** Fire and forget (the log phase). */
    public void run(Runnable work) {
        executor.execute(work);
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
