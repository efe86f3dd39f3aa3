package io.nott.edge.cache;

import io.vertx.core.MultiMap;
import java.util.Locale;

/**
 * RFC 9111 §3.5: a shared cache stores a response to a request carrying {@code Authorization}
 * only when the response says {@code public}, {@code s-maxage} or {@code must-revalidate};
 * otherwise it was meant for that user alone and must never reach another client. nginx does
 * not check this (it caches whatever the freshness rules allow); the edge does, whatever the
 * route's {@code cache-valid} or {@code cache-ignore-headers} say.
 */
final class SharedCacheAuthorization {

    private SharedCacheAuthorization() {
    }

    /** True when the response may be stored for a request that carried credentials. */
    static boolean storableForAuthorizedRequest(MultiMap responseHeaders) {
        for (String cacheControl : responseHeaders.getAll("Cache-Control")) {
            for (String directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
                String d = directive.trim();
                if (d.equals("public") || d.equals("must-revalidate") || d.startsWith("s-maxage=")) {
                    return true;
                }
            }
        }
        return false;
    }
}
