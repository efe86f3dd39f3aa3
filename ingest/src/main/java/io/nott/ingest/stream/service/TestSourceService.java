package io.nott.ingest.stream.service;

import io.nott.ingest.config.IngestConfig;
import io.nott.ingest.error.IngestException;
import io.nott.ingest.nginx.NginxLayout;
import io.nott.ingest.nginx.ProcessTree;
import io.nott.ingest.stream.StreamName;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The seed's {@code make broadcast_tvshow} as a service: FFmpeg's {@code testsrc2} colour bars
 * and a 440 Hz sine, encoded and pushed over RTMP into the {@code encoder} application, with the
 * wall clock burned into the top-left corner ({@link BurnedClock}) so a player can measure how
 * far behind live it is. A
 * source that dies (e.g. while nginx restarts) is started again until it is stopped.
 */
@ApplicationScoped
public class TestSourceService {

    private static final Logger LOG = Logger.getLogger(TestSourceService.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final IngestConfig config;
    private final NginxLayout layout;
    private final PublishService publishes;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    public TestSourceService(IngestConfig config, PublishService publishes) {
        this.config = config;
        this.layout = NginxLayout.of(config);
        this.publishes = publishes;
    }

    /** Starts the test source of {@code stream}; 409 when it already runs. */
    public synchronized void start(String stream) {
        if (!StreamName.valid(stream)) {
            throw IngestException.badRequest(StreamName.problem(stream));
        }
        if (running.containsKey(stream)) {
            throw IngestException.conflict("The test source of stream " + stream
                    + " already runs; DELETE it first to restart it");
        }
        if (publishes.session(stream).isPresent()) {
            throw IngestException.conflict("Stream " + stream + " is already being published by "
                    + publishes.session(stream).get().address() + "; pick another name");
        }
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String key = HexFormat.of().formatHex(bytes);
        publishes.allowTestSource(stream, key);
        launch(stream, key);
    }

    /** Stops the test source of {@code stream}; 404 when none runs. */
    public void stop(String stream) {
        Process p;
        synchronized (this) {
            p = running.remove(stream);
        }
        if (p == null) {
            throw IngestException.notFound("No test source runs for stream " + stream);
        }
        publishes.revokeTestSource(stream);
        ProcessTree.terminate(List.of(p.toHandle()), Duration.ofSeconds(5));
        LOG.infof("Stopped the test source of stream %s", stream);
    }

    public Set<String> streams() {
        return Set.copyOf(running.keySet());
    }

    /** Ends every test source; called before nginx stops. */
    public void stopAll() {
        shuttingDown = true;
        List<ProcessHandle> handles;
        synchronized (this) {
            handles = running.values().stream().map(Process::toHandle).toList();
            running.keySet().forEach(publishes::revokeTestSource);
            running.clear();
        }
        ProcessTree.terminate(handles, Duration.ofSeconds(5));
    }

    private void launch(String stream, String key) {
        IngestConfig.TestSource t = config.testSource();
        int gop = 2 * t.frameRate();
        List<String> command = List.of(config.transcoder().ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "warning",
                // -re: lavfi generates as fast as it can otherwise.
                "-re", "-f", "lavfi", "-i", "testsrc2=size=" + t.size() + ":rate=" + t.frameRate() + ",format=yuv420p",
                "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:beep_factor=4",
                "-filter_complex", BurnedClock.filter("[0:v]", "[v]"), "-map", "[v]", "-map", "1:a",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "high",
                "-b:v", t.videoKbps() + "k", "-bufsize", 2 * t.videoKbps() + "k",
                "-g", Integer.toString(gop), "-keyint_min", Integer.toString(gop), "-sc_threshold", "0",
                "-c:a", "aac", "-b:a", "64k",
                "-f", "flv", "rtmp://127.0.0.1:" + config.rtmpPort() + "/encoder/" + stream + "?key=" + key);
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(layout.testSourceLog(stream).toFile()))
                    .start();
            running.put(stream, p);
            LOG.infof("Started the test source of stream %s (pid %d)", stream, p.pid());
            p.onExit().thenAccept(exited -> relaunchIfWanted(stream, key, exited));
        } catch (IOException e) {
            publishes.revokeTestSource(stream);
            throw IngestException.unavailable("Cannot start " + config.transcoder().ffmpeg() + ": " + e.getMessage()
                    + " (install ffmpeg or set ingest.transcoder.ffmpeg)");
        }
    }

    private void relaunchIfWanted(String stream, String key, Process exited) {
        if (shuttingDown || running.get(stream) != exited) {
            return;
        }
        LOG.warnf("The test source of stream %s exited with %d; starting it again in %s (log: %s)", stream,
                exited.exitValue(), RETRY, layout.testSourceLog(stream));
        CompletableFuture.delayedExecutor(RETRY.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            synchronized (this) {
                if (!shuttingDown && running.get(stream) == exited) {
                    try {
                        launch(stream, key);
                    } catch (IngestException e) {
                        LOG.errorf("Restarting the test source of stream %s failed: %s", stream, e.getMessage());
                    }
                }
            }
        });
    }
}
