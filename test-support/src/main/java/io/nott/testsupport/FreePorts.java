package io.nott.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers a test starts itself; the only port finder of the suite. A free
 * port is also what a test uses as a "dead" upstream or Redis: nobody listens there.
 */
public final class FreePorts {

    private static final int REDIS_BUS_OFFSET = 10000;

    private FreePorts() {
    }

    /** One free port, chosen by the kernel. */
    public static int one() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
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
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20000, 55000 - count);
            List<Integer> ports = new ArrayList<>();
            for (int port = base; port < base + count && isFree(port) && isFree(port + REDIS_BUS_OFFSET); port++) {
                ports.add(port);
            }
            if (ports.size() == count) {
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
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(20000, 30000);
            if (addresses.stream().allMatch(a -> isFree(a, candidate) && isFree(a, candidate + REDIS_BUS_OFFSET))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no port free on all of " + addresses + " after 50 attempts");
    }

    public static boolean isFree(int port) {
        return isFree(InetAddress.getLoopbackAddress(), port);
    }

    private static boolean isFree(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
