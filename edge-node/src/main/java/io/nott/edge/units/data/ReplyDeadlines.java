package io.nott.edge.units.data;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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

    /**
     * One wait for a reply. Set (true) once it is over: answered or expired, whichever came first.
     * Whoever ends it takes its timeout action: an answered wait lets go of it at once, since the
     * action holds the waiting request (a suspended step: its continuation, exchange and headers),
     * and a wait stays queued until a sweep or a later answer reaches it.
     */
    static final class Wait extends AtomicBoolean {
        private static final long serialVersionUID = 1L;
        private final long deadline;
        /** Read and cleared only by the thread that ended the wait (the compareAndSet's winner). */
        private transient Runnable onTimeout;
        private final transient ReplyDeadlines owner;

        private Wait(ReplyDeadlines owner, long deadline, Runnable onTimeout) {
            this.owner = owner;
            this.deadline = deadline;
            this.onTimeout = onTimeout;
        }

        /** The reply is there: the wait will not expire. False when it had expired first. */
        boolean answered() {
            if (end() == null) {
                return false;
            }
            owner.dropAnsweredHeads();
            return true;
        }

        /** Ends the wait: its timeout action (never null), or null when it was already over. */
        private Runnable end() {
            if (!compareAndSet(false, true)) {
                return null;
            }
            Runnable action = onTimeout;
            onTimeout = null;
            return action;
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
        Wait wait = new Wait(this, System.nanoTime() + timeoutNanos, Objects.requireNonNull(onTimeout));
        waits.add(wait);
        if (armed.compareAndSet(false, true)) {
            arm(timeoutNanos);
        }
        return wait;
    }

    /**
     * Takes the answered waits at the head off the queue, as each answer comes: replies come
     * about in the order their commands went out, so the queue holds about the waits still open
     * instead of every wait of the last timeout (at 24,000 calls a second and a 250 ms timeout,
     * 6,000 answered waits, each holding its request until the sweep: 30-60 MB a young
     * collection copied, 13-58 ms pauses). {@code remove} of the head itself, never {@code poll}:
     * another thread may take the head between the look and the removal, and only that wait may
     * go. A wait ahead of it that is still open keeps the answered ones behind it until it ends.
     */
    private void dropAnsweredHeads() {
        Wait head;
        while ((head = waits.peek()) != null && head.get()) {
            waits.remove(head);
        }
    }

    /** Waits not yet dropped (an answered one stays queued while an older wait is open). */
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
        List<Runnable> expired = null;
        synchronized (this) {
            long now = System.nanoTime();
            Wait head;
            while ((head = waits.peek()) != null && (head.get() || head.deadline - now <= 0)) {
                waits.remove(head);
                Runnable onTimeout = head.end();
                if (onTimeout != null) {
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(onTimeout);
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
            expired.forEach(Runnable::run);
        }
    }
}
