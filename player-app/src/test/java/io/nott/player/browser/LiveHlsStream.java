package io.nott.player.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real live-like HLS stream made by FFmpeg for browser tests: testsrc2 + a sine tone, H.264 +
 * AAC, 2-second segments, a sliding window of 6, in two renditions named like the ingest's ladder
 * ({@code <name>_high.m3u8} 640x360, {@code <name>_low.m3u8} 426x240) under a master playlist
 * {@code <name>.m3u8}. Encoded in real time ({@code -re}) so the playlist moves like a live one.
 *
 * <p>Reusable outside this module: it needs only {@code ffmpeg} on the PATH (or {@code nott.ffmpeg.path}).
 */
public final class LiveHlsStream implements AutoCloseable {

    /** Widths of the two renditions, as the ladder names them. */
    public static final int HIGH_WIDTH = 640;
    public static final int LOW_WIDTH = 426;

    private final String name;
    private final Path directory;
    private final Process ffmpeg;
    private final Path log;

    private LiveHlsStream(String name, Path directory, Process ffmpeg, Path log) {
        this.name = name;
        this.directory = directory;
        this.ffmpeg = ffmpeg;
        this.log = log;
    }

    /** Starts FFmpeg writing the stream {@code name} into a fresh temporary directory. */
    public static LiveHlsStream start(String name) throws IOException {
        return start(name, Files.createTempDirectory("nott-hls-" + name + "-"));
    }

    /**
     * Starts FFmpeg writing the stream {@code name} into {@code dir} (e.g. next to another stream,
     * so one {@link FakeEdgeServer} serves both); segment names start at the wall clock in ms so a
     * stream started again never reuses one.
     */
    public static LiveHlsStream start(String name, Path dir) throws IOException {
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException("stream name must match [a-z0-9][a-z0-9_-]{0,63}: " + name);
        }
        Path log = dir.resolve("ffmpeg-" + name + ".log");
        List<String> command = List.of(
                System.getProperty("nott.ffmpeg.path", "ffmpeg"), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                // setsar=1: 640x360 scaled to 426x240 otherwise keeps a 320:321 sample aspect ratio,
                // and the browser then reports videoWidth 427 instead of the ladder's 426.
                "-filter_complex", "[0:v]split=2[vh][vl];[vl]scale=" + LOW_WIDTH + ":240,setsar=1[vlo]",
                "-map", "[vh]", "-map", "[vlo]", "-map", "1:a", "-map", "1:a",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                // a key frame every 2 s so every segment starts with one
                "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
                "-b:v:0", "700k", "-b:v:1", "300k",
                "-c:a", "aac", "-b:a", "64k",
                "-f", "hls", "-hls_time", "2", "-hls_list_size", "6",
                "-hls_flags", "delete_segments+independent_segments",
                "-master_pl_name", name + ".m3u8",
                "-var_stream_map", "v:0,a:0,name:high v:1,a:1,name:low",
                "-hls_start_number_source", "epoch_us",
                "-hls_segment_filename", dir.resolve(name + "_%v-%d.ts").toString(),
                dir.resolve(name + "_%v.m3u8").toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new LiveHlsStream(name, dir, process, log);
    }

    public String name() {
        return name;
    }

    /** The directory holding {@code <name>.m3u8}, the variant playlists and the segments. */
    public Path directory() {
        return directory;
    }

    /** Waits until the master playlist and each variant list at least {@code segments} segments. */
    public LiveHlsStream awaitSegments(int segments, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready(segments)) {
            if (!ffmpeg.isAlive()) {
                throw new IllegalStateException("ffmpeg exited with " + ffmpeg.exitValue() + ": " + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no " + segments + " segments of " + name + " after " + timeout + ": " + logTail());
            }
            // ffmpeg writes files, no event to wait on: poll the directory.
            ffmpeg.waitFor(200, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private boolean ready(int segments) {
        return Files.exists(directory.resolve(name + ".m3u8"))
                && segmentCount(name + "_high.m3u8") >= segments
                && segmentCount(name + "_low.m3u8") >= segments;
    }

    /** Segments of a live playlist; 0 for one that ended (an earlier run's, until FFmpeg rewrites it). */
    private long segmentCount(String playlist) {
        try {
            List<String> lines = Files.readAllLines(directory.resolve(playlist), StandardCharsets.UTF_8);
            if (lines.contains("#EXT-X-ENDLIST")) {
                return 0;
            }
            return lines.stream()
                    .filter(line -> line.endsWith(".ts"))
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }

    private String logTail() {
        try {
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no ffmpeg log)";
        }
    }

    /** Stops FFmpeg with SIGTERM, as a publisher that stops: it ends the playlists with #EXT-X-ENDLIST. */
    public void stop() throws InterruptedException {
        ffmpeg.destroy();
        if (!ffmpeg.waitFor(5, TimeUnit.SECONDS)) {
            ffmpeg.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Stops FFmpeg and deletes the directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        stop();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
