package io.nott.edge.proxy;

/** Chooses a request's origin (nginx's {@code location} matching); injected into {@link EdgeProxy}. */
@FunctionalInterface
public interface OriginSelector {

    /**
     * The origin for a request's normalised path ({@link RequestUri#path()}, nginx's {@code $uri}),
     * or null when the proxy does not handle it (it goes on to the next Vert.x route).
     */
    ProxyOrigin select(String path);
}
