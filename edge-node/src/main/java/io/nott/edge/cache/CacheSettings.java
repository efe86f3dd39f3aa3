package io.nott.edge.cache;

import java.time.Duration;

/**
 * The node-wide cache settings (nginx's {@code proxy_cache_path}, {@code proxy_cache_key},
 * {@code proxy_cache_lock_timeout}, {@code proxy_cache_use_stale}).
 *
 * @param enabled          the cache as a whole
 * @param maxBytes         total bytes of bodies and headers kept ({@code max_size})
 * @param maxEntryBytes    larger responses stream through without being stored
 * @param key              the key template ({@code proxy_cache_key})
 * @param lockTimeout      how long concurrent misses wait for the one upstream request
 * @param inactive         entries not read for this long are dropped, fresh or not
 * @param staleOnError     serve a stale entry when the upstream fails (502)
 * @param staleOnTimeout   serve a stale entry when the upstream times out (504)
 * @param staleWhileUpdating serve a stale entry while another request refreshes it
 * @param bypassOnNoCache  a client's {@code Cache-Control: no-cache} or {@code Pragma: no-cache} skips the lookup
 */
public record CacheSettings(boolean enabled, long maxBytes, long maxEntryBytes, CacheKeyTemplate key,
        Duration lockTimeout, Duration inactive, boolean staleOnError, boolean staleOnTimeout,
        boolean staleWhileUpdating, boolean bypassOnNoCache) {

    public static CacheSettings defaults() {
        return new CacheSettings(true, 256L << 20, 16L << 20, CacheKeyTemplate.parse(CacheKeyTemplate.DEFAULT),
                Duration.ofSeconds(5), Duration.ofMinutes(10), true, true, true, true);
    }
}
