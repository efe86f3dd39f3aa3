package io.nott.edge.units.sync;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Writes the disk snapshot off the sync thread: a sync hands over what it applied and goes on.
 * Writes coalesce and are spaced at least {@code spacing} apart, only the newest pending snapshot
 * being written: the file serves only a restart with Redis down, while writing 10,000 units
 * (about 3 MB of JSON) costs tens of milliseconds of CPU, which on a small node a burst of
 * single changes would otherwise pay once per change, beside their own syncs (issue #17). The
 * file always holds a whole snapshot at most {@code spacing} plus one write older than the one
 * served; {@link #close} writes the newest.
 */
final class SnapshotSaver implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SnapshotSaver.class);

    private final SnapshotFile file;
    private final long spacingNanos;
    private final AtomicReference<FetchedUnits> pending = new AtomicReference<>();
    private final ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().daemon().name("edge-snapshot-writer").factory());
    /** When the last write ended (writer thread only); a long time ago at first. */
    private long lastWriteNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    SnapshotSaver(SnapshotFile file, Duration spacing) {
        this.file = file;
        this.spacingNanos = spacing.toNanos();
        // close() writes the newest itself; a spaced write still waiting then has nothing to do
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Saves {@code units} soon; a newer call before the write starts replaces it. */
    void save(FetchedUnits units) {
        if (pending.getAndSet(units) == null) {
            writer.execute(this::scheduleWrite);
        }
    }

    private void scheduleWrite() {
        long wait = lastWriteNanos + spacingNanos - System.nanoTime();
        writer.schedule(this::writePending, Math.max(0, wait), TimeUnit.NANOSECONDS);
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
        } finally {
            lastWriteNanos = System.nanoTime();
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
