package io.nott.edge.units.sync;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Writes the disk snapshot off the sync thread: a sync hands over what it applied and goes on.
 * Writes coalesce, only the newest pending snapshot being written, once no sync has handed one
 * over for {@code quiet}, and at the latest {@code maxDelay} after the oldest one not yet written.
 * The file serves only a restart with Redis down, while writing 10,000 units (about 3 MB of JSON)
 * costs tens of milliseconds of CPU: written while changes arrive, it took a core from the syncs
 * of the next changes (issue #17: right after a bulk, the first change met the bulk's write).
 * The file always holds a whole snapshot at most {@code maxDelay} plus one write older than the
 * one served; {@link #close} writes the newest.
 */
final class SnapshotSaver implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SnapshotSaver.class);

    private final SnapshotFile file;
    private final long quietNanos;
    private final long maxDelayNanos;
    private final AtomicReference<FetchedUnits> pending = new AtomicReference<>();
    private final ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().daemon().name("edge-snapshot-writer").factory());
    private volatile long lastSaveNanos;
    /** When the oldest snapshot not yet written was handed over. */
    private volatile long firstPendingNanos;

    SnapshotSaver(SnapshotFile file, Duration quiet, Duration maxDelay) {
        this.file = file;
        this.quietNanos = quiet.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
        // close() writes the newest itself; a write still waiting then has nothing to do
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Saves {@code units} once saves pause; a newer call before the write starts replaces it. */
    void save(FetchedUnits units) {
        long now = System.nanoTime();
        lastSaveNanos = now;
        if (pending.getAndSet(units) == null) {
            firstPendingNanos = now;
            writer.schedule(this::writeWhenDue, Math.min(quietNanos, maxDelayNanos), TimeUnit.NANOSECONDS);
        }
    }

    private void writeWhenDue() {
        long wait = Math.min(lastSaveNanos + quietNanos, firstPendingNanos + maxDelayNanos) - System.nanoTime();
        if (wait > 0) {
            writer.schedule(this::writeWhenDue, wait, TimeUnit.NANOSECONDS);
        } else {
            writePending();
        }
    }

    private void writePending() {
        FetchedUnits units = pending.getAndSet(null);
        if (units == null) {
            return;
        }
        try {
            file.save(units);
        } catch (IOException | RuntimeException e) {
            LOG.errorf("Could not save the snapshot of version %d to %s: %s; the node keeps serving, a restart with "
                    + "Redis down would start from an older file", units.version(), file.path(), e.getMessage());
        }
    }

    /** Writes what is pending, then stops (a stopping edge leaves its newest snapshot on disk). */
    @Override
    public void close() {
        writer.execute(this::writePending);
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
