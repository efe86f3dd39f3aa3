package io.nott.edge.upstream;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.ReadStream;

/** The upstream body as a read stream that records {@code upstream_response_time} when it ends. */
final class UpstreamBodyStream implements ReadStream<Buffer> {

    private final HttpClientResponse response;
    private final UpstreamTiming timing;
    private final long startedNanos;

    UpstreamBodyStream(HttpClientResponse response, UpstreamTiming timing, long startedNanos) {
        this.response = response;
        this.timing = timing;
        this.startedNanos = startedNanos;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        response.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        response.handler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        response.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        response.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        response.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        if (endHandler == null) {
            response.endHandler(null);
        } else {
            response.endHandler(v -> {
                timing.done(System.nanoTime() - startedNanos);
                endHandler.handle(v);
            });
        }
        return this;
    }

    /** Gives up on the body: resets the upstream request so its connection is not reused half-read. */
    void abort() {
        response.request().reset();
    }
}
