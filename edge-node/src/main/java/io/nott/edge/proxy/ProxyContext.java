package io.nott.edge.proxy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Everything about one proxied request that the core knows: the client request, its origin, the
 * position in the interceptor chain, what was sent to the client, and typed attachments for what
 * the parts around the core record (the cache's status, the upstream's timings, the Lua phases'
 * state), as vertx-http-proxy's {@code ProxyContext} carries {@code get(name, type)} attachments.
 *
 * <p>Used by one request at a time; an interceptor that hops threads (a Lua chain on a
 * virtual thread) hands it back before touching it on the event loop again.
 */
public final class ProxyContext {

    private final HttpServerRequest request;
    private RequestUri uri;
    private ProxyOrigin origin;
    private HttpMethod method;
    private OriginSelector routes;
    private final Context vertxContext;
    private final List<ProxyInterceptor> interceptors;
    private final long startNanos;
    private int next;

    private String host;
    private io.vertx.core.buffer.Buffer requestBody;
    private int status;
    private long bodyBytesSent;

    // Attachments by AttachmentSlots index: the first four in fields (no allocation per request
    // for the three types the edge uses today), any further ones in an array made on demand.
    private Object slot0;
    private Object slot1;
    private Object slot2;
    private Object slot3;
    private Object[] moreSlots;

    // Headers the writer adds after the response's own (nginx's add_header), kept apart so a
    // cache hit's shared headers are never copied for them. One inline, the rest on demand.
    private CharSequence addedName;
    private String addedValue;
    private MultiMap moreAdded;

    public ProxyContext(HttpServerRequest request, RequestUri uri, ProxyOrigin origin, Context vertxContext,
            List<ProxyInterceptor> interceptors, long startNanos) {
        this.request = request;
        this.uri = uri;
        this.origin = origin;
        this.vertxContext = vertxContext;
        this.interceptors = interceptors;
        this.startNanos = startNanos;
    }

    /** Passes the request to the next interceptor, or to the origin after the last one. */
    public Future<ProxyResponse> sendRequest() {
        if (next < interceptors.size()) {
            ProxyInterceptor interceptor = interceptors.get(next++);
            try {
                return interceptor.handleRequest(this);
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        return origin.send(this);
    }

    public HttpServerRequest request() {
        return request;
    }

    /** The normalised URI ({@code $uri}, what is forwarded); the raw one stays {@code request().uri()}. */
    public RequestUri uri() {
        return uri;
    }

    public ProxyOrigin origin() {
        return origin;
    }

    /** The method that goes upstream: the client's unless units set one ({@code ngx.req.set_method}). */
    public HttpMethod method() {
        return method != null ? method : request.method();
    }

    /**
     * Rewrites what goes upstream, as units asked before the cache and origin see the request:
     * the URI ({@code ngx.req.set_uri}, the query) and the method. The client's raw request
     * line stays {@code request().uri()} ({@code $request_uri}).
     */
    public void rewrite(RequestUri newUri, HttpMethod newMethod) {
        this.uri = newUri;
        if (newMethod != null) {
            this.method = newMethod;
        }
    }

    /** The routes {@link #reroute} chooses from (the proxy's own); without them the route stays. */
    void routes(OriginSelector value) {
        this.routes = value;
    }

    /**
     * nginx's location re-match after {@code ngx.req.set_uri(uri, true)}: the route for the
     * current path, or the same route when none matches it (the request already has one).
     */
    public void reroute() {
        ProxyOrigin next = routes == null ? null : routes.select(uri.path());
        if (next != null) {
            origin = next;
        }
    }

    /**
     * The request body read into memory before going upstream (units read it, or set a new one),
     * which the origin then gets instead of the client's stream, with its own Content-Length;
     * null while the body streams as it arrives.
     */
    public io.vertx.core.buffer.Buffer requestBody() {
        return requestBody;
    }

    public void requestBody(io.vertx.core.buffer.Buffer value) {
        this.requestBody = value;
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
            host = h == null ? "" : h.toLowerCase(Locale.ROOT);
        }
        return host;
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

    /** The attachment of this type, or null when none was put. */
    public <T> T get(Class<T> type) {
        int slot = AttachmentSlots.of(type);
        Object value = switch (slot) {
            case 0 -> slot0;
            case 1 -> slot1;
            case 2 -> slot2;
            case 3 -> slot3;
            default -> moreSlots == null || slot - 4 >= moreSlots.length ? null : moreSlots[slot - 4];
        };
        return type.cast(value);
    }

    /** Attaches a value under its type, replacing any earlier one; null removes it. */
    public <T> void put(Class<T> type, T value) {
        int slot = AttachmentSlots.of(type);
        switch (slot) {
            case 0 -> slot0 = value;
            case 1 -> slot1 = value;
            case 2 -> slot2 = value;
            case 3 -> slot3 = value;
            default -> {
                int index = slot - 4;
                if (moreSlots == null || index >= moreSlots.length) {
                    moreSlots = moreSlots == null ? new Object[index + 4] : Arrays.copyOf(moreSlots, index + 4);
                }
                moreSlots[index] = value;
            }
        }
    }

    /**
     * Sets a header the writer adds to the client response after the response's own headers,
     * replacing one of the same name (the cache's {@code X-Cache-Status}). Units never see it,
     * and the response (or the cache entry behind it) is not changed.
     */
    public void responseHeader(CharSequence name, String value) {
        if (addedName == null || addedName.toString().equalsIgnoreCase(name.toString())) {
            addedName = name;
            addedValue = value;
            return;
        }
        if (moreAdded == null) {
            moreAdded = HttpHeaders.headers();
        }
        moreAdded.set(name, value);
    }

    /** Writes the headers set with {@link #responseHeader} into {@code target}. */
    void addResponseHeadersTo(MultiMap target) {
        if (addedName != null) {
            target.set(addedName, addedValue);
        }
        if (moreAdded != null) {
            for (String name : moreAdded.names()) { // not setAll: that would clear the target first
                target.set(name, moreAdded.getAll(name));
            }
        }
    }
}
