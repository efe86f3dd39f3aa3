package io.nott.unit.runtime;

import java.util.List;

/**
 * The result of body_filter units on one chunk: the chunk to send (possibly changed), whether it
 * is the last one ({@code ngx.arg[2]}), and the outcomes.
 */
public record BodyChunk(byte[] data, boolean eof, List<UnitOutcome> outcomes) {
}
