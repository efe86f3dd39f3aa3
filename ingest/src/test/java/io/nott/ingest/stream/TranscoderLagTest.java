package io.nott.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.ingest.stream.service.TranscoderLag;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TranscoderLagTest {

    /** As FFmpeg 5.1's HLS muxer writes it with program_date_time. */
    private static final String PLAYLIST = """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:1
            #EXT-X-MEDIA-SEQUENCE:1796182834027883
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXTINF:1.000000,
            #EXT-X-PROGRAM-DATE-TIME:2026-12-02T03:40:37.028+0000
            colorbar_240p-1796182834027883.ts
            #EXTINF:0.966667,
            #EXT-X-PROGRAM-DATE-TIME:2026-12-02T03:40:38.028+0000
            colorbar_240p-1796182834027884.ts
            """;

    @Test
    void theDelayIsTheWriteTimeMinusTheDatedEndOfTheNewestSegment() {
        // the newest segment ends at 03:40:38.995 by its date; the playlist was written 10 s later
        Instant written = Instant.parse("2026-12-02T03:40:48.995Z");
        assertThat(TranscoderLag.of(PLAYLIST, written)).contains(Duration.ofSeconds(10));
    }

    @Test
    void aTranscoderThatKeepsPaceIsAboutZeroBehind() {
        Instant written = Instant.parse("2026-12-02T03:40:39.100Z");
        assertThat(TranscoderLag.of(PLAYLIST, written)).contains(Duration.ofMillis(105));
    }

    @Test
    void aPlaylistWithoutDatesHasNoDelay() {
        assertThat(TranscoderLag.of(PLAYLIST.replaceAll("#EXT-X-PROGRAM-DATE-TIME:.*\\n", ""), Instant.now())).isEmpty();
        assertThat(TranscoderLag.of(PLAYLIST.replace("2026-12-02T03:40:38.028+0000", "yesterday"), Instant.now())).isEmpty();
    }
}
