package io.nott.edge.units.sync;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where one sync spends its time, stage by stage (issue #17 asked for the evidence: a change of
 * one unit among 10,000 took seconds and nobody could say in which stage). Each stage is timed
 * from the end of the one before; the sum is the sync's time from the trigger to the swap, which
 * follows the last stage at once (an atomic reference set).
 * Recorded in {@code edge_units_sync_stage_seconds{stage}} and written in the sync's log line.
 * Used by the one sync thread only.
 */
final class SyncTrace {

    /** The stages of a sync in the order they run. */
    enum Stage {
        /** From the push or poll that asked for the sync to the sync thread starting it (queueing). */
        QUEUED("queued"),
        /** Reading {@code {cu}:version} (and legacy values). */
        PROBE("probe"),
        /** Reading what changed: the notices or the change log, then the changed hashes. */
        FETCH("fetch"),
        /** Turning hashes into units (unchanged hashes are not decoded again). */
        DECODE("decode"),
        /** Building the snapshot: compiling changed units, indexing hosts and locations. */
        BUILD("build"),
        /** Running the snapshot's init units and shared dict changes before it may serve; the swap follows at once. */
        PREPARE("prepare");

        private final String wireName;

        Stage(String wireName) {
            this.wireName = wireName;
        }
    }

    private final Map<Stage, Long> nanos = new EnumMap<>(Stage.class);
    private long last;

    private SyncTrace(long startNanos) {
        this.last = startNanos;
    }

    /** A trace whose first stage ({@link Stage#QUEUED}) started at {@code triggeredNanos} ({@link System#nanoTime}). */
    static SyncTrace from(long triggeredNanos) {
        return new SyncTrace(triggeredNanos);
    }

    /** Ends {@code stage} now; the next stage starts here. */
    void done(Stage stage) {
        long now = System.nanoTime();
        nanos.merge(stage, now - last, Long::sum);
        last = now;
    }

    /** Stage times in milliseconds, in run order, e.g. "queued 0.1, probe 0.4, fetch 1.2, ...". */
    String describe() {
        StringBuilder out = new StringBuilder();
        nanos.forEach((stage, n) -> {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(stage.wireName).append(' ').append(String.format(java.util.Locale.ROOT, "%.1f", n / 1e6));
        });
        return out.append(" ms").toString();
    }

    /** Adds this sync's stages to {@code edge_units_sync_stage_seconds}. */
    void record(MeterRegistry registry) {
        nanos.forEach((stage, n) -> timer(registry, stage).record(n, TimeUnit.NANOSECONDS));
    }

    static Timer timer(MeterRegistry registry, Stage stage) {
        return Timer.builder("edge.units.sync.stage").tag("stage", stage.wireName)
                .description("Time a sync spends per stage (queued, probe, fetch, decode, build, prepare); "
                        + "their sum is the time from the push or poll to the new snapshot serving")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry);
    }
}
