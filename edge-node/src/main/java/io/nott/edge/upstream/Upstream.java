package io.nott.edge.upstream;

import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.ProxyException;
import io.nott.edge.proxy.ProxyResponse;
import io.nott.edge.proxy.ResponseBody;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream group: round-robin over its servers with keep-alive pools (one Vert.x
 * {@link HttpClient}), connect and read timeouts, passive health, and nginx's
 * {@code proxy_next_upstream error timeout}: a request that never reached a server is tried on
 * the next one.
 */
public final class Upstream {

    private final UpstreamSettings settings;
    private final UpstreamServer[] servers;
    /** Every peer this group may connect to by {@code host:port}: its servers, then its allowed peers. */
    private final Map<String, UpstreamServer> peers;
    private final HttpClient client;
    private final Clock clock;
    private final AtomicInteger cursor = new AtomicInteger();

    public Upstream(Vertx vertx, UpstreamSettings settings, Clock clock) {
        this.settings = settings;
        this.servers = settings.servers().stream().map(UpstreamServer::new).toArray(UpstreamServer[]::new);
        Map<String, UpstreamServer> all = new LinkedHashMap<>();
        for (UpstreamServer server : servers) {
            all.put(server.toString(), server);
        }
        for (String peer : settings.allowedPeers()) {
            all.putIfAbsent(peer, new UpstreamServer(peer));
        }
        this.peers = Map.copyOf(all);
        this.clock = clock;
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout((int) Math.max(1, settings.keepaliveTimeout().toSeconds()))
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setTryUseCompression(false);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(settings.keepalive()));
    }

    public String name() {
        return settings.name();
    }

    public UpstreamSettings settings() {
        return settings;
    }

    public Future<Void> close() {
        return client.close();
    }

    /**
     * Sends the context's request upstream, recording an {@link UpstreamTiming} on the context;
     * fails with a {@link ProxyException} (502/504, or a balancer unit's exit status). A
     * {@link Balancer} on the context chooses each attempt's peer among the allow-listed ones.
     */
    public Future<ProxyResponse> send(ProxyContext context) {
        Promise<ProxyResponse> promise = Promise.promise();
        UpstreamTiming timing = new UpstreamTiming(settings.name());
        context.put(UpstreamTiming.class, timing);
        Balancer balancer = context.get(Balancer.class);
        // nginx: without balancer_by_lua every server may be tried; with it one try unless the unit asks for more.
        int tries = balancer != null ? 1
                : settings.maxTries() > 0 ? Math.min(settings.maxTries(), servers.length) : servers.length;
        attempt(new Request(context, balancer, timing, promise), 0, tries, null, 0);
        return promise.future();
    }

    /** What stays the same across the attempts of one request. */
    private record Request(ProxyContext context, Balancer balancer, UpstreamTiming timing, Promise<ProxyResponse> promise) {
    }

    private void attempt(Request r, int tried, int tries, String failureState, int failureStatus) {
        ProxyContext context = r.context();
        UpstreamTiming timing = r.timing();
        Promise<ProxyResponse> promise = r.promise();
        long connectMillis = settings.connectTimeout().toMillis();
        long readMillis = settings.readTimeout().toMillis();
        UpstreamServer server;
        if (r.balancer() != null) {
            int cap = Math.max(0, (settings.maxTries() > 0 ? settings.maxTries() : UpstreamSettings.BALANCER_TRIES_CAP)
                    - tried - 1);
            Balancer.Choice choice;
            try {
                choice = r.balancer().choose(context, new Balancer.Attempt(settings.name(), tried, failureState,
                        failureStatus, cap), peers::containsKey);
            } catch (RuntimeException e) {
                promise.fail(e);
                return;
            }
            if (choice.exitStatus() > 0) {
                promise.fail(ProxyException.unitExit(choice.exitStatus(), "a balancer unit of upstream "
                        + settings.name() + " ended the request with ngx.exit(" + choice.exitStatus() + ")"));
                return;
            }
            if (choice.moreTries() >= 0) {
                tries = tried + 1 + Math.min(choice.moreTries(), cap);
            }
            if (choice.peer() != null) {
                server = peers.get(choice.peer());
                if (server == null) { // the unit API refuses these already; never connect whatever asks
                    promise.fail(ProxyException.badGateway("a balancer unit chose " + choice.peer()
                            + ", which is not allow-listed for upstream " + settings.name() + " (edge.upstreams."
                            + settings.name() + ".servers / allowed-peers); no connection was made", null));
                    return;
                }
            } else {
                server = pick();
            }
            if (choice.connectTimeout() != null) {
                connectMillis = Math.max(1, choice.connectTimeout().toMillis());
            }
            if (choice.readTimeout() != null) {
                readMillis = Math.max(1, choice.readTimeout().toMillis());
            }
        } else {
            server = pick();
        }
        if (server == null) {
            promise.fail(ProxyException.badGateway("no live upstreams in group " + settings.name() + ": every server failed "
                    + "within edge.upstreams." + settings.name() + ".fail-timeout. Check the origins ("
                    + "edge.upstreams." + settings.name() + ".servers); the edge tries them again after that time", null));
            return;
        }
        int allowedTries = tries;
        long connectTimeout = connectMillis;
        long readTimeout = readMillis;
        HttpServerRequest inbound = context.request();
        RequestOptions options = new RequestOptions()
                .setMethod(context.method()) // ngx.req.set_method included
                .setHost(server.host())
                .setPort(server.port())
                .setURI(context.uri().forwardedUri()) // normalised: the origin never resolves ".." itself
                .setConnectTimeout(connectTimeout)
                .setIdleTimeout(readTimeout);
        long started = System.nanoTime();
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                Throwable cause = connected.cause();
                markFailed(server);
                timing.connected(server.toString(), System.nanoTime() - started);
                boolean timedOut = cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException;
                if (tried + 1 < allowedTries) {
                    attempt(r, tried + 1, allowedTries, "failed", timedOut ? 504 : 502);
                } else {
                    promise.fail(timedOut
                            ? ProxyException.gatewayTimeout("upstream " + settings.name() + " (" + server
                                    + ") did not accept a connection within " + connectTimeout + " ms. Check that the origin runs and is "
                                    + "reachable from this edge (edge.upstreams." + settings.name() + ".servers, "
                                    + "connect-timeout), then retry", cause)
                            : ProxyException.badGateway("upstream " + settings.name() + " (" + server
                                    + ") refused or failed the connection. Check that the origin runs and accepts connections from "
                                    + "this edge (edge.upstreams." + settings.name() + ".servers), then retry", cause));
                }
                return;
            }
            timing.connected(server.toString(), System.nanoTime() - started);
            HttpClientRequest outbound = connected.result();
            copyRequestHeaders(inbound, outbound);
            Future<HttpClientResponse> sent;
            Buffer read = context.requestBody();
            if (read != null) {
                // Read before the phases (units saw or replaced it): sent whole, with its own length.
                outbound.headers().remove(HttpHeaders.TRANSFER_ENCODING).remove(HttpHeaders.CONTENT_LENGTH);
                if (read.length() > 0 || hasBody(inbound)) {
                    outbound.headers().set(HttpHeaders.CONTENT_LENGTH, Integer.toString(read.length()));
                }
                sent = outbound.send(read);
            } else {
                sent = hasBody(inbound) ? outbound.send(inbound) : outbound.send();
            }
            boolean idempotent = context.method() == HttpMethod.GET || context.method() == HttpMethod.HEAD;
            sent.onComplete(answered -> {
                if (answered.failed()) {
                    Throwable cause = answered.cause();
                    markFailed(server);
                    boolean timedOut = cause instanceof TimeoutException;
                    if (idempotent && tried + 1 < allowedTries) {
                        attempt(r, tried + 1, allowedTries, "failed", timedOut ? 504 : 502);
                    } else if (timedOut) {
                        promise.fail(ProxyException.gatewayTimeout("upstream " + settings.name() + " (" + server
                                + ") did not answer within " + readTimeout + " ms. The origin is overloaded or stuck: check it, or "
                                + "raise edge.upstreams." + settings.name() + ".read-timeout if its answers are "
                                + "slow by design", cause));
                    } else {
                        promise.fail(ProxyException.badGateway("upstream " + settings.name() + " (" + server
                                + ") failed before answering: " + cause.getMessage() + ". The origin broke the connection: its "
                                + "log says why; retry", cause));
                    }
                    return;
                }
                HttpClientResponse response = answered.result();
                int status = response.statusCode();
                if (idempotent && settings.nextUpstream().contains(status) && tried + 1 < allowedTries) {
                    // proxy_next_upstream http_5xx: this answer is dropped and the next peer asked;
                    // nginx counts it against the server's health except for 403 and 404.
                    if (status != 403 && status != 404) {
                        markFailed(server);
                    }
                    timing.headers(status, System.nanoTime() - started);
                    response.request().reset();
                    attempt(r, tried + 1, allowedTries, "next", status);
                    return;
                }
                // Paused until the writer (or the cache) attaches its handlers, maybe after an async hop.
                response.pause();
                server.succeeded();
                timing.headers(status, System.nanoTime() - started);
                UpstreamBodyStream body = new UpstreamBodyStream(response, timing, started);
                promise.complete(new ProxyResponse(status, responseHeaders(response),
                        new ResponseBody.Streamed(body, contentLength(response), body::abort)));
            });
        });
    }

    private UpstreamServer pick() {
        if (servers.length == 1) {
            return servers[0]; // like nginx: a lone server is never marked down
        }
        long now = clock.millis();
        int start = cursor.getAndIncrement() & Integer.MAX_VALUE;
        for (int i = 0; i < servers.length; i++) {
            UpstreamServer candidate = servers[(start + i) % servers.length];
            if (candidate.isAvailable(now)) {
                return candidate;
            }
        }
        return null;
    }

    private void markFailed(UpstreamServer server) {
        if (servers.length > 1) {
            server.failed(clock.millis(), settings.maxFails(), settings.failTimeout().toMillis());
        }
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.equals("0");
        }
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    private static void copyRequestHeaders(HttpServerRequest inbound, HttpClientRequest outbound) {
        MultiMap target = outbound.headers();
        String forwardedFor = null;
        for (Map.Entry<String, String> header : inbound.headers()) {
            String name = header.getKey();
            if (HopByHop.isHopByHop(name) || name.equalsIgnoreCase("Host")) {
                continue;
            }
            if (name.equalsIgnoreCase("X-Forwarded-For")) {
                forwardedFor = forwardedFor == null ? header.getValue() : forwardedFor + ", " + header.getValue();
                continue;
            }
            target.add(name, header.getValue());
        }
        if (inbound.authority() != null) {
            outbound.authority(inbound.authority());
            target.set("X-Forwarded-Host", inbound.authority().toString());
        }
        String client = inbound.remoteAddress() == null ? null : inbound.remoteAddress().hostAddress();
        if (client != null) {
            target.set("X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client);
        }
        target.set("X-Forwarded-Proto", inbound.scheme() == null ? "http" : inbound.scheme());
    }

    private static MultiMap responseHeaders(HttpClientResponse response) {
        MultiMap copy = HttpHeaders.headers();
        for (Map.Entry<String, String> header : response.headers()) {
            if (!HopByHop.isHopByHop(header.getKey())) {
                copy.add(header.getKey(), header.getValue());
            }
        }
        return copy;
    }

    private static long contentLength(HttpClientResponse response) {
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** True when a balancer unit may pick {@code hostAndPort} in this group. */
    public boolean allows(String hostAndPort) {
        return peers.containsKey(hostAndPort);
    }

    /** For tests and diagnostics: the servers in configuration order. */
    List<String> serverNames() {
        return List.of(servers).stream().map(UpstreamServer::toString).toList();
    }
}
