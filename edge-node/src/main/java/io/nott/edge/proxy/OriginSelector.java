package io.nott.edge.proxy;

import io.vertx.core.http.HttpServerRequest;

/** Chooses a request's origin (nginx's {@code location} matching); injected into {@link EdgeProxy}. */
@FunctionalInterface
public interface OriginSelector {

    /** The origin for this request, or null when the proxy does not handle it (it goes on to the next Vert.x route). */
    ProxyOrigin select(HttpServerRequest request);
}
