package io.nott.edge.units.run;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs unit chains that make blocking Redis calls on virtual threads and brings the result back
 * to the request's event loop, so no event loop ever waits on Redis.
 */
public final class OffLoop implements AutoCloseable {

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("edge-unit-", 0).factory());

    /** Calls {@code work} on a virtual thread; the future completes on {@code loop}. */
    public <T> Future<T> call(Context loop, Callable<T> work) {
        Promise<T> promise = Promise.promise();
        executor.execute(() -> {
            try {
                T value = work.call();
                loop.runOnContext(v -> promise.complete(value));
            } catch (Throwable failure) {
                loop.runOnContext(v -> promise.fail(failure));
            }
        });
        return promise.future();
    }

    /** Fire and forget (the log phase). */
    public void run(Runnable work) {
        executor.execute(work);
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
