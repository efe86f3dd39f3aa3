package io.nott.edge.route;

import io.nott.edge.cache.CachePolicy;
import io.nott.edge.proxy.OriginSelector;
import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.ProxyOrigin;
import java.util.Comparator;
import io.nott.edge.upstream.Upstream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Routes by path prefix, longest prefix first; {@code /q/*} always stays Quarkus'. The proxy's
 * {@link OriginSelector}, and the cache's source of each request's {@link CachePolicy}.
 */
public final class RouteTable implements OriginSelector {

    private final Route[] routes;
    private final Map<String, Upstream> upstreams;

    public RouteTable(List<Route> routes) {
        this(routes, Map.of());
    }

    /**
     * @param upstreams every configured upstream group by name, the ones units may choose with
     *                  {@code ngx.var.upstream} (the routes' own groups are always among them)
     */
    public RouteTable(List<Route> routes, Map<String, Upstream> upstreams) {
        this.routes = routes.stream()
                .sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed())
                .toArray(Route[]::new);
        Map<String, Upstream> all = new TreeMap<>(upstreams);
        for (Route route : routes) {
            all.putIfAbsent(route.upstream().name(), route.upstream());
        }
        this.upstreams = Map.copyOf(all);
        this.names = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(all.keySet()));
    }

    private final Set<String> names;

    @Override
    public ProxyOrigin withUpstream(ProxyOrigin origin, String upstream) {
        Upstream group = upstreams.get(upstream);
        return group != null && origin instanceof Route route ? route.withUpstream(group) : null;
    }

    @Override
    public Set<String> upstreamNames() {
        return names;
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
