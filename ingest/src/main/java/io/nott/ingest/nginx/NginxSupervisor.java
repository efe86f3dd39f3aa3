package io.nott.ingest.nginx;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Owns the nginx process: renders its configuration, starts it in the foreground as a child,
 * restarts it when it dies and stops it with SIGTERM ({@code nginx -s quit} would wait forever
 * for a connected publisher). Every process nginx spawned (the ffmpeg transcoders) is
 * remembered, so none outlives nginx.
 */
@ApplicationScoped
public class NginxSupervisor {

    private static final Logger LOG = Logger.getLogger(NginxSupervisor.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STABLE_AFTER = Duration.ofSeconds(60);

    private final IngestConfig config;
    private final NginxLayout layout;
    private final Clock clock;
    private final Counter restarts;
    private final ScheduledExecutorService restarter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nginx-restarter");
        t.setDaemon(true);
        return t;
    });
    /** Everything nginx ever spawned and may still be alive: killed when nginx goes away. */
    private final Set<ProcessHandle> spawned = ConcurrentHashMap.newKeySet();
    private final List<Runnable> restartListeners = new CopyOnWriteArrayList<>();

    private volatile Process process;
    private volatile Instant startedAt;
    private volatile boolean stopping;
    private volatile Duration backoff;

    public NginxSupervisor(IngestConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.layout = NginxLayout.of(config);
        this.clock = clock;
        this.backoff = config.nginx().restartBackoff();
        this.restarts = Counter.builder("ingest.nginx.restarts")
                .description("Times nginx died and was started again by the service")
                .register(registry);
    }

    public NginxLayout layout() {
        return layout;
    }

    /** Runs when nginx was restarted after a crash (live sessions are gone then). */
    public void onRestart(Runnable listener) {
        restartListeners.add(listener);
    }

    /** Renders the configuration, checks it with {@code nginx -t} and starts nginx. */
    public synchronized void start() {
        stopping = false;
        prepareDirectories();
        killStaleNginx();
        writeConfig();
        checkConfig();
        launch();
        awaitListening();
    }

    /** Stops nginx and everything it spawned; idempotent. */
    public synchronized void stop() {
        stopping = true;
        restarter.shutdownNow();
        Process p = process;
        if (p != null) {
            rememberChildren();
            LOG.infof("Stopping nginx (pid %d) with SIGTERM", p.pid());
            List<ProcessHandle> all = new ArrayList<>();
            all.add(p.toHandle());
            ProcessTree.terminate(all, config.nginx().stopTimeout());
        }
        ProcessTree.terminate(spawned, Duration.ofSeconds(5));
        spawned.clear();
        process = null;
    }

    /** True when the nginx master runs and both its ports accept connections. */
    public boolean isUp() {
        Process p = process;
        return p != null && p.isAlive() && accepts(config.rtmpPort()) && accepts(config.hls().httpPort());
    }

    public Optional<Long> pid() {
        Process p = process;
        return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
    }

    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    public long restartCount() {
        return (long) restarts.count();
    }

    /**
     * Remembers the live descendants of nginx. Called periodically, so that transcoders left
     * behind by a crashed worker can still be found and killed.
     */
    public void rememberChildren() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.descendants().forEach(spawned::add);
        }
        spawned.removeIf(h -> !h.isAlive());
    }

    /** The live processes nginx spawned, e.g. the transcoders. */
    public List<ProcessHandle> children() {
        Process p = process;
        return p == null ? List.of() : p.descendants().filter(ProcessHandle::isAlive).toList();
    }

    private void launch() {
        try {
            ProcessBuilder pb = new ProcessBuilder(config.nginx().binary(),
                    "-p", layout.workDir().toString(),
                    "-c", layout.confFile().toString(),
                    "-e", layout.errorLog().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.logDir().resolve("nginx-stdout.log").toFile()));
            Process p = pb.start();
            process = p;
            startedAt = clock.instant();
            LOG.infof("Started nginx (pid %d): RTMP on %d, HLS over HTTP on %d, config %s", p.pid(),
                    config.rtmpPort(), config.hls().httpPort(), layout.confFile());
            p.onExit().thenAccept(this::exited);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + config.nginx().binary()
                    + ": install nginx-light and libnginx-mod-rtmp, or set ingest.nginx.binary", e);
        }
    }

    private void exited(Process p) {
        if (stopping || p != process) {
            return;
        }
        LOG.errorf("nginx (pid %d) exited with %d; last error log lines:%n%s", p.pid(), p.exitValue(), errorLogTail(10));
        ProcessTree.terminate(spawned, Duration.ofSeconds(5));
        spawned.clear();
        restartListeners.forEach(Runnable::run);
        Instant started = startedAt;
        if (started != null && Duration.between(started, clock.instant()).compareTo(STABLE_AFTER) > 0) {
            backoff = config.nginx().restartBackoff();
        }
        Duration delay = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        restarter.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restart() {
        if (stopping) {
            return;
        }
        restarts.increment();
        try {
            launch();
        } catch (RuntimeException e) {
            LOG.errorf("Restarting nginx failed: %s", e.getMessage());
        }
    }

    private void prepareDirectories() {
        try {
            for (Path dir : List.of(layout.workDir(), layout.logDir(), layout.tempDir(), layout.hlsDir())) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the ingest work directories under " + layout.workDir(), e);
        }
    }

    /** An nginx left by a service that was killed would hold the ports: end it first. */
    private void killStaleNginx() {
        if (!Files.isRegularFile(layout.pidFile())) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(layout.pidFile()).strip());
            ProcessHandle.of(pid)
                    .filter(h -> ProcessTree.commandLine(h).contains("nginx")
                            && ProcessTree.commandLine(h).contains(layout.confFile().toString()))
                    .ifPresent(h -> {
                        LOG.warnf("Ending nginx (pid %d) left over by a previous run", pid);
                        List<ProcessHandle> tree = new ArrayList<>(h.descendants().toList());
                        tree.add(h);
                        ProcessTree.terminate(tree, config.nginx().stopTimeout());
                    });
        } catch (IOException | NumberFormatException e) {
            LOG.debugf("Ignoring unreadable pid file %s", layout.pidFile());
        }
    }

    private void writeConfig() {
        boolean root = "root".equals(System.getProperty("user.name"));
        writeAtomically(layout.transcoderScript(), TranscoderCommand.script(config, layout));
        writeAtomically(layout.confFile(), NginxConfigRenderer.render(config, layout, root));
    }

    /** A running transcoder or nginx never reads a half-written file. */
    private static void writeAtomically(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private void checkConfig() {
        try {
            Process test = new ProcessBuilder(config.nginx().binary(), "-t", "-q",
                    "-p", layout.workDir().toString(), "-c", layout.confFile().toString(),
                    "-e", layout.errorLog().toString())
                    .redirectErrorStream(true).start();
            String output = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!test.waitFor(30, TimeUnit.SECONDS) || test.exitValue() != 0) {
                throw new IllegalStateException("nginx rejects the rendered " + layout.confFile() + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + config.nginx().binary()
                    + ": install nginx-light and libnginx-mod-rtmp, or set ingest.nginx.binary", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the nginx configuration", e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + config.nginx().startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException("nginx exited right after its start: " + errorLogTail(5));
            }
            if (accepts(config.rtmpPort()) && accepts(config.hls().httpPort())) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("nginx does not accept connections on ports " + config.rtmpPort() + " and "
                + config.hls().httpPort() + " after " + config.nginx().startTimeout() + ": " + errorLogTail(5));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of nginx's error log. */
    public String errorLogTail(int lines) {
        return LogTail.read(layout.errorLog(), lines);
    }
}
