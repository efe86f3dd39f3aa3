package io.nott.ingest.stream.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Tells {@link PublishService} which process transcodes each live stream, once a second, so a
 * transcoder that nginx-rtmp respawned is counted as a restart.
 */
@ApplicationScoped
public class TranscoderWatch {

    private final PublishService publishes;
    private final StreamService streams;

    public TranscoderWatch(PublishService publishes, StreamService streams) {
        this.publishes = publishes;
        this.streams = streams;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void look() {
        for (String stream : publishes.liveStreams()) {
            streams.transcoder(stream).ifPresent(h -> publishes.transcoderSeen(stream, h.pid()));
        }
    }
}
