package io.nott.ingest.stream.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.ingest.config.IngestConfig;
import io.nott.ingest.config.Rendition;
import io.nott.ingest.nginx.NginxLayout;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Watches the variant playlists the transcoder writes. A playlist is rewritten each time a
 * segment is complete, so its modification time is the time of the newest playable segment; new
 * names in it are counted as segments written. It also clears what ended streams leave: FFmpeg
 * deletes segments that slide out of a live window, but the last window of a stream that ended
 * (or of a transcoder that was killed) stays until {@code ingest.hls.ended-retention} has passed.
 */
@ApplicationScoped
public class HlsTracker {

    private static final Logger LOG = Logger.getLogger(HlsTracker.class);

    private final Path hlsDir;
    private final List<Rendition> ladder;
    private final Duration retention;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Variant> variants = new ConcurrentHashMap<>();
    private volatile boolean firstScanDone;

    /**
     * What is known about one variant playlist ({@code <stream>_<rendition>.m3u8}).
     *
     * @param ended the playlist carries {@code #EXT-X-ENDLIST}: the transcoder finished it
     * @param measuredKbps size of the newest segment over its duration, 0 before it is known
     * @param lag how far the transcoder that wrote the playlist was behind its input ({@link TranscoderLag}), if dated
     */
    public record Variant(String stream, String rendition, Instant newestSegmentAt, List<String> segments,
            long segmentsWritten, boolean ended, long measuredKbps, Optional<Duration> lag) {
    }

    public HlsTracker(IngestConfig config, MeterRegistry registry, Clock clock) {
        this.hlsDir = NginxLayout.of(config).hlsDir();
        this.ladder = config.transcoder().ladder();
        this.retention = config.hls().endedRetention();
        this.registry = registry;
        this.clock = clock;
        // One series, the worst live rendition: what the StreamStalled alert watches (deploy's rules).
        Gauge.builder("ingest.hls.newest.segment.age", this, HlsTracker::stalledSeconds).strongReference(true)
                .description("Seconds since the newest segment of the most stalled live rendition (0 with no live stream);"
                        + " a healthy stream stays near one segment length")
                .baseUnit("seconds").register(registry);
        // The ladder's share of the glass-to-glass latency that nothing downstream can take back.
        Gauge.builder("ingest.transcoder.lag", this, HlsTracker::worstLagSeconds).strongReference(true)
                .description("Seconds the most delayed live transcoder is behind its input (newest playlist's write time minus"
                        + " its newest segment's end by EXT-X-PROGRAM-DATE-TIME; 0 with no live stream); grows while the"
                        + " ladder gets less CPU than it needs and stays when it gets enough again")
                .baseUnit("seconds").register(registry);
    }

    double worstLagSeconds() {
        return variants.values().stream().filter(v -> !v.ended())
                .flatMap(v -> v.lag().stream()).mapToDouble(d -> d.toMillis() / 1000.0).max().orElse(0);
    }

    /**
     * Age of the oldest "newest segment" among renditions still live (no {@code #EXT-X-ENDLIST}),
     * from each playlist's modification time read now: a scan that runs late on a loaded node
     * must not look like a stalled stream.
     */
    double stalledSeconds() {
        Instant now = clock.instant();
        double worst = 0;
        for (Map.Entry<String, Variant> e : variants.entrySet()) {
            if (e.getValue().ended()) {
                continue;
            }
            try {
                Instant modified = Files.getLastModifiedTime(hlsDir.resolve(e.getKey() + ".m3u8")).toInstant();
                worst = Math.max(worst, Duration.between(modified, now).toMillis() / 1000.0);
            } catch (IOException gone) {
                // removed since the last scan: the next scan forgets it
            }
        }
        return worst;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void scan() {
        if (!Files.isDirectory(hlsDir)) {
            return;
        }
        Set<String> present = new HashSet<>();
        try (DirectoryStream<Path> playlists = Files.newDirectoryStream(hlsDir, "*.m3u8")) {
            for (Path playlist : playlists) {
                String file = playlist.getFileName().toString();
                String base = file.substring(0, file.length() - ".m3u8".length());
                for (Rendition r : ladder) {
                    if (base.endsWith(r.suffix()) && base.length() > r.suffix().length()) {
                        present.add(base);
                        update(base, base.substring(0, base.length() - r.suffix().length()), r.name(), playlist);
                    }
                }
            }
        } catch (IOException e) {
            return;
        }
        variants.keySet().retainAll(present);
        firstScanDone = true;
        removeLeftovers();
    }

    private void update(String key, String stream, String rendition, Path playlist) {
        Instant modified;
        List<String> lines;
        try {
            modified = Files.getLastModifiedTime(playlist).toInstant();
            Variant known = variants.get(key);
            if (known != null && known.newestSegmentAt().equals(modified)) {
                return;
            }
            lines = Files.readAllLines(playlist).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            return; // rewritten under our feet: next scan
        }
        List<String> segments = lines.stream().filter(l -> !l.startsWith("#")).toList();
        boolean ended = lines.contains("#EXT-X-ENDLIST");
        Variant known = variants.get(key);
        Set<String> seen = known == null ? Set.of() : new LinkedHashSet<>(known.segments());
        long fresh = segments.stream().filter(s -> !seen.contains(s)).count();
        // Segments that were there before this service started were not written under its watch.
        if (!firstScanDone) {
            fresh = 0;
        }
        if (fresh > 0) {
            Counter.builder("ingest.segments.written").description("HLS segments the transcoder completed, by stream and rendition")
                    .tag("stream", stream).tag("rendition", rendition).register(registry).increment(fresh);
        }
        long total = (known == null ? 0 : known.segmentsWritten()) + fresh;
        variants.put(key, new Variant(stream, rendition, modified, segments, total, ended, measuredKbps(lines),
                TranscoderLag.of(String.join("\n", lines), modified)));
    }

    /** Bits of the newest segment over its {@code #EXTINF} duration: what the rendition really costs. */
    private long measuredKbps(List<String> lines) {
        for (int i = lines.size() - 1; i > 0; i--) {
            String segment = lines.get(i);
            if (segment.startsWith("#")) {
                continue;
            }
            // the segment's #EXTINF comes before it, with e.g. #EXT-X-PROGRAM-DATE-TIME in between
            for (int j = i - 1; j >= 0 && lines.get(j).startsWith("#"); j--) {
                if (lines.get(j).startsWith("#EXTINF:")) {
                    try {
                        double seconds = Double.parseDouble(lines.get(j).substring("#EXTINF:".length()).split(",")[0]);
                        long bytes = Files.size(hlsDir.resolve(segment));
                        return seconds > 0 ? Math.round(bytes * 8 / seconds / 1000) : 0;
                    } catch (NumberFormatException | IOException e) {
                        return 0; // deleted meanwhile or not a number: unknown this time
                    }
                }
            }
            return 0;
        }
        return 0;
    }

    /**
     * Deletes what no live playlist lists any more and is older than the retention: segments, the
     * finished playlists of ended streams and their master playlists.
     */
    private void removeLeftovers() {
        Instant cutoff = clock.instant().minus(retention);
        Set<String> listed = new HashSet<>();
        Set<String> streamsWithVariants = new HashSet<>();
        for (Map.Entry<String, Variant> e : variants.entrySet()) {
            Variant v = e.getValue();
            if (v.ended() && v.newestSegmentAt().isBefore(cutoff)) {
                delete(hlsDir.resolve(e.getKey() + ".m3u8"));
                continue;
            }
            listed.addAll(v.segments());
            streamsWithVariants.add(v.stream());
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(hlsDir, "*.{ts,m3u8}")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean leftover = name.endsWith(".ts") ? !listed.contains(name)
                        : !variants.containsKey(name.substring(0, name.length() - ".m3u8".length()))
                                && !streamsWithVariants.contains(name.substring(0, name.length() - ".m3u8".length()));
                if (leftover && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                    delete(file);
                }
            }
        } catch (IOException e) {
            LOG.debugf("Cannot list %s for leftovers: %s", hlsDir, e.getMessage());
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("Cannot delete %s: %s (delete it by hand; it is served until then)", file, e.getMessage());
        }
    }

    /** The variant of a stream's rendition, if its playlist exists. */
    public Optional<Variant> variant(String stream, String rendition) {
        return Optional.ofNullable(variants.get(stream + "_" + rendition));
    }
}
