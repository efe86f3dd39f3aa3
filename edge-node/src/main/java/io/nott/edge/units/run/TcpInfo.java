package io.nott.edge.units.run;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * nginx's {@code $tcpinfo_rtt} (microseconds) from the client socket's {@code TCP_INFO}. Only
 * Netty's native epoll transport exposes it ({@code quarkus.vertx.prefer-native-transport=true}
 * on Linux); on NIO the variable is nil, as it is in nginx on systems without TCP_INFO.
 */
final class TcpInfo {

    private static final boolean EPOLL = isEpollPresent();

    private TcpInfo() {
    }

    static String rttMicros(HttpServerRequest request) {
        if (!EPOLL || !(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        Channel channel = connection.channel();
        if (channel instanceof io.netty.channel.epoll.EpollSocketChannel epoll) {
            try {
                return Long.toString(epoll.tcpInfo().rtt());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean isEpollPresent() {
        try {
            Class.forName("io.netty.channel.epoll.EpollSocketChannel", false, TcpInfo.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
