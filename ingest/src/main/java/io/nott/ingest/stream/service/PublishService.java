package io.nott.ingest.stream.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.ingest.config.IngestConfig;
import io.nott.ingest.stream.StreamName;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Publish authorisation: the {@code encoder} application (where publishers arrive) needs the
 * stream key. A new transcoder process during one publish session is a transcoder restart.
 */
/* Eager, so its counters exist (at 0) before the first publish. */
@Startup
@ApplicationScoped
public class PublishService {

    private static final Logger LOG = Logger.getLogger(PublishService.class);

    private final IngestConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Counter publishes;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** One-time keys of the service's own test sources, so the real key never shows in {@code ps}. */
    private final Map<String, String> testSourceKeys = new ConcurrentHashMap<>();

    /** One authorised publish. */
    public record Session(String stream, String clientId, String address, Instant since, AtomicLong transcoderPid) {
    }

    public PublishService(IngestConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.publishes = Counter.builder("ingest.publishes")
                .description("Publishes accepted on the encoder application")
                .register(registry);
        for (String reason : List.of("key", "name", "busy")) {
            refusedCounter(reason);
        }
        if (config.streamKey().filter(k -> !k.isBlank()).isEmpty()) {
            LOG.warn("No stream key configured (ingest.stream-key / INGEST_STREAM_KEY): every outside publish is refused");
        }
    }

    /** {@code on_publish} of the {@code encoder} application. */
    public PublishDecision onPublish(String stream, String key, String address, String clientId, boolean busy) {
        if (!StreamName.valid(stream)) {
            return refuse("name", stream, address, StreamName.problem(stream));
        }
        if (!keyMatches(stream, key)) {
            return refuse("key", stream, address, "wrong or missing stream key");
        }
        if (busy) {
            return refuse("busy", stream, address, "stream is already being published");
        }
        sessions.put(stream, new Session(stream, clientId, address, clock.instant(), new AtomicLong()));
        publishes.increment();
        LOG.infof("Publish of stream %s from %s accepted", stream, address);
        return PublishDecision.allow();
    }

    /** {@code on_publish_done} of the {@code encoder} application. */
    public void onPublishDone(String stream, String clientId) {
        Session s = sessions.get(stream);
        if (s != null && s.clientId().equals(clientId)) {
            sessions.remove(stream, s);
            LOG.infof("Publish of stream %s ended", stream);
        }
    }

    /**
     * The transcoder of a live stream is the process {@code pid}: the first one of a session is
     * its start, any later different one a restart (nginx-rtmp respawned it).
     */
    public void transcoderSeen(String stream, long pid) {
        Session s = sessions.get(stream);
        if (s == null) {
            return;
        }
        long before = s.transcoderPid().getAndSet(pid);
        if (before == 0) {
            restarts(stream); // the series exists at 0 from the stream's start, so increase() sees the first restart
            LOG.infof("Transcoder of stream %s runs (pid %d)", stream, pid);
        } else if (before != pid) {
            restarts(stream).increment();
            LOG.warnf("Transcoder of stream %s restarted (pid %d, was %d)", stream, pid, before);
        }
    }

    /** The authorised publish of a stream, if one is live. */
    public Optional<Session> session(String stream) {
        return Optional.ofNullable(sessions.get(stream));
    }

    /** nginx restarted: every connection, hence every session, is gone. */
    public void forgetSessions() {
        sessions.clear();
    }

    public void allowTestSource(String stream, String oneTimeKey) {
        testSourceKeys.put(stream, oneTimeKey);
    }

    public void revokeTestSource(String stream) {
        testSourceKeys.remove(stream);
    }

    /** True when {@code presented} is the configured stream key (compared in constant time). */
    public boolean isStreamKey(String presented) {
        return config.streamKey().filter(k -> !k.isBlank()).map(k -> equal(k, presented)).orElse(false);
    }

    private boolean keyMatches(String stream, String presented) {
        String testKey = testSourceKeys.get(stream);
        return isStreamKey(presented) || (testKey != null && equal(testKey, presented));
    }

    private static boolean equal(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private PublishDecision refuse(String reason, String stream, String address, String message) {
        refusedCounter(reason).increment();
        // The presented key is never logged, only that it was wrong.
        LOG.warnf("Refused publish of stream '%s' from %s: %s", printable(stream), address, printable(message));
        return PublishDecision.refuse(message);
    }

    /** Names come from the network: keep them from forging log lines. */
    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        String cut = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private Counter restarts(String stream) {
        return Counter.builder("ingest.transcoder.restarts")
                .description("Transcoder (FFmpeg) processes replaced during one publish session")
                .tag("stream", stream).register(registry);
    }

    private Counter refusedCounter(String reason) {
        return Counter.builder("ingest.publishes.refused")
                .description("Publishes refused on the encoder application, by reason (key, name, busy)")
                .tag("reason", reason)
                .register(registry);
    }

    /** Stream names with a live authorised publish. */
    public Set<String> liveStreams() {
        return new HashSet<>(sessions.keySet());
    }
}
