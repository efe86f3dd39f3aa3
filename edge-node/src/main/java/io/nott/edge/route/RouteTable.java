package io.nott.edge.route;

import java.util.Comparator;
import java.util.List;

/** Routes by path prefix, longest prefix first; {@code /q/*} always stays Quarkus'. */
public final class RouteTable {

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

    public List<Route> routes() {
        return List.of(routes);
    }
}
