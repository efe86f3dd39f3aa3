package io.nott.edge.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

/**
 * A response travelling back through the interceptor chain: status, headers (mutable, so
 * header filters change them in place) and a body that is either complete or streamed.
 *
 * <p>{@link #bodyFilter()} is applied by the writer to every chunk on its way to the client;
 * when set, {@code Content-Length} is dropped and the body goes out chunked, as OpenResty does
 * when a {@code body_filter} may change the body.
 */
public final class ProxyResponse {

    private int status;
    private MultiMap headers;
    private boolean sharedHeaders;
    private ResponseBody body;
    private BodyFilter bodyFilter;

    public ProxyResponse(int status, MultiMap headers, ResponseBody body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** A small local answer (error pages, Lua {@code ngx.exit}/{@code ngx.say}). */
    public static ProxyResponse of(int status, String contentType, Buffer body) {
        MultiMap headers = HttpHeaders.headers();
        if (contentType != null) {
            headers.set(HttpHeaders.CONTENT_TYPE, contentType);
        }
        headers.set(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()));
        return new ProxyResponse(status, headers, new ResponseBody.Full(body));
    }

    /**
     * A response over headers owned by someone else (a cache entry): they are copied on the
     * first {@link #mutableHeaders()} call only, so a plain cache hit copies nothing.
     */
    public static ProxyResponse shared(int status, MultiMap headers, ResponseBody body) {
        ProxyResponse response = new ProxyResponse(status, headers, body);
        response.sharedHeaders = true;
        return response;
    }

    public int status() {
        return status;
    }

    public ProxyResponse status(int newStatus) {
        this.status = newStatus;
        return this;
    }

    /** The headers, for reading. */
    public MultiMap headers() {
        return headers;
    }

    /** The headers, for changing (copied first when shared with a cache entry). */
    public MultiMap mutableHeaders() {
        if (sharedHeaders) {
            headers = HttpHeaders.headers().addAll(headers);
            sharedHeaders = false;
        }
        return headers;
    }

    public ResponseBody body() {
        return body;
    }

    public ProxyResponse body(ResponseBody newBody) {
        this.body = newBody;
        return this;
    }

    public BodyFilter bodyFilter() {
        return bodyFilter;
    }

    /** Adds a filter after any filter already present. */
    public ProxyResponse addBodyFilter(BodyFilter filter) {
        BodyFilter previous = this.bodyFilter;
        this.bodyFilter = previous == null ? filter : (chunk, eof) -> filter.apply(previous.apply(chunk, eof), eof);
        return this;
    }
}
