package io.nott.ingest.stream.service;

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
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the variant playlists nginx-rtmp writes. A playlist is rewritten each time a segment
 * is complete, so its modification time is the time of the newest playable segment; new names
 * in it are counted as segments written.
 */
@ApplicationScoped
public class HlsTracker {

    private final Path hlsDir;
    private final List<Rendition> ladder;
    private final MeterRegistry registry;
    private final Map<String, Variant> variants = new ConcurrentHashMap<>();
    private volatile boolean firstScanDone;

    /** What is known about one variant playlist ({@code <stream>_<rendition>.m3u8}). */
    public record Variant(String stream, String rendition, Instant newestSegmentAt, List<String> segments,
            long segmentsWritten) {
    }

    public HlsTracker(IngestConfig config, MeterRegistry registry) {
        this.hlsDir = NginxLayout.of(config).hlsDir();
        this.ladder = config.transcoder().ladder();
        this.registry = registry;
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
    }

    private void update(String key, String stream, String rendition, Path playlist) {
        Instant modified;
        List<String> segments;
        try {
            modified = Files.getLastModifiedTime(playlist).toInstant();
            Variant known = variants.get(key);
            if (known != null && known.newestSegmentAt().equals(modified)) {
                return;
            }
            segments = Files.readAllLines(playlist).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            return; // rewritten under our feet: next scan
        }
        Variant known = variants.get(key);
        Set<String> seen = known == null ? Set.of() : new LinkedHashSet<>(known.segments());
        long fresh = segments.stream().filter(s -> !seen.contains(s)).count();
        // Segments that were there before this service started were not written under its watch.
        if (!firstScanDone) {
            fresh = 0;
        }
        if (fresh > 0) {
            registry.counter("ingest.segments.written", "stream", stream, "rendition", rendition).increment(fresh);
        }
        long total = (known == null ? 0 : known.segmentsWritten()) + fresh;
        variants.put(key, new Variant(stream, rendition, modified, segments, total));
    }

    /** The variant of a stream's rendition, if its playlist exists. */
    public Optional<Variant> variant(String stream, String rendition) {
        return Optional.ofNullable(variants.get(stream + "_" + rendition));
    }
}
