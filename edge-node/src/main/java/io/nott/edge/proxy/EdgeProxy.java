package io.nott.edge.proxy;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The data plane's entry: asks the injected {@link OriginSelector} for the request's origin, runs
 * the interceptor chain (Lua phases, cache) down to that origin, writes whatever comes back (or
 * the mapped error), then, once the response is sent, tells the {@code sent} listener (metrics)
 * and runs the interceptors' completion hooks (the {@code log} phase). It knows no route, cache
 * or upstream type: those are plugged in.
 */
public final class EdgeProxy implements Handler<RoutingContext> {

    private static final Logger LOG = Logger.getLogger(EdgeProxy.class);

    private final OriginSelector origins;
    private final List<ProxyInterceptor> interceptors;
    private final Consumer<ProxyContext> sent;

    /**
     * @param sent called on the event loop right after each response is written (or the client
     *             went away), before the completion hooks; must be quick and must not throw
     */
    public EdgeProxy(OriginSelector origins, List<ProxyInterceptor> interceptors, Consumer<ProxyContext> sent) {
        this.origins = origins;
        this.interceptors = List.copyOf(interceptors);
        this.sent = sent;
    }

    @Override
    public void handle(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        RequestUri uri;
        try {
            // Before anything looks at the path: routes, units, cache keys and the upstream see nginx's $uri.
            uri = RequestUri.of(request.path(), request.query());
        } catch (ProxyException e) {
            refuse(request, e);
            return;
        }
        ProxyOrigin origin = origins.select(uri.path());
        if (origin == null) {
            routing.next();
            return;
        }
        handle(request, uri, origin);
    }

    /** Proxies one request on its event loop. */
    public void handle(HttpServerRequest request, RequestUri uri, ProxyOrigin origin) {
        long start = System.nanoTime();
        if (request.getHeader(HttpHeaders.CONTENT_LENGTH) != null || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            request.pause(); // the body waits for the upstream request that will stream it
        }
        Context loop = Vertx.currentContext();
        ProxyContext context = new ProxyContext(request, uri, origin, loop, interceptors, start);
        context.routes(origins);
        context.sendRequest().onComplete(result -> {
            ProxyResponse response = result.succeeded() ? result.result() : ProxyErrors.toResponse(result.cause());
            ResponseWriter.write(context, response, () -> completed(context));
        });
    }

    private boolean hasCompletionWork(ProxyContext context) {
        for (ProxyInterceptor interceptor : interceptors) {
            if (interceptor.completes(context)) {
                return true;
            }
        }
        return false;
    }

    /** A request refused before routing (nginx's 400 for a URI it cannot normalise): no unit, cache or origin sees it. */
    private static void refuse(HttpServerRequest request, ProxyException e) {
        ProxyResponse response = ProxyErrors.toResponse(e);
        var out = request.response().setStatusCode(response.status());
        out.headers().addAll(response.headers());
        out.putHeader(HttpHeaders.CONNECTION, "close"); // as nginx does after a 400
        out.end(((ResponseBody.Full) response.body()).buffer());
    }

    private void completed(ProxyContext context) {
        sent.accept(context);
        if (!hasCompletionWork(context)) {
            return; // most cache hits: no log phase, nothing logged; no task for the loop
        }
        // The log phase and friends run on a later turn of the loop, after the bytes are out.
        context.vertxContext().runOnContext(v -> {
            for (ProxyInterceptor interceptor : interceptors) {
                try {
                    interceptor.onComplete(context);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Completion hook of %s failed", interceptor.getClass().getSimpleName());
                }
            }
        });
    }
}
