package io.nott.edge.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.buffer.Buffer;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

/**
 * Keeps large cached bodies outside the Java heap. The epoll transport writes a direct buffer to
 * the socket as it is, but copies a heap buffer into a pooled direct one first, on every response:
 * measured with perf on the 100 KB segment row of edge-latency.sh, that copy (the JIT's arraycopy
 * stub under {@code PoolArena.allocate}) was 11 % of the edge's CPU. A body copied off the heap
 * once, when it is stored, is sent without it. It also keeps the cache's bytes out of the GC's way.
 *
 * <p>The memory is a JDK direct {@link ByteBuffer}, freed by the GC once nothing refers to it, never
 * explicitly: an evicted entry's body may still be queued on a slow client's connection, and only
 * reachability can tell when it is not. Evicted bodies therefore outlive their entry until a
 * collection finds them; the bytes held off the heap (live or awaiting the GC) are kept under
 * {@link #budgetBytes}, past which bodies stay on the heap, as they were: the JDK would otherwise
 * force a full collection, with sleeps, on the thread that asked (the event loop). Small bodies
 * stay on the heap too: their copy costs little and a direct buffer each would cost the GC a cleaner.
 */
final class OffHeapBodies {

    /** Below this a body stays on the heap (playlists, manifests). */
    static final int MIN_BYTES = 16 * 1024;
    private static final BufferPoolMXBean DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> "direct".equals(pool.getName())).findFirst().orElse(null);

    private final long budgetBytes;

    private OffHeapBodies(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** For a cache bounded by {@code cacheMaxBytes} ({@code max_size}): no more than that off the heap, nor half the JVM's direct memory. */
    static OffHeapBodies forCache(long cacheMaxBytes) {
        return withBudget(Math.min(cacheMaxBytes, PlatformDependent.maxDirectMemory() / 2));
    }

    static OffHeapBodies withBudget(long budgetBytes) {
        return new OffHeapBodies(budgetBytes);
    }

    long budgetBytes() {
        return budgetBytes;
    }

    /** The body to store: a direct copy when it is large and the budget has room, else {@code body} itself. */
    Buffer adopt(Buffer body) {
        int length = body.length();
        if (length < MIN_BYTES || DIRECT == null || DIRECT.getMemoryUsed() + length > budgetBytes) {
            return body;
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(length);
        body.getByteBuf().getBytes(0, direct);
        direct.flip();
        // Unreleasable: Netty releases what it wrote; the memory is the GC's to free (see above).
        ByteBuf stored = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
        return Buffer.buffer(stored);
    }
}
