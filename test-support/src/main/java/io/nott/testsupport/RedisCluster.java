package io.nott.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Redis Cluster made of {@value #NODE_COUNT} local {@code redis-server} processes
 * (3 masters, 3 replicas) on free loopback ports, formed with {@code redis-cli --cluster create}.
 *
 * <p>Tests get real slot routing, MOVED redirects, hash-tag transactions and failover; nothing
 * is mocked. Start one with {@link #start()}, close it to kill every process and delete its
 * files. {@link #stopNode(Node)} and {@link #restartNode(Node)} let a test take a master down
 * and watch its replica take over.
 */
public final class RedisCluster implements AutoCloseable {

    public static final int NODE_COUNT = 6;
    /** Short so that failover tests finish quickly; still long enough to ride out a busy CI core. */
    static final int NODE_TIMEOUT_MILLIS = 2000;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final RedisBinaries binaries;
    private final List<Node> nodes;

    private RedisCluster(Path directory, RedisBinaries binaries, List<Node> nodes) {
        this.directory = directory;
        this.binaries = binaries;
        this.nodes = nodes;
    }

    /** Starts six nodes on free ports, forms the cluster and waits until every slot is served. */
    public static RedisCluster start() {
        RedisBinaries binaries = RedisBinaries.locate();
        Path directory;
        try {
            directory = Files.createTempDirectory("redis-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Node> nodes = new ArrayList<>();
        for (int port : FreePorts.consecutiveWithBusPorts(NODE_COUNT)) {
            nodes.add(new Node(port, directory.resolve(String.valueOf(port))));
        }
        RedisCluster cluster = new RedisCluster(directory, binaries, nodes);
        try {
            nodes.forEach(cluster::launch);
            cluster.create();
            cluster.awaitHealthy();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The node addresses as {@code redis://127.0.0.1:port}, the form Quarkus' redis client takes. */
    public List<String> uris() {
        return nodes.stream().map(Node::uri).toList();
    }

    /** {@link #uris()} joined with commas, for {@code quarkus.redis.hosts}. */
    public String hosts() {
        return String.join(",", uris());
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The nodes that are masters right now, as the cluster itself reports them. */
    public List<Node> masters() {
        return nodes.stream().filter(Node::isRunning).filter(n -> "master".equals(n.role(binaries))).toList();
    }

    /** The master that currently serves the slot of {@code key}. */
    public Node masterOf(String key) {
        Node any = anyRunningNode();
        int slot = Integer.parseInt(cli(any, "CLUSTER", "KEYSLOT", key).trim());
        for (Node master : masters()) {
            for (String line : cli(master, "CLUSTER", "NODES").split("\n")) {
                if (line.contains("myself") && ClusterNodesLine.servesSlot(line, slot)) {
                    return master;
                }
            }
        }
        throw new IllegalStateException("No running master serves slot " + slot + " of key " + key);
    }

    /**
     * Kills a node the hard way (SIGKILL), as a crashed host would. A master is killed only once a
     * replica holds its writes (see {@link #awaitAReplicaHasTheWritesOf}), so its slots fail over.
     */
    public void stopNode(Node node) {
        awaitAReplicaHasTheWritesOf(node);
        node.kill();
    }

    /**
     * Freezes a node (SIGSTOP): its connections stay open and nothing is answered until {@link #thaw}.
     * As for {@link #stopNode}, a master is frozen only once a replica holds its writes.
     */
    public void freeze(Node node) {
        awaitAReplicaHasTheWritesOf(node);
        node.signal("STOP");
    }

    /**
     * Waits until a replica of {@code node} (if it is a master) has acknowledged every write so far.
     * A replica that never finished its first sync refuses to take over its master's slots (Redis
     * counts its data as too old), so killing the master right after the cluster was made could
     * leave a third of the slots without an owner for good (RedisClusterIT failed so in CI).
     */
    private void awaitAReplicaHasTheWritesOf(Node node) {
        if (!node.isRunning() || !"master".equals(node.role(binaries))) {
            return;
        }
        try {
            Poll.upTo(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> cli(node, "WAIT", "1", "500").trim().matches("[1-9][0-9]*"));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("No replica of the master on port " + node.port() + " acknowledged its writes within "
                    + READY_TIMEOUT + ", so its slots could not fail over; node logs are in " + directory, e);
        }
    }

    /** Lets a frozen node go on (SIGCONT). */
    public void thaw(Node node) {
        node.signal("CONT");
    }

    /** Starts a stopped node again with its old identity; it rejoins the cluster. */
    public void restartNode(Node node) {
        launch(node);
    }

    /**
     * Waits until all 16384 slots are served by running masters, every node says the cluster is
     * ok and every node names the same owner for every slot (a restarted master has learnt that
     * its slots moved on), so that the next test finds one settled cluster.
     */
    public void awaitHealthy() {
        AtomicReference<String> problem = new AtomicReference<>();
        try {
            Poll.upTo(READY_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
                problem.set(healthProblem().orElse(null));
                return problem.get() == null;
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Redis Cluster in " + directory + " not healthy after " + READY_TIMEOUT
                    + ": " + problem.get() + "; node logs are in " + directory, e);
        }
    }

    /** Runs {@code redis-cli} against one node and returns its output. */
    public String cli(Node node, String... args) {
        List<String> command = new ArrayList<>(List.of(binaries.cli().toString(), "-h", "127.0.0.1", "-p",
                String.valueOf(node.port())));
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        nodes.forEach(Node::kill);
        deleteRecursively(directory);
    }

    private Optional<String> healthProblem() {
        Map<Integer, String> views = new LinkedHashMap<>();
        for (Node node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            String info;
            try {
                info = cli(node, "CLUSTER", "INFO");
            } catch (RuntimeException e) {
                return Optional.of("node " + node.port() + " does not answer: " + e.getMessage());
            }
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:16384")) {
                return Optional.of("node " + node.port() + " reports " + info.lines().limit(3).toList());
            }
            // Right after a kill the others still believe in the dead master until the node
            // timeout passes: healthy also means every slot owner is a running process.
            String view = cli(node, "CLUSTER", "NODES");
            views.put(node.port(), view);
            for (String line : view.split("\n")) {
                if (ClusterNodesLine.hasSlots(line) && !isRunningPort(ClusterNodesLine.port(line))) {
                    return Optional.of("node " + node.port() + " still routes slots to stopped node "
                            + ClusterNodesLine.port(line));
                }
            }
        }
        // A restarted master answers ok while it still claims its old slots: see SlotOwners.
        return SlotOwners.disagreement(views);
    }

    private boolean isRunningPort(int port) {
        return nodes.stream().anyMatch(n -> n.port() == port && n.isRunning());
    }

    private void launch(Node node) {
        try {
            Files.createDirectories(node.directory());
            ProcessBuilder builder = new ProcessBuilder(binaries.server().toString(),
                    "--port", String.valueOf(node.port()),
                    "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MILLIS),
                    "--appendonly", "no",
                    "--save", "",
                    "--dir", node.directory().toString(),
                    "--logfile", node.directory().resolve("redis.log").toString(),
                    "--daemonize", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(node.directory().resolve("stdout.log").toFile());
            node.attach(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start redis-server on port " + node.port(), e);
        }
        Poll.upTo(Duration.ofSeconds(15), "redis-server on port " + node.port() + " answering PING")
                .pollInterval(Duration.ofMillis(25))
                .until(() -> {
                    if (!node.isRunning()) { // fails at once: waiting longer cannot help
                        throw new IllegalStateException("redis-server on port " + node.port() + " exited; see "
                                + node.directory().resolve("redis.log"));
                    }
                    try {
                        return cli(node, "PING").trim().equals("PONG");
                    } catch (RuntimeException notYet) {
                        return false; // still starting
                    }
                });
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of(binaries.cli().toString(), "--cluster", "create"));
        nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        String output = run(command, Duration.ofSeconds(60));
        if (!output.contains("All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
        }
    }

    private Node anyRunningNode() {
        return nodes.stream().filter(Node::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Redis node is running"));
    }

    static String run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit " + process.exitValue() + " from " + command + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers in /tmp are harmless; the processes are already gone
        }
    }
}
