package io.nott.edge.proxy;

import io.nott.edge.cache.CacheStatus;
import io.nott.edge.route.Route;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * Everything about one proxied request: the client request, its route, the position in the
 * interceptor chain and what the upstream step measured (for {@code ngx.var} and metrics).
 *
 * <p>Used by one request at a time; an interceptor that hops threads (a Lua chain on a
 * virtual thread) hands it back before touching it on the event loop again.
 */
public final class ProxyContext {

    private final HttpServerRequest request;
    private final Route route;
    private final Context vertxContext;
    private final List<ProxyInterceptor> interceptors;
    private final long startNanos;
    private int next;

    private String host;
    private CacheStatus cacheStatus;
    private long upstreamConnectNanos = -1;
    private long upstreamResponseNanos = -1;
    private long upstreamHeaderNanos = -1;
    private String upstreamAddress;
    private int upstreamStatus;
    private int status;
    private long bodyBytesSent;
    private Object attachment;

    public ProxyContext(HttpServerRequest request, Route route, Context vertxContext,
            List<ProxyInterceptor> interceptors, long startNanos) {
        this.request = request;
        this.route = route;
        this.vertxContext = vertxContext;
        this.interceptors = interceptors;
        this.startNanos = startNanos;
    }

    /** Passes the request to the next interceptor, or to the upstream after the last one. */
    public Future<ProxyResponse> sendRequest() {
        if (next < interceptors.size()) {
            ProxyInterceptor interceptor = interceptors.get(next++);
            try {
                return interceptor.handleRequest(this);
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        return route.upstream().send(this);
    }

    public HttpServerRequest request() {
        return request;
    }

    public Route route() {
        return route;
    }

    public Context vertxContext() {
        return vertxContext;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The request's host name without port (nginx's {@code $host}), computed once. */
    public String host() {
        if (host == null) {
            String h = request.authority() == null ? null : request.authority().host();
            host = h == null ? "" : h.toLowerCase(java.util.Locale.ROOT);
        }
        return host;
    }

    public CacheStatus cacheStatus() {
        return cacheStatus;
    }

    public void cacheStatus(CacheStatus value) {
        this.cacheStatus = value;
    }

    /** Time to obtain a connection (0 for a reused keep-alive one), or -1 without upstream. */
    public long upstreamConnectNanos() {
        return upstreamConnectNanos;
    }

    /** Time from asking for a connection until the last body byte, or -1 without upstream. */
    public long upstreamResponseNanos() {
        return upstreamResponseNanos;
    }

    /** Time from asking for a connection until the response head, or -1 without upstream. */
    public long upstreamHeaderNanos() {
        return upstreamHeaderNanos;
    }

    public String upstreamAddress() {
        return upstreamAddress;
    }

    public int upstreamStatus() {
        return upstreamStatus;
    }

    public void upstreamConnected(String address, long connectNanos) {
        this.upstreamAddress = address;
        this.upstreamConnectNanos = connectNanos;
    }

    public void upstreamHeaders(int statusCode, long headerNanos) {
        this.upstreamStatus = statusCode;
        this.upstreamHeaderNanos = headerNanos;
    }

    public void upstreamDone(long responseNanos) {
        this.upstreamResponseNanos = responseNanos;
    }

    /** The status sent to the client (0 until the head is written). */
    public int status() {
        return status;
    }

    public void status(int value) {
        this.status = value;
    }

    public long bodyBytesSent() {
        return bodyBytesSent;
    }

    public void addBodyBytesSent(long bytes) {
        this.bodyBytesSent += bytes;
    }

    /** Per-request state of an interceptor (the Lua phases keep their {@code RequestState} here). */
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    public void attachment(Object value) {
        this.attachment = value;
    }
}
