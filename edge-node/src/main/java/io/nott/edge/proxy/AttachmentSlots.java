package io.nott.edge.proxy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives every attachment type a small fixed index for the life of the JVM, so a
 * {@link ProxyContext} stores its attachments in a few fields instead of a map per request.
 */
final class AttachmentSlots {

    private static final AtomicInteger NEXT = new AtomicInteger();

    private static final ClassValue<Integer> SLOTS = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            return NEXT.getAndIncrement();
        }
    };

    private AttachmentSlots() {
    }

    static int of(Class<?> type) {
        return SLOTS.get(type);
    }
}
