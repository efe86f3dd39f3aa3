package io.nott.ingest.support;

import io.nott.testsupport.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The packaged ingest service ({@code target/quarkus-app/quarkus-run.jar}) run as a separate
 * process on free ports, as {@code ./platform up} runs it: black-box tests and the measuring
 * script see exactly what production sees.
 */
public final class IngestProcess implements AutoCloseable {

    public final int httpPort;
    public final int rtmpPort;
    public final int hlsPort;
    public final Path workDir;
    public final String streamKey;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private IngestProcess(List<Integer> ports, Path workDir, String streamKey, Process process) {
        this.httpPort = ports.get(0);
        this.rtmpPort = ports.get(1);
        this.hlsPort = ports.get(2);
        this.workDir = workDir;
        this.streamKey = streamKey;
        this.process = process;
    }

    /** Starts the jar with 2 s fragments and a small test source, and waits until it is ready. */
    public static IngestProcess start(Map<String, String> extraProperties) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the package phase first");
        }
        List<Integer> ports = FreePorts.distinct(3);
        Path work = Files.createTempDirectory("ingest-it");
        String key = "it-key-" + Long.toHexString(System.nanoTime());
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java,
                "-Dquarkus.http.port=" + ports.get(0),
                "-Dingest.rtmp-port=" + ports.get(1),
                "-Dingest.hls.http-port=" + ports.get(2),
                "-Dingest.nginx.work-dir=" + work,
                "-Dingest.hls.fragment=2s",
                "-Dingest.hls.playlist-length=10s",
                "-Dingest.test-source.size=640x360",
                "-Dingest.test-source.video-kbps=800"));
        extraProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("service.log").toFile());
        pb.environment().put("INGEST_STREAM_KEY", key);
        IngestProcess ingest = new IngestProcess(ports, work, key, pb.start());
        try {
            Awaitility.await("ingest ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!ingest.process.isAlive()) {
                            throw new IllegalStateException("ingest exited: " + Files.readString(work.resolve("service.log")));
                        }
                        return ingest.status("GET", "/q/health/ready") == 200;
                    });
        } catch (RuntimeException e) {
            ingest.close();
            throw e;
        }
        return ingest;
    }

    public Process process() {
        return process;
    }

    public HttpResponse<String> call(String method, String path, boolean withKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (withKey) {
            b.header("Authorization", "Bearer " + streamKey);
        }
        return send(b.build());
    }

    public int status(String method, String path) {
        try {
            return call(method, path, false).statusCode();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** GET from nginx's HLS server. */
    public HttpResponse<byte[]> hls(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hlsPort + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of one Prometheus sample, 0 when absent. */
    public double metric(String sample) {
        return call("GET", "/q/metrics", false).body().lines()
                .filter(l -> l.startsWith(sample + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1).strip()))
                .findFirst().orElse(0);
    }

    /** SIGTERM, as Kubernetes and {@code ./platform down} stop the service; true when it exited in time. */
    public boolean stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kills whatever is left (only after a failed test). */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        try (var files = Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory: best effort
        }
    }
}
