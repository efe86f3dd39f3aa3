package io.nott.edge.units.run;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs unit chains that make blocking Redis calls, or whose units are slow, on virtual threads
 * and brings the result back to the request's event loop, so no event loop ever waits on Redis
 * or on a costly unit. Slow steps are bounded ({@link #tryCall}): each holds its request's state
 * and a Lua runtime while it runs, so a flood of them must not grow without limit. Redis steps
 * are bounded by the units' Redis client ({@code edge.units.redis-max-in-flight}) instead.
 */
public final class OffLoop implements AutoCloseable {

    /** Default bound of slow steps in flight per node ({@code edge.units.offload-max-in-flight}). */
    public static final int DEFAULT_MAX_SLOW = 256;

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("edge-unit-", 0).factory());
    private final int maxSlow;
    private final AtomicInteger slowInFlight = new AtomicInteger();
    private final AtomicLong slowRefused = new AtomicLong();
    private final AtomicLong slowOffloaded = new AtomicLong();

    public OffLoop() {
        this(DEFAULT_MAX_SLOW);
    }

    /** @param maxSlow most slow steps in flight at once on this node ({@link #tryCall}) */
    public OffLoop(int maxSlow) {
        if (maxSlow < 1) {
            throw new IllegalArgumentException("edge.units.offload-max-in-flight is " + maxSlow + "; set it to 1 or more");
        }
        this.maxSlow = maxSlow;
    }

    /**
     * Calls a slow step's {@code work} on a virtual thread if fewer than the bound are in flight;
     * null when the bound is reached (the caller runs the step inline, refusing its slow units).
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
                return work.call();
            } finally {
                slowInFlight.decrementAndGet();
            }
        });
    }

    /** Slow steps running off the loop now. */
    public int slowInFlight() {
        return slowInFlight.get();
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
