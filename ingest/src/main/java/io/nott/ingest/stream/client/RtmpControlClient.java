package io.nott.ingest.stream.client;

import io.nott.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** nginx-rtmp's control module on the loopback-only {@code /internal/rtmp-control/}. */
@ApplicationScoped
public class RtmpControlClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final String base;

    public RtmpControlClient(IngestConfig config) {
        this.base = "http://127.0.0.1:" + config.hls().httpPort() + "/internal/rtmp-control";
    }

    /**
     * Disconnects whoever publishes {@code stream} (a name already checked against
     * {@code StreamName}); nginx-rtmp then stops its transcoder, which ends the playlists.
     *
     * @return how many publishers were dropped (0 or 1)
     * @throws IOException when nginx does not answer
     */
    public int dropPublisher(String stream) throws IOException {
        return drop("publisher", stream);
    }

    /**
     * Disconnects whoever plays {@code stream}: only the transcoder may (loopback), and it then
     * reads the end of its input and finishes its playlists with {@code #EXT-X-ENDLIST}.
     *
     * @return how many players were dropped
     * @throws IOException when nginx does not answer
     */
    public int dropPlayers(String stream) throws IOException {
        return drop("subscriber", stream);
    }

    private int drop(String who, String stream) throws IOException {
        URI uri = URI.create(base + "/drop/" + who + "?app=encoder&name=" + stream);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("nginx-rtmp control answered " + response.statusCode() + " for " + uri);
            }
            return Integer.parseInt(response.body().strip());
        } catch (NumberFormatException e) {
            throw new IOException("nginx-rtmp control answered something other than a count for " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while dropping the " + who + " of " + stream, e);
        }
    }
}
