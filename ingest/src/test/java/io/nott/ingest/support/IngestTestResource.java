package io.nott.ingest.support;

import io.nott.testsupport.FreePorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gives a {@code @QuarkusTest} its own free ports (HTTP, RTMP, HLS over HTTP) and work
 * directory, so the real nginx it starts never collides with 1935/8083 or another test. The
 * HTTP port is chosen here, not 0, because nginx must know where to call the service back.
 */
public class IngestTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String STREAM_KEY = "test-stream-key-0123";

    private Path workDir;

    @Override
    public Map<String, String> start() {
        List<Integer> ports = FreePorts.distinct(3);
        try {
            workDir = Files.createTempDirectory("ingest-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.http.test-port", Integer.toString(ports.get(0)),
                "ingest.callback-base-url", "http://127.0.0.1:" + ports.get(0),
                "ingest.rtmp-port", Integer.toString(ports.get(1)),
                "ingest.hls.http-port", Integer.toString(ports.get(2)),
                "ingest.hls.fragment", "2s",
                "ingest.hls.playlist-length", "10s",
                "ingest.nginx.work-dir", workDir.toString(),
                "ingest.stream-key", STREAM_KEY);
    }

    @Override
    public void stop() {
        if (workDir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory: best effort
        }
    }
}
