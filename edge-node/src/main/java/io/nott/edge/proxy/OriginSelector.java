package io.nott.edge.proxy;

/** Chooses a request's origin (nginx's {@code location} matching); injected into {@link EdgeProxy}. */
@FunctionalInterface
public interface OriginSelector {

    /**
     * The origin for a request's normalised path ({@link RequestUri#path()}, nginx's {@code $uri}),
     * or null when the proxy does not handle it (it goes on to the next Vert.x route).
     */
    ProxyOrigin select(String path);

    /**
     * The origin that sends what {@code origin} would send to the upstream group named
     * {@code upstream} instead (units' {@code ngx.var.upstream}), or null when no such group is
     * configured. The default knows no groups.
     */
    default ProxyOrigin withUpstream(ProxyOrigin origin, String upstream) {
        return null;
    }

    /** Names of the upstream groups {@link #withUpstream} accepts, for error messages. */
    default java.util.Set<String> upstreamNames() {
        return java.util.Set.of();
    }
}
