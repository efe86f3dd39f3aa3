package io.nott.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nott.testsupport.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Origin B of the steering test: another live stream (SMPTE HD bars at 320x180 and an 880 Hz
 * tone instead of the ingest's colour bars and 440 Hz) served as a redundant origin of the
 * first stream serves it: the same multivariant and media playlists (the first origin's, with
 * the same sequence numbers, durations and segment names), and for each segment of the first
 * stream a segment of its own that starts at the same presentation time. Every answer carries
 * {@code X-Origin: second-origin}.
 *
 * <p>Why the first stream's numbers, names and timestamps: hls.js (1.6) merges each reload of
 * a live playlist into the one it had by sequence number. A reload whose numbers overlap the
 * previous one but name other URIs is refused ("media sequence mismatch"); numbers that do not
 * overlap move the playlist in time by their difference, so the player seeks or waits; and the
 * first origin's discontinuity sequence (0), once seen, keeps the timestamp origin it had then.
 * A second origin that continues the first one's timeline is what redundant encoders do, and
 * hls.js plays across the switch as across any segment boundary: only picture and sound change.
 *
 * <p>How: FFmpeg renders one second of the second stream once (30 frames from a keyframe, AAC
 * at 48 kHz mono, as the ingest encodes); each segment asked for is that second with its
 * timestamps moved ({@link TsTimestamps}) to where the first origin's segment of the same name
 * starts. Not one FFmpeg beside the ingest: the ingest's transcoder runs slower than real time
 * on a loaded machine (measured: one 1 s segment every 5 s at a load average of 22), so a
 * stream paced by the wall clock drifts off its numbers within a minute; and not one FFmpeg
 * per segment: at a load average of 28 those took seconds each and the player starved.
 */
final class SecondOrigin implements AutoCloseable {

    /** The picture width of the second stream: no rendition of the first has it, so the player shows which stream it plays. */
    static final int WIDTH = 320;
    private static final Pattern MEDIA_PLAYLIST = Pattern.compile("/hls/([A-Za-z0-9-]+)_([A-Za-z0-9]+)\\.m3u8");
    private static final Pattern SEGMENT = Pattern.compile("/hls/([A-Za-z0-9-]+)_([A-Za-z0-9]+)-(\\d+)\\.ts");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String hlsBase;
    private final String stream;
    private final byte[] second;
    private final long secondPts;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(8);
    private final Map<Long, byte[]> segments = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    private SecondOrigin(String hlsBase, String stream, byte[] second, int port) throws IOException {
        this.hlsBase = hlsBase;
        this.stream = stream;
        this.second = second;
        this.secondPts = TsTimestamps.firstVideoPts(second);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    }

    /**
     * Renders the second stream's second into {@code dir} and serves it on {@code port} along
     * {@code stream} as the ingest at {@code hlsBase} serves it (e.g. {@code http://127.0.0.1:8083/hls/}).
     */
    static SecondOrigin start(Path dir, String hlsBase, String stream, int port) throws IOException {
        SecondOrigin origin = new SecondOrigin(hlsBase, stream, render(dir), port);
        origin.server.setExecutor(origin.handlers);
        origin.server.createContext("/", origin::answer);
        origin.server.start();
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

    /** Segments served so far (each sequence number once, whatever the rendition asked for). */
    int segmentsServed() {
        return segments.size();
    }

    /** One second of the second stream as an MPEG-TS segment. */
    private static byte[] render(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve("second.ts");
        Path log = dir.resolve("ffmpeg.log");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "smptehdbars=size=" + WIDTH + "x180:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000",
                "-t", "1", "-map", "0:v", "-map", "1:a",
                // As the ingest encodes (x264 main, a keyframe opening each 1 s segment, AAC at
                // 48 kHz mono): only the picture and the tone differ.
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "main",
                "-pix_fmt", "yuv420p", "-g", "30", "-sc_threshold", "0", "-b:v", "150k", "-maxrate", "150k", "-bufsize", "150k",
                "-c:a", "aac", "-aac_coder", "fast", "-ar", "48000", "-ac", "1", "-b:a", "64k",
                "-f", "mpegts", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!ffmpeg.waitFor(120, TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
                throw new IOException("ffmpeg could not render the second stream; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while rendering the second stream", e);
        } finally {
            ffmpeg.destroyForcibly(); // ended already, unless it timed out
        }
        return Files.readAllBytes(out);
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            exchange.getResponseHeaders().set("X-Origin", "second-origin");
            String path = exchange.getRequestURI().getPath();
            Matcher playlist = MEDIA_PLAYLIST.matcher(path);
            Matcher segment = SEGMENT.matcher(path);
            byte[] body = null;
            String type = "application/vnd.apple.mpegurl";
            String cacheControl = "public, max-age=1";
            if (path.equals("/hls/" + stream + ".m3u8")
                    || playlist.matches() && playlist.group(1).equals(stream)) {
                // The first origin's playlists as they are: redundant origins agree on them.
                body = first(path.substring("/hls/".length()));
            } else if (segment.matches() && segment.group(1).equals(stream)) {
                type = "video/mp2t";
                cacheControl = "public, max-age=31536000, immutable";
                body = segment(Long.parseLong(segment.group(3)), path.substring("/hls/".length()));
            }
            if (body == null) {
                send(exchange, 404, "text/plain", "no-store", new byte[0]);
            } else {
                send(exchange, 200, type, cacheControl, body);
            }
        }
    }

    /**
     * The second stream's segment for the first origin's segment {@code name} (any rendition:
     * the player asks for the one it was playing), starting at that segment's first video
     * timestamp; null when the first origin does not have it.
     */
    private byte[] segment(long sequence, String name) {
        byte[] cached = segments.get(sequence);
        if (cached != null) {
            return cached;
        }
        byte[] first = first(name);
        if (first == null) {
            return null;
        }
        byte[] own = TsTimestamps.shifted(second, TsTimestamps.firstVideoPts(first) - secondPts);
        segments.putIfAbsent(sequence, own);
        return own;
    }

    /** The first origin's answer for {@code name} under its /hls/, or null unless 200. */
    private byte[] first(String name) {
        try {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(hlsBase + name))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
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
        handlers.shutdownNow();
    }
}
