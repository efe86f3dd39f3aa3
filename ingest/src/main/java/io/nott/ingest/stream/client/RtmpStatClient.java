package io.nott.ingest.stream.client;

import io.nott.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Reads nginx-rtmp's live statistics from the loopback-only {@code /internal/rtmp-stat}. */
@ApplicationScoped
public class RtmpStatClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final URI uri;

    public RtmpStatClient(IngestConfig config) {
        this.uri = URI.create("http://127.0.0.1:" + config.hls().httpPort() + "/internal/rtmp-stat");
    }

    /** The statistics, or empty when nginx does not answer. */
    public Optional<RtmpStat> fetch() {
        try {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(RtmpStatParser.parse(response.body()));
        } catch (IOException | IllegalStateException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
