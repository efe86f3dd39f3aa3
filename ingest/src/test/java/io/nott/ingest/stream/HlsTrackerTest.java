package io.nott.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.ingest.stream.service.HlsTracker;
import io.nott.ingest.support.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HlsTrackerTest {

    @TempDir
    Path hls;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private HlsTracker tracker() {
        return new HlsTracker(TestConfigs.ingest(Map.of("ingest.hls.directory", hls.toString(),
                "ingest.transcoder.ladder", "high:640x360:750:128,mid:426x240:400:128,low:320x180:200:64")),
                registry, Clock.systemUTC());
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
    void theLagGaugeIsTheMostDelayedLiveTranscoderByProgramDateTime() throws Exception {
        HlsTracker tracker = tracker();
        tracker.scan();
        assertThat(registry.get("ingest.transcoder.lag").gauge().value()).isZero();
        // the newest segment ends at 00:00:03 by its date; the playlist was written 7.5 s after that
        Path high = hls.resolve("cam_high.m3u8");
        Files.writeString(high, """
                #EXTM3U
                #EXT-X-TARGETDURATION:1
                #EXTINF:1.000000,
                #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:01.000+0000
                cam_high-1.ts
                #EXTINF:1.000000,
                #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:02.000+0000
                cam_high-2.ts
                """);
        Files.setLastModifiedTime(high, FileTime.from(Instant.parse("2026-01-01T00:00:10.500Z")));
        playlist("cam_low", Instant.parse("2026-01-01T00:00:10Z"), "cam_low-1.ts"); // undated: no lag known
        tracker.scan();
        assertThat(registry.get("ingest.transcoder.lag").gauge().value()).isEqualTo(7.5);
        assertThat(tracker.variant("cam", "low")).get().extracting(HlsTracker.Variant::lag).isEqualTo(java.util.Optional.empty());
    }

    @Test
    void theStalledGaugeIsTheAgeOfTheMostStalledLiveRendition() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:01:00Z");
        HlsTracker tracker = new HlsTracker(TestConfigs.ingest(Map.of("ingest.hls.directory", hls.toString(),
                "ingest.transcoder.ladder", "high:640x360:750:128,low:320x180:200:64")),
                registry, Clock.fixed(now, java.time.ZoneOffset.UTC));
        var gauge = registry.get("ingest.hls.newest.segment.age").gauge();
        assertThat(gauge.value()).isZero();
        tracker.scan();
        playlist("cam_high", now.minusSeconds(1), "cam_high-1.ts");
        playlist("cam_low", now.minusSeconds(12), "cam_low-1.ts");
        tracker.scan();
        assertThat(gauge.value()).isEqualTo(12.0);
        // a rendition that ended is not stalled
        Files.writeString(hls.resolve("cam_low.m3u8"), "#EXTM3U\n#EXTINF:2.000,\ncam_low-1.ts\n#EXT-X-ENDLIST\n");
        Files.setLastModifiedTime(hls.resolve("cam_low.m3u8"), FileTime.from(now.minusSeconds(11)));
        tracker.scan();
        assertThat(gauge.value()).isEqualTo(1.0);
    }

    @Test
    void segmentsFromBeforeTheServiceStartedAreNotCounted() throws Exception {
        playlist("old_mid", Instant.parse("2026-01-01T00:00:00Z"), "old_mid-1.ts", "old_mid-2.ts");
        HlsTracker tracker = tracker();
        tracker.scan();
        assertThat(written("old", "mid")).isZero();
        assertThat(tracker.variant("old", "mid")).isPresent();
    }

    @Test
    void anEndedStreamIsClearedAfterTheRetentionAndALiveOneIsNot() throws Exception {
        Instant now = Instant.parse("2026-01-01T01:00:00Z");
        HlsTracker tracker = new HlsTracker(TestConfigs.ingest(Map.of("ingest.hls.directory", hls.toString(),
                "ingest.transcoder.ladder", "high:640x360:750:128", "ingest.hls.ended-retention", "60s")),
                registry, Clock.fixed(now, java.time.ZoneOffset.UTC));
        Instant old = now.minusSeconds(120);
        for (String f : new String[] {"gone_high-7.ts", "gone_high-8.ts", "live_high-1.ts", "stray-1.ts"}) {
            Files.write(hls.resolve(f), new byte[25_000]);
            Files.setLastModifiedTime(hls.resolve(f), FileTime.from(old));
        }
        playlist("live_high", old, "live_high-1.ts");
        playlist("live", old);
        Files.writeString(hls.resolve("gone_high.m3u8"), "#EXTM3U\n#EXTINF:2.000,\ngone_high-8.ts\n#EXT-X-ENDLIST\n");
        Files.setLastModifiedTime(hls.resolve("gone_high.m3u8"), FileTime.from(old));
        playlist("gone", old);

        tracker.scan();
        assertThat(tracker.variant("gone", "high")).get().extracting(HlsTracker.Variant::ended).isEqualTo(true);
        // 25,000 bytes over 2 s
        assertThat(tracker.variant("live", "high")).get().extracting(HlsTracker.Variant::measuredKbps).isEqualTo(100L);
        tracker.scan();
        tracker.scan();
        try (var files = Files.list(hls)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("live_high.m3u8", "live.m3u8", "live_high-1.ts");
        }
    }
}
