package io.nott.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers a test starts itself; the only port finder of the suite. A free
 * port is also what a test uses as a "dead" upstream or Redis: nobody listens there.
 *
 * <p>Every port lies below the kernel's ephemeral range ({@code ip_local_port_range}). A port the
 * kernel picks for {@code bind(0)} comes from that range, and so does the local port of every
 * outgoing connection: between the moment a test chose such a port and the moment its server
 * bound it, any client on the machine (an edge connecting to Redis, say) could take it, and the
 * server failed with "address already in use" (seen in CI). Below that range only servers bind.
 * Ports handed out are remembered, so one JVM never gets the same port twice while the first
 * server is still starting.
 */
public final class FreePorts {

    private static final int REDIS_BUS_OFFSET = 10000;
    private static final int LOWEST = 12000;
    private static final int ATTEMPTS = 500;
    private static final int EPHEMERAL_START = ephemeralRangeStart();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** One free port. */
    public static int one() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int candidate = random(LOWEST, EPHEMERAL_START);
            if (isFree(candidate) && HANDED_OUT.add(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free loopback port in " + LOWEST + "-" + (EPHEMERAL_START - 1));
    }

    /** {@code count} free ports, different from each other. */
    public static List<Integer> distinct(int count) {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < count) {
            ports.add(one());
        }
        return List.copyOf(ports);
    }

    /**
     * {@code count} consecutive free ports whose Redis Cluster bus ports (port + 10000) are free too.
     * Random bases keep parallel test JVMs from racing for the same ports.
     */
    public static List<Integer> consecutiveWithBusPorts(int count) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int base = random(LOWEST, EPHEMERAL_START - REDIS_BUS_OFFSET - count);
            List<Integer> ports = new ArrayList<>();
            for (int port = base; port < base + count && isFreeWithBusPort(port); port++) {
                ports.add(port);
            }
            if (ports.size() == count && claimWithBusPorts(ports)) {
                return ports;
            }
        }
        throw new IllegalStateException("no " + count + " free loopback ports with free bus ports");
    }

    /**
     * One port free on every given address, with its Redis Cluster bus port (port + 10000) free
     * too: for clusters whose nodes share a port on different loopback addresses (127.0.0.x).
     */
    public static int freeOnAllWithBusPort(List<InetAddress> addresses) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int candidate = random(LOWEST, EPHEMERAL_START - REDIS_BUS_OFFSET);
            if (addresses.stream().allMatch(a -> isFree(a, candidate) && isFree(a, candidate + REDIS_BUS_OFFSET))
                    && claimWithBusPorts(List.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no port free on all of " + addresses + " after " + ATTEMPTS + " attempts");
    }

    public static boolean isFree(int port) {
        return isFree(InetAddress.getLoopbackAddress(), port);
    }

    private static boolean isFreeWithBusPort(int port) {
        return isFree(port) && isFree(port + REDIS_BUS_OFFSET);
    }

    /** Claims the ports and their bus ports, all or none. */
    private static synchronized boolean claimWithBusPorts(List<Integer> ports) {
        List<Integer> all = new ArrayList<>(ports);
        ports.forEach(port -> all.add(port + REDIS_BUS_OFFSET));
        if (all.stream().anyMatch(HANDED_OUT::contains)) {
            return false;
        }
        HANDED_OUT.addAll(all);
        return true;
    }

    private static int random(int fromInclusive, int toExclusive) {
        return ThreadLocalRandom.current().nextInt(fromInclusive, toExclusive);
    }

    private static boolean isFree(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range; Linux's default when it cannot be read. */
    private static int ephemeralRangeStart() {
        try {
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            // (read by lines: Files.readString sees procfs files as empty-sized and returned "3" here)
            // a range configured unusually low leaves too little room: fall back to the default
            return start >= LOWEST + 2 * REDIS_BUS_OFFSET ? start : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
