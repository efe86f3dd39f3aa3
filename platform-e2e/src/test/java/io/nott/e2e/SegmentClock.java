package io.nott.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the ingest test source's burned-in clock (the ingest's {@code BurnedClock}: a white
 * block, 20 bits, a black block, 32 of 1280 pixels each) from every frame of an HLS segment with
 * FFmpeg: the strip is scaled to one grey pixel per block, so a frame is 22 bytes. The values are
 * tenths of a second of the Unix time modulo 2^20, as burned in.
 */
final class SegmentClock {

    /** Bits of the clock (BITS; this module starts the ingest, it does not link it). */
    static final int BITS = 20;
    /** Width of a block in a 1280-wide picture (BLOCK). */
    private static final int BLOCK = 32;
    private static final int BLOCKS = BITS + 2;
    static final long WRAP = 1L << BITS;

    private SegmentClock() {
    }

    /** The clock of each frame of {@code segment} that has a readable one, in decoding order. */
    static List<Long> frames(byte[] segment) throws IOException, InterruptedException {
        Path file = Files.createTempFile("segment-clock", ".ts");
        try {
            Files.write(file, segment);
            // Every picture is made 1280 wide (the width the clock's blocks are defined for),
            // then the middle rows of the strip are averaged down to one pixel per block.
            Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", file.toString(),
                    "-an", "-vf", "scale=1280:-2,crop=" + BLOCKS * BLOCK + ":" + BLOCK / 2 + ":0:"
                            + BLOCK / 4 + ",scale=" + BLOCKS + ":1:flags=area",
                    "-f", "rawvideo", "-pix_fmt", "gray", "-")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (OutputStream in = ffmpeg.getOutputStream()) {
                // no input on stdin
            }
            byte[] grey;
            try (InputStream out = ffmpeg.getInputStream()) {
                grey = out.readAllBytes();
            }
            if (!ffmpeg.waitFor(30, TimeUnit.SECONDS)) {
                ffmpeg.destroyForcibly();
                throw new IOException("ffmpeg did not decode a segment of " + segment.length + " bytes within 30 s");
            }
            List<Long> clocks = new ArrayList<>();
            for (int frame = 0; frame + BLOCKS <= grey.length; frame += BLOCKS) {
                read(grey, frame).ifPresent(clocks::add);
            }
            return clocks;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Seconds from a burned-in {@code clock} value to the instant {@code epochMillis} (later is positive). */
    static double secondsUntil(long clock, long epochMillis) {
        return Math.floorMod(epochMillis / 100 - clock, WRAP) / 10.0;
    }

    private static java.util.Optional<Long> read(byte[] grey, int offset) {
        if ((grey[offset] & 0xff) < 160 || (grey[offset + BLOCKS - 1] & 0xff) > 96) {
            return java.util.Optional.empty();
        }
        long value = 0;
        for (int i = 1; i <= BITS; i++) {
            value = value * 2 + ((grey[offset + i] & 0xff) > 128 ? 1 : 0);
        }
        return java.util.Optional.of(value);
    }
}
