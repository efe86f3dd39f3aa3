package io.nott.edge.proxy;

import io.vertx.core.buffer.Buffer;

/** Changes a response body chunk by chunk, like OpenResty's {@code body_filter} ({@code ngx.arg[1]}, {@code ngx.arg[2]}). */
@FunctionalInterface
public interface BodyFilter {

    /**
     * @param chunk the chunk (may be empty, always empty-or-last when {@code eof})
     * @param eof   true for the last call of this response
     * @return the chunk to send instead (may be empty)
     * @throws LimitExceeded when the filter produced more than it may; the writer then answers 500
     *                       if the head is not out yet, else cuts the connection
     */
    Buffer apply(Buffer chunk, boolean eof);

    /** A filter's output passed its bound (the edge's body limit for units). */
    final class LimitExceeded extends RuntimeException {
        public LimitExceeded(String message) {
            super(message, null, false, false);
        }
    }
}
