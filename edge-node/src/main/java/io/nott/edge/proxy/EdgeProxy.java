package io.nott.edge.proxy;

import io.nott.edge.metrics.EdgeMetrics;
import io.nott.edge.route.Route;
import io.nott.edge.route.RouteTable;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The data plane's entry: matches a route, runs the interceptor chain (Lua phases, cache) down
 * to the upstream, writes whatever comes back (or the mapped error), then, after the response
 * is sent, runs the interceptors' completion hooks (the {@code log} phase) and records metrics.
 */
public final class EdgeProxy implements Handler<RoutingContext> {

    private static final Logger LOG = Logger.getLogger(EdgeProxy.class);

    private final RouteTable routes;
    private final List<ProxyInterceptor> interceptors;
    private final EdgeMetrics metrics;

    public EdgeProxy(RouteTable routes, List<ProxyInterceptor> interceptors, EdgeMetrics metrics) {
        this.routes = routes;
        this.interceptors = List.copyOf(interceptors);
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        Route route = routes.match(request.path());
        if (route == null) {
            routing.next();
            return;
        }
        handle(request, route);
    }

    /** Proxies one request on its event loop. */
    public void handle(HttpServerRequest request, Route route) {
        long start = System.nanoTime();
        if (request.getHeader(HttpHeaders.CONTENT_LENGTH) != null || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            request.pause(); // the body waits for the upstream request that will stream it
        }
        Context loop = Vertx.currentContext();
        ProxyContext context = new ProxyContext(request, route, loop, interceptors, start);
        context.sendRequest().onComplete(result -> {
            ProxyResponse response = result.succeeded() ? result.result() : ProxyErrors.toResponse(result.cause());
            ResponseWriter.write(context, response, () -> completed(context));
        });
    }

    private void completed(ProxyContext context) {
        metrics.recordRequest(context);
        if (interceptors.isEmpty()) {
            return;
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
