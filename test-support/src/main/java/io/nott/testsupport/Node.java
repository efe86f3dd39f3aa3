package io.nott.testsupport;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** One {@code redis-server} process of a {@link RedisCluster}. */
public final class Node {

    private final int port;
    private final Path directory;
    private volatile Process process;

    Node(int port, Path directory) {
        this.port = port;
        this.directory = directory;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    Path directory() {
        return directory;
    }

    void attach(Process started) {
        this.process = started;
    }

    /** {@code master} or {@code slave}, from the node's own {@code ROLE} answer. */
    String role(RedisBinaries binaries) {
        String output = RedisCluster.run(java.util.List.of(binaries.cli().toString(), "-h", "127.0.0.1", "-p",
                String.valueOf(port), "ROLE"), java.time.Duration.ofSeconds(5));
        return output.lines().findFirst().orElse("").trim();
    }

    /**
     * Sends {@code SIGSTOP} or {@code SIGCONT}: a stopped node keeps its sockets open and answers
     * nothing, as a hung or swapping host does (worse for clients than a crash, which refuses).
     */
    void signal(String signal) {
        Process p = process;
        if (p == null) {
            return;
        }
        RedisCluster.run(java.util.List.of("kill", "-" + signal, String.valueOf(p.pid())), java.time.Duration.ofSeconds(5));
    }

    void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "redis-node:" + port;
    }
}
