package io.nott.edge.proxy;

import io.vertx.core.buffer.Buffer;

/** Changes a response body chunk by chunk, like OpenResty's {@code body_filter} ({@code ngx.arg[1]}, {@code ngx.arg[2]}). */
@FunctionalInterface
public interface BodyFilter {

    /**
     * @param chunk the chunk (may be empty, always empty-or-last when {@code eof})
     * @param eof   true for the last call of this response
     * @return the chunk to send instead (may be empty)
     */
    Buffer apply(Buffer chunk, boolean eof);
}
