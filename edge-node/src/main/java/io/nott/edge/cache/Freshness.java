package io.nott.edge.cache;

import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * How long a response may be served from the cache, with nginx's precedence:
 * {@code X-Accel-Expires}, then {@code Cache-Control}, then {@code Expires}, then the route's
 * {@code proxy_cache_valid}. Responses that set cookies, vary on everything, or forbid caching
 * are never stored.
 */
public final class Freshness {

    /** Lifetime meaning "do not store". */
    public static final long NOT_CACHEABLE = -1;

    /** Statuses that upstream freshness headers may make cacheable (RFC 9111's heuristically cacheable set, without 206). */
    private static final Set<Integer> CACHEABLE_BY_HEADERS = Set.of(200, 203, 204, 300, 301, 302, 307, 308, 404, 405, 410, 414, 501);

    private Freshness() {
    }

    /** Milliseconds the response stays fresh from {@code nowMillis}, or {@link #NOT_CACHEABLE}. */
    public static long lifetimeMillis(int status, MultiMap headers, CachePolicy policy, long nowMillis) {
        if (status == 206 || headers.contains("Set-Cookie")) {
            return NOT_CACHEABLE;
        }
        String vary = headers.get("Vary");
        if (vary != null && vary.trim().equals("*")) {
            return NOT_CACHEABLE;
        }
        if (!policy.ignoreHeaders()) {
            long fromHeaders = fromHeaders(status, headers, nowMillis);
            if (fromHeaders != UNSPECIFIED) {
                return fromHeaders;
            }
        }
        Duration valid = policy.validFor(status);
        return valid == null || valid.isZero() || valid.isNegative() ? NOT_CACHEABLE : valid.toMillis();
    }

    /**
     * As {@link #lifetimeMillis(int, MultiMap, CachePolicy, long)} with units' {@code X-Accel-Expires}
     * (set in header_filter) in place of the upstream's: it ranks where the upstream's would.
     */
    public static long lifetimeMillis(int status, MultiMap headers, CachePolicy policy, long nowMillis,
            String unitAccelExpires) {
        if (unitAccelExpires == null) {
            return lifetimeMillis(status, headers, policy, nowMillis);
        }
        MultiMap withUnits = io.vertx.core.http.HttpHeaders.headers().addAll(headers);
        withUnits.set("X-Accel-Expires", unitAccelExpires);
        return lifetimeMillis(status, withUnits, policy, nowMillis);
    }

    private static final long UNSPECIFIED = Long.MIN_VALUE;

    private static long fromHeaders(int status, MultiMap headers, long nowMillis) {
        String accel = headers.get("X-Accel-Expires");
        if (accel != null) {
            try {
                String v = accel.trim();
                long seconds = v.startsWith("@") ? Long.parseLong(v.substring(1)) - nowMillis / 1000 : Long.parseLong(v);
                return seconds > 0 && CACHEABLE_BY_HEADERS.contains(status) ? seconds * 1000 : NOT_CACHEABLE;
            } catch (NumberFormatException ignored) {
                // nginx ignores a malformed X-Accel-Expires too
            }
        }
        String cacheControl = headers.get("Cache-Control");
        if (cacheControl != null) {
            long maxAge = UNSPECIFIED;
            for (String directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
                String d = directive.trim();
                if (d.equals("no-store") || d.equals("no-cache") || d.equals("private")
                        || d.startsWith("no-cache=") || d.startsWith("private=")) {
                    return NOT_CACHEABLE;
                }
                if (d.startsWith("s-maxage=")) {
                    maxAge = seconds(d.substring(9));
                } else if (d.startsWith("max-age=") && maxAge == UNSPECIFIED) {
                    maxAge = seconds(d.substring(8));
                }
            }
            if (maxAge != UNSPECIFIED) {
                return maxAge > 0 && CACHEABLE_BY_HEADERS.contains(status) ? maxAge * 1000 : NOT_CACHEABLE;
            }
        }
        String expires = headers.get("Expires");
        if (expires != null) {
            try {
                long at = ZonedDateTime.parse(expires.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return at > nowMillis && CACHEABLE_BY_HEADERS.contains(status) ? at - nowMillis : NOT_CACHEABLE;
            } catch (DateTimeParseException e) {
                return NOT_CACHEABLE; // an invalid Expires means "already expired" (RFC 9111 5.3)
            }
        }
        return UNSPECIFIED;
    }

    private static long seconds(String value) {
        try {
            return Long.parseLong(value.trim().replace("\"", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
