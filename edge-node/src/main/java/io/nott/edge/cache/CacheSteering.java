package io.nott.edge.cache;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * What units decided about one request's caching, attached to its context before the cache
 * sees it: nginx's {@code proxy_cache_bypass} and {@code proxy_no_cache} predicates, a
 * {@code proxy_cache_key} of their own, the upstream group they chose (so two groups' answers
 * never share an entry), and, when header_filter units run for the request, the
 * {@code X-Accel-Expires} they set, which the store waits for.
 */
public final class CacheSteering {

    private final boolean bypass;
    private final boolean noCache;
    private final String key;
    private final String upstream;
    private final Promise<String> headerTtl;

    /**
     * @param bypass          skip the lookup (the answer may still be stored): {@code BYPASS}
     * @param noCache         never store the answer
     * @param key             the cache key instead of {@code edge.cache.key}'s, or null
     * @param upstream        the upstream group units chose when it is not the route's, or null
     * @param awaitHeaderTtl  header_filter units run for this request: storing waits for
     *                        {@link #headersDecided} and honours their {@code X-Accel-Expires}
     */
    public CacheSteering(boolean bypass, boolean noCache, String key, String upstream, boolean awaitHeaderTtl) {
        this.bypass = bypass;
        this.noCache = noCache;
        this.key = key;
        this.upstream = upstream;
        this.headerTtl = awaitHeaderTtl ? Promise.promise() : null;
    }

    /** nginx's predicate truth: set, not empty and not "0". */
    public static boolean truthy(String value) {
        return value != null && !value.isEmpty() && !value.equals("0");
    }

    public boolean bypass() {
        return bypass;
    }

    public boolean noCache() {
        return noCache;
    }

    /** True when any of this changes what the cache does beyond a header_filter TTL. */
    public boolean steers() {
        return bypass || noCache || key != null || upstream != null;
    }

    /** The key for this request: units' own or the template's, tagged with a unit-chosen upstream group. */
    String key(String templateKey) {
        String base = key != null ? key : templateKey;
        return upstream == null ? base : base + " upstream=" + upstream;
    }

    boolean awaitsHeaders() {
        return headerTtl != null;
    }

    /** Completes when header_filter has run: the {@code X-Accel-Expires} units set, or null. */
    Future<String> headerTtl() {
        return headerTtl.future();
    }

    /** Called once header_filter has run (or failed) with the {@code X-Accel-Expires} units set, or null. */
    public void headersDecided(String xAccelExpires) {
        if (headerTtl != null) {
            headerTtl.tryComplete(xAccelExpires);
        }
    }
}
