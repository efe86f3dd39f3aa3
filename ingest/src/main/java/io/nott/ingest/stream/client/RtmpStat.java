package io.nott.ingest.stream.client;

import java.util.List;
import java.util.Optional;

/** What nginx-rtmp's statistics say about the live streams of one moment. */
public record RtmpStat(List<StreamStat> streams) {

    /** One live stream of one application. */
    public record StreamStat(String app, String name, long ageMillis, long bitsPerSecondIn,
            Optional<String> publisherAddress, boolean publishing) {
    }

    public Optional<StreamStat> find(String app, String name) {
        return streams.stream().filter(s -> s.app().equals(app) && s.name().equals(name)).findFirst();
    }

    public List<StreamStat> inApp(String app) {
        return streams.stream().filter(s -> s.app().equals(app)).toList();
    }
}
