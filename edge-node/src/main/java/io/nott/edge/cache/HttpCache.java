package io.nott.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store behind the cache interceptor: a Caffeine cache bounded in bytes (a weigher over
 * body and headers), plus the fills in progress, which are how concurrent misses for one key
 * become exactly one upstream request ({@code proxy_cache_lock}).
 *
 * <p>Expired entries stay until evicted or inactive, so they can be served stale.
 */
public final class HttpCache {

    /** A fill in progress: completes with the stored entry, or null when nothing was stored. */
    public static final class Fill {
        private final CompletableFuture<CacheEntry> done = new CompletableFuture<>();

        public CompletableFuture<CacheEntry> done() {
            return done;
        }
    }

    private final Cache<String, CacheEntry> entries;
    private final ConcurrentHashMap<String, Fill> fills = new ConcurrentHashMap<>();
    private final CacheSettings settings;
    private final OffHeapBodies offHeap;

    public HttpCache(CacheSettings settings, Clock clock) {
        this.settings = settings;
        this.offHeap = OffHeapBodies.forCache(settings.maxBytes());
        this.entries = Caffeine.newBuilder()
                .maximumWeight(settings.maxBytes())
                .weigher((String key, CacheEntry entry) -> entry.weight() + key.length())
                .expireAfterAccess(settings.inactive())
                // Caffeine's clock follows the injected one, so tests move time without sleeping.
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .build();
    }

    public CacheSettings settings() {
        return settings;
    }

    public CacheEntry get(String key) {
        return entries.getIfPresent(key);
    }

    /** Starts a fill for {@code key}; null when another request is already filling it. */
    public Fill tryLock(String key) {
        Fill mine = new Fill();
        return fills.putIfAbsent(key, mine) == null ? mine : null;
    }

    /** The fill in progress for {@code key}, or null. */
    public Fill fillOf(String key) {
        return fills.get(key);
    }

    /** Ends a fill: stores the entry (when not null) first, then wakes the waiters. */
    public void complete(String key, Fill fill, CacheEntry entry) {
        CacheEntry kept = entry == null ? null : stored(entry);
        if (kept != null) {
            entries.put(key, kept);
        }
        fills.remove(key, fill);
        fill.done.complete(kept);
    }

    /** Stores without a fill (a BYPASS response that may be cached). */
    public void put(String key, CacheEntry entry) {
        entries.put(key, stored(entry));
    }

    /** The entry as kept: its body off the heap when large ({@link OffHeapBodies}). */
    private CacheEntry stored(CacheEntry entry) {
        return entry.withBody(offHeap.adopt(entry.body()));
    }

    public long weightedSize() {
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    public long entryCount() {
        return entries.estimatedSize();
    }

    public void invalidateAll() {
        entries.invalidateAll();
    }
}
