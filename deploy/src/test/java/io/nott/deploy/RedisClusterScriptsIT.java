package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.FreePorts;
import io.nott.testsupport.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's Redis scripts run for real: six redis-server processes started by the
 * StatefulSet's start-node.sh (each on its own loopback address, standing for a pod IP), the
 * Job's create-cluster.sh forming them into 3 masters with a replica each, with the password
 * the Secret provides. Also: a second run of the Job changes nothing, and a node that comes
 * back with a new IP (a rescheduled pod) rejoins under its new address.
 */
class RedisClusterScriptsIT {

    private static final String PASSWORD = "s3cretFromTheSecret";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    private final List<Process> nodes = new ArrayList<>();
    private Path startNode;
    private Path createCluster;
    private int port;

    @BeforeEach
    void renderScripts() throws IOException {
        var scripts = Charts.render(Variant.DEFAULTS).one("ConfigMap", "nott-redis-scripts").path("data");
        startNode = Files.writeString(temp.resolve("start-node.sh"), scripts.path("start-node.sh").asText());
        createCluster = Files.writeString(temp.resolve("create-cluster.sh"), scripts.path("create-cluster.sh").asText());
        // one port on every address a node may get (127.0.0.2-13), its cluster-bus port (+10000) too
        port = FreePorts.freeOnAllWithBusPort(IntStream.rangeClosed(2, 13).mapToObj(RedisClusterScriptsIT::loopback)
                .toList());
    }

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (Process node : nodes) {
            node.destroy();
        }
        for (Process node : nodes) {
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }

    @Test
    void theJobFormsAPasswordProtectedClusterOfThreeMastersWithAReplicaEach() throws Exception {
        for (int i = 0; i < 6; i++) {
            nodes.add(startNode(i, ip(i)));
        }
        Result created = createCluster();
        assertThat(created.exitCode()).as(created.output()).isZero();
        assertThat(created.output()).contains("cluster ready");

        assertThat(cli(ip(0), "cluster", "info").output()).contains("cluster_state:ok", "cluster_size:3", "cluster_known_nodes:6");
        // Replica roles reach every node's view by gossip, a moment after the Job has finished.
        await(() -> roles(cli(ip(0), "cluster", "nodes").output()).equals(List.of("master", "master", "master", "slave", "slave", "slave")));
        assertThat(runCli(Map.of(), "-h", ip(0), "-p", String.valueOf(port), "ping").output())
                .as("without the password").contains("NOAUTH");

        Result again = createCluster();
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("already formed");
        assertThat(cli(ip(0), "cluster", "info").output()).contains("cluster_known_nodes:6");
    }

    @Test
    void aNodeThatComesBackWithANewAddressRejoinsTheCluster() throws Exception {
        for (int i = 0; i < 6; i++) {
            nodes.add(startNode(i, ip(i)));
        }
        assertThat(createCluster().exitCode()).isZero();
        String id = cli(ip(5), "cluster", "myid").output().strip();

        Process lost = nodes.remove(5);
        lost.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String newIp = "127.0.0.8";
        nodes.add(startNode(5, newIp));

        await(() -> cli(ip(0), "cluster", "nodes").output().lines()
                .anyMatch(l -> l.startsWith(id + " " + newIp + ":" + port) && l.contains("connected")));
        await(() -> cli(ip(0), "cluster", "info").output().contains("cluster_state:ok"));
        assertThat(cli(ip(0), "cluster", "info").output()).contains("cluster_known_nodes:6");
    }

    @Test
    void aClusterWhosePodsAllComeBackOnNewAddressesHealsItself() throws Exception {
        for (int i = 0; i < 6; i++) {
            nodes.add(startNode(i, ip(i)));
        }
        assertThat(createCluster().exitCode()).isZero();
        assertThat(runCli(Map.of("REDISCLI_AUTH", PASSWORD), "-c", "-h", ip(0), "-p", String.valueOf(port),
                "set", "{cu}:version", "42").output().strip()).isEqualTo("OK");
        for (Process node : nodes) {
            node.destroy(); // SIGTERM, as Kubernetes stops a pod: Redis flushes its append-only file
        }
        for (Process node : nodes) {
            assertThat(node.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        nodes.clear();

        // Every pod rescheduled: new IPs 127.0.0.8-13, the same data; the peers' DNS names now give the new IPs.
        List<String> moved = java.util.stream.IntStream.range(0, 6).mapToObj(i -> ip(i + 6)).toList();
        for (int i = 0; i < 6; i++) {
            nodes.add(startNode(i, moved.get(i), String.join(" ", moved)));
        }

        for (String node : moved) {
            await(() -> cli(node, "cluster", "info").output().contains("cluster_state:ok"));
        }
        await(() -> cli(moved.get(0), "cluster", "nodes").output().lines().filter(l -> !l.isBlank())
                .allMatch(l -> moved.contains(l.split(" ")[1].split(":")[0]) && l.contains("connected")));
        // The data survived the move (read through a node that is not the key's master, following MOVED).
        await(() -> runCli(Map.of("REDISCLI_AUTH", PASSWORD), "-c", "-h", moved.get(3), "-p", String.valueOf(port),
                "get", "{cu}:version").output().strip().equals("42"));
    }

    /** The role of every node in a CLUSTER NODES answer, sorted. */
    private static List<String> roles(String clusterNodes) {
        return clusterNodes.lines().filter(l -> !l.isBlank())
                .map(l -> l.split(" ")[2].replace("myself,", "")).sorted().toList();
    }

    private Process startNode(int index, String ip) throws IOException {
        return startNode(index, ip, "");
    }

    private Process startNode(int index, String ip, String peers) throws IOException {
        Path conf = Files.createDirectories(temp.resolve("conf-" + index));
        Path data = Files.createDirectories(temp.resolve("data-" + index));
        ProcessBuilder builder = new ProcessBuilder("sh", startNode.toString())
                .redirectErrorStream(true)
                .redirectOutput(java.lang.ProcessBuilder.Redirect.appendTo(temp.resolve("node-" + index + ".log").toFile()));
        builder.environment().putAll(Map.of(
                "POD_IP", ip, "REDIS_PORT", String.valueOf(port), "REDIS_BIND", ip,
                "REDIS_CONF_DIR", conf.toString(), "REDIS_DATA_DIR", data.toString(),
                "REDIS_MAXMEMORY", "64mb", "REDIS_PASSWORD", PASSWORD, "REDIS_PEERS", peers, "REJOIN_SECONDS", "60"));
        return builder.start();
    }

    private Result createCluster() throws Exception {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            addresses.add(ip(i));
        }
        return run(Map.of("REDIS_NODES", String.join(" ", addresses), "REDIS_PORT", String.valueOf(port),
                "WAIT_SECONDS", "60", "REDISCLI_AUTH", PASSWORD), "sh", createCluster.toString());
    }

    private Result cli(String host, String... args) {
        List<String> command = new ArrayList<>(List.of("-h", host, "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        return runCli(Map.of("REDISCLI_AUTH", PASSWORD), command.toArray(String[]::new));
    }

    private static Result runCli(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli"));
        command.addAll(List.of(args));
        try {
            return run(env, command.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("redis-cli failed to run", e);
        }
    }

    private static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static void await(BooleanSupplier condition) {
        Poll.upTo(WAIT).until(condition::getAsBoolean);
    }

    private static InetAddress loopback(int lastOctet) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String ip(int index) {
        return "127.0.0." + (index + 2);
    }

    private record Result(int exitCode, String output) {
    }
}
