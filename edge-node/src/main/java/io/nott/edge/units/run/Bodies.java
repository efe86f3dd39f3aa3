package io.nott.edge.units.run;

import io.nott.edge.proxy.ResponseBody;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/** Reads a response body into memory, bounded, for the rare filters that need it whole. */
final class Bodies {

    private Bodies() {
    }

    static Future<Buffer> collect(ResponseBody body, long maxBytes) {
        if (body instanceof ResponseBody.Full full) {
            return Future.succeededFuture(full.buffer());
        }
        ResponseBody.Streamed streamed = (ResponseBody.Streamed) body;
        Promise<Buffer> promise = Promise.promise();
        Buffer all = Buffer.buffer(streamed.contentLength() > 0 ? (int) Math.min(streamed.contentLength(), maxBytes) : 8192);
        streamed.stream().exceptionHandler(promise::tryFail);
        streamed.stream().handler(chunk -> {
            if ((long) all.length() + chunk.length() > maxBytes) {
                streamed.abort().run();
                promise.tryFail(new IllegalStateException("response body larger than " + maxBytes
                        + " bytes cannot go through a body_filter that calls redis_client"));
                return;
            }
            all.appendBuffer(chunk);
        });
        streamed.stream().endHandler(v -> promise.tryComplete(all));
        streamed.stream().resume();
        return promise.future();
    }
}
