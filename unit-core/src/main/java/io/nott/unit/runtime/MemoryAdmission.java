package io.nott.unit.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Node-level admission of unit calls (issue #15): each call reserves its memory budget (the
 * sandbox's per-call allocation limit) before it runs and releases it after, and the sum reserved
 * by the calls in flight on a node never passes {@code capacity} (a share of the heap). So a node
 * running units that each keep tens of MiB stays within its heap however many requests arrive: a
 * call that cannot reserve is not run (outcome {@code overloaded}, its failure policy decides 500
 * or continue) instead of the JVM throwing OutOfMemoryError for everyone.
 *
 * <p>A call on a virtual thread may wait up to {@code maxWait} for memory to free up; a call on an
 * event loop never waits (it must not block the loop) and is refused at once. A reservation larger
 * than the capacity is cut to the capacity, so one call can always run alone.
 *
 * <p>Meters (when a registry is given): {@code cu.unit.admission.reserved.bytes} and
 * {@code cu.unit.admission.capacity.bytes} (gauges), {@code cu.unit.admission.rejected} (counter).
 */
public final class MemoryAdmission {

    private final long capacity;
    private final long maxWaitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Counter rejected;
    private final java.util.concurrent.atomic.AtomicLong rejections = new java.util.concurrent.atomic.AtomicLong();
    private long reserved;
    private int inFlight;

    /**
     * @param capacity bytes all calls in flight may reserve together
     * @param maxWait  longest wait of a call that may wait (virtual threads)
     * @param registry where the meters go; null for none
     */
    public MemoryAdmission(long capacity, Duration maxWait, MeterRegistry registry) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the unit memory capacity must be positive, got " + capacity + " bytes");
        }
        this.capacity = capacity;
        this.maxWaitNanos = Math.max(0, maxWait.toNanos());
        if (registry != null) {
            Gauge.builder("cu.unit.admission.reserved.bytes", this, MemoryAdmission::reserved)
                    .description("Memory reserved by unit calls in flight on this node").register(registry);
            Gauge.builder("cu.unit.admission.capacity.bytes", this, a -> a.capacity)
                    .description("Memory unit calls in flight may reserve together").register(registry);
            Gauge.builder("cu.unit.admission.in.flight", this, MemoryAdmission::inFlight)
                    .description("Unit calls holding a reservation").register(registry);
            this.rejected = Counter.builder("cu.unit.admission.rejected")
                    .description("Unit calls not run because the node's unit memory was reserved").register(registry);
        } else {
            this.rejected = null;
        }
    }

    /** No bound: every call is admitted (tests, tools). */
    public static MemoryAdmission unbounded() {
        return new MemoryAdmission(Long.MAX_VALUE, Duration.ZERO, null);
    }

    /**
     * A share of this JVM's maximum heap ({@code Runtime.maxMemory()}).
     *
     * @param share between 0 (exclusive) and 1
     */
    public static MemoryAdmission shareOfHeap(double share, Duration maxWait, MeterRegistry registry) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("the unit memory share of the heap must be in (0, 1], got " + share);
        }
        return new MemoryAdmission((long) (Runtime.getRuntime().maxMemory() * share), maxWait, registry);
    }

    /**
     * Reserves {@code bytes} for one call. Returns the bytes reserved (pass them to
     * {@link #release}), or -1 when the call must not run.
     *
     * @param mayWait true on a thread that may block (a virtual thread), false on an event loop
     */
    public long reserve(long bytes, boolean mayWait) {
        if (capacity == Long.MAX_VALUE) {
            return 0;
        }
        long wanted = Math.min(Math.max(bytes, 0), capacity);
        long waitNanos = mayWait ? maxWaitNanos : 0;
        lock.lock();
        try {
            while (reserved + wanted > capacity) {
                if (waitNanos <= 0) {
                    rejections.incrementAndGet();
                    if (rejected != null) {
                        rejected.increment();
                    }
                    return -1;
                }
                waitNanos = released.awaitNanos(waitNanos);
            }
            reserved += wanted;
            inFlight++;
            return wanted;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back what {@link #reserve} returned. */
    public void release(long reservedBytes) {
        if (capacity == Long.MAX_VALUE || reservedBytes < 0) {
            return;
        }
        lock.lock();
        try {
            reserved -= reservedBytes;
            inFlight--;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Calls refused since start (readiness compares two readings to see overload). */
    public long rejections() {
        return rejections.get();
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes reserved by calls in flight now. */
    public long reserved() {
        lock.lock();
        try {
            return reserved;
        } finally {
            lock.unlock();
        }
    }

    private int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** True when less than one more call of {@code bytes} fits now (readiness may report it). */
    public boolean saturated(long bytes) {
        return capacity != Long.MAX_VALUE && reserved() + Math.min(bytes, capacity) > capacity;
    }
}
