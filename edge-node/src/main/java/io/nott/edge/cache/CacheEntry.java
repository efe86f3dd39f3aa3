package io.nott.edge.cache;

import io.nott.edge.proxy.ResponseBody;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * One stored response. Its body is either in memory ({@code body}; written to every client as is,
 * Vert.x sends a view of it, so a body lives in memory once; a large one off the heap,
 * {@link OffHeapBodies}) or, when large and files are on, in a file ({@code file}; sent with sendfile,
 * {@link BodyFiles}). Exactly one of the two is set.
 */
public record CacheEntry(int status, MultiMap headers, Buffer body, BodyFile file, long storedAtMillis,
        long freshUntilMillis) {

    private static final int OVERHEAD = 256;

    /** An entry whose body is in memory, as it comes from the upstream. */
    public CacheEntry(int status, MultiMap headers, Buffer body, long storedAtMillis, long freshUntilMillis) {
        this(status, headers, body, null, storedAtMillis, freshUntilMillis);
    }

    /** The same entry with {@code newBody} (the same bytes, kept elsewhere in memory). */
    CacheEntry withBody(Buffer newBody) {
        return newBody == body ? this : new CacheEntry(status, headers, newBody, null, storedAtMillis, freshUntilMillis);
    }

    /** The same entry with its body in {@code bodyFile} instead of memory. */
    CacheEntry inFile(BodyFile bodyFile) {
        return new CacheEntry(status, headers, null, bodyFile, storedAtMillis, freshUntilMillis);
    }

    /** The body for one response; null when its file went meanwhile (the entry was evicted since it was read). */
    ResponseBody responseBody() {
        return file == null ? new ResponseBody.Full(body) : file.lease();
    }

    /** The cache let the entry go (evicted, replaced, dropped): its file goes once no response sends it. */
    void dropped() {
        if (file != null) {
            file.dropped();
        }
    }

    public boolean isFresh(long nowMillis) {
        return nowMillis < freshUntilMillis;
    }

    /** Bytes this entry costs, for the cache's byte bound (a body in a file counts as much as one in memory). */
    public int weight() {
        long size = OVERHEAD + (file == null ? body.length() : file.length());
        for (Map.Entry<String, String> header : headers) {
            size += header.getKey().length() + header.getValue().length() + 32;
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }
}
