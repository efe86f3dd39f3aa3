package io.nott.edge.cache;

/** nginx's {@code $upstream_cache_status} words, sent as {@code X-Cache-Status}. */
public enum CacheStatus {
    /** Fresh entry served from the cache. */
    HIT,
    /** No entry; the response came from the upstream. */
    MISS,
    /** The entry had expired; the response is a fresh one from the upstream. */
    EXPIRED,
    /** The entry had expired and the upstream failed or timed out, so the old entry was served. */
    STALE,
    /** The entry had expired and another request is refreshing it, so the old entry was served. */
    UPDATING,
    /** The cache was skipped on purpose (e.g. the client asked for {@code Cache-Control: no-cache}). */
    BYPASS
}
