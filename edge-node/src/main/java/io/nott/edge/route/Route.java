package io.nott.edge.route;

import io.nott.edge.cache.CachePolicy;
import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.ProxyOrigin;
import io.nott.edge.proxy.ProxyResponse;
import io.nott.edge.upstream.Upstream;
import io.vertx.core.Future;

/**
 * A configured route: requests whose path starts with {@code prefix} (as a whole segment) go
 * to {@code upstream} unchanged, under the route's cache policy. The proxy sees it as its
 * {@link ProxyOrigin}.
 */
public record Route(String name, String prefix, Upstream upstream, CachePolicy cache) implements ProxyOrigin {

    /** True when the normalised {@code path} is the prefix itself or continues it with {@code /}. */
    public boolean matches(String path) {
        if (prefix.equals("/")) {
            return true;
        }
        if (!path.startsWith(prefix)) {
            return false;
        }
        if (path.length() == prefix.length() || prefix.endsWith("/")) {
            return true;
        }
        // The path is nginx's $uri (no query; a decoded %3F is a file name byte, not a separator).
        return path.charAt(prefix.length()) == '/';
    }

    @Override
    public String upstreamName() {
        return upstream.name();
    }

    /** This route sending to another group: same name, prefix and cache rules. */
    public Route withUpstream(Upstream other) {
        return other == upstream ? this : new Route(name, prefix, other, cache);
    }

    @Override
    public Future<ProxyResponse> send(ProxyContext context) {
        return upstream.send(context);
    }
}
