package io.nott.edge.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** The body of a {@link ProxyResponse}: complete in memory (cache hits, local answers) or streamed. */
public sealed interface ResponseBody {

    Buffer EMPTY = Buffer.buffer(0);

    /** A body held in memory; written with one {@code end(buffer)} call, never copied. */
    record Full(Buffer buffer) implements ResponseBody {
    }

    /**
     * A body that arrives in chunks. The stream is handed over paused; the writer sets its
     * handlers and resumes it, so no chunk is lost between the upstream and the client.
     *
     * @param contentLength the announced length, or -1 when unknown (chunked)
     * @param abort         gives up on the rest (the client went away); frees the upstream connection
     */
    record Streamed(ReadStream<Buffer> stream, long contentLength, Runnable abort) implements ResponseBody {
    }
}
