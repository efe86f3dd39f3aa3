package io.nott.edge.units.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.Poll;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk snapshot writer waits for the syncs to pause (issue #17: rewriting 10,000 units while
 * changes arrived took CPU from their syncs), but no longer than its bound, and never loses the
 * newest snapshot: a stopping edge writes it.
 */
class SnapshotSaverTest {

    private static FetchedUnits units(long version) {
        return new FetchedUnits(version, Map.of("u", Map.of("id", "u", "phase", "access", "code", "-- v" + version)),
                Map.of());
    }

    private static long saved(SnapshotFile file) {
        try {
            return file.load().map(FetchedUnits::version).orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void theNewestSnapshotIsWrittenOnceSavesPause(@TempDir Path dir) {
        SnapshotFile file = new SnapshotFile(dir.resolve("units-snapshot.json"));
        try (SnapshotSaver saver = new SnapshotSaver(file, Duration.ofMillis(50), Duration.ofHours(1))) {
            saver.save(units(1));
            saver.save(units(2));
            Poll.upTo(Duration.ofSeconds(60), "the newest snapshot on disk").until(() -> saved(file) == 2);
        }
    }

    @Test
    void savesThatNeverPauseStillWriteWithinTheBound(@TempDir Path dir) {
        SnapshotFile file = new SnapshotFile(dir.resolve("units-snapshot.json"));
        try (SnapshotSaver saver = new SnapshotSaver(file, Duration.ofHours(1), Duration.ofMillis(50))) {
            saver.save(units(1));
            Poll.upTo(Duration.ofSeconds(60), "a snapshot on disk though the saves never paused")
                    .until(() -> saved(file) == 1);
        }
    }

    @Test
    void closeWritesTheNewestAtOnce(@TempDir Path dir) throws IOException {
        SnapshotFile file = new SnapshotFile(dir.resolve("units-snapshot.json"));
        SnapshotSaver saver = new SnapshotSaver(file, Duration.ofHours(1), Duration.ofHours(1));
        saver.save(units(1));
        saver.save(units(2));
        saver.close();
        assertThat(file.load().orElseThrow().version()).isEqualTo(2);
    }
}
