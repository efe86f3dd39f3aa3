package io.nott.edge.units.data;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The timeout of every wait for a unit's Redis reply on this node, kept by one timer instead of
 * one per command. A virtual thread that waits with a timeout has the JDK schedule a wake-up and
 * cancel it again, each waking the virtual-thread pool's delay-scheduler thread (two thread
 * switches per command on a busy core), and a step waiting on its event loop took a Vert.x timer
 * per command. All waits of one client have the same timeout, so their deadlines come in the
 * order the waits start: they queue, and one timer, armed for the oldest wait not yet over,
 * expires what is due, drops what was answered and re-arms for the next.
 *
 * <p>A wait expires at most once and never after it was answered ({@link Wait#answered}).
 * Thread-safe: waits start and end on any thread; the sweep runs on a Vert.x context.
 */
final class ReplyDeadlines {

    /** One wait for a reply. Set (true) once it is over: answered or expired, whichever came first. */
    static final class Wait extends AtomicBoolean {
        private static final long serialVersionUID = 1L;
        private final long deadline;
        private final transient Runnable onTimeout;

        private Wait(long deadline, Runnable onTimeout) {
            this.deadline = deadline;
            this.onTimeout = onTimeout;
        }

        /** The reply is there: the wait will not expire. False when it had expired first. */
        boolean answered() {
            return compareAndSet(false, true);
        }
    }

    private final Vertx vertx;
    private final long timeoutNanos;
    private final ConcurrentLinkedQueue<Wait> waits = new ConcurrentLinkedQueue<>();
    /** A sweep is scheduled (or running): at most one timer is armed. */
    private final AtomicBoolean armed = new AtomicBoolean();

    ReplyDeadlines(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Starts a wait; {@code onTimeout} runs (on a Vert.x context) if it is not answered within the timeout. */
    Wait start(Runnable onTimeout) {
        Wait wait = new Wait(System.nanoTime() + timeoutNanos, onTimeout);
        waits.add(wait);
        if (armed.compareAndSet(false, true)) {
            arm(timeoutNanos);
        }
        return wait;
    }

    /** Waits not yet dropped (answered ones stay queued until a sweep reaches them). */
    int queued() {
        return waits.size();
    }

    private void arm(long inNanos) {
        try {
            // Rounded up: a timer that fires a little early would re-arm once more for nothing.
            vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(inNanos) + 1), id -> sweep());
        } catch (RejectedExecutionException e) {
            // Vert.x is closing: the units' connection closes with it and fails every wait still open.
        }
    }

    /**
     * Drops the waits at the head that are over, ends those whose deadline passed, and re-arms
     * for the next one. Only here are waits taken off the queue, one sweep at a time; the
     * timeouts run after, outside the lock (a step woken by one may run on at once, on this thread).
     */
    private void sweep() {
        List<Wait> expired = null;
        synchronized (this) {
            long now = System.nanoTime();
            Wait head;
            while ((head = waits.peek()) != null && (head.get() || head.deadline - now <= 0)) {
                waits.poll();
                if (head.compareAndSet(false, true)) {
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(head);
                }
            }
            if (head != null) {
                arm(head.deadline - now); // still armed
            } else {
                armed.set(false);
                // A wait that started while the queue looked empty may not have armed a timer.
                head = waits.peek();
                if (head != null && armed.compareAndSet(false, true)) {
                    arm(head.deadline - System.nanoTime());
                }
            }
        }
        if (expired != null) {
            expired.forEach(wait -> wait.onTimeout.run());
        }
    }
}
