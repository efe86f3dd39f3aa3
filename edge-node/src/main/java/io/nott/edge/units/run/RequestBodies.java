package io.nott.edge.units.run;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a client's request body into memory for units that read it ({@code ngx.req.read_body}),
 * on the event loop without blocking it: the request stream (paused by the proxy until someone
 * wants the body) is resumed and collected, bounded by {@code client_max_body_size}.
 */
final class RequestBodies {

    /** What {@link #read} completes with when the body is larger than allowed (the caller answers 413). */
    static final byte[] TOO_LARGE = new byte[0];

    private static final byte[] NONE = new byte[0];

    private RequestBodies() {
    }

    /** The whole body (empty when the request has none), or {@link #TOO_LARGE}; fails when the client goes away. */
    static Future<byte[]> read(HttpServerRequest request, long maxBytes) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean chunked = request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
        if (length == null && !chunked) {
            return Future.succeededFuture(NONE);
        }
        long declared = -1;
        if (length != null && !chunked) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1; // the HTTP server refuses such requests before units see them
            }
            if (declared == 0) {
                return Future.succeededFuture(NONE);
            }
            if (declared > maxBytes) {
                return Future.succeededFuture(TOO_LARGE); // as nginx: refused before a byte is read
            }
        }
        Promise<byte[]> promise = Promise.promise();
        Buffer all = Buffer.buffer(declared > 0 ? (int) Math.min(declared, maxBytes) : 1024);
        request.exceptionHandler(promise::tryFail);
        request.handler(chunk -> {
            if ((long) all.length() + chunk.length() > maxBytes) {
                request.handler(null);
                request.pause();
                promise.tryComplete(TOO_LARGE);
                return;
            }
            all.appendBuffer(chunk);
        });
        request.endHandler(v -> promise.tryComplete(all.getBytes()));
        request.resume();
        return promise.future();
    }
}
