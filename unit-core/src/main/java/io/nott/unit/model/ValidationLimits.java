package io.nott.unit.model;

/**
 * Bounds the {@link UnitValidator} enforces; the registry maps them from its configuration.
 *
 * @param maxCodeBytes    largest accepted Lua source in UTF-8 bytes
 * @param maxInstructions largest instruction budget a unit may ask for
 * @param maxWallMillis   largest wall-clock budget a unit may ask for
 * @param maxHosts        most host patterns per unit
 */
public record ValidationLimits(int maxCodeBytes, long maxInstructions, long maxWallMillis, int maxHosts) {

    /** 64 KiB of code, 50 million instructions, 1 second, 64 host patterns. */
    public static final ValidationLimits DEFAULT = new ValidationLimits(64 * 1024, 50_000_000L, 1_000L, 64);
}
