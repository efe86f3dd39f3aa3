package io.nott.edge.upstream;

import java.time.Duration;
import java.util.List;

/**
 * An upstream group as configured.
 *
 * @param name             the group name (metrics, error bodies)
 * @param servers          {@code host:port} of each server, used round-robin
 * @param connectTimeout   time to get a connection before answering 504
 * @param readTimeout      longest silence while waiting for the response (head or body) before 504
 * @param maxFails         failures that take a server out of rotation (nginx {@code max_fails})
 * @param failTimeout      how long a failed server stays out (nginx {@code fail_timeout})
 * @param keepalive        pooled keep-alive connections per server and event loop
 * @param keepaliveTimeout how long an idle pooled connection is kept
 */
public record UpstreamSettings(String name, List<String> servers, Duration connectTimeout, Duration readTimeout,
        int maxFails, Duration failTimeout, int keepalive, Duration keepaliveTimeout) {

    public UpstreamSettings {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("upstream '" + name + "' has no servers: set edge.upstreams." + name
                    + ".servers to host:port[,host:port...]");
        }
        servers = List.copyOf(servers);
    }

    /** Defaults close to the seed's nginx, with shorter timeouts for a live video edge. */
    public static UpstreamSettings of(String name, List<String> servers) {
        return new UpstreamSettings(name, servers, Duration.ofSeconds(2), Duration.ofSeconds(30), 1,
                Duration.ofSeconds(10), 64, Duration.ofSeconds(60));
    }

    public UpstreamSettings withTimeouts(Duration connect, Duration read) {
        return new UpstreamSettings(name, servers, connect, read, maxFails, failTimeout, keepalive, keepaliveTimeout);
    }
}
