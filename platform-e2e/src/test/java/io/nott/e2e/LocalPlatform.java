package io.nott.e2e;

import io.nott.testsupport.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole platform started by the repository's own {@code ./platform up}, exactly as a
 * newcomer starts it, but on free ports and with its own state directory so that it never
 * meets a platform already running on this machine.
 */
final class LocalPlatform implements AutoCloseable {

    private final Path root;
    private final Path home;
    private final Map<String, String> environment = new HashMap<>();
    private final int edgePort;
    private final int registryPort;
    private final int ingestPort;

    private LocalPlatform(Path root, Path home) {
        this.root = root;
        this.home = home;
        List<Integer> redis = FreePorts.consecutiveWithBusPorts(6);
        this.edgePort = FreePorts.one();
        this.registryPort = FreePorts.one();
        environment.put("PLATFORM_HOME", home.toString());
        environment.put("PLATFORM_REDIS_BASE_PORT", String.valueOf(redis.get(0)));
        environment.put("PLATFORM_EDGE_PORT", String.valueOf(edgePort));
        environment.put("PLATFORM_REGISTRY_PORT", String.valueOf(registryPort));
        this.ingestPort = FreePorts.one();
        environment.put("PLATFORM_INGEST_PORT", String.valueOf(ingestPort));
        environment.put("PLATFORM_PLAYER_PORT", String.valueOf(FreePorts.one()));
        environment.put("PLATFORM_HLS_PORT", String.valueOf(FreePorts.one()));
        environment.put("PLATFORM_RTMP_PORT", String.valueOf(FreePorts.one()));
    }

    static LocalPlatform up() {
        return up("");
    }

    /** A platform whose state lives in {@code <platform.home><suffix>}, apart from other test classes' platforms. */
    static LocalPlatform up(String suffix) {
        LocalPlatform platform = prepared(suffix);
        platform.run("up");
        return platform;
    }

    /**
     * As {@link #up(String)}, with further environment for every process {@code ./platform}
     * starts (e.g. {@code JAVA_TOOL_OPTIONS} carrying edge settings a test needs).
     */
    static LocalPlatform up(String suffix, Map<String, String> environment) {
        LocalPlatform platform = prepared(suffix);
        platform.environment.putAll(environment);
        try {
            platform.run("up");
        } catch (RuntimeException e) {
            // An up that timed out was killed before it could stop what it started: stop it here.
            platform.attempt("down");
            throw e;
        }
        return platform;
    }

    /** The HLS port of the ingest's nginx (the origin of {@code /hls}). */
    int hlsPort() {
        return Integer.parseInt(environment.get("PLATFORM_HLS_PORT"));
    }

    /** The RTMP port of the ingest's nginx (where publishers, the test source among them, push). */
    int rtmpPort() {
        return Integer.parseInt(environment.get("PLATFORM_RTMP_PORT"));
    }

    /** The running process of one component ({@code ingest}, {@code redis-7000}, ...) by its pid file. */
    Optional<ProcessHandle> pid(String component) {
        Path file = home.resolve("pids").resolve(component + ".pid");
        try {
            return Files.isRegularFile(file) ? ProcessHandle.of(Long.parseLong(Files.readString(file).strip())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The running processes of every component whose name starts with {@code prefix}. */
    List<ProcessHandle> pids(String prefix) {
        try (Stream<Path> files = Files.list(home.resolve("pids"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && n.endsWith(".pid"))
                    .flatMap(n -> pid(n.substring(0, n.length() - ".pid".length())).stream())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Ports and a state directory chosen, nothing started yet: for tests of {@code ./platform} itself. */
    static LocalPlatform prepared(String suffix) {
        Path root = Path.of(System.getProperty("platform.root", "..")).toAbsolutePath().normalize();
        Path home = Path.of(System.getProperty("platform.home", "target/e2e-platform") + suffix).toAbsolutePath();
        return new LocalPlatform(root, home);
    }

    /** What one {@code ./platform} command printed (stdout and stderr together) and its exit code. */
    record Outcome(int exitCode, String output) {
    }

    /** Runs {@code ./platform <args>} and reports how it ended, whatever the exit code. */
    Outcome attempt(String... args) {
        Path log = home.resolve("attempt-" + String.join("-", args).replaceAll("[^A-Za-z0-9-]", "") + ".log");
        try {
            int code = execute(List.of(args), log);
            return new Outcome(code, Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("could not run ./platform " + String.join(" ", args), e);
        }
    }

    Path home() {
        return home;
    }

    int redisBasePort() {
        return Integer.parseInt(environment.get("PLATFORM_REDIS_BASE_PORT"));
    }

    String edge() {
        return "http://127.0.0.1:" + edgePort;
    }

    String registry() {
        return "http://127.0.0.1:" + registryPort;
    }

    String ingest() {
        return "http://127.0.0.1:" + ingestPort;
    }

    /** Runs {@code ./platform <args>} against this platform and returns what it printed; fails on a non-zero exit. */
    String command(String... args) {
        Path log = run(List.of(args));
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        }
    }

    String registryToken() {
        try {
            return Files.readString(home.resolve("registry-token")).strip();
        } catch (IOException e) {
            throw new IllegalStateException("./platform up wrote no registry token into " + home, e);
        }
    }

    /** Ports the platform listened on; after {@link #close()} none may be in use. */
    List<Integer> ports() {
        return environment.entrySet().stream()
                .filter(e -> e.getKey().endsWith("_PORT"))
                .map(e -> Integer.parseInt(e.getValue()))
                .toList();
    }

    @Override
    public void close() {
        run("down");
    }

    private void run(String command) {
        run(List.of(command));
    }

    private Path run(List<String> args) {
        String command = String.join(" ", args);
        Path log = home.resolve("platform-" + String.join("-", args).replaceAll("[^A-Za-z0-9-]", "") + ".log");
        try {
            if (execute(args, log) != 0) {
                throw new IllegalStateException("./platform " + command + " failed:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return log;
        } catch (IOException e) {
            throw new IllegalStateException("could not run ./platform " + command, e);
        }
    }

    private int execute(List<String> args, Path log) throws IOException {
        Files.createDirectories(home);
        List<String> line = new java.util.ArrayList<>(List.of(root.resolve("platform").toString()));
        line.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(line)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("./platform " + String.join(" ", args) + " did not finish; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }
}
