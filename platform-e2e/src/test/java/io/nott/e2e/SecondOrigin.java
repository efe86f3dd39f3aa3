package io.nott.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nott.testsupport.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Origin B of the steering test: another live stream (SMPTE HD bars at 320x180 and an 880 Hz
 * tone instead of the ingest's colour bars and 440 Hz) served as a redundant origin of the
 * first stream serves it: the same multivariant and media playlists (the first origin's, with
 * the same sequence numbers, durations and segment names), and for each segment of the first
 * stream a segment of its own that starts at the same presentation time and lasts as long.
 * Every answer carries {@code X-Origin: second-origin}.
 *
 * <p>Why the first stream's numbers, names and timestamps: hls.js (1.6) merges each reload of
 * a live playlist into the one it had by sequence number. A reload whose numbers overlap the
 * previous one but name other URIs is refused ("media sequence mismatch"); numbers that do not
 * overlap move the playlist in time by their difference, so the player seeks or waits; and the
 * first origin's discontinuity sequence (0), once seen, keeps the timestamp origin it had then.
 * A second origin that continues the first one's timeline is what redundant encoders do, and
 * hls.js plays across the switch as across any segment boundary: only picture and sound change.
 *
 * <p>Why segment by segment rather than one FFmpeg running beside the ingest: the ingest's
 * transcoder runs slower than real time on a loaded machine (measured: one 1 s segment every
 * 5 s at a load average of 22), so a stream paced by the wall clock drifts away from its
 * numbers within seconds. Rendering one segment per segment of the first stream keeps the
 * two on one timeline whatever either's speed. A renderer renders each new segment at the
 * live edge of the watched rendition's playlist (about 0.15 s of CPU per segment; 320x180, x264
 * ultrafast), and a request for a segment not rendered yet renders it before it is answered.
 */
final class SecondOrigin implements AutoCloseable {

    /** The picture width of the second stream: no rendition of the first has it, so the player shows which stream it plays. */
    static final int WIDTH = 320;
    /** FFmpeg's MPEG-TS muxer starts timestamps 1.4 s in (twice its default 0.7 s max_delay). */
    private static final double MUXER_DELAY = 1.4;
    private static final Pattern MEDIA_PLAYLIST = Pattern.compile("/hls/([A-Za-z0-9-]+)_([A-Za-z0-9]+)\\.m3u8");
    private static final Pattern SEGMENT = Pattern.compile("/hls/([A-Za-z0-9-]+)_([A-Za-z0-9]+)-(\\d+)\\.ts");
    /** Segments at the live edge of the first origin's playlist that get a counterpart. */
    private static final int RENDERED_WINDOW = 4;
    private static final Pattern SEGMENT_URI = Pattern.compile("[A-Za-z0-9-]+_[A-Za-z0-9]+-(\\d+)\\.ts");

    private final Path dir;
    private final String hlsBase;
    private final String stream;
    private final String watched;
    private final HttpServer server;
    private final ScheduledExecutorService renderer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger rendered = new AtomicInteger();
    private final AtomicReference<String> renderProblem = new AtomicReference<>();

    private SecondOrigin(Path dir, String hlsBase, String stream, String rendition, int port) throws IOException {
        this.dir = dir;
        this.hlsBase = hlsBase;
        this.stream = stream;
        this.watched = hlsBase + stream + "_" + rendition + ".m3u8";
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    }

    /**
     * Starts rendering the second stream along {@code stream} as the ingest at {@code hlsBase}
     * serves it (e.g. {@code http://127.0.0.1:8083/hls/}; its {@code rendition} playlist is
     * watched), and serving it on {@code port}.
     */
    static SecondOrigin start(Path dir, String hlsBase, String stream, String rendition, int port) throws IOException {
        Files.createDirectories(dir);
        SecondOrigin origin = new SecondOrigin(dir, hlsBase, stream, rendition, port);
        origin.server.setExecutor(Executors.newFixedThreadPool(8));
        origin.server.createContext("/", origin::answer);
        origin.server.start();
        origin.renderer.scheduleWithFixedDelay(origin::renderNewSegments, 0, 200, TimeUnit.MILLISECONDS);
        return origin;
    }

    /** A free port for {@link #start}: the edge must know it (as upstream group servers) before the origin starts. */
    static int freePort() {
        return FreePorts.one();
    }

    /** Requests this origin answered (playlists and segments). */
    int requests() {
        return requests.get();
    }

    /** Segments rendered so far. */
    int rendered() {
        return rendered.get();
    }

    /** The last rendering failure, or null: a test that finds nothing rendered shows why. */
    String renderProblem() {
        return renderProblem.get();
    }

    /**
     * Renders, oldest first, the segments of the newest {@value #RENDERED_WINDOW} of the watched
     * playlist that have no counterpart yet: a live viewer plays at the edge, and rendering the
     * whole window first would leave the edge behind on a busy machine.
     */
    private void renderNewSegments() {
        try {
            List<String> uris = segmentUris(HlsProbe.get(watched));
            for (String uri : uris.subList(Math.max(0, uris.size() - RENDERED_WINDOW), uris.size())) {
                renderIfMissing(URI.create(watched).resolve(uri).toString(), sequenceOf(uri));
            }
        } catch (RuntimeException | IOException e) {
            // The first origin's window moved on, or a render failed: the next round tries again.
            renderProblem.set(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The counterpart of the first origin's segment {@code sequence} ({@code firstSegmentUrl}, of
     * any rendition), rendered now if it is not yet; null when the first origin does not have
     * that segment (any more). A viewer switched here may ask for a segment of the playlist it
     * got from the first origin before the renderer got to it: it waits, it never gets a 404
     * (hls.js does not retry a segment's 4xx).
     */
    private byte[] renderedSegment(String firstSegmentUrl, long sequence) throws IOException {
        try {
            renderIfMissing(firstSegmentUrl, sequence);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return readBytesOrNull(segment(sequence));
    }

    /** One render at a time (the renderer's and requests'), so a segment is rendered once. */
    private synchronized void renderIfMissing(String firstSegmentUrl, long sequence) throws IOException, InterruptedException {
        Path target = segment(sequence);
        if (!Files.exists(target)) {
            render(firstSegmentUrl, target);
            rendered.incrementAndGet();
        }
    }

    /** One segment of the second stream as long as and starting at the same presentation time as {@code firstSegmentUrl}. */
    private void render(String firstSegmentUrl, Path target) throws IOException, InterruptedException {
        double pts = HlsProbe.firstVideoPts(firstSegmentUrl);
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "smptehdbars=size=" + WIDTH + "x180:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000",
                "-t", "1", "-map", "0:v", "-map", "1:a",
                // As the ingest encodes (x264 main, a keyframe per 1 s segment, AAC at 48 kHz
                // mono): only the picture and the tone differ.
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "main",
                "-pix_fmt", "yuv420p", "-g", "30", "-sc_threshold", "0", "-b:v", "150k", "-maxrate", "150k", "-bufsize", "150k",
                "-c:a", "aac", "-aac_coder", "fast", "-ar", "48000", "-ac", "1", "-b:a", "64k",
                "-output_ts_offset", String.format(Locale.ROOT, "%.6f", pts - MUXER_DELAY),
                "-f", "mpegts", partial.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("ffmpeg.log").toFile()))
                .start();
        try {
            if (!ffmpeg.waitFor(60, TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
                throw new IOException("ffmpeg could not render " + target + "; see " + dir.resolve("ffmpeg.log"));
            }
        } finally {
            ffmpeg.destroyForcibly(); // ended already, unless it timed out or the test is closing
        }
        // Whole or not at all: the server may be asked for it at any moment.
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path segment(long sequence) {
        return dir.resolve("b-" + sequence + ".ts");
    }

    private static long sequenceOf(String uri) {
        Matcher m = SEGMENT_URI.matcher(uri);
        if (!m.matches()) {
            throw new IllegalStateException("not a segment name of the ingest: " + uri);
        }
        return Long.parseLong(m.group(1));
    }

    private static List<String> segmentUris(String playlist) {
        return playlist.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            exchange.getResponseHeaders().set("X-Origin", "second-origin");
            try {
                route(exchange);
            } catch (IllegalStateException e) {
                // The first origin did not answer (e.g. 404 for a rendition it does not have).
                send(exchange, 404, "text/plain", "no-store", new byte[0]);
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher playlist = MEDIA_PLAYLIST.matcher(path);
        Matcher segment = SEGMENT.matcher(path);
        if (path.equals("/hls/" + stream + ".m3u8")) {
            // The multivariant playlist of the first origin: redundant origins agree on it.
            sendFound(exchange, "application/vnd.apple.mpegurl", "public, max-age=1", bytes(HlsProbe.get(hlsBase + stream + ".m3u8")));
        } else if (playlist.matches() && playlist.group(1).equals(stream)) {
            // The first origin's media playlist as it is: every segment it names is rendered
            // here on request if the renderer has not got to it yet.
            sendFound(exchange, "application/vnd.apple.mpegurl", "public, max-age=1",
                    bytes(HlsProbe.get(hlsBase + stream + "_" + playlist.group(2) + ".m3u8")));
        } else if (segment.matches() && segment.group(1).equals(stream)) {
            // One rendering answers for every rendition of the first stream: the player asks
            // for the rendition it was playing.
            sendFound(exchange, "video/mp2t", "public, max-age=31536000, immutable",
                    renderedSegment(hlsBase + path.substring("/hls/".length()), Long.parseLong(segment.group(3))));
        } else {
            send(exchange, 404, "text/plain", "no-store", new byte[0]);
        }
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** A rendered segment, or null when it is not (or not yet) there. */
    private static byte[] readBytesOrNull(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** {@code body} with status 200, or a 404 that no cache keeps when it is null. */
    private static void sendFound(HttpExchange exchange, String type, String cacheControl, byte[] body) throws IOException {
        if (body == null) {
            send(exchange, 404, "text/plain", "no-store", new byte[0]);
        } else {
            send(exchange, 200, type, cacheControl, body);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String cacheControl, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", cacheControl);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        renderer.shutdownNow();
        try {
            renderer.awaitTermination(70, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
