package io.nott.edge.cache;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.function.Consumer;

/**
 * Tees an upstream body into one accumulation buffer while the client receives views
 * (slices) of that same buffer, so a segment is held in memory once.
 *
 * <p>While caching, the upstream is read at full speed whatever the client does: waiters of
 * the cache lock depend on this fill, not on the first client's bandwidth. The bound is the
 * maximum entry size; past it the stream gives up caching and becomes a plain pass-through
 * with backpressure.
 */
final class CachingStream implements ReadStream<Buffer> {

    private final ReadStream<Buffer> upstream;
    private final Runnable abortUpstream;
    private final long maxBytes;
    private final Consumer<Buffer> onComplete;
    private final Runnable onAbandon;

    private Buffer accumulated;
    private int delivered;
    private boolean caching = true;
    private boolean paused;
    private boolean ended;
    private boolean endSent;
    private boolean settled;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;

    CachingStream(ReadStream<Buffer> upstream, Runnable abortUpstream, long contentLength, long maxBytes,
            Consumer<Buffer> onComplete, Runnable onAbandon) {
        this.upstream = upstream;
        this.abortUpstream = abortUpstream;
        this.maxBytes = maxBytes;
        this.onComplete = onComplete;
        this.onAbandon = onAbandon;
        this.accumulated = Buffer.buffer(contentLength > 0 ? (int) contentLength : 16 * 1024);
    }

    /** Starts reading the upstream; called right away so the fill never waits for the client. */
    void start() {
        upstream.handler(this::onChunk);
        upstream.endHandler(v -> onEnd());
        upstream.exceptionHandler(this::onError);
        upstream.resume();
    }

    private void onChunk(Buffer chunk) {
        if (caching) {
            if ((long) accumulated.length() + chunk.length() > maxBytes) {
                abandonCaching();
                accumulated.appendBuffer(chunk); // delivered below, then dropped
            } else {
                accumulated.appendBuffer(chunk);
            }
            deliver();
            return;
        }
        if (accumulated != null) {
            accumulated.appendBuffer(chunk);
            deliver();
        } else if (handler != null) {
            handler.handle(chunk);
        }
    }

    private void onEnd() {
        ended = true;
        if (caching) {
            settle(true);
        }
        deliver();
    }

    private void onError(Throwable failure) {
        if (caching) {
            caching = false;
            settle(false);
        }
        if (exceptionHandler != null) {
            exceptionHandler.handle(failure);
        }
    }

    private void abandonCaching() {
        caching = false;
        settle(false);
        if (paused) {
            upstream.pause();
        }
    }

    private void settle(boolean complete) {
        if (settled) {
            return;
        }
        settled = true;
        if (complete) {
            onComplete.accept(accumulated);
        } else {
            onAbandon.run();
        }
    }

    private void deliver() {
        if (paused || handler == null) {
            return;
        }
        if (accumulated != null && delivered < accumulated.length()) {
            int end = accumulated.length();
            Buffer view = accumulated.slice(delivered, end);
            delivered = end;
            if (!caching) {
                accumulated = null; // pass-through from now on
            }
            handler.handle(view);
        } else if (!caching) {
            accumulated = null;
        }
        if (ended && !endSent && !paused && endHandler != null
                && (accumulated == null || delivered == accumulated.length())) {
            endSent = true;
            endHandler.handle(null);
        }
    }

    /** The client went away: keep filling the cache for the waiters, or drop the upstream if not caching. */
    void abort() {
        handler = null;
        endHandler = null;
        if (!caching) {
            abortUpstream.run();
        }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
        this.exceptionHandler = h;
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
        this.handler = h;
        deliver();
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        paused = true;
        if (!caching) {
            upstream.pause();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        paused = false;
        deliver();
        if (!caching && !ended) {
            upstream.resume();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        return resume();
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
        this.endHandler = h;
        deliver();
        return this;
    }
}
