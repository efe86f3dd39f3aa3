package io.nott.edge.cache;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's cache rules, nginx style.
 *
 * @param enabled       whether the route uses the cache at all ({@code proxy_cache})
 * @param valid         {@code proxy_cache_valid}: status to lifetime, used when the upstream sends no
 *                      freshness headers (or always, when {@code ignoreHeaders})
 * @param validAny      {@code proxy_cache_valid any ...}: lifetime for every other status, or null
 * @param ignoreHeaders {@code proxy_ignore_headers Cache-Control Expires}: the route's rules win over the upstream
 */
public record CachePolicy(boolean enabled, Map<Integer, Duration> valid, Duration validAny, boolean ignoreHeaders) {

    public static final CachePolicy DISABLED = new CachePolicy(false, Map.of(), null, false);

    public CachePolicy {
        valid = Map.copyOf(valid);
    }

    /**
     * Parses {@code proxy_cache_valid}-like entries: {@code "200 302=10m"}, {@code "404=1m"},
     * {@code "any=30s"}; durations in nginx units ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}).
     */
    public static CachePolicy parse(boolean enabled, List<String> entries, boolean ignoreHeaders) {
        Map<Integer, Duration> valid = new HashMap<>();
        Duration any = null;
        for (String entry : entries) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("cache-valid entry '" + entry
                        + "' must look like '200 302=10m' or 'any=1m'");
            }
            Duration lifetime = NginxDuration.parse(trimmed.substring(eq + 1).trim());
            for (String code : trimmed.substring(0, eq).trim().split("[\\s]+")) {
                if (code.equalsIgnoreCase("any")) {
                    any = lifetime;
                } else {
                    try {
                        int status = Integer.parseInt(code);
                        if (status < 100 || status > 599) {
                            throw new NumberFormatException();
                        }
                        valid.put(status, lifetime);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("cache-valid entry '" + entry + "': '" + code
                                + "' is neither an HTTP status (100-599) nor 'any'");
                    }
                }
            }
        }
        return new CachePolicy(enabled, valid, any, ignoreHeaders);
    }

    /** The configured lifetime for a status, or null. */
    public Duration validFor(int status) {
        Duration d = valid.get(status);
        return d != null ? d : validAny;
    }
}
