package io.nott.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store behind the cache interceptor: a Caffeine cache bounded in bytes (a weigher over
 * body and headers), plus the fills in progress, which are how concurrent misses for one key
 * become exactly one upstream request ({@code proxy_cache_lock}).
 *
 * <p>Expired entries stay until evicted or inactive, so they can be served stale. Large bodies are
 * kept in files ({@link BodyFiles}) when files are on, else off the heap ({@link OffHeapBodies}).
 */
public final class HttpCache implements AutoCloseable {

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
    private final BodyFiles files;

    /** @param files where large bodies go ({@link BodyFiles#none()}: all in memory); closed with the cache */
    public HttpCache(CacheSettings settings, Clock clock, BodyFiles files) {
        this.settings = settings;
        this.offHeap = OffHeapBodies.forCache(settings.maxBytes());
        this.files = files;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(settings.maxBytes())
                .weigher((String key, CacheEntry entry) -> entry.weight() + key.length())
                .removalListener((String key, CacheEntry entry, RemovalCause cause) -> {
                    if (entry != null) {
                        entry.dropped();
                    }
                })
                .expireAfterAccess(settings.inactive())
                // Caffeine's clock follows the injected one, so tests move time without sleeping.
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .build();
    }

    public CacheSettings settings() {
        return settings;
    }

    /** Where large bodies are kept (for tests and diagnostics). */
    BodyFiles files() {
        return files;
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

    /** The entry as kept: its body in a file when large and files are on, else off the heap when large. */
    private CacheEntry stored(CacheEntry entry) {
        BodyFile file = files.store(entry.body());
        return file != null ? entry.inFile(file) : entry.withBody(offHeap.adopt(entry.body()));
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

    /** Drops every entry and deletes the body files; responses still sending one finish from their open file. */
    @Override
    public void close() {
        entries.invalidateAll();
        files.close();
    }
}
