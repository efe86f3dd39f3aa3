package io.nott.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Where glass-to-glass latency goes, stage by stage, for one variant of a live stream: every
 * 100 ms the variant playlist is read at the origin (the ingest's nginx) and through the edge.
 * For each new segment this records when its file was complete (its modification time: FFmpeg
 * renames it into place when done), when the origin's playlist first listed it, when the
 * edge's did, and the burned-in clocks of its first and last frames. A frame read on screen
 * ({@link #onScreen}) is then split into capture → segment written → listed at the origin →
 * listed at the edge → on screen; the stages add up to its glass-to-glass latency.
 *
 * <p>All renditions cut their segments at the same instants from the same frames, so the
 * smallest rendition's segments (the cheapest to decode) time any rendition the player shows.
 * The 100 ms polls make the listing times up to 0.1 s late; this poller's edge requests also
 * refresh the edge's cached playlist as a busy player population would.
 */
final class LatencyStages implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LatencyStages.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** A frame belongs to a segment whose first clock is at most this many tenths before it (covers 2 s segments). */
    private static final long MAX_SEGMENT_TENTHS = 30;
    private static final long WRAP = SegmentClock.WRAP;

    /** What is known of one segment; fields fill in as the poller learns them. */
    private static final class Seen {
        volatile Instant atOrigin;
        volatile Instant atEdge;
        volatile Instant written;
        volatile Long firstClock;
        volatile Long lastClock;
    }

    private record Shown(long clock, Instant at) {
    }

    /** One frame on screen split into stages, in seconds; they add up to {@code glass}. */
    record Split(double glass, double captureToWritten, double writtenToOrigin, double originToEdge, double edgeToScreen) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI origin;
    private final URI edge;
    private final Path hlsDir;
    private final Map<String, Seen> segments = new ConcurrentHashMap<>();
    private final ExecutorService poller = Executors.newSingleThreadExecutor(r -> daemon(r, "latency-poller"));
    private final ExecutorService decoder = Executors.newSingleThreadExecutor(r -> daemon(r, "latency-decoder"));
    private final List<Shown> shown = new ArrayList<>();
    private volatile boolean running = true;

    /** Watches {@code variant} (e.g. {@code colorbar_240p.m3u8}) at the origin's and the edge's {@code /hls/}. */
    LatencyStages(String originBase, String edgeBase, Path hlsDir, String variant) {
        this.origin = URI.create(originBase + "/hls/" + variant);
        this.edge = URI.create(edgeBase + "/hls/" + variant);
        this.hlsDir = hlsDir;
        poller.execute(this::poll);
    }

    /** A frame whose burned-in {@code clock} was on screen at {@code shownAt}; split by {@link #splits()}. */
    synchronized void onScreen(long clock, Instant shownAt) {
        shown.add(new Shown(clock, shownAt));
    }

    /**
     * The frames seen on screen so far, each split into stages if its segment was watched from
     * the file to the edge (the others are left out).
     */
    synchronized List<Split> splits() {
        List<Seen> timed = segments.values().stream()
                .filter(s -> s.firstClock != null && s.written != null && s.atOrigin != null && s.atEdge != null)
                .toList();
        List<Split> splits = new ArrayList<>();
        for (Shown frame : shown) {
            // A tenth of a second can hold the last frames of one segment and the first of the
            // next: the later segment is taken.
            timed.stream().filter(s -> contains(s, frame.clock()))
                    .min(Comparator.comparingLong(s -> Math.floorMod(frame.clock() - s.firstClock, WRAP)))
                    .ifPresent(s -> splits.add(new Split(
                            SegmentClock.secondsUntil(frame.clock(), frame.at().toEpochMilli()),
                            SegmentClock.secondsUntil(frame.clock(), s.written.toEpochMilli()),
                            seconds(s.written, s.atOrigin), seconds(s.atOrigin, s.atEdge), seconds(s.atEdge, frame.at()))));
        }
        return splits;
    }

    /**
     * Per watched segment: seconds from its last frame's capture to the file being complete,
     * i.e. the source's encoder, RTMP and the ladder without the wait for the segment's end.
     */
    List<Double> pipelineDelays() {
        return segments.values().stream().filter(s -> s.lastClock != null && s.written != null)
                .map(s -> SegmentClock.secondsUntil(s.lastClock, s.written.toEpochMilli())).toList();
    }

    /**
     * How much the source's clock advanced from the first watched segment to the last, over the
     * number of watched segments: about the segment duration when the source keeps real time.
     */
    Optional<Double> clockSecondsPerSegment() {
        List<Seen> timed = segments.values().stream().filter(s -> s.firstClock != null && s.written != null)
                .sorted(Comparator.comparing(s -> s.written)).toList();
        if (timed.size() < 2) {
            return Optional.empty();
        }
        long first = timed.get(0).firstClock;
        long last = timed.get(timed.size() - 1).firstClock;
        return Optional.of(Math.floorMod(last - first, WRAP) / 10.0 / (timed.size() - 1));
    }

    int segmentsSeen() {
        return segments.size();
    }

    @Override
    public void close() {
        running = false;
        poller.shutdownNow();
        decoder.shutdownNow();
        try {
            poller.awaitTermination(10, TimeUnit.SECONDS);
            decoder.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void poll() {
        while (running) {
            try {
                read(origin).ifPresent(names -> names.forEach(name -> {
                    Seen seen = segments.computeIfAbsent(name, n -> new Seen());
                    if (seen.atOrigin == null) {
                        seen.atOrigin = Instant.now();
                        seen.written = modified(name);
                        decoder.execute(() -> decode(name, seen));
                    }
                }));
                read(edge).ifPresent(names -> names.forEach(name -> {
                    Seen seen = segments.computeIfAbsent(name, n -> new Seen());
                    if (seen.atEdge == null) {
                        seen.atEdge = Instant.now();
                    }
                }));
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.debugf("latency poll failed (measured again in %s): %s", POLL, e);
            }
        }
    }

    /** The segment names a playlist lists, or nothing when it could not be read this time. */
    private Optional<List<String>> read(URI playlist) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(playlist).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(r.body().lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.replaceFirst("\\?.*", "")).toList());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Instant modified(String name) {
        try {
            return Files.getLastModifiedTime(hlsDir.resolve(name)).toInstant();
        } catch (NoSuchFileException e) {
            return null;  // already deleted: this segment is not timed
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the time of " + hlsDir.resolve(name), e);
        }
    }

    private void decode(String name, Seen seen) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(origin.resolve(name)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                return;
            }
            List<Long> clocks = SegmentClock.frames(r.body());
            if (!clocks.isEmpty()) {
                seen.lastClock = clocks.get(clocks.size() - 1);
                seen.firstClock = clocks.get(0);
            }
        } catch (IOException e) {
            LOG.debugf("segment %s not decoded: %s", name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The clock is one of the segment's frames' (or just after its last, before the next segment's first). */
    private static boolean contains(Seen s, long clock) {
        long into = Math.floorMod(clock - s.firstClock, WRAP);
        return into <= Math.min(Math.floorMod(s.lastClock - s.firstClock, WRAP) + 1, MAX_SEGMENT_TENTHS);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The median (or another percentile) of some figures, NaN for none. */
    static <T> double percentile(List<T> values, Function<T, Double> figure, int p) {
        List<Double> sorted = values.stream().map(figure).sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }
}
