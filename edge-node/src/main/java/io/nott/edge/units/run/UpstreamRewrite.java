package io.nott.edge.units.run;

import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.RequestUri;
import io.nott.unit.runtime.RequestState;
import io.vertx.core.http.HttpMethod;

/**
 * What the request phases changed about the request itself ({@code ngx.req.set_uri},
 * {@code set_method}, {@code set_uri_args}, {@code ngx.var.args = v}), applied to what the cache
 * and the origin see, as nginx builds its upstream request from the changed {@code $uri},
 * {@code $args} and method. A unit-set path is escaped as a client's normalised path is.
 */
final class UpstreamRewrite {

    private UpstreamRewrite() {
    }

    static void apply(ProxyContext context, RequestState state) {
        String path = state.uri();
        boolean argsChanged = state.argsChanged();
        String method = state.method();
        if (path == null && !argsChanged && method == null) {
            return;
        }
        RequestUri current = context.uri();
        String query = argsChanged ? state.args() : current.query();
        RequestUri next;
        if (path != null) {
            next = RequestUri.rewritten(path, query);
        } else {
            next = new RequestUri(current.path(), current.forwarded(), query == null || query.isEmpty() ? null : query);
        }
        context.rewrite(next, method == null ? null : HttpMethod.valueOf(method));
        if (state.jumped()) {
            context.reroute(); // nginx re-matches locations by the new $uri
        }
    }
}
