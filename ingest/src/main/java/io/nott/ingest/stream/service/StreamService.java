package io.nott.ingest.stream.service;

import io.nott.ingest.config.IngestConfig;
import io.nott.ingest.config.Rendition;
import io.nott.ingest.nginx.NginxSupervisor;
import io.nott.ingest.nginx.ProcessTree;
import io.nott.ingest.stream.LiveStream;
import io.nott.ingest.stream.client.RtmpStat;
import io.nott.ingest.stream.client.RtmpStatClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Puts together what nginx-rtmp, the HLS directory and the process table say about live streams. */
@ApplicationScoped
public class StreamService {

    /** Time a fresh publish gets to produce its first segment before it counts as stalled. */
    private static final Duration STARTUP_ALLOWANCE = Duration.ofSeconds(10);
    /** The shortest time without a new segment that counts as stalled. */
    static final Duration MIN_STALL = Duration.ofSeconds(6);

    private final IngestConfig config;
    private final RtmpStatClient stats;
    private final HlsTracker hls;
    private final PublishService publishes;
    private final TestSourceService testSources;
    private final NginxSupervisor nginx;
    private final Clock clock;

    public StreamService(IngestConfig config, RtmpStatClient stats, HlsTracker hls, PublishService publishes,
            TestSourceService testSources, NginxSupervisor nginx, Clock clock) {
        this.config = config;
        this.stats = stats;
        this.hls = hls;
        this.publishes = publishes;
        this.testSources = testSources;
        this.nginx = nginx;
        this.clock = clock;
    }

    /** Every stream with a publisher on the {@code encoder} application, by name. */
    public List<LiveStream> list() {
        Optional<RtmpStat> stat = stats.fetch();
        if (stat.isEmpty()) {
            return List.of();
        }
        List<ProcessHandle> children = nginx.children();
        List<LiveStream> out = new ArrayList<>();
        for (RtmpStat.StreamStat s : stat.get().inApp("encoder")) {
            if (s.publishing()) {
                out.add(describe(s, children));
            }
        }
        out.sort(Comparator.comparing(LiveStream::name));
        return out;
    }

    public Optional<LiveStream> find(String name) {
        return list().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The master playlist URL of a stream. */
    public String masterUrl(String stream) {
        return config.publicHlsBaseUrl() + "/" + stream + ".m3u8";
    }

    /** Names of the live streams that are stalled. */
    public List<String> stalled() {
        return list().stream().filter(s -> s.state().equals("stalled")).map(LiveStream::name).toList();
    }

    /** The transcoder of a stream: the ffmpeg nginx spawned that reads {@code encoder/<name>}. */
    public Optional<ProcessHandle> transcoder(String stream) {
        return transcoder(stream, nginx.children());
    }

    private Optional<ProcessHandle> transcoder(String stream, List<ProcessHandle> children) {
        // ffmpeg, not the script around it nor its ffprobe, which read the same input
        String input = "/encoder/" + stream + " ";
        return children.stream()
                .filter(h -> h.info().command().orElse("").endsWith("ffmpeg"))
                .filter(h -> ProcessTree.commandLine(h).contains(input)).findFirst();
    }

    private LiveStream describe(RtmpStat.StreamStat s, List<ProcessHandle> children) {
        Instant now = clock.instant();
        Instant since = publishes.session(s.name()).map(PublishService.Session::since)
                .orElse(now.minusMillis(s.ageMillis()));
        String base = config.publicHlsBaseUrl();
        List<LiveStream.RenditionStatus> renditions = new ArrayList<>();
        Instant newest = null;
        // Only the renditions this publish has: the ladder depends on the source's size.
        for (Rendition r : config.transcoder().ladder()) {
            Optional<HlsTracker.Variant> v = hls.variant(s.name(), r.name())
                    // a playlist left from an earlier publish says nothing about this one
                    .filter(x -> !x.newestSegmentAt().isBefore(since));
            if (v.isEmpty()) {
                continue;
            }
            Instant at = v.get().newestSegmentAt();
            if (newest == null || at.isAfter(newest)) {
                newest = at;
            }
            renditions.add(new LiveStream.RenditionStatus(r.name(), r.width() + "x" + r.height(), r.videoKbps(),
                    v.get().measuredKbps(), age(now, at), v.get().segmentsWritten(),
                    base + "/" + s.name() + r.suffix() + ".m3u8"));
        }
        // Three fragments, but never under 6 s: one-second fragments would call a transcoder
        // that is a moment late "stalled".
        Duration stallAfter = max(config.hls().fragment().multipliedBy(3), MIN_STALL);
        String state;
        if (newest == null) {
            state = Duration.between(since, now).compareTo(stallAfter.plus(STARTUP_ALLOWANCE)) > 0 ? "stalled" : "starting";
        } else {
            state = Duration.between(newest, now).compareTo(stallAfter) > 0 ? "stalled" : "live";
        }
        return new LiveStream(s.name(), state,
                new LiveStream.Publisher(s.publisherAddress().orElse(""), Duration.between(since, now).toSeconds()),
                s.bitsPerSecondIn() / 1000, age(now, newest), testSources.streams().contains(s.name()),
                transcoder(s.name(), children).map(ProcessHandle::pid).orElse(null),
                new LiveStream.Urls(masterUrl(s.name()), config.publicRtmpBaseUrl() + "/" + s.name()),
                renditions);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Double age(Instant now, Instant at) {
        return at == null ? null : Math.max(0, Duration.between(at, now).toMillis()) / 1000.0;
    }
}
