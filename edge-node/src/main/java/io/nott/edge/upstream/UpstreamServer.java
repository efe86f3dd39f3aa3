package io.nott.edge.upstream;

import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** One server of a group, with nginx's passive health: {@code max_fails} failures take it out for {@code fail_timeout}. */
final class UpstreamServer {

    private final String hostAndPort;
    private final String host;
    private final int port;
    private final AtomicInteger fails = new AtomicInteger();
    private volatile long downUntilMillis;

    UpstreamServer(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new IllegalArgumentException("upstream server '" + hostAndPort + "' must be host:port");
        }
        this.hostAndPort = hostAndPort;
        this.host = hostAndPort.substring(0, colon);
        try {
            this.port = Integer.parseInt(hostAndPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("upstream server '" + hostAndPort + "' has no numeric port", e);
        }
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    SocketAddress address() {
        return SocketAddress.inetSocketAddress(port, host);
    }

    @Override
    public String toString() {
        return hostAndPort;
    }

    boolean isAvailable(long nowMillis) {
        return downUntilMillis <= nowMillis;
    }

    void failed(long nowMillis, int maxFails, long failTimeoutMillis) {
        if (fails.incrementAndGet() >= maxFails) {
            downUntilMillis = nowMillis + failTimeoutMillis;
            fails.set(0);
        }
    }

    void succeeded() {
        if (fails.get() != 0) {
            fails.set(0);
        }
    }
}
