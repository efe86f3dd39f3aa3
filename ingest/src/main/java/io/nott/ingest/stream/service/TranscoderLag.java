package io.nott.ingest.stream.service;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * How far a transcoder is behind its live input, read from a media playlist it wrote: the
 * playlist's modification time minus the wall-clock end of its newest segment by
 * {@code #EXT-X-PROGRAM-DATE-TIME}. FFmpeg's HLS muxer starts that clock at the wall clock when
 * it starts and advances it by the media it writes, so the difference is the delay the
 * transcoder built up since: input that waits in nginx-rtmp's queue and the kernel's socket
 * buffers while the ladder gets less CPU than it needs. Nothing there drops it (measured: 69 s
 * of backlog behind a ladder at half speed), so a transcoder that falls behind stays behind.
 */
public final class TranscoderLag {

    /** FFmpeg writes {@code 2026-12-02T03:40:37.028+0000}. */
    private static final DateTimeFormatter PROGRAM_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx");
    private static final String PDT = "#EXT-X-PROGRAM-DATE-TIME:";
    private static final String EXTINF = "#EXTINF:";

    private TranscoderLag() {
    }

    /**
     * The delay of the transcoder that wrote {@code playlist} at {@code written}, or empty when
     * the playlist has no dated segment (or an unreadable date).
     */
    public static Optional<Duration> of(String playlist, Instant written) {
        Instant newestStart = null;
        double newestSeconds = 0;
        double pendingSeconds = 0;
        for (String line : playlist.split("\n")) {
            String l = line.strip();
            if (l.startsWith(EXTINF)) {
                // FFmpeg writes #EXTINF before the segment's #EXT-X-PROGRAM-DATE-TIME
                pendingSeconds = seconds(l.substring(EXTINF.length()));
            } else if (l.startsWith(PDT)) {
                try {
                    newestStart = OffsetDateTime.parse(l.substring(PDT.length()), PROGRAM_DATE_TIME).toInstant();
                    newestSeconds = pendingSeconds;
                } catch (DateTimeParseException e) {
                    return Optional.empty();
                }
            }
        }
        if (newestStart == null) {
            return Optional.empty();
        }
        Instant newestEnd = newestStart.plusMillis(Math.round(newestSeconds * 1000));
        return Optional.of(Duration.between(newestEnd, written));
    }

    private static double seconds(String extinf) {
        try {
            return Double.parseDouble(extinf.split(",", 2)[0].strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
