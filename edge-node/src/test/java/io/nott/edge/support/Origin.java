package io.nott.edge.support;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real origin for tests: a Vert.x HTTP server on a free port whose behaviour a test sets. */
public final class Origin implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Handler<HttpServerRequest> behaviour = r -> r.response().end("origin");

    public Origin(Vertx vertx) {
        this.server = vertx.createHttpServer().requestHandler(request -> {
            requests.incrementAndGet();
            behaviour.handle(request);
        });
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("origin did not start", e);
        }
    }

    public Origin respond(Handler<HttpServerRequest> handler) {
        this.behaviour = handler;
        return this;
    }

    public int port() {
        return server.actualPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public int requests() {
        return requests.get();
    }

    public void resetCount() {
        requests.set(0);
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
