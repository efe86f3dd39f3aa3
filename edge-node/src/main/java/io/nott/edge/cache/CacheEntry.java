package io.nott.edge.cache;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * One stored response. The body buffer is written to every client as is (Vert.x sends a
 * view of it), so a segment lives in memory once; a large one off the heap ({@link OffHeapBodies}).
 */
public record CacheEntry(int status, MultiMap headers, Buffer body, long storedAtMillis, long freshUntilMillis) {

    private static final int OVERHEAD = 256;

    /** The same entry with {@code newBody} (the same bytes, kept elsewhere). */
    CacheEntry withBody(Buffer newBody) {
        return newBody == body ? this : new CacheEntry(status, headers, newBody, storedAtMillis, freshUntilMillis);
    }

    public boolean isFresh(long nowMillis) {
        return nowMillis < freshUntilMillis;
    }

    /** Bytes this entry costs, for the cache's byte bound. */
    public int weight() {
        long size = OVERHEAD + body.length();
        for (Map.Entry<String, String> header : headers) {
            size += header.getKey().length() + header.getValue().length() + 32;
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }
}
