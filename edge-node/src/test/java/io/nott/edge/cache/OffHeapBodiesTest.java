package io.nott.edge.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class OffHeapBodiesTest {

    private static Buffer randomBody(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Buffer.buffer(bytes);
    }

    @Test
    void aLargeBodyIsKeptOffTheHeapWithTheSameBytes() {
        Buffer body = randomBody(100 * 1024);
        Buffer kept = OffHeapBodies.withBudget(Long.MAX_VALUE).adopt(body);

        assertTrue(kept.getByteBuf().isDirect(), "the epoll transport writes a direct buffer without copying it");
        assertArrayEquals(body.getBytes(), kept.getBytes());
        // Written twice (two clients): Netty releases what it wrote, the stored bytes must survive it.
        kept.getByteBuf().release();
        assertArrayEquals(body.getBytes(), kept.getBytes());
    }

    @Test
    void aSmallBodyStaysAsItIs() {
        Buffer body = randomBody(OffHeapBodies.MIN_BYTES - 1);
        assertSame(body, OffHeapBodies.withBudget(Long.MAX_VALUE).adopt(body));
    }

    @Test
    void aBodyPastTheBudgetStaysOnTheHeap() {
        Buffer body = randomBody(OffHeapBodies.MIN_BYTES * 4);
        Buffer kept = OffHeapBodies.withBudget(OffHeapBodies.MIN_BYTES).adopt(body);
        assertSame(body, kept);
        assertFalse(kept.getByteBuf().isDirect());
    }

    @Test
    void theBudgetIsTheCacheBoundAtMost() {
        assertTrue(OffHeapBodies.forCache(1024 * 1024).budgetBytes() <= 1024 * 1024);
    }
}
