package io.nott.edge.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The body of a {@link ProxyResponse}: complete in memory (cache hits, local answers), in a file (large cache hits) or streamed. */
public sealed interface ResponseBody {

    Buffer EMPTY = Buffer.buffer(0);

    /** The body's length in bytes, or -1 when unknown (streamed chunked). */
    long length();

    /** Gives the body up unsent (a unit replaced it, the client went away): frees what it holds. May be called more than once. */
    default void discard() {
    }

    /** A body held in memory; written with one {@code end(buffer)} call, never copied. */
    record Full(Buffer buffer) implements ResponseBody {
        @Override
        public long length() {
            return buffer.length();
        }
    }

    /**
     * A body kept in a file (a large cached one): the writer sends it with {@code sendfile}, so its
     * bytes never pass through the edge, unless something must see them on the way ({@link #read}).
     *
     * @param path    the file; it stays until {@code release} runs
     * @param release ends this response's hold on the file; runs once whatever the number of calls
     */
    record InFile(String path, long length, Runnable release) implements ResponseBody {

        /** The bytes in memory, for what must change or inspect them (body filters); a copy per call. */
        public Buffer read() throws IOException {
            return Buffer.buffer(Files.readAllBytes(Path.of(path)));
        }

        @Override
        public void discard() {
            release.run();
        }
    }

    /**
     * A body that arrives in chunks. The stream is handed over paused; the writer sets its
     * handlers and resumes it, so no chunk is lost between the upstream and the client.
     *
     * @param contentLength the announced length, or -1 when unknown (chunked)
     * @param abort         gives up on the rest (the client went away); frees the upstream connection
     */
    record Streamed(ReadStream<Buffer> stream, long contentLength, Runnable abort) implements ResponseBody {
        @Override
        public long length() {
            return contentLength;
        }

        @Override
        public void discard() {
            abort.run();
        }
    }
}
