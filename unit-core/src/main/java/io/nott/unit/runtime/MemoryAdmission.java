package io.nott.unit.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.unit.sandbox.MemoryLease;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Node-level admission of unit calls (issue #15): the sum of memory reserved by the calls in flight
 * on a node never passes {@code capacity} (a share of the heap). A unit call reserves in steps as
 * it actually uses memory ({@link #open}: a small first slice, then a {@link Lease} the sandbox
 * grows when the call's charged and measured allocation crosses it), so a node admits as many
 * cheap calls as fit and a call that goes on to keep tens of MiB stops as {@code overloaded} when
 * the node cannot grant more, instead of the JVM throwing OutOfMemoryError for everyone.
 *
 * <p>The fast path takes no lock: reservations are a compare-and-set on one counter. Only a call
 * that may wait (on a virtual thread, at its start, up to {@code maxWait}) parks on a condition;
 * releases signal it only when someone waits. A call on an event loop never waits. Growth never
 * waits (a call holding memory must not wait for others that may wait for it).
 *
 * <p>Meters (when a registry is given): {@code cu.unit.admission.reserved.bytes},
 * {@code cu.unit.admission.capacity.bytes} and {@code cu.unit.admission.in.flight} (gauges),
 * {@code cu.unit.admission.rejected} (calls refused at their start or stopped when they could not
 * grow, counter).
 */
public final class MemoryAdmission {

    /**
     * What a unit call reserves when it starts: more than a typical call allocates in total
     * (a token check allocates tens of KiB), so most calls never grow their lease.
     */
    public static final long FIRST_SLICE_BYTES = 2L * 1024 * 1024;

    private final long capacity;
    private final long maxWaitNanos;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Counter rejected;
    private final AtomicLong rejections = new AtomicLong();
    /** Without a bound every call gets this one lease: it holds nothing and never changes, so threads share it. */
    private final Lease unboundedLease = new Lease(Long.MAX_VALUE / 4);

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
            Gauge.builder("cu.unit.admission.in.flight", inFlight, AtomicInteger::get)
                    .description("Unit calls holding a reservation").register(registry);
            this.rejected = Counter.builder("cu.unit.admission.rejected")
                    .description("Unit calls not run, or stopped, because the node's unit memory was reserved")
                    .register(registry);
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
     * Opens a lease for one call with {@code first} bytes reserved; null when the call must not run.
     * Close it ({@link Lease#close}) when the call ends.
     *
     * @param mayWait true on a thread that may block (a virtual thread), false on an event loop
     */
    public Lease open(long first, boolean mayWait) {
        if (capacity == Long.MAX_VALUE) {
            return unboundedLease; // not one per call (the dry run's and tests' runners)
        }
        long got = reserve(first, mayWait);
        return got < 0 ? null : new Lease(got);
    }

    /**
     * Reserves {@code bytes} (cut to the capacity, so one call can always run alone). Returns the
     * bytes reserved (pass them to {@link #release}), or -1 when the call must not run.
     *
     * @param mayWait true on a thread that may block (a virtual thread), false on an event loop
     */
    public long reserve(long bytes, boolean mayWait) {
        if (capacity == Long.MAX_VALUE) {
            return 0;
        }
        long wanted = Math.min(Math.max(bytes, 0), capacity);
        if (tryAdd(wanted) || mayWait && maxWaitNanos > 0 && await(wanted)) {
            inFlight.incrementAndGet();
            return wanted;
        }
        reject();
        return -1;
    }

    private boolean tryAdd(long bytes) {
        long now;
        do {
            now = reserved.get();
            if (now + bytes > capacity) {
                return false;
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    /** The slow path: parks until {@code bytes} fit or the wait is over. */
    private boolean await(long bytes) {
        waiters.incrementAndGet();
        lock.lock();
        try {
            long waitNanos = maxWaitNanos;
            while (!tryAdd(bytes)) {
                if (waitNanos <= 0) {
                    return false;
                }
                waitNanos = released.awaitNanos(waitNanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
            waiters.decrementAndGet();
        }
    }

    private void reject() {
        rejections.incrementAndGet();
        if (rejected != null) {
            rejected.increment();
        }
    }

    /** Gives back what {@link #reserve} returned. */
    public void release(long reservedBytes) {
        if (capacity == Long.MAX_VALUE || reservedBytes < 0) {
            return;
        }
        inFlight.decrementAndGet();
        giveBack(reservedBytes);
    }

    private void giveBack(long bytes) {
        reserved.addAndGet(-bytes);
        if (waiters.get() > 0) {
            lock.lock();
            try {
                released.signalAll();
            } finally {
                lock.unlock();
            }
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
        return reserved.get();
    }

    /** True when less than one more call of {@code bytes} fits now (readiness may report it). */
    public boolean saturated(long bytes) {
        return capacity != Long.MAX_VALUE && reserved() + Math.min(bytes, capacity) > capacity;
    }

    /**
     * One call's reservation, grown by the sandbox as the call uses memory; used by one thread.
     * Each growth at least doubles the grant (few CAS per call), or takes exactly what is needed
     * when doubling does not fit.
     */
    public final class Lease implements MemoryLease, AutoCloseable {
        private long granted;
        private boolean closed;

        private Lease(long granted) {
            this.granted = granted;
        }

        @Override
        public long granted() {
            return granted;
        }

        @Override
        public long cover(long bytes) {
            if (bytes <= granted) {
                return granted;
            }
            if (capacity == Long.MAX_VALUE) {
                return bytes; // covered without a reservation; the shared unbounded lease stays as it is
            }
            if (granted >= capacity) {
                return Long.MAX_VALUE; // holds the whole node: runs alone, bounded by its own limit only
            }
            long target = Math.min(capacity, Math.max(bytes, 2 * granted));
            if (!tryAdd(target - granted)) {
                target = Math.min(capacity, bytes);
                if (!tryAdd(target - granted)) {
                    reject();
                    return -1;
                }
            }
            granted = target;
            return bytes > capacity ? Long.MAX_VALUE : granted;
        }

        /** Gives the whole reservation back (idempotent). */
        @Override
        public void close() {
            if (closed || capacity == Long.MAX_VALUE) {
                return;
            }
            closed = true;
            inFlight.decrementAndGet();
            giveBack(granted);
        }
    }
}
