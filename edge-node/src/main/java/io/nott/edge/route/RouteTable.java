package io.nott.edge.route;

import io.nott.edge.cache.CachePolicy;
import io.nott.edge.proxy.OriginSelector;
import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.ProxyOrigin;
import java.util.Comparator;
import java.util.List;

/**
 * Routes by path prefix, longest prefix first; {@code /q/*} always stays Quarkus'. The proxy's
 * {@link OriginSelector}, and the cache's source of each request's {@link CachePolicy}.
 */
public final class RouteTable implements OriginSelector {

    private final Route[] routes;

    public RouteTable(List<Route> routes) {
        this.routes = routes.stream()
                .sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed())
                .toArray(Route[]::new);
    }

    /** The route for a request path, or null when none matches (or the path is Quarkus' own). */
    public Route match(String path) {
        if (path.startsWith("/q/") || path.equals("/q")) {
            return null;
        }
        for (Route route : routes) {
            if (route.matches(path)) {
                return route;
            }
        }
        return null;
    }

    @Override
    public ProxyOrigin select(String path) {
        return match(path);
    }

    /** The cache rules of the request's route; none for an origin that is not a route. */
    public CachePolicy cachePolicy(ProxyContext context) {
        return context.origin() instanceof Route route ? route.cache() : CachePolicy.DISABLED;
    }

    public List<Route> routes() {
        return List.of(routes);
    }
}
