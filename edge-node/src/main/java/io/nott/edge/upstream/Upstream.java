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
    private final HttpClient client;
    private final Clock clock;
    private final AtomicInteger cursor = new AtomicInteger();

    public Upstream(Vertx vertx, UpstreamSettings settings, Clock clock) {
        this.settings = settings;
        this.servers = settings.servers().stream().map(UpstreamServer::new).toArray(UpstreamServer[]::new);
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
     * fails with a {@link ProxyException} (502/504).
     */
    public Future<ProxyResponse> send(ProxyContext context) {
        Promise<ProxyResponse> promise = Promise.promise();
        UpstreamTiming timing = new UpstreamTiming(settings.name());
        context.put(UpstreamTiming.class, timing);
        attempt(context, timing, promise, 0);
        return promise.future();
    }

    private void attempt(ProxyContext context, UpstreamTiming timing, Promise<ProxyResponse> promise, int tried) {
        UpstreamServer server = pick();
        if (server == null) {
            promise.fail(ProxyException.badGateway("no live upstreams in group " + settings.name(), null));
            return;
        }
        HttpServerRequest inbound = context.request();
        RequestOptions options = new RequestOptions()
                .setMethod(context.method()) // ngx.req.set_method included
                .setHost(server.host())
                .setPort(server.port())
                .setURI(context.uri().forwardedUri()) // normalised: the origin never resolves ".." itself
                .setConnectTimeout(settings.connectTimeout().toMillis())
                .setIdleTimeout(settings.readTimeout().toMillis());
        long started = System.nanoTime();
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                Throwable cause = connected.cause();
                markFailed(server);
                timing.connected(server.toString(), System.nanoTime() - started);
                if (tried + 1 < servers.length) {
                    attempt(context, timing, promise, tried + 1);
                } else {
                    promise.fail(cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException
                            ? ProxyException.gatewayTimeout("upstream " + settings.name() + " (" + server
                                    + ") did not accept a connection within " + settings.connectTimeout().toMillis() + " ms", cause)
                            : ProxyException.badGateway("upstream " + settings.name() + " (" + server
                                    + ") refused or failed the connection", cause));
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
            sent.onComplete(answered -> {
                if (answered.failed()) {
                    Throwable cause = answered.cause();
                    markFailed(server);
                    boolean idempotent = context.method() == HttpMethod.GET || context.method() == HttpMethod.HEAD;
                    if (idempotent && tried + 1 < servers.length) {
                        attempt(context, timing, promise, tried + 1);
                    } else if (cause instanceof TimeoutException) {
                        promise.fail(ProxyException.gatewayTimeout("upstream " + settings.name() + " (" + server
                                + ") did not answer within " + settings.readTimeout().toMillis() + " ms", cause));
                    } else {
                        promise.fail(ProxyException.badGateway("upstream " + settings.name() + " (" + server
                                + ") failed before answering: " + cause.getMessage(), cause));
                    }
                    return;
                }
                HttpClientResponse response = answered.result();
                // Paused until the writer (or the cache) attaches its handlers, maybe after an async hop.
                response.pause();
                server.succeeded();
                timing.headers(response.statusCode(), System.nanoTime() - started);
                UpstreamBodyStream body = new UpstreamBodyStream(response, timing, started);
                promise.complete(new ProxyResponse(response.statusCode(), responseHeaders(response),
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

    /** For tests and diagnostics: the servers in configuration order. */
    List<String> serverNames() {
        return List.of(servers).stream().map(UpstreamServer::toString).toList();
    }
}
