package io.nott.edge.units.sync;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Writes the disk snapshot off the sync thread: a sync hands over what it applied and goes on
 * (writing 10,000 units takes tens of milliseconds, which the next change must not wait for).
 * Writes coalesce: while one is running only the newest pending snapshot is kept, so a burst of
 * changes costs one or two writes, and the file always holds a whole, recent snapshot.
 */
final class SnapshotSaver implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SnapshotSaver.class);

    private final SnapshotFile file;
    private final AtomicReference<FetchedUnits> pending = new AtomicReference<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("edge-snapshot-writer").factory());

    SnapshotSaver(SnapshotFile file) {
        this.file = file;
    }

    /** Saves {@code units} soon; a newer call before the write starts replaces it. */
    void save(FetchedUnits units) {
        if (pending.getAndSet(units) == null) {
            writer.execute(this::writePending);
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
