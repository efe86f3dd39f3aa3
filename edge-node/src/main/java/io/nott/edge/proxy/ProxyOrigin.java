package io.nott.edge.proxy;

import io.vertx.core.Future;

/**
 * Where a request goes after the last interceptor (nginx's {@code proxy_pass} target of a
 * {@code location}): in this node a route and its upstream group. The proxy core only sees this
 * interface; which origins exist and how they talk to servers is decided outside it.
 */
public interface ProxyOrigin {

    /** The name in metrics and in {@code ngx.var.route}. */
    String name();

    /** The upstream group requests go to ({@code ngx.var.upstream}), or null for an origin that has none. */
    default String upstreamName() {
        return null;
    }

    /** Sends the context's request to a server; fails with a {@link ProxyException} (502/504). */
    Future<ProxyResponse> send(ProxyContext context);
}
