package io.nott.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports for servers a test starts itself. */
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

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
