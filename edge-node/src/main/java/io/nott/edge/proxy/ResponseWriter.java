package io.nott.edge.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import java.util.Map;

/**
 * Writes a {@link ProxyResponse} to the client: its headers plus those set with
 * {@link ProxyContext#responseHeader} (the cache's {@code X-Cache-Status}), a full body
 * in one write, a streamed body with backpressure, the body filter on every chunk (which
 * drops {@code Content-Length} and switches to chunked, like OpenResty).
 */
public final class ResponseWriter {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ResponseWriter.class);

    private static final Buffer EMPTY = Buffer.buffer(0);
    /** The status that means "close the connection without a response", as nginx's 444. */
    private static final int CLOSE = 444;

    private ResponseWriter() {
    }

    /** Writes the response; {@code done} runs once it is fully sent or the client went away. */
    public static void write(ProxyContext context, ProxyResponse response, Runnable done) {
        HttpServerResponse out = context.request().response();
        if (out.closed() || out.ended()) {
            abort(response);
            done.run();
            return;
        }
        int status = response.status();
        if (status == CLOSE) {
            // nginx's 444 (ngx.exit(444), ngx.exit(ngx.ERROR), a Lua error after the headers):
            // no answer at all, the connection is closed.
            abort(response);
            context.status(status);
            context.request().connection().close().onComplete(ar -> done.run());
            return;
        }
        out.setStatusCode(status);
        context.status(status);
        MultiMap target = out.headers();
        for (Map.Entry<String, String> header : response.headers()) {
            target.add(header.getKey(), header.getValue());
        }
        context.addResponseHeadersTo(target);
        BodyFilter filter = response.bodyFilter();
        boolean bodyAllowed = status != 204 && status != 304 && status >= 200
                && context.request().method() != HttpMethod.HEAD;
        if (filter != null) {
            target.remove(HttpHeaders.CONTENT_LENGTH);
        }
        switch (response.body()) {
            case ResponseBody.Full full -> writeFull(context, out, full.buffer(), filter, bodyAllowed, done);
            case ResponseBody.Streamed streamed -> writeStreamed(context, out, streamed, filter, bodyAllowed, done);
        }
    }

    private static void writeFull(ProxyContext context, HttpServerResponse out, Buffer body, BodyFilter filter,
            boolean bodyAllowed, Runnable done) {
        if (!bodyAllowed) {
            out.end().onComplete(ar -> done.run());
            return;
        }
        Buffer toSend = body;
        if (filter != null) {
            try {
                toSend = filter.apply(body, true);
            } catch (BodyFilter.LimitExceeded e) {
                refuseFiltered(context, out, e, done);
                return;
            }
            out.setChunked(true);
        }
        context.addBodyBytesSent(toSend.length());
        out.end(toSend).onComplete(ar -> done.run());
    }

    private static void writeStreamed(ProxyContext context, HttpServerResponse out, ResponseBody.Streamed body,
            BodyFilter filter, boolean bodyAllowed, Runnable done) {
        ReadStream<Buffer> stream = body.stream();
        if (bodyAllowed && (filter != null || body.contentLength() < 0)) {
            out.setChunked(true);
        }
        boolean[] finished = new boolean[1];
        Runnable finish = () -> {
            if (!finished[0]) {
                finished[0] = true;
                done.run();
            }
        };
        out.closeHandler(v -> {
            if (!out.ended()) {
                body.abort().run();
                finish.run();
            }
        });
        stream.exceptionHandler(failure -> {
            // Head may be out already: the only honest signal left is to cut the connection.
            if (!out.ended() && !out.closed()) {
                out.reset();
            }
            finish.run();
        });
        stream.handler(chunk -> {
            if (out.closed() || out.ended()) {
                return;
            }
            Buffer toSend;
            try {
                toSend = filter == null ? chunk : filter.apply(chunk, false);
            } catch (BodyFilter.LimitExceeded e) {
                body.abort().run();
                refuseFiltered(context, out, e, finish);
                return;
            }
            if (bodyAllowed && toSend.length() > 0) {
                context.addBodyBytesSent(toSend.length());
                out.write(toSend);
                if (out.writeQueueFull()) {
                    stream.pause();
                    out.drainHandler(v -> stream.resume());
                }
            }
        });
        stream.endHandler(v -> {
            if (out.closed() || out.ended()) {
                finish.run();
                return;
            }
            Buffer last;
            try {
                last = filter == null ? EMPTY : filter.apply(EMPTY, true);
            } catch (BodyFilter.LimitExceeded e) {
                refuseFiltered(context, out, e, finish);
                return;
            }
            if (bodyAllowed && last.length() > 0) {
                context.addBodyBytesSent(last.length());
                out.end(last).onComplete(ar -> finish.run());
            } else {
                out.end().onComplete(ar -> finish.run());
            }
        });
        stream.resume();
    }

    /**
     * A body filter passed its limit: a 500 while nothing is sent yet; once the head is out, the
     * only honest signal left is to cut the connection (the client sees a short chunked body, never
     * one that looks complete).
     */
    private static void refuseFiltered(ProxyContext context, HttpServerResponse out, BodyFilter.LimitExceeded e, Runnable done) {
        LOG.errorf("body filter stopped: %s", e.getMessage());
        if (!out.headWritten()) {
            out.headers().clear();
            out.setChunked(false);
            out.setStatusCode(500);
            context.status(500);
            ProxyResponse error = ProxyErrors.error(500, e.getMessage() + ". Change the body_filter units of this "
                    + "route so that they produce less, or raise edge.units.max-body");
            out.headers().addAll(error.headers());
            context.addResponseHeadersTo(out.headers());
            out.end(((ResponseBody.Full) error.body()).buffer()).onComplete(ar -> done.run());
            return;
        }
        out.reset();
        done.run();
    }

    private static void abort(ProxyResponse response) {
        if (response.body() instanceof ResponseBody.Streamed streamed) {
            streamed.abort().run();
        }
    }
}
