package io.nott.unit.sandbox;

/**
 * The node's grant of memory to one unit call (issue #15's admission): the call starts with a
 * small grant and asks for more as its charged and measured allocation crosses it. Implemented by
 * the runtime's {@code MemoryAdmission}; the sandbox only asks.
 */
public interface MemoryLease {

    /** Bytes granted now. */
    long granted();

    /**
     * Grows the grant to at least {@code bytes} without blocking; returns the bytes granted now,
     * or -1 when the node cannot grant that much (the call then ends as overloaded).
     */
    long cover(long bytes);
}
