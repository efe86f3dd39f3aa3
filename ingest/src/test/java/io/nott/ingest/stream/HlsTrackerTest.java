package io.nott.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.ingest.stream.service.HlsTracker;
import io.nott.ingest.support.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HlsTrackerTest {

    @TempDir
    Path hls;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private HlsTracker tracker() {
        return new HlsTracker(TestConfigs.ingest(Map.of("ingest.hls.directory", hls.toString())), registry);
    }

    private void playlist(String name, Instant modified, String... segments) throws Exception {
        StringBuilder text = new StringBuilder("#EXTM3U\n#EXT-X-TARGETDURATION:2\n");
        for (String s : segments) {
            text.append("#EXTINF:2.000,\n").append(s).append('\n');
        }
        Path file = hls.resolve(name + ".m3u8");
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    private double written(String stream, String rendition) {
        var counter = registry.find("ingest.segments.written").tag("stream", stream).tag("rendition", rendition)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void countsNewSegmentsPerRenditionAndKnowsTheNewestOne() throws Exception {
        HlsTracker tracker = tracker();
        tracker.scan();
        Instant t1 = Instant.parse("2026-01-01T00:00:02Z");
        playlist("cam_high", t1, "cam_high-1000.ts");
        playlist("cam_low", t1, "cam_low-1000.ts");
        playlist("cam", t1); // the master playlist is not a variant
        tracker.scan();
        assertThat(written("cam", "high")).isEqualTo(1);

        Instant t2 = t1.plusSeconds(2);
        playlist("cam_high", t2, "cam_high-1000.ts", "cam_high-3000.ts");
        tracker.scan();
        tracker.scan(); // an unchanged playlist is not counted twice
        assertThat(written("cam", "high")).isEqualTo(2);
        assertThat(written("cam", "low")).isEqualTo(1);
        assertThat(tracker.variant("cam", "high")).get().extracting(HlsTracker.Variant::newestSegmentAt).isEqualTo(t2);
        assertThat(tracker.variant("cam", "mid")).isEmpty();

        // the window slides: the old segment leaves, only the new one counts
        playlist("cam_high", t2.plusSeconds(2), "cam_high-3000.ts", "cam_high-5000.ts");
        tracker.scan();
        assertThat(written("cam", "high")).isEqualTo(3);

        Files.delete(hls.resolve("cam_low.m3u8"));
        tracker.scan();
        assertThat(tracker.variant("cam", "low")).isEmpty();
    }

    @Test
    void segmentsFromBeforeTheServiceStartedAreNotCounted() throws Exception {
        playlist("old_mid", Instant.parse("2026-01-01T00:00:00Z"), "old_mid-1.ts", "old_mid-2.ts");
        HlsTracker tracker = tracker();
        tracker.scan();
        assertThat(written("old", "mid")).isZero();
        assertThat(tracker.variant("old", "mid")).isPresent();
    }
}
