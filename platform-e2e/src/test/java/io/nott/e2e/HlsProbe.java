package io.nott.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What a test reads from an HLS server: a playlist's text, a segment's first timestamp. */
final class HlsProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HlsProbe() {
    }

    /** The body of a 200 answer to GET {@code url}; anything else is an exception naming the URL and status. */
    static String get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("could not read " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The presentation time (seconds) of the first video frame of a TS segment (a URL or a file), as ffprobe reads it. */
    static double firstVideoPts(String segment) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0",
                "-show_entries", "packet=pts_time", "-read_intervals", "%+#1", "-of", "csv=p=0", segment)
                .redirectErrorStream(true).start();
        try {
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0 || out.isEmpty()) {
                throw new IOException("ffprobe could not read the first video frame of " + segment + ": " + out);
            }
            return Double.parseDouble(out.lines().findFirst().orElseThrow().replace(",", "").strip());
        } finally {
            probe.destroy();
        }
    }
}
