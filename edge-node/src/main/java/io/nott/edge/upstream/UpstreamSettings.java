package io.nott.edge.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * An upstream group as configured.
 *
 * @param name             the group name (metrics, error bodies, {@code ngx.var.upstream})
 * @param servers          {@code host:port} of each server, used round-robin
 * @param connectTimeout   time to get a connection before answering 504
 * @param readTimeout      longest silence while waiting for the response (head or body) before 504
 * @param maxFails         failures that take a server out of rotation (nginx {@code max_fails})
 * @param failTimeout      how long a failed server stays out (nginx {@code fail_timeout})
 * @param keepalive        pooled keep-alive connections per server and event loop
 * @param keepaliveTimeout how long an idle pooled connection is kept
 * @param allowedPeers     further {@code host:port} peers a balancer unit may pick besides the
 *                         servers ({@code ngx.balancer.set_current_peer}); nothing else is ever connected to
 * @param nextUpstream     response statuses after which a GET/HEAD is tried on the next server
 *                         (nginx's {@code proxy_next_upstream http_502 ...}; errors and timeouts always are)
 * @param maxTries         most attempts per request (nginx's {@code proxy_next_upstream_tries}); 0 = no
 *                         limit but the number of servers without balancer units, 1 + {@code set_more_tries} with them
 */
public record UpstreamSettings(String name, List<String> servers, Duration connectTimeout, Duration readTimeout,
        int maxFails, Duration failTimeout, int keepalive, Duration keepaliveTimeout, List<String> allowedPeers,
        Set<Integer> nextUpstream, int maxTries) {

    /** The most tries a balancer unit may ask for when {@code maxTries} is 0 (no other limit). */
    public static final int BALANCER_TRIES_CAP = 10;

    public UpstreamSettings {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("upstream '" + name + "' has no servers: set edge.upstreams." + name
                    + ".servers to host:port[,host:port...]");
        }
        servers = List.copyOf(servers);
        allowedPeers = List.copyOf(allowedPeers);
        nextUpstream = Set.copyOf(nextUpstream);
        if (maxTries < 0) {
            throw new IllegalArgumentException("edge.upstreams." + name + ".max-tries must be 0 (no limit) or more, got "
                    + maxTries);
        }
    }

    /** A group without balancer peers, retried only on errors and timeouts. */
    public UpstreamSettings(String name, List<String> servers, Duration connectTimeout, Duration readTimeout,
            int maxFails, Duration failTimeout, int keepalive, Duration keepaliveTimeout) {
        this(name, servers, connectTimeout, readTimeout, maxFails, failTimeout, keepalive, keepaliveTimeout, List.of(),
                Set.of(), 0);
    }

    /** Defaults close to the seed's nginx, with shorter timeouts for a live video edge. */
    public static UpstreamSettings of(String name, List<String> servers) {
        return new UpstreamSettings(name, servers, Duration.ofSeconds(2), Duration.ofSeconds(30), 1,
                Duration.ofSeconds(10), 64, Duration.ofSeconds(60));
    }

    public UpstreamSettings withTimeouts(Duration connect, Duration read) {
        return new UpstreamSettings(name, servers, connect, read, maxFails, failTimeout, keepalive, keepaliveTimeout,
                allowedPeers, nextUpstream, maxTries);
    }

    /** The same group with balancer peers allow-listed besides its servers. */
    public UpstreamSettings withAllowedPeers(List<String> peers) {
        return new UpstreamSettings(name, servers, connectTimeout, readTimeout, maxFails, failTimeout, keepalive,
                keepaliveTimeout, peers, nextUpstream, maxTries);
    }

    /** The same group retrying GET/HEAD on these response statuses too. */
    public UpstreamSettings withNextUpstream(Set<Integer> statuses) {
        return new UpstreamSettings(name, servers, connectTimeout, readTimeout, maxFails, failTimeout, keepalive,
                keepaliveTimeout, allowedPeers, statuses, maxTries);
    }
}
