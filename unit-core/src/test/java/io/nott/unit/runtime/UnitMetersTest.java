package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.unit.model.Phase;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Unit duration and instructions are histograms with the fixed buckets, per unit and phase. */
class UnitMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UnitMeters meters = new UnitMeters(registry);

    @Test
    void aCallThatRanLandsInItsDurationAndInstructionBuckets() {
        meters.record(new UnitOutcome("geo", Phase.ACCESS, UnitOutcome.Kind.OK, 3_000_000, 400, 0, null));
        meters.record(new UnitOutcome("geo", Phase.ACCESS, UnitOutcome.Kind.EXIT, 40_000, 20, 403, null));

        HistogramSnapshot duration = registry.get("cu.unit.duration").tags("unit", "geo", "phase", "access").timer()
                .takeSnapshot();
        assertThat(bucket(duration, TimeUnit.MILLISECONDS.toNanos(5))).isEqualTo(2);
        assertThat(bucket(duration, TimeUnit.MILLISECONDS.toNanos(1))).isEqualTo(1);
        assertThat(bucket(duration, 25_000)).isZero();
        assertThat(duration.histogramCounts()).hasSize(UnitMeters.DURATION_BUCKETS.length);

        HistogramSnapshot instructions = registry.get("cu.unit.instructions").tags("unit", "geo", "phase", "access")
                .summary().takeSnapshot();
        assertThat(bucket(instructions, 50)).isEqualTo(1);
        assertThat(bucket(instructions, 500)).isEqualTo(2);
        assertThat(instructions.histogramCounts()).hasSize(UnitMeters.INSTRUCTION_BUCKETS.length);
    }

    @Test
    void aCallThatDidNotRunIsCountedButNotTimed() {
        meters.record(new UnitOutcome("geo", Phase.LOG, UnitOutcome.Kind.SKIPPED, 0, 0, 0, null));
        assertThat(registry.get("cu.unit.calls").tags("outcome", "skipped").counter().count()).isEqualTo(1);
        assertThat(registry.find("cu.unit.duration").timer()).isNull();
        assertThat(registry.find("cu.unit.instructions").summary()).isNull();
    }

    private static double bucket(HistogramSnapshot snapshot, double bound) {
        return Arrays.stream(snapshot.histogramCounts()).filter(b -> b.bucket() == bound)
                .mapToDouble(CountAtBucket::count).findFirst().orElseThrow();
    }
}
