package io.nott.edge.route;

import io.nott.edge.cache.CachePolicy;
import io.nott.edge.upstream.Upstream;

/**
 * A configured route: requests whose path starts with {@code prefix} (as a whole segment) go
 * to {@code upstream} unchanged, under the route's cache policy.
 */
public record Route(String name, String prefix, Upstream upstream, CachePolicy cache) {

    /** True when {@code path} is the prefix itself or continues it with {@code /}. */
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
        char after = path.charAt(prefix.length());
        return after == '/' || after == '?';
    }
}
